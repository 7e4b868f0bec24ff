import { ScoredChunk } from '../storage/lance.repository';

export interface FusedCandidate {
  chunk: ScoredChunk;
  vector: number | null;
  fts: number | null;
  fused: number;
}

/** Min-max to [0,1] over the candidates: BM25 scores have no fixed scale. */
function minMax(scores: number[]): (s: number) => number {
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  return (s) => (max > min ? (s - min) / (max - min) : 1);
}

/**
 * Cosine similarity already lives on a fixed scale, so it is only clamped to [0,1]. Min-max
 * stretching it would turn the small, noisy gaps between near-equal vector scores into the full
 * 0..1 range and let them outvote a clear full-text winner.
 */
const cosine = (s: number) => Math.min(1, Math.max(0, s));

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

/**
 * Weighted sum of normalised scores (cosine as is, BM25 min-max). A full-text candidate the vector
 * search did not return can bring its own cosine (`vectorScores`, computed from its stored vector),
 * so it is not scored 0 just for ranking 21st there; anything else missing from a list gets 0 for it.
 */
export function linearFusion(
  vector: ScoredChunk[],
  fts: ScoredChunk[],
  vectorWeight: number,
  vectorScores?: Map<string, number>,
): FusedCandidate[] {
  const nf = minMax(fts.map((c) => c.score));
  const out = [...merge(vector, fts).values()];
  for (const c of out) {
    if (c.vector === null && vectorScores?.has(c.chunk.chunk_id)) c.vector = vectorScores.get(c.chunk.chunk_id)!;
    c.fused =
      vectorWeight * (c.vector === null ? 0 : cosine(c.vector)) + (1 - vectorWeight) * (c.fts === null ? 0 : nf(c.fts));
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
