import { ChatMessage, CompletionChunk } from '@rag/ai';
import { Citation } from '@rag/contracts';

export interface GenerationInput {
  messages: ChatMessage[];
  question: string;
  sources: Citation[];
}

/** Port: produces the answer text in pieces, as soon as each is available. */
export interface LlmProvider {
  readonly name: string;
  generate(input: GenerationInput, signal: AbortSignal): AsyncIterable<CompletionChunk>;
  /** Standalone question from a follow-up; providers without a model concatenate. */
  rewrite(question: string, history: Array<{ role: 'user' | 'assistant'; content: string }>): Promise<string>;
}

export const LLM_PROVIDER = Symbol('LLM_PROVIDER');

/** Offline rewrite: the previous user question gives the follow-up its subject. */
export function concatRewrite(
  question: string,
  history: Array<{ role: 'user' | 'assistant'; content: string }>,
): string {
  const lastUser = [...history].reverse().find((h) => h.role === 'user');
  return lastUser ? `${lastUser.content.slice(0, 500)} ${question}` : question;
}
