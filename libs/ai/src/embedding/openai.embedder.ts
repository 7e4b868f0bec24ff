import { OpenAiAdapter } from '../openai/openai.adapter';
import { Embedder } from './embedder';

/** Embeddings from an OpenAI-compatible API, batched; retries come from the adapter. */
export class OpenAiEmbedder implements Embedder {
  readonly info;

  constructor(
    private readonly api: OpenAiAdapter,
    private readonly model: string,
    private readonly dimensions: number,
    private readonly batchSize: number,
  ) {
    this.info = { id: `openai:${model}`, dimensions };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      const vectors = await this.api.embed(this.model, batch, this.dimensions);
      if (vectors.length !== batch.length) throw new Error(`embedding API returned ${vectors.length} vectors for ${batch.length} inputs`);
      for (const v of vectors) {
        if (v.length !== this.dimensions) {
          throw new Error(`embedding API returned ${v.length} dimensions, configured ${this.dimensions}`);
        }
        out.push(normalise(Float32Array.from(v)));
      }
    }
    return out;
  }
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}
