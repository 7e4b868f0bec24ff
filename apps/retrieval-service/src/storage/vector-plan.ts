/** How one vector search runs: an exact scan of the filtered rows, or the IVF index with its probes and refine. */
export type VectorPlan = { kind: 'exact' } | { kind: 'ann'; nprobes: number; refineFactor: number };

export interface VectorPlanSettings {
  /** Share of the exact top k the index should return (0 < target <= 1). */
  recallTarget: number;
  /** Explicit probes and refine factor; 0 = chosen from the recall target. */
  nprobes: number;
  refineFactor: number;
  /** A filter keeping at most this many rows is searched exactly: as fast as the index there, and never misses. */
  exactMaxRows: number;
}

/**
 * Probes (as a share of the partitions, and at least a count) and refine factor per recall target,
 * from vector-recall.tool's sweeps over IVF-RaBitQ indices (README): 4-bit codes rank the close
 * candidates loosely, so re-reading `refineFactor × k` full vectors restores the order, and the
 * probes bound what can be found at all. The 0.95 step met its target at 100k rows (word salad and
 * clustered vectors) and at 1M on clustered vectors; on 1M rows of word salad it returns 51-60%.
 */
const LADDER: Array<{ target: number; share: number; min: number; refine: number }> = [
  { target: 0.8, share: 0.1, min: 10, refine: 2 },
  { target: 0.9, share: 0.15, min: 16, refine: 4 },
  { target: 0.95, share: 0.2, min: 20, refine: 5 },
  { target: 0.99, share: 0.35, min: 32, refine: 10 },
  { target: 1, share: 1, min: 1, refine: 10 },
];

/** The plan for one search: `filteredRows` is how many rows its filter keeps (null: unknown). */
export function planVectorSearch(
  index: { type: string | null; partitions: number },
  filteredRows: number | null,
  s: VectorPlanSettings,
): VectorPlan {
  if (!index.type) return { kind: 'exact' };
  if (filteredRows !== null && filteredRows <= s.exactMaxRows) return { kind: 'exact' };
  const step = LADDER.find((l) => s.recallTarget <= l.target) ?? LADDER[LADDER.length - 1];
  const nprobes = s.nprobes || Math.min(index.partitions, Math.max(step.min, Math.ceil(index.partitions * step.share)));
  return { kind: 'ann', nprobes, refineFactor: s.refineFactor || step.refine };
}
