import { EmbedderInfo } from '@rag/contracts';

/** Port: turns texts into L2-normalised vectors of `info.dimensions`. */
export interface Embedder {
  readonly info: EmbedderInfo;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export const EMBEDDER = Symbol('EMBEDDER');

export interface EmbedderConfig {
  provider: 'local' | 'openai';
  model: string;
  /** Unset for `openai`: learnt from the server's first vector (and not sent, which some servers refuse). */
  dimensions?: number;
  batchSize: number;
  openai?: { apiKey: string; baseUrl?: string; maxRetries: number; timeoutMs: number };
}
