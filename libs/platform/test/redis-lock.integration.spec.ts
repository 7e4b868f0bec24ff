import { createRedis, DomainError, RedisClient, RedisLock } from '../src';
import { testRedisUrl, uniquePrefix } from '../src/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RedisLock with a renewed lease (real Redis)', () => {
  let redis: RedisClient;
  beforeAll(() => {
    redis = createRedis(testRedisUrl(), 'lock-spec');
  });
  afterAll(() => redis.quit());

  it('a holder that dies (stops renewing) blocks the next one for about one lease, not a long TTL', async () => {
    const key = `${uniquePrefix('lock')}:w`;
    const dead = new RedisLock(redis, key, 300);
    // Acquired and never renewed or released: what a kill -9 of the holder leaves behind.
    expect(await dead.tryAcquire()).not.toBeNull();
    const started = Date.now();
    const ran = await new RedisLock(redis, key, 300).withLock(async () => 'ran', 5000);
    expect(ran).toBe('ran');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keeps work that outlasts the lease exclusive by renewing it', async () => {
    const key = `${uniquePrefix('lock')}:w`;
    const a = new RedisLock(redis, key, 200);
    const b = new RedisLock(redis, key, 200);
    let bGotIt = false;
    const long = a.withLock(async (lease) => {
      for (let i = 0; i < 8; i++) {
        await sleep(100);
        if (await b.tryAcquire()) bGotIt = true;
        lease.assertHeld();
      }
      return 'done';
    });
    expect(await long).toBe('done');
    expect(bGotIt).toBe(false);
    // Released at the end: the next holder gets it at once.
    expect(await b.tryAcquire()).not.toBeNull();
  });

  it('runs work only when no one holds the lock, keeping it exclusive past the lease', async () => {
    const key = `${uniquePrefix('lock')}:w`;
    const a = new RedisLock(redis, key, 200);
    const b = new RedisLock(redis, key, 200);
    const ranB: string[] = [];
    const long = a.tryWithLock(async () => {
      for (let i = 0; i < 6; i++) {
        await sleep(100);
        await b.tryWithLock(async () => void ranB.push(`at ${i}`));
      }
      return 'done';
    });
    expect(await long).toBe('done');
    expect(ranB).toEqual([]);
    expect(await b.tryWithLock(async () => 'b ran')).toBe('b ran');
  });

  it('fences a holder whose lease was lost: assertHeld throws SERVICE_UNAVAILABLE before the next write', async () => {
    const key = `${uniquePrefix('lock')}:w`;
    const a = new RedisLock(redis, key, 150);
    const writes: string[] = [];
    const outcome = a.withLock(async (lease) => {
      writes.push('first');
      // Another process takes the key (as after an expiry during a long pause).
      await redis.set(key, 'someone-else', 'PX', 5000);
      await sleep(200);
      lease.assertHeld();
      writes.push('second');
    });
    await expect(outcome).rejects.toBeInstanceOf(DomainError);
    await expect(outcome).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(writes).toEqual(['first']);
    // The other holder's key is untouched by the loser's release.
    expect(await redis.get(key)).toBe('someone-else');
  });
});
