import { calibrateVectorPlan, planVectorSearch, recallBound, VectorPlanSettings } from './vector-plan';

describe('planVectorSearch', () => {
  const settings: VectorPlanSettings = { recallTarget: 0.95, nprobes: 0, refineFactor: 0, exactMaxRows: 10_000 };
  const index = { type: 'IvfRq', partitions: 244 };

  it('scans exactly without an index, or when the filter keeps few rows', () => {
    expect(planVectorSearch({ type: null, partitions: 1 }, 1_000_000, settings)).toEqual({ kind: 'exact' });
    expect(planVectorSearch(index, 10_000, settings)).toEqual({ kind: 'exact' });
  });

  it('probes more partitions and refines more for a higher recall target', () => {
    const at = (recallTarget: number) => planVectorSearch(index, 100_000, { ...settings, recallTarget });
    const low = at(0.8);
    const mid = at(0.95);
    const high = at(0.99);
    expect(low.kind === 'ann' && mid.kind === 'ann' && high.kind === 'ann').toBe(true);
    if (low.kind !== 'ann' || mid.kind !== 'ann' || high.kind !== 'ann') return;
    expect(low.nprobes).toBeLessThan(mid.nprobes);
    expect(mid.nprobes).toBeLessThan(high.nprobes);
    expect(low.refineFactor).toBeLessThan(mid.refineFactor);
    expect(at(1)).toEqual({ kind: 'ann', nprobes: 244, refineFactor: 10 });
  });

  it('never probes more partitions than the index has, and takes explicit settings as given', () => {
    expect(planVectorSearch({ type: 'IvfRq', partitions: 5 }, null, settings)).toMatchObject({ nprobes: 5 });
    expect(planVectorSearch(index, null, { ...settings, nprobes: 7, refineFactor: 3 })).toEqual({
      kind: 'ann',
      nprobes: 7,
      refineFactor: 3,
    });
  });
});

describe('calibrateVectorPlan', () => {
  /**
   * A fake index: recall grows with the share of partitions probed (30 queries alike), reaching 1
   * at `full[refine]` probes; a search costs a millisecond per probe and two per refine factor.
   */
  const fake = (full: Record<number, number>, ceiling = 1) => {
    const tried: string[] = [];
    const measure = async (plan: { nprobes: number; refineFactor: number }) => {
      tried.push(`${plan.nprobes}/${plan.refineFactor}`);
      return {
        recalls: Array<number>(30).fill(Math.min(ceiling, plan.nprobes / full[plan.refineFactor])),
        medianMs: plan.nprobes + 2 * plan.refineFactor,
      };
    };
    return { tried, measure };
  };

  it('takes the fewest probes whose recall bound meets the target, to within 2% of the partitions', async () => {
    const { tried, measure } = fake({ 2: 160, 5: 160 });
    // Alike queries: the bound is the mean less 0.02 (two of the least standard error), 0.97 × 160 = 155.2 probes.
    // The shares of 244 give 74, 110, 159; then halving 110-159 until the gap is at most 5 (2% of 244): 155 falls
    // short, so 159. Refine 2 is as good here and cheaper.
    const plan = await calibrateVectorPlan(244, 0.95, measure);
    expect(plan).toMatchObject({ nprobes: 159, refineFactor: 2, medianMs: 163 });
    expect(plan.recall).toBeCloseTo(159 / 160, 9);
    expect(tried.filter((t) => t.endsWith('/2'))).toEqual(
      // …then the two plans that met the target once more each way.
      [10, 20, 30, 49, 74, 110, 159, 134, 146, 152, 155, 159, 159].map((n) => `${n}/2`),
    );
  });

  it('takes the faster of the refine factors that meet the target', async () => {
    // Refine 2 needs 234 probes or more (about 238 ms a search), refine 5 only 39 (49 ms).
    const plan = await calibrateVectorPlan(244, 0.95, fake({ 2: 240, 5: 40 }).measure);
    expect(plan).toMatchObject({ refineFactor: 5, nprobes: 39, medianMs: 49 });
  });

  it('times the plans that meet the target again side by side before taking the faster', async () => {
    // Refine 2 meets the target at 10 probes (14 ms a search), refine 5 at 8 (18 ms); refine 2 is tried first, and
    // the searches of the first 4 measurements run on a cold index, 30 ms slower.
    const { tried, measure } = fake({ 2: 10, 5: 8 });
    let calls = 0;
    const coldStart = async (plan: { kind: 'ann'; nprobes: number; refineFactor: number }) => {
      const m = await measure(plan);
      return { ...m, medianMs: m.medianMs + (calls++ < 4 ? 30 : 0) };
    };
    const plan = await calibrateVectorPlan(100, 0.95, coldStart);
    expect(plan).toMatchObject({ nprobes: 10, refineFactor: 2, medianMs: 14 });
    expect(tried.slice(-4)).toEqual(['10/2', '8/5', '8/5', '10/2']);
  });

  it('stops after the first share when few probes suffice, and refines more for a higher target', async () => {
    const { tried, measure } = fake({ 2: 1 });
    expect(await calibrateVectorPlan(244, 0.8, measure)).toEqual({
      nprobes: 5,
      refineFactor: 2,
      recall: 1,
      medianMs: 9,
    });
    expect(tried).toEqual(['10/2', '5/2']);
    expect((await calibrateVectorPlan(244, 0.99, fake({ 5: 1, 10: 1 }).measure)).refineFactor).toBeGreaterThan(2);
  });

  it('holds the target against the mean less two standard errors: a few queries at half recall count', async () => {
    // 28 queries find all, 2 find half: mean 0.967, but the bound is about 0.92.
    const bimodal = [...Array<number>(28).fill(1), 0.5, 0.5];
    expect(recallBound(bimodal).mean).toBeCloseTo(0.967, 3);
    expect(recallBound(bimodal).lower).toBeLessThan(0.95);
    expect(recallBound(Array<number>(30).fill(0.97)).lower).toBeCloseTo(0.95, 6);
    const tried: number[] = [];
    const measure = async (plan: { nprobes: number }) => (
      tried.push(plan.nprobes),
      { recalls: plan.nprobes < 5 ? bimodal : Array<number>(30).fill(1), medianMs: 1 }
    );
    expect(await calibrateVectorPlan(24, 0.8, measure)).toMatchObject({ nprobes: 1 });
    tried.length = 0;
    expect(await calibrateVectorPlan(24, 0.95, measure)).toMatchObject({ nprobes: 5 });
    expect(tried).toEqual([1, 2, 3, 5, 4, 1, 2, 3, 5, 4, 5, 5, 5, 5]); // refine 2, refine 5, then both again
  });

  it('probes every partition with the largest refine factor when no count meets the target', async () => {
    const plan = await calibrateVectorPlan(24, 0.95, fake({ 2: 10, 5: 10 }, 0.9).measure);
    expect(plan).toMatchObject({ nprobes: 24, refineFactor: 5 });
    expect(plan.recall).toBeCloseTo(0.9, 9);
  });
});

describe('planVectorSearch with a measured index', () => {
  const settings: VectorPlanSettings = { recallTarget: 0.95, nprobes: 0, refineFactor: 0, exactMaxRows: 2_000 };

  it('uses the measured probes and refine, unless they are set explicitly', () => {
    const index = { type: 'IvfRq', partitions: 244, measured: { nprobes: 159, refineFactor: 5 } };
    expect(planVectorSearch(index, 100_000, settings)).toEqual({ kind: 'ann', nprobes: 159, refineFactor: 5 });
    expect(planVectorSearch(index, 100_000, { ...settings, nprobes: 30 })).toEqual({
      kind: 'ann',
      nprobes: 30,
      refineFactor: 5,
    });
    expect(planVectorSearch(index, 1_000, settings)).toEqual({ kind: 'exact' });
  });
});
