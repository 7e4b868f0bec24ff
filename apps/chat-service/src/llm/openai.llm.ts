import { CompletionChunk, OpenAiAdapter } from '@rag/ai';
import { REWRITE_PROMPT } from '../prompt/system-prompt';
import { concatRewrite, GenerationInput, LlmProvider } from './llm-provider';

/** Any OpenAI-compatible chat model, streamed; the adapter retries 429/5xx before the first token. */
export class OpenAiLlm implements LlmProvider {
  readonly name = 'openai';

  constructor(
    private readonly api: OpenAiAdapter,
    private readonly model: string,
    private readonly maxTokens: number,
  ) {}

  generate(input: GenerationInput, signal: AbortSignal): AsyncIterable<CompletionChunk> {
    return this.api.streamChat(this.model, input.messages, signal, this.maxTokens);
  }

  async rewrite(question: string, history: Array<{ role: 'user' | 'assistant'; content: string }>): Promise<string> {
    try {
      const transcript = history.map((h) => `${h.role}: ${h.content.slice(0, 1000)}`).join('\n');
      const out = await this.api.complete(
        this.model,
        [
          { role: 'system', content: REWRITE_PROMPT },
          { role: 'user', content: `Conversation:\n${transcript}\n\nLast question: ${question}` },
        ],
        120,
      );
      return out.trim() || concatRewrite(question, history);
    } catch {
      return concatRewrite(question, history);
    }
  }
}
