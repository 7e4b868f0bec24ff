import { OpenAiAdapter } from '../openai/openai.adapter';
import { Embedder } from './embedder';

/** Embeddings from an OpenAI-compatible API, batched; retries come from the adapter. */
export class OpenAiEmbedder implements Embedder {
  readonly info;

  /**
   * `askForDimensions`: send `dimensions` (OpenAI's text-embedding-3 models shorten their vectors); when the
   * size was learnt from the server instead, none is sent (Ollama, TEI, vLLM serve one size per model).
   */
  constructor(
    private readonly api: OpenAiAdapter,
    private readonly model: string,
    private readonly dimensions: number,
    private readonly batchSize: number,
    private readonly askForDimensions = true,
  ) {
    this.info = { id: `openai:${model}`, dimensions };
  }

  /** An embedder of the configured dimensions, or of those the server's vector for a probe text has. */
  static async connect(
    api: OpenAiAdapter,
    model: string,
    dimensions: number | undefined,
    batchSize: number,
  ): Promise<OpenAiEmbedder> {
    if (dimensions) return new OpenAiEmbedder(api, model, dimensions, batchSize);
    let probe: number[][];
    try {
      probe = await api.embed(model, ['dimension probe']);
    } catch (err) {
      throw new Error(
        `could not learn the dimensions of embedding model "${model}" from its server (set EMBEDDING_DIMENSIONS to start without asking): ${(err as Error).message}`,
      );
    }
    if (probe.length !== 1 || !probe[0].length)
      throw new Error(`embedding server returned no vector for a probe text of model "${model}"`);
    return new OpenAiEmbedder(api, model, probe[0].length, batchSize, false);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      const vectors = await this.api.embed(this.model, batch, this.askForDimensions ? this.dimensions : undefined);
      if (vectors.length !== batch.length)
        throw new Error(`embedding API returned ${vectors.length} vectors for ${batch.length} inputs`);
      for (const v of vectors) {
        if (v.length !== this.dimensions) {
          throw new Error(`embedding API returned ${v.length} dimensions, expected ${this.dimensions}`);
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
