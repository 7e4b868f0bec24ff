/**
 * Bounded in-process LRU of search replies. Keys include the table version the replica reads, so
 * an entry can only be returned while the data it was computed from is still what a fresh query
 * would see: any write (on any replica) or index rebuild bumps the version and leaves old entries
 * unreachable until they age out of the LRU. Concurrent identical misses share one computation.
 */
export class SearchCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; bytes: number }>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** Returns the cached value (and `true`) or computes, stores and returns it (and `false`). */
  async getOrCompute(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const found = this.entries.get(key);
    if (found) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(key);
      this.entries.set(key, found);
      this.hits++;
      return { value: await found.value, hit: true };
    }
    this.misses++;
    const entry = { value: compute(), bytes: key.length * 2 };
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    let value: T;
    try {
      value = await entry.value;
    } catch (err) {
      // Failures are not cached; later callers retry.
      this.remove(key, entry);
      throw err;
    }
    if (this.entries.get(key) === entry) {
      const extra = this.sizeOf(value);
      entry.bytes += extra;
      this.bytes += extra;
      this.evict();
    }
    return { value, hit: false };
  }

  stats() {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses };
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      this.remove(key, entry);
    }
  }

  private remove(key: string, entry: { bytes: number }): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

export const SEARCH_CACHE = Symbol('SEARCH_CACHE');
