import { Inject, Injectable } from '@nestjs/common';
import { REDIS, REDIS_KEYS, RedisClient, RedisKeys, whenReady } from '@rag/platform';

export const RATE_WINDOW_MS = 60_000;

/**
 * Sliding-window count (the previous minute weighted by how much of it is still inside the last 60 s,
 * plus this minute): a request is counted only when allowed, so a client retrying while limited
 * does not push its own Retry-After further away. Both keys share a hash tag (one cluster slot).
 */
const SLIDING_WINDOW = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local used = math.floor(prev * tonumber(ARGV[1])) + cur
if used >= tonumber(ARGV[2]) then return {0, cur, prev} end
cur = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, cur, prev}`;

/** The rate limiter's counters in Redis, shared by every gateway replica. */
@Injectable()
export class RateLimitStore {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  /** Counts one request of `caller` at `now` if the sliding count is under `limit`; returns both minutes' counts. */
  async take(caller: string, limit: number, now: number): Promise<{ allowed: boolean; cur: number; prev: number }> {
    const minute = Math.floor(now / RATE_WINDOW_MS);
    const elapsed = (now % RATE_WINDOW_MS) / RATE_WINDOW_MS;
    const [allowed, cur, prev] = (await whenReady(this.redis, 'rate limit store', () =>
      this.redis.eval(
        SLIDING_WINDOW,
        2,
        this.keys.rateLimit(caller, minute),
        this.keys.rateLimit(caller, minute - 1),
        String(1 - elapsed),
        String(limit),
        String(2 * RATE_WINDOW_MS),
      ),
    )) as [number, number, number];
    return { allowed: allowed === 1, cur, prev };
  }
}
