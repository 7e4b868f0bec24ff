import { LRUCache } from 'lru-cache';

/**
 * Bounded in-process LRU of search replies (lru-cache, sized in bytes). Keys include the table
 * version the replica reads, so an entry can only be returned while the data it was computed from
 * is still what a fresh query would see: any write (on any replica) or index rebuild bumps the
 * version and leaves old entries unreachable until they age out. Concurrent identical misses share
 * one computation (`fetch`); a failed computation is not kept.
 */
export class SearchCache<T extends NonNullable<unknown>> {
  private readonly lru: LRUCache<string, T, () => Promise<T>> | null;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly maxBytes: number,
    sizeOf: (value: T) => number,
  ) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, T, () => Promise<T>>({
            maxSize: maxBytes,
            // The key's UTF-16 bytes count too: it holds the whole query.
            sizeCalculation: (value, key) => Math.max(1, sizeOf(value) + key.length * 2),
            fetchMethod: (_key, _stale, { context }) => context(),
          })
        : null;
  }

  get enabled(): boolean {
    return this.lru !== null;
  }

  /** Returns the cached value (and `true`) or computes, stores and returns it (and `false`). */
  async getOrCompute(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    if (!this.lru) return { value: await compute(), hit: false };
    const hit = this.lru.has(key);
    if (hit) this.hits++;
    else this.misses++;
    const value = await this.lru.fetch(key, { context: compute });
    // `fetch` gives undefined only for an aborted fetch, which this cache never starts.
    return { value: value ?? (await compute()), hit };
  }

  stats() {
    return {
      entries: this.lru?.size ?? 0,
      bytes: this.lru?.calculatedSize ?? 0,
      maxBytes: this.maxBytes,
      hits: this.hits,
      misses: this.misses,
    };
  }
}

export const SEARCH_CACHE = Symbol('SEARCH_CACHE');
