import { Inject, Injectable, Optional } from '@nestjs/common';
import { Embedder, EMBEDDER, QUERY_EXPANDER, QueryExpander } from '@rag/ai';
import { SearchReply, SearchRequestSchema } from '@rag/contracts';
import { z } from 'zod';
import { LanceRepository, ScoredChunk } from '../storage/lance.repository';
import { linearFusion, rrfFusion } from './fusion';
import { RERANKER, Reranker } from './lexical.reranker';
import { DEFAULT_FEEDBACK, feedbackTerms, FeedbackSettings, SEARCH_FEEDBACK } from './relevance-feedback';
import { SEARCH_CACHE, SearchCache } from './search-cache';

type SearchQuery = z.output<typeof SearchRequestSchema>;

/** Hybrid search: vector and full-text in parallel over the same prefiltered rows, fused, reranked. */
@Injectable()
export class SearchService {
  constructor(
    private readonly repo: LanceRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(RERANKER) private readonly reranker: Reranker,
    @Optional() @Inject(SEARCH_CACHE) private readonly cache?: SearchCache<SearchReply>,
    @Optional() @Inject(QUERY_EXPANDER) private readonly expander?: QueryExpander,
    @Optional() @Inject(SEARCH_FEEDBACK) private readonly feedback?: FeedbackSettings | null,
  ) {}

  async search(q: SearchQuery): Promise<SearchReply> {
    this.repo.assertUsable();
    if (!this.cache?.enabled) return this.run(q);
    const t0 = performance.now();
    // The version of the collection this replica reads: a reply cached under it is what a fresh query would return.
    const key = `${await this.repo.dataVersion(q.collectionId)}\u0000${JSON.stringify(q)}`;
    const { value, hit } = await this.cache.getOrCompute(key, () => this.run(q));
    if (!hit) return value;
    return {
      ...value,
      cached: true,
      timings: { embedMs: 0, vectorMs: 0, ftsMs: 0, totalMs: round(performance.now() - t0) },
    };
  }

  private async run(q: SearchQuery): Promise<SearchReply> {
    const t0 = performance.now();
    const scope = { ...q.filters, collectionId: q.collectionId };
    let embedMs = 0;
    let vectorMs = 0;
    let ftsMs = 0;

    let queryVector: Float32Array | null = null;
    const vectorPart = async (): Promise<ScoredChunk[]> => {
      if (q.mode === 'fts') return [];
      const te = performance.now();
      const [vec] = await this.embedder.embed([q.query]);
      embedMs = performance.now() - te;
      // A query of stop words only embeds to zeros (local embedder): no direction, nothing to rank by.
      if (!vec.some((x) => x !== 0)) return [];
      queryVector = vec;
      const tv = performance.now();
      const rows = await this.repo.vectorSearch(vec, scope, q.candidates);
      vectorMs = performance.now() - tv;
      return rows;
    };
    const ftsPart = async (): Promise<ScoredChunk[]> => {
      if (q.mode === 'vector') return [];
      const tf = performance.now();
      const expansion = q.expand && this.expander ? this.expander.expand(q.query) : [];
      const withVectors = q.mode === 'hybrid' && q.fusion === 'linear';
      let rows = await this.repo.ftsSearch(q.query, scope, q.candidates, withVectors, expansion);
      const feedback = q.feedback === false ? null : q.feedback ? (this.feedback ?? DEFAULT_FEEDBACK) : this.feedback;
      const words = feedback ? feedbackTerms(q.query, rows, feedback) : [];
      if (words.length)
        rows = await this.repo.ftsSearch(q.query, scope, q.candidates, withVectors, [
          ...expansion,
          { words, weight: feedback!.weight },
        ]);
      ftsMs = performance.now() - tf;
      return rows;
    };
    const [vector, fts] = await Promise.all([vectorPart(), ftsPart()]);

    const fused =
      q.fusion === 'rrf'
        ? rrfFusion(vector, fts)
        : linearFusion(
            vector,
            fts,
            q.mode === 'hybrid' ? q.vectorWeight : q.mode === 'vector' ? 1 : 0,
            missingCosines(queryVector, vector, fts),
          );
    const ranked = q.rerank ? await this.reranker.rerank(q.query, fused) : fused.map((c) => ({ ...c, rerank: null }));

    return {
      mode: q.mode,
      cached: false,
      results: ranked.slice(0, q.topK).map((c, i) => ({
        rank: i + 1,
        chunkId: c.chunk.chunk_id,
        documentId: c.chunk.document_id,
        filename: c.chunk.filename,
        pageNumber: c.chunk.page_number,
        pageEnd: c.chunk.page_end,
        dataType: c.chunk.data_type,
        chunkIndex: c.chunk.chunk_index,
        text: c.chunk.text,
        headingPath: c.chunk.heading_path,
        source: c.chunk.source,
        ocrConfidence: c.chunk.ocr_confidence,
        regions: c.chunk.regions,
        scores: { vector: c.vector, fts: c.fts, fused: c.fused, rerank: c.rerank },
      })),
      timings: {
        embedMs: round(embedMs),
        vectorMs: round(vectorMs),
        ftsMs: round(ftsMs),
        totalMs: round(performance.now() - t0),
      },
    };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Cosine of the query with each full-text candidate that the vector search did not return. */
function missingCosines(
  query: Float32Array | null,
  vector: ScoredChunk[],
  fts: ScoredChunk[],
): Map<string, number> | undefined {
  if (!query) return undefined;
  const seen = new Set(vector.map((c) => c.chunk_id));
  const out = new Map<string, number>();
  for (const c of fts) {
    if (!c.vector || seen.has(c.chunk_id) || c.vector.length !== query.length) continue;
    let dot = 0;
    let nq = 0;
    let nc = 0;
    for (let i = 0; i < query.length; i++) {
      dot += query[i] * c.vector[i];
      nq += query[i] * query[i];
      nc += c.vector[i] * c.vector[i];
    }
    out.set(c.chunk_id, nq > 0 && nc > 0 ? dot / Math.sqrt(nq * nc) : 0);
  }
  return out;
}
