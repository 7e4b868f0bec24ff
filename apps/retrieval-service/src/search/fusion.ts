import { ScoredChunk } from '../storage/lance.repository';

export interface FusedCandidate {
  chunk: ScoredChunk;
  vector: number | null;
  fts: number | null;
  fused: number;
}

/** Min-max to [0,1] so scores from different retrievers can be mixed. */
function normalise(scores: number[]): (s: number) => number {
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  return (s) => (max > min ? (s - min) / (max - min) : 1);
}

function merge(vector: ScoredChunk[], fts: ScoredChunk[]): Map<string, FusedCandidate> {
  const byId = new Map<string, FusedCandidate>();
  for (const c of vector) byId.set(c.chunk_id, { chunk: c, vector: c.score, fts: null, fused: 0 });
  for (const c of fts) {
    const hit = byId.get(c.chunk_id);
    if (hit) hit.fts = c.score;
    else byId.set(c.chunk_id, { chunk: c, vector: null, fts: c.score, fused: 0 });
  }
  return byId;
}

/** Weighted sum of normalised scores; a chunk missing from one list gets 0 for it. */
export function linearFusion(vector: ScoredChunk[], fts: ScoredChunk[], vectorWeight: number): FusedCandidate[] {
  const nv = normalise(vector.map((c) => c.score));
  const nf = normalise(fts.map((c) => c.score));
  const out = [...merge(vector, fts).values()];
  for (const c of out) {
    c.fused = vectorWeight * (c.vector === null ? 0 : nv(c.vector)) + (1 - vectorWeight) * (c.fts === null ? 0 : nf(c.fts));
  }
  return out.sort((a, b) => b.fused - a.fused);
}

/** Reciprocal rank fusion (k = 60): robust when score scales are not comparable. */
export function rrfFusion(vector: ScoredChunk[], fts: ScoredChunk[], k = 60): FusedCandidate[] {
  const byId = merge(vector, fts);
  vector.forEach((c, i) => (byId.get(c.chunk_id)!.fused += 1 / (k + i + 1)));
  fts.forEach((c, i) => (byId.get(c.chunk_id)!.fused += 1 / (k + i + 1)));
  return [...byId.values()].sort((a, b) => b.fused - a.fused);
}
