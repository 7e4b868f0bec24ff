import { z } from 'zod';
import { EmbedderConfig } from './embedder';

/** Embedder settings shared by ingest (documents) and retrieval (queries): both must agree. */
export const embedderEnvShape = {
  EMBEDDER: z.enum(['local', 'openai']).default('local'),
  EMBEDDING_MODEL: z.string().default('text-embedding-3-large'),
  EMBEDDING_DIMENSIONS: z.coerce.number().int().min(8).max(8192).optional(),
  EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(128),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
};

type EmbedderEnv = z.infer<z.ZodObject<typeof embedderEnvShape>>;

export function openAiConnection(e: EmbedderEnv) {
  return e.OPENAI_API_KEY
    ? {
        apiKey: e.OPENAI_API_KEY,
        baseUrl: e.OPENAI_BASE_URL,
        maxRetries: e.OPENAI_MAX_RETRIES,
        timeoutMs: e.OPENAI_TIMEOUT_MS,
      }
    : undefined;
}

export function toEmbedderConfig(e: EmbedderEnv): EmbedderConfig {
  return {
    provider: e.EMBEDDER,
    model: e.EMBEDDER === 'local' ? 'local-hash-v1' : e.EMBEDDING_MODEL,
    dimensions: e.EMBEDDING_DIMENSIONS ?? (e.EMBEDDER === 'local' ? 512 : undefined),
    batchSize: e.EMBEDDING_BATCH_SIZE,
    openai: openAiConnection(e),
  };
}

/** Conditional check: the openai provider cannot start without a key. */
export function checkEmbedderEnv(e: EmbedderEnv, ctx: z.RefinementCtx): void {
  if (e.EMBEDDER === 'openai' && !e.OPENAI_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'required when EMBEDDER=openai' });
  }
}
