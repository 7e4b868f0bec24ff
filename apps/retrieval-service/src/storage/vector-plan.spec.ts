import { planVectorSearch, VectorPlanSettings } from './vector-plan';

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
