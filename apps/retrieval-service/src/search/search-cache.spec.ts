import { SearchCache } from './search-cache';

describe('SearchCache', () => {
  const sizeOf = (v: string) => v.length * 2;

  it('computes once per key and serves later calls from memory', async () => {
    const cache = new SearchCache<string>(1 << 20, sizeOf);
    let calls = 0;
    const compute = async () => `value-${++calls}`;
    expect(await cache.getOrCompute('a', compute)).toEqual({ value: 'value-1', hit: false });
    expect(await cache.getOrCompute('a', compute)).toEqual({ value: 'value-1', hit: true });
    expect(await cache.getOrCompute('b', compute)).toEqual({ value: 'value-2', hit: false });
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 1, misses: 2 });
  });

  it('shares one computation between concurrent identical misses', async () => {
    const cache = new SearchCache<string>(1 << 20, sizeOf);
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      calls++;
      await gate;
      return 'v';
    };
    const both = Promise.all([cache.getOrCompute('k', compute), cache.getOrCompute('k', compute)]);
    release();
    expect((await both).map((r) => r.value)).toEqual(['v', 'v']);
    expect(calls).toBe(1);
  });

  it('does not keep failures', async () => {
    const cache = new SearchCache<string>(1 << 20, sizeOf);
    await expect(cache.getOrCompute('k', async () => Promise.reject(new Error('lance down')))).rejects.toThrow(
      'lance down',
    );
    expect(await cache.getOrCompute('k', async () => 'ok')).toEqual({ value: 'ok', hit: false });
    expect(cache.stats().entries).toBe(1);
  });

  it('evicts least recently used entries to stay within its byte budget', async () => {
    // Each entry: key (1 char, 2 bytes) + value (100 chars, 200 bytes) = 202 bytes; room for 3.
    const cache = new SearchCache<string>(700, sizeOf);
    const v = 'x'.repeat(100);
    for (const k of ['a', 'b', 'c']) await cache.getOrCompute(k, async () => v);
    await cache.getOrCompute('a', async () => v); // a is now the most recent
    await cache.getOrCompute('d', async () => v); // evicts b, the least recent
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 606 });
    expect((await cache.getOrCompute('a', async () => 'new')).hit).toBe(true);
    expect((await cache.getOrCompute('b', async () => 'new')).hit).toBe(false);
  });

  it('is off with a zero budget', () => {
    expect(new SearchCache<string>(0, sizeOf).enabled).toBe(false);
  });
});
