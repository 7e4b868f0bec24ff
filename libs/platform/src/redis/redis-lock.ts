import { randomUUID } from 'node:crypto';
import { RedisClient } from './redis.factory';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A single-holder lock across replicas (SET NX PX + compare-and-delete). The TTL bounds how long a
 * crashed holder can block others.
 */
export class RedisLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  async tryAcquire(): Promise<string | null> {
    const token = randomUUID();
    const ok = await this.redis.set(this.key, token, 'PX', this.ttlMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  async release(token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, token);
  }

  async withLock<T>(fn: () => Promise<T>, waitMs = this.ttlMs): Promise<T> {
    const until = Date.now() + waitMs;
    let delay = 5;
    for (;;) {
      const token = await this.tryAcquire();
      if (token) {
        try {
          return await fn();
        } finally {
          await this.release(token);
        }
      }
      if (Date.now() > until) throw new Error(`lock ${this.key} not acquired within ${waitMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}
