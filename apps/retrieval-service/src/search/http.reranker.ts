import { plainChunkText } from '@rag/ai';
import { FusedCandidate } from './fusion';
import { RankedCandidate, Reranker } from './lexical.reranker';

export interface HttpRerankerSettings {
  /** The rerank endpoint itself, e.g. http://tei:8080/rerank or https://api.cohere.com/v2/rerank. */
  url: string;
  /**
   * `tei`: Hugging Face text-embeddings-inference (`{query, texts}` → `[{index, score}]`);
   * `cohere`: Cohere, Jina, vLLM and others (`{model, query, documents, top_n}` → `{results: [{index, relevance_score}]}`).
   */
  api: 'tei' | 'cohere';
  model?: string;
  apiKey?: string;
  timeoutMs: number;
  /** Documents per request (TEI refuses more than its --max-client-batch-size, 32 by default). */
  batchSize: number;
  /** Characters of each candidate sent: the model truncates to its window anyway, and the bytes cost time. */
  maxChars: number;
}

/** Why the model was not used for one search; the caller logs it. */
export type RerankFallback = (reason: string) => void;

/**
 * A cross-encoder or other model reranker behind the common `/rerank` wire format. Candidates go
 * in batches (in parallel), each scored by the model; the whole call has one deadline. On any
 * failure (unreachable, timeout, an error status, a reply that does not cover every candidate)
 * the search is not failed: it is reranked by the local reranker and the reason reported.
 */
export class HttpReranker implements Reranker {
  constructor(
    private readonly settings: HttpRerankerSettings,
    private readonly fallback: Reranker,
    private readonly onFallback: RerankFallback = () => undefined,
  ) {}

  async rerank(query: string, candidates: FusedCandidate[]): Promise<RankedCandidate[]> {
    if (!candidates.length) return [];
    const signal = AbortSignal.timeout(this.settings.timeoutMs);
    try {
      // A table goes as its cell texts: a model reads words, not tags.
      const texts = candidates.map((c) =>
        plainChunkText({ text: c.chunk.text, dataType: c.chunk.data_type })
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, this.settings.maxChars),
      );
      const batches: Array<Promise<number[]>> = [];
      for (let i = 0; i < texts.length; i += this.settings.batchSize)
        batches.push(this.scoreBatch(query, texts.slice(i, i + this.settings.batchSize), signal));
      const scores = (await Promise.all(batches)).flat();
      return candidates.map((c, i) => ({ ...c, rerank: scores[i] })).sort((a, b) => b.rerank - a.rerank);
    } catch (err) {
      this.onFallback(signal.aborted ? `no reply within ${this.settings.timeoutMs} ms` : (err as Error).message);
      return this.fallback.rerank(query, candidates);
    }
  }

  /** Scores of one batch, in the order of `texts`. */
  private async scoreBatch(query: string, texts: string[], signal: AbortSignal): Promise<number[]> {
    const { api, model, apiKey, url } = this.settings;
    const body =
      api === 'tei'
        ? { query, texts, truncate: true }
        : { ...(model ? { model } : {}), query, documents: texts, top_n: texts.length };
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw new Error(`reranker answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const reply = (await res.json()) as unknown;
    const items = (Array.isArray(reply) ? reply : (reply as { results?: unknown })?.results) as
      Array<{ index?: unknown; score?: unknown; relevance_score?: unknown }> | undefined;
    if (!Array.isArray(items)) throw new Error('reranker reply has no results');
    const scores = new Array<number>(texts.length).fill(NaN);
    for (const it of items) {
      const score = typeof it.relevance_score === 'number' ? it.relevance_score : it.score;
      if (typeof it.index === 'number' && it.index >= 0 && it.index < texts.length && typeof score === 'number')
        scores[it.index] = score;
    }
    if (scores.some(Number.isNaN))
      throw new Error(`reranker scored ${scores.filter((s) => !Number.isNaN(s)).length} of ${texts.length} candidates`);
    return scores;
  }
}
