import { Inject, Injectable } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@rag/ai';
import { SearchReply, SearchRequestSchema } from '@rag/contracts';
import { z } from 'zod';
import { LanceRepository, ScoredChunk } from '../storage/lance.repository';
import { searchFilter } from '../storage/filter';
import { linearFusion, rrfFusion } from './fusion';
import { RERANKER, Reranker } from './lexical.reranker';

type SearchQuery = z.output<typeof SearchRequestSchema>;

/** Hybrid search: vector and full-text in parallel over the same prefiltered rows, fused, reranked. */
@Injectable()
export class SearchService {
  constructor(
    private readonly repo: LanceRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(RERANKER) private readonly reranker: Reranker,
  ) {}

  async search(q: SearchQuery): Promise<SearchReply> {
    this.repo.assertUsable();
    const t0 = performance.now();
    const where = searchFilter(q.collectionId, q.filters);
    let embedMs = 0;
    let vectorMs = 0;
    let ftsMs = 0;

    const vectorPart = async (): Promise<ScoredChunk[]> => {
      if (q.mode === 'fts') return [];
      const te = performance.now();
      const [vec] = await this.embedder.embed([q.query]);
      embedMs = performance.now() - te;
      const tv = performance.now();
      const rows = await this.repo.vectorSearch(vec, where, q.candidates);
      vectorMs = performance.now() - tv;
      return rows;
    };
    const ftsPart = async (): Promise<ScoredChunk[]> => {
      if (q.mode === 'vector') return [];
      const tf = performance.now();
      const rows = await this.repo.ftsSearch(q.query, where, q.candidates);
      ftsMs = performance.now() - tf;
      return rows;
    };
    const [vector, fts] = await Promise.all([vectorPart(), ftsPart()]);

    const fused = q.fusion === 'rrf' ? rrfFusion(vector, fts) : linearFusion(vector, fts, q.mode === 'hybrid' ? q.vectorWeight : q.mode === 'vector' ? 1 : 0);
    const ranked = q.rerank ? this.reranker.rerank(q.query, fused) : fused.map((c) => ({ ...c, rerank: null }));

    return {
      mode: q.mode,
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
        scores: { vector: c.vector, fts: c.fts, fused: c.fused, rerank: c.rerank },
      })),
      timings: { embedMs: round(embedMs), vectorMs: round(vectorMs), ftsMs: round(ftsMs), totalMs: round(performance.now() - t0) },
    };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
