import { ExecutionContext } from '@nestjs/common';
import { AppLogger } from '@rag/platform';
import { outcomeWithin, RedisProcess, within } from '@rag/platform/testing';
import { GatewayConfig } from '../src/config/gateway.config';
import { AccessGuard } from '../src/http/access.guard';
import { ApiKeysService } from '../src/keys/api-keys.service';

const PER_MINUTE = 3;

function context(): ExecutionContext {
  const req = { route: { path: '/search' }, method: 'POST', path: '/search', ip: '10.0.0.1', header: () => undefined };
  return {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({ setHeader: () => undefined }) }),
  } as unknown as ExecutionContext;
}

/** The outcome of one guarded request, or 'hung' when it takes longer than `ms`. */
const outcome = (guard: AccessGuard, ms = 6000) =>
  outcomeWithin(
    guard.canActivate(context()).then(() => 'allowed'),
    ms,
  );

/** PER_MINUTE + 1 requests inside one minute window (once more if the window turned meanwhile). */
async function spendBudget(guard: AccessGuard): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const window = Math.floor(Date.now() / 60_000);
    const seen: string[] = [];
    for (let i = 0; i <= PER_MINUTE; i++) seen.push(await outcome(guard));
    if (Math.floor(Date.now() / 60_000) === window || attempt > 0) return seen;
  }
}

describe('rate limits across a Redis restart (a real redis-server killed and started again)', () => {
  let redis: RedisProcess;
  let guard: AccessGuard;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    const config = {
      redisUrl: redis.url,
      redisPrefix: `rl-restart-${process.pid}`,
      auth: { enabled: false, keyHashes: new Set<string>() },
      rateLimit: { enabled: true, perMinute: PER_MINUTE },
    } as unknown as GatewayConfig;
    // Keys are off here: the key service is never asked.
    guard = new AccessGuard(config, {} as ApiKeysService, { info: () => undefined } as unknown as AppLogger);
  });

  afterAll(async () => {
    await guard.onModuleDestroy().catch(() => undefined);
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
