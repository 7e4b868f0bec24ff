import { createFailFastRedis, closeRedis, RedisClient } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { createHash } from 'node:crypto';
import { GatewayConfig } from '../src/config/gateway.config';
import { guardsWith, request } from './guard-harness';

const KEY = 'k-secret';

/** The API-key and rate-limit guards on a real Redis: one sliding budget per caller across routes, and who may read operations data. */
describe('ApiKeyGuard + RateLimitGuard (real Redis)', () => {
  let redis: RedisClient;
  const prefixes: string[] = [];
  const make = (over: Partial<GatewayConfig>) => {
    const config = {
      redisUrl: testRedisUrl(),
      redisPrefix: uniquePrefix('guard'),
      auth: { enabled: false, keyHashes: new Set<string>() },
      rateLimit: { enabled: true, perMinute: 3 },
      metricsPublic: false,
      ...over,
    } as GatewayConfig;
    prefixes.push(config.redisPrefix);
    return { ...guardsWith(config, redis), prefix: config.redisPrefix };
  };

  beforeAll(() => {
    redis = createFailFastRedis(testRedisUrl(), 'guard-spec');
  });

  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    await closeRedis(redis);
  });

  it('gives a caller one budget across all routes, with RateLimit headers, and does not count refused requests', async () => {
    // Just after a minute turns the weighted previous minute would blur the count; start inside one.
    while (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 500));
    const guard = make({});
    const seen: Array<[string, string | undefined]> = [];
    for (const route of ['search', 'chat', 'collections', 'search', 'task'] as const) {
      const c = request(route);
      seen.push([await guard.outcome(c), c.headers['RateLimit-Remaining']]);
    }
    expect(seen).toEqual([
      ['allowed', '2'],
      ['allowed', '1'],
      ['allowed', '0'],
      ['RATE_LIMITED', '0'],
      ['RATE_LIMITED', '0'],
    ]);
    const limited = request('search');
    await expect(guard.check(limited.ctx)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(Number(limited.headers['RateLimit-Reset'])).toBeGreaterThan(0);
    expect(Number(limited.headers['RateLimit-Reset'])).toBeLessThanOrEqual(120);
    // Refused requests were not counted: the stored count for this minute is still the limit.
    const counts = await Promise.all((await redis.keys(`${guard.prefix}:rl:*`)).map((k) => redis.get(k)));
    expect(counts).toEqual(['3']);
    // Another caller has a budget of its own; open routes are not counted.
    expect(await guard.outcome(request('search', { ip: '10.0.0.2' }))).toBe('allowed');
    expect(await guard.outcome(request('health'))).toBe('allowed');
  });

  it('asks a key for /ready and /metrics when keys are required, unless METRICS_PUBLIC; /health stays open', async () => {
    const keyHashes = new Set([createHash('sha256').update(KEY).digest('hex')]);
    const closed = make({ auth: { enabled: true, keyHashes }, rateLimit: { enabled: false, perMinute: 0 } });
    expect(await closed.outcome(request('metrics'))).toBe('UNAUTHORIZED');
    expect(await closed.outcome(request('ready'))).toBe('UNAUTHORIZED');
    expect(await closed.outcome(request('metrics', { key: KEY }))).toBe('allowed');
    expect(await closed.outcome(request('health'))).toBe('allowed');
    const scraped = make({
      auth: { enabled: true, keyHashes },
      rateLimit: { enabled: false, perMinute: 0 },
      metricsPublic: true,
    });
    expect(await scraped.outcome(request('metrics'))).toBe('allowed');
    expect(await scraped.outcome(request('ready'))).toBe('allowed');
    expect(await scraped.outcome(request('search'))).toBe('UNAUTHORIZED');
  });

  it('closes a route that declares no access to all but admin keys, and checks scopes', async () => {
    const keyHashes = new Set([createHash('sha256').update(KEY).digest('hex')]);
    const guard = make({ auth: { enabled: true, keyHashes }, rateLimit: { enabled: false, perMinute: 0 } });
    const admin = await guard.service.authenticate(KEY);
    const searcher = await guard.service.create(admin, { name: 't', scopes: ['search'], collections: ['*'] });
    expect(await guard.outcome(request('undeclared', { key: KEY }))).toBe('allowed');
    expect(await guard.outcome(request('undeclared', { key: searcher.secret }))).toBe('FORBIDDEN');
    expect(await guard.outcome(request('search', { key: searcher.secret }))).toBe('allowed');
    expect(await guard.outcome(request('chat', { key: searcher.secret }))).toBe('FORBIDDEN');
    expect(await guard.outcome(request('metrics', { key: searcher.secret }))).toBe('FORBIDDEN');
  });
});
