import { Inject, Injectable } from '@nestjs/common';
import { Embedder, EMBEDDER } from '@rag/ai';
import { RETRIEVAL_CONFIG, RetrievalConfig } from '../config/retrieval.config';
import { VectorIndexInfo } from '../storage/chunk-table';
import { LanceRepository, SampledChunk, VectorCalibrationRow } from '../storage/lance.repository';
import { calibrateVectorPlan, VectorPlan } from '../storage/vector-plan';

/** Queries a calibration asks, at least and at most, and the neighbours compared per query. */
const MIN_QUERIES = 10;
const QUERIES = 40;
const K = 20;

/** 5 to 12 consecutive words of `text`, the length and place varying with `i`. */
export function span(text: string, i: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const len = 5 + ((i * 7) % 8);
  const start = Math.max(0, Math.floor((((i * 37) % 100) / 100) * (words.length - len)));
  return words.slice(start, start + len).join(' ');
}

/**
 * Measures, on the vector index itself, how many probes the configured recall target takes: the
 * same share of partitions returns 99.9% of the exact neighbours on clustered vectors and 55% on
 * word salad at 1M rows (docs/benchmarks.md). The queries are a few words cut from stored chunks,
 * as short as questions are (a whole chunk's vector finds its neighbours far more easily: 97%
 * measured with them where questions got 90%), searched in the collection; the chunk a query was
 * cut from is left out of both lists.
 */
@Injectable()
export class VectorCalibrationService {
  constructor(
    private readonly repo: LanceRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(RETRIEVAL_CONFIG) private readonly config: RetrievalConfig,
  ) {}

  /**
   * Measures each collection's vector index (as of the repository's last index refresh:
   * `ensureVectorIndex` refreshes) that has no fresh measurement for the configured target, unless
   * the probes are set explicitly. Returns the stored measurements (none when none was needed, or
   * when a collection's searches scan it exactly anyway). `queriesFor` makes the query vectors for
   * the sampled chunks (tooling whose vectors are not the embedder's passes its own).
   */
  async calibrateIfNeeded(
    queriesFor: (chunks: SampledChunk[]) => Promise<Float32Array[]> = (chunks) =>
      this.embedder.embed(chunks.map((c, i) => span(c.text, i))),
  ): Promise<VectorCalibrationRow[]> {
    if (this.config.vectorPlan.nprobes) return [];
    const out: VectorCalibrationRow[] = [];
    for (const { collectionId, index } of await this.repo.unmeasuredVectorIndices()) {
      const row = await this.calibrate(collectionId, index, queriesFor);
      if (row) out.push(row);
    }
    return out;
  }

  private async calibrate(
    collectionId: string,
    index: VectorIndexInfo,
    queriesFor: (chunks: SampledChunk[]) => Promise<Float32Array[]>,
  ): Promise<VectorCalibrationRow | null> {
    const { recallTarget, exactMaxRows } = this.config.vectorPlan;
    // Searches of a collection this small scan it exactly: there is nothing to measure.
    if (index.indexedRows <= exactMaxRows) return null;
    const chunks = await this.repo.sampleChunks(collectionId, QUERIES);
    const vectors = await queriesFor(chunks);
    const sample = chunks.map((c, i) => ({ ...c, vector: vectors[i] })).filter((q) => q.vector.some((x) => x !== 0));
    if (sample.length < MIN_QUERIES) return null;

    const neighbours = async (q: (typeof sample)[number], plan: VectorPlan) =>
      (await this.repo.vectorSearch(q.vector, q.scope, K + 1, { plan }))
        .map((c) => c.chunk_id)
        .filter((id) => id !== q.chunkId)
        .slice(0, K);
    const exact: Array<Set<string>> = [];
    for (const q of sample) exact.push(new Set(await neighbours(q, { kind: 'exact' })));
    const measured = await calibrateVectorPlan(index.partitions, recallTarget, async (plan) => {
      const recalls: number[] = [];
      const ms: number[] = [];
      for (const [i, q] of sample.entries()) {
        if (!exact[i].size) continue;
        const t0 = performance.now();
        const found = await neighbours(q, plan);
        ms.push(performance.now() - t0);
        recalls.push(found.filter((id) => exact[i].has(id)).length / exact[i].size);
      }
      return { recalls, medianMs: ms.sort((a, b) => a - b)[ms.length >> 1] ?? 0 };
    });
    const row: VectorCalibrationRow = {
      collection_name: collectionId,
      index_uuid: index.uuid,
      indexed_rows: index.indexedRows,
      recall_target: recallTarget,
      nprobes: measured.nprobes,
      refine_factor: measured.refineFactor,
      recall: measured.recall,
      median_ms: Math.round(measured.medianMs * 100) / 100,
      queries: sample.length,
      measured_at: new Date().toISOString(),
    };
    await this.repo.saveVectorCalibration(row);
    return row;
  }
}
