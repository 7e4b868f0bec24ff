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
  /** Explicit probes and refine factor; 0 = chosen from the recall target (refine -1: none). */
  nprobes: number;
  refineFactor: number;
  /** A filter keeping at most this many rows is searched exactly: as fast as the index there, and never misses. */
  exactMaxRows: number;
}

/**
 * Per recall target: probes (as a share of the partitions, and at least a count) and refine factor
 * until the index has been measured, from vector-recall.tool's sweeps over IVF-RaBitQ indices
 * (README): 4-bit codes rank the close candidates loosely, so re-reading `refineFactor × k` full
 * vectors restores the order, and the probes bound what can be found at all. The 0.95 step met its
 * target at 100k rows (word salad and clustered vectors) and at 1M on clustered vectors; on 1M rows
 * of word salad it returns 51-60%: how many probes a target takes depends on the vectors, hence the
 * measurement. `refines` are the factors a measurement tries: a smaller one reads fewer full vectors
 * but may need more probes.
 */
const LADDER: Array<{ target: number; share: number; min: number; refine: number; refines: number[] }> = [
  { target: 0.8, share: 0.1, min: 10, refine: 2, refines: [2] },
  { target: 0.9, share: 0.15, min: 16, refine: 4, refines: [2, 4] },
  { target: 0.95, share: 0.2, min: 20, refine: 5, refines: [2, 5] },
  { target: 0.99, share: 0.35, min: 32, refine: 10, refines: [5, 10] },
  { target: 1, share: 1, min: 1, refine: 10, refines: [10] },
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
 * error counts at least 0.01 (so the mean beats the target by 0.02 or more): on clustered vectors
 * one query's recall is all or half (its topic in one partition or split over two), and with a
 * fixed margin of 0.02 a sample of 30 read 0.99 where 40 other queries got 0.91.
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

/** What a sample measured for one plan: each query's recall, and the median time a search took. */
export interface PlanSample {
  recalls: number[];
  medianMs: number;
}

/**
 * For each refine factor the target allows, the fewest probes that meet it (`recallBound`), to
 * within 2% of the partitions: the shares above find the first count that does, then halving the
 * gap to the count before it. Of those plans the fastest, timed again side by side; every partition
 * with the largest refine factor when none meets it. `measure` runs a plan on a sample of queries.
 */
export async function calibrateVectorPlan(
  partitions: number,
  target: number,
  measure: (plan: { kind: 'ann'; nprobes: number; refineFactor: number }) => Promise<PlanSample>,
): Promise<MeasuredPlan & { recall: number; medianMs: number }> {
  const refines = ladderStep(target).refines;
  // A target of 1 can only be met exactly: every query finds all its neighbours.
  const meets = (r: { mean: number; lower: number }) => (target >= 1 ? r.mean >= 1 : r.lower >= target);
  const counts = [
    ...new Set(CALIBRATION_SHARES.map((s) => Math.min(partitions, Math.max(1, Math.ceil(s * partitions))))),
  ];
  const step = Math.max(1, Math.ceil(0.02 * partitions));
  let fallback = { nprobes: partitions, refineFactor: refines[refines.length - 1], recall: 0, medianMs: Infinity };
  const met: Array<typeof fallback> = [];
  for (const refineFactor of refines) {
    const run = async (nprobes: number) => {
      const m = await measure({ kind: 'ann', nprobes, refineFactor });
      const bound = recallBound(m.recalls);
      return { plan: { nprobes, refineFactor, recall: bound.mean, medianMs: m.medianMs }, ok: meets(bound) };
    };
    let below = 0;
    for (const nprobes of counts) {
      const r = await run(nprobes);
      if (refineFactor === fallback.refineFactor) fallback = r.plan;
      if (!r.ok) {
        below = nprobes;
        continue;
      }
      let found = r.plan;
      while (found.nprobes - below > step) {
        const m = await run(Math.floor((below + found.nprobes) / 2));
        if (m.ok) found = m.plan;
        else below = m.plan.nprobes;
      }
      met.push(found);
      break;
    }
  }
  if (met.length > 1) {
    // Each plan was first timed at a different point of the warm-up (the first tried on a cold
    // index), and they are a few milliseconds apart, so those timings could favour either: time them
    // again, in both orders, and keep each plan's faster pass.
    const passes = met.map(() => [] as number[]);
    const order = [...met.keys()];
    for (const i of [...order, ...[...order].reverse()]) {
      const { nprobes, refineFactor } = met[i];
      passes[i].push((await measure({ kind: 'ann', nprobes, refineFactor })).medianMs);
    }
    met.forEach((plan, i) => (plan.medianMs = Math.min(...passes[i])));
  }
  return met.sort((a, b) => a.medianMs - b.medianMs)[0] ?? fallback;
}
