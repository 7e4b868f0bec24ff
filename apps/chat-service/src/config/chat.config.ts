import { OpenAiConnection } from '@rag/ai';
import { BaseConfig, baseEnvShape, env, loadConfig, toBaseConfig } from '@rag/platform';
import { z } from 'zod';

export interface ChatConfig extends BaseConfig {
  provider: 'extractive' | 'openai';
  model: string;
  maxCompletionTokens: number;
  openai?: OpenAiConnection;
  retrievalTimeoutMs: number;
  conversation: { ttlSeconds: number; maxTurns: number };
}

const schema = z
  .object({
    ...baseEnvShape,
    LLM_PROVIDER: z.enum(['extractive', 'openai']).optional(),
    LLM_MODEL: env.str('gpt-4o-mini'),
    LLM_MAX_TOKENS: env.int(800, 16, 32_000),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.url().optional(),
    OPENAI_MAX_RETRIES: env.int(3, 0, 10),
    OPENAI_TIMEOUT_MS: env.int(120_000, 1000),
    RETRIEVAL_TIMEOUT_MS: env.int(10_000, 100),
    CONVERSATION_TTL_SECONDS: env.int(7 * 24 * 3600, 60),
    CONVERSATION_MAX_TURNS: env.int(20, 2, 200),
  })
  .superRefine((e, ctx) => {
    if (e.LLM_PROVIDER === 'openai' && !e.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'required when LLM_PROVIDER=openai' });
    }
  })
  .transform((e): ChatConfig => ({
    ...toBaseConfig(e),
    // Without an explicit choice: the LLM when a key is configured, else the offline extractive answerer.
    provider: e.LLM_PROVIDER ?? (e.OPENAI_API_KEY ? 'openai' : 'extractive'),
    model: e.LLM_MODEL,
    maxCompletionTokens: e.LLM_MAX_TOKENS,
    openai: e.OPENAI_API_KEY
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseUrl: e.OPENAI_BASE_URL,
          maxRetries: e.OPENAI_MAX_RETRIES,
          timeoutMs: e.OPENAI_TIMEOUT_MS,
        }
      : undefined,
    retrievalTimeoutMs: e.RETRIEVAL_TIMEOUT_MS,
    conversation: { ttlSeconds: e.CONVERSATION_TTL_SECONDS, maxTurns: e.CONVERSATION_MAX_TURNS },
  }));

export const loadChatConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(schema, source);
export const CHAT_CONFIG = Symbol('CHAT_CONFIG');
