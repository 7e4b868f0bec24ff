import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors/domain-error';
import { RedisClient } from './redis.factory';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** What a holder gets: a fence to check right before each commit. */
export interface Lease {
  /** Throws when the lease was lost (a renewal found another holder, or Redis lost the key). */
  assertHeld(): void;
}

/**
 * A single-holder lock across replicas (SET NX PX + compare-and-delete) held by a short lease that
 * is renewed while its work runs. A holder that dies stops renewing, so others wait at most about
 * one lease, not a long TTL; work longer than the lease (an optimize) keeps its exclusivity. A
 * renewal that finds the key gone or taken marks the lease lost, and `assertHeld` throws before
 * the next commit.
 */
export class RedisLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly leaseMs: number,
  ) {}

  async tryAcquire(): Promise<string | null> {
    const token = randomUUID();
    const ok = await this.redis.set(this.key, token, 'PX', this.leaseMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  async release(token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, token);
  }

  /** Extends the lease; false when it is no longer ours. */
  async renew(token: string): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key, token, String(this.leaseMs))) === 1;
  }

  /** Runs `fn` holding the lock, waiting at most `waitMs` to get it; the lease is renewed until `fn` ends. */
  async withLock<T>(fn: (lease: Lease) => Promise<T>, waitMs = 10 * this.leaseMs): Promise<T> {
    const until = Date.now() + waitMs;
    let delay = 5;
    for (;;) {
      const token = await this.tryAcquire();
      if (token) return this.hold(token, fn);
      if (Date.now() > until) throw new Error(`lock ${this.key} not acquired within ${waitMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
  }

  /** Runs `fn` holding the lock if no one holds it now (undefined otherwise); the lease is renewed until `fn` ends. */
  async tryWithLock<T>(fn: (lease: Lease) => Promise<T>): Promise<T | undefined> {
    const token = await this.tryAcquire();
    return token ? this.hold(token, fn) : undefined;
  }

  private async hold<T>(token: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
    let lost = false;
    const renewal = setInterval(
      () => {
        this.renew(token).then(
          (ok) => (lost ||= !ok),
          // Redis unreachable: the key may expire meanwhile, so this holder can no longer be sure.
          () => (lost = true),
        );
      },
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    const lease: Lease = {
      assertHeld: () => {
        if (lost)
          throw new DomainError(
            'SERVICE_UNAVAILABLE',
            `lease on ${this.key} was lost: nothing more is written; try again`,
          );
      },
    };
    try {
      return await fn(lease);
    } finally {
      clearInterval(renewal);
      await this.release(token).catch(() => undefined);
    }
  }
}
