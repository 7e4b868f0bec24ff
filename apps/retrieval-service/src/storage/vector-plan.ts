/** How one vector search runs: an exact scan of the filtered rows, or the IVF index with its probes and refine. */
export type VectorPlan = { kind: 'exact' } | { kind: 'ann'; nprobes: number; refineFactor: number };

/** Probes and refine factor that met the recall target on the index itself (`calibrateVectorPlan`). */
export interface MeasuredPlan {
  nprobes: number;
  refineFactor: number;
}

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
 * Probes (as a share of the partitions, and at least a count) and refine factor per recall target
 * until the index has been measured,
 * from vector-recall.tool's sweeps over IVF-RaBitQ indices (README): 4-bit codes rank the close
 * candidates loosely, so re-reading `refineFactor × k` full vectors restores the order, and the
 * probes bound what can be found at all. The 0.95 step met its target at 100k rows (word salad and
 * clustered vectors) and at 1M on clustered vectors; on 1M rows of word salad it returns 51-60%:
 * how many probes a target takes depends on the vectors, hence the measurement.
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
  index: { type: string | null; partitions: number; measured?: MeasuredPlan | null },
  filteredRows: number | null,
  s: VectorPlanSettings,
): VectorPlan {
  if (!index.type) return { kind: 'exact' };
  if (filteredRows !== null && filteredRows <= s.exactMaxRows) return { kind: 'exact' };
  const step = ladderStep(s.recallTarget);
  const nprobes =
    s.nprobes ||
    index.measured?.nprobes ||
    Math.min(index.partitions, Math.max(step.min, Math.ceil(index.partitions * step.share)));
  return { kind: 'ann', nprobes, refineFactor: s.refineFactor || index.measured?.refineFactor || step.refine };
}

const ladderStep = (target: number) => LADDER.find((l) => target <= l.target) ?? LADDER[LADDER.length - 1];

/** Probe counts a calibration tries, as shares of the partitions, fewest first. */
const CALIBRATION_SHARES = [0.04, 0.08, 0.12, 0.2, 0.3, 0.45, 0.65, 1];
/**
 * A plan meets the target when its sample's mean recall minus two standard errors does. The
 * error counts at least 0.01 (so the mean beats the target by 0.02 or more): the sample is 30
 * queries, and on clustered vectors one query's recall is all or half (its topic in one partition
 * or split over two), so a sample of 30 read 0.99 where 40 other queries got 0.91.
 */
export const MIN_STANDARD_ERROR = 0.01;

/** Mean and the lower bound the target is held to, from one recall per query. */
export function recallBound(recalls: number[]): { mean: number; lower: number } {
  const n = recalls.length;
  if (!n) return { mean: 0, lower: 0 };
  const mean = recalls.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? recalls.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, lower: mean - 2 * Math.max(MIN_STANDARD_ERROR, Math.sqrt(variance / n)) };
}

/**
 * The fewest probes (with the target's refine factor) that meet the target (`recallBound`), to
 * within 2% of the partitions: the shares above find the first count that does, then halving the
 * gap to the count before it; every partition when none does. `recallOf` measures a plan on a
 * sample of queries, one recall per query.
 */
export async function calibrateVectorPlan(
  partitions: number,
  target: number,
  recallOf: (plan: { kind: 'ann'; nprobes: number; refineFactor: number }) => Promise<number[]>,
): Promise<MeasuredPlan & { recall: number }> {
  const refineFactor = ladderStep(target).refine;
  // A target of 1 can only be met exactly: every query finds all its neighbours.
  const meets = (r: { mean: number; lower: number }) => (target >= 1 ? r.mean >= 1 : r.lower >= target);
  const measure = async (nprobes: number) => recallBound(await recallOf({ kind: 'ann', nprobes, refineFactor }));
  const counts = [
    ...new Set(CALIBRATION_SHARES.map((s) => Math.min(partitions, Math.max(1, Math.ceil(s * partitions))))),
  ];
  let below = 0;
  let recall = 0;
  for (const nprobes of counts) {
    const r = await measure(nprobes);
    recall = r.mean;
    if (!meets(r)) {
      below = nprobes;
      continue;
    }
    let found = { nprobes, refineFactor, recall };
    const step = Math.max(1, Math.ceil(0.02 * partitions));
    while (found.nprobes - below > step) {
      const mid = Math.floor((below + found.nprobes) / 2);
      const m = await measure(mid);
      if (meets(m)) found = { nprobes: mid, refineFactor, recall: m.mean };
      else below = mid;
    }
    return found;
  }
  return { nprobes: partitions, refineFactor, recall };
}
