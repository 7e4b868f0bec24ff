import { closeRedis, createFailFastRedis, RedisClient } from '@rag/platform';
import { outcomeWithin, RedisProcess, within } from '@rag/platform/testing';
import { GatewayConfig } from '../src/config/gateway.config';
import { guardsWith, request } from './guard-harness';

const PER_MINUTE = 3;
type Guards = ReturnType<typeof guardsWith>;

/** The outcome of one guarded request, or 'hung' when it takes longer than `ms`. */
const outcome = (guard: Guards, ms = 6000) =>
  outcomeWithin(
    guard.check(request('search').ctx).then(() => 'allowed'),
    ms,
  );

/** PER_MINUTE + 1 requests inside one minute window (once more if the window turned meanwhile). */
async function spendBudget(guard: Guards): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const window = Math.floor(Date.now() / 60_000);
    const seen: string[] = [];
    for (let i = 0; i <= PER_MINUTE; i++) seen.push(await outcome(guard));
    if (Math.floor(Date.now() / 60_000) === window || attempt > 0) return seen;
  }
}

describe('rate limits across a Redis restart (a real redis-server killed and started again)', () => {
  let redis: RedisProcess;
  let client: RedisClient;
  let guard: Guards;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    const config = {
      redisUrl: redis.url,
      redisPrefix: `rl-restart-${process.pid}`,
      auth: { enabled: false, keyHashes: new Set<string>() },
      rateLimit: { enabled: true, perMinute: PER_MINUTE },
    } as unknown as GatewayConfig;
    client = createFailFastRedis(redis.url, 'rl-restart-spec');
    guard = guardsWith(config, client);
  });

  afterAll(async () => {
    await closeRedis(client);
    await redis.stop();
  });

  it('answers 503 at once while Redis is down (not a hung request), and counts again once it is back', async () => {
    expect(await spendBudget(guard)).toEqual([...Array(PER_MINUTE).fill('allowed'), 'RATE_LIMITED']);

    await redis.kill();
    const t0 = Date.now();
    expect(await outcome(guard)).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(4000);

    await redis.start();
    await within(15_000, async () => (await outcome(guard, 2000)) !== 'SERVICE_UNAVAILABLE');
    // Redis came back empty: a new budget, enforced as before.
    expect((await spendBudget(guard)).at(-1)).toBe('RATE_LIMITED');
  }, 60_000);
});
