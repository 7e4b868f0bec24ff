import { ExecutionContext } from '@nestjs/common';
import { AppLogger, createRedis, DomainError } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { createHash } from 'node:crypto';
import { GatewayConfig } from '../src/config/gateway.config';
import { AccessGuard } from '../src/http/access.guard';
import { ApiKeyRepository } from '../src/keys/api-key.repository';
import { ApiKeysService } from '../src/keys/api-keys.service';

const KEY = 'k-secret';

function call(path: string, opts: { key?: string; ip?: string } = {}) {
  const headers: Record<string, string> = {};
  const req = {
    route: { path },
    method: 'GET',
    path,
    ip: opts.ip ?? '10.0.0.1',
    header: (h: string) => (h === 'authorization' && opts.key ? `Bearer ${opts.key}` : undefined),
  };
  const res = { setHeader: (h: string, v: string) => (headers[h] = v) };
  const ctx = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ExecutionContext;
  return { ctx, headers };
}

function guardWith(over: Partial<GatewayConfig>): AccessGuard {
  const config = {
    redisUrl: testRedisUrl(),
    redisPrefix: uniquePrefix('guard'),
    auth: { enabled: false, keyHashes: new Set<string>() },
    rateLimit: { enabled: true, perMinute: 3 },
    metricsPublic: false,
    ...over,
  } as GatewayConfig;
  return new AccessGuard(config, new ApiKeysService(new ApiKeyRepository(config), config), {
    info: () => undefined,
  } as unknown as AppLogger);
}

const outcome = async (guard: AccessGuard, c: ReturnType<typeof call>) =>
  guard.canActivate(c.ctx).then(
    () => 'allowed',
    (e: DomainError) => e.code,
  );

/** The access guard on a real Redis: one sliding budget per caller across routes, and who may read operations data. */
describe('AccessGuard (real Redis)', () => {
  const guards: AccessGuard[] = [];
  const make = (over: Partial<GatewayConfig>) => {
    const g = guardWith(over);
    guards.push(g);
    return g;
  };
  afterAll(async () => {
    const redis = createRedis(testRedisUrl(), 'guard-spec-cleanup');
    for (const g of guards) {
      const prefix = (g as unknown as { config: GatewayConfig }).config.redisPrefix;
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await g.onModuleDestroy();
    }
    await redis.quit();
  });

  it('gives a caller one budget across all routes, with RateLimit headers, and does not count refused requests', async () => {
    // Just after a minute turns the weighted previous minute would blur the count; start inside one.
    while (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 500));
    const guard = make({});
    const seen: Array<[string, string | undefined]> = [];
    for (const path of ['/search', '/chat', '/collections', '/search', '/tasks/:taskId']) {
      const c = call(path);
      seen.push([await outcome(guard, c), c.headers['RateLimit-Remaining']]);
    }
    expect(seen).toEqual([
      ['allowed', '2'],
      ['allowed', '1'],
      ['allowed', '0'],
      ['RATE_LIMITED', '0'],
      ['RATE_LIMITED', '0'],
    ]);
    const limited = call('/search');
    await expect(guard.canActivate(limited.ctx)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(Number(limited.headers['RateLimit-Reset'])).toBeGreaterThan(0);
    expect(Number(limited.headers['RateLimit-Reset'])).toBeLessThanOrEqual(120);
    // Refused requests were not counted: the stored count for this minute is still the limit.
    const redis = createRedis(testRedisUrl(), 'guard-spec');
    const prefix = (guard as unknown as { config: GatewayConfig }).config.redisPrefix;
    const counts = await Promise.all((await redis.keys(`${prefix}:rl:*`)).map((k) => redis.get(k)));
    await redis.quit();
    expect(counts).toEqual(['3']);
    // Another caller has a budget of its own.
    expect(await outcome(guard, call('/search', { ip: '10.0.0.2' }))).toBe('allowed');
  });

  it('asks a key for /ready and /metrics when keys are required, unless METRICS_PUBLIC; /health stays open', async () => {
    const keyHashes = new Set([createHash('sha256').update(KEY).digest('hex')]);
    const closed = make({ auth: { enabled: true, keyHashes }, rateLimit: { enabled: false, perMinute: 0 } });
    expect(await outcome(closed, call('/metrics'))).toBe('UNAUTHORIZED');
    expect(await outcome(closed, call('/ready'))).toBe('UNAUTHORIZED');
    expect(await outcome(closed, call('/metrics', { key: KEY }))).toBe('allowed');
    expect(await outcome(closed, call('/health'))).toBe('allowed');
    const scraped = make({
      auth: { enabled: true, keyHashes },
      rateLimit: { enabled: false, perMinute: 0 },
      metricsPublic: true,
    });
    expect(await outcome(scraped, call('/metrics'))).toBe('allowed');
    expect(await outcome(scraped, call('/ready'))).toBe('allowed');
    expect(await outcome(scraped, call('/search'))).toBe('UNAUTHORIZED');
  });
});
