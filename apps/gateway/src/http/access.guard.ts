import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { closeRedis, createFailFastRedis, DomainError, RedisClient, whenReady } from '@rag/platform';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { OPEN_PATHS, OPERATIONS_PATHS } from '../openapi/api-routes';

const WINDOW_MS = 60_000;

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

/**
 * API keys and rate limits in one guard, so the order is fixed: authenticate, then count.
 * One budget per key (or IP when keys are off) across all routes, kept in Redis so every
 * gateway replica enforces the same one.
 */
@Injectable()
export class AccessGuard implements CanActivate, OnModuleDestroy {
  private readonly redis: RedisClient;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.redis = createFailFastRedis(config.redisUrl, 'gateway-ratelimit');
  }

  async onModuleDestroy(): Promise<void> {
    await closeRedis(this.redis);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const route = (req.route as { path?: string } | undefined)?.path;
    if (route && OPEN_PATHS.has(route)) return true;
    if (route && OPERATIONS_PATHS.has(route) && (this.config.metricsPublic || !this.config.auth.enabled)) return true;
    const caller = this.authenticate(req);
    if (this.config.rateLimit.enabled) await this.count(caller, ctx.switchToHttp().getResponse<Response>());
    return true;
  }

  private authenticate(req: Request): string {
    if (!this.config.auth.enabled) return `ip:${req.ip}`;
    const header = req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new DomainError('UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    const hash = createHash('sha256').update(m[1]).digest('hex');
    if (!this.config.auth.keyHashes.has(hash)) throw new DomainError('UNAUTHORIZED', 'invalid API key');
    return `key:${hash.slice(0, 16)}`;
  }

  private async count(caller: string, res: Response): Promise<void> {
    const limit = this.config.rateLimit.perMinute;
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const elapsed = (now % WINDOW_MS) / WINDOW_MS;
    const key = (w: number) => `${this.config.redisPrefix}:rl:{${caller}}:${w}`;
    const [allowed, cur, prev] = (await whenReady(this.redis, 'rate limit store', () =>
      this.redis.eval(SLIDING_WINDOW, 2, key(window), key(window - 1), String(1 - elapsed), String(limit), String(2 * WINDOW_MS)),
    )) as [number, number, number];
    const used = Math.floor(prev * (1 - elapsed)) + cur;
    const resetSeconds = Math.max(1, Math.ceil(secondsUntilFree(limit, cur, prev, elapsed)));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - used)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (!allowed) {
      throw new DomainError('RATE_LIMITED', `rate limit of ${limit} requests per minute exceeded`, { retryAfterSeconds: resetSeconds });
    }
  }
}

/** Seconds until the sliding count drops below `limit`, with no new requests: when the next one would be allowed. */
export function secondsUntilFree(limit: number, cur: number, prev: number, elapsed: number): number {
  if (Math.floor(prev * (1 - elapsed)) + cur < limit) return 0;
  const minute = WINDOW_MS / 1000;
  // Within this minute the previous one fades out; past its end, this minute's count fades in turn.
  if (cur < limit && prev > 0) return (1 - (limit - cur) / prev - elapsed) * minute;
  return (1 - elapsed) * minute + (1 - limit / cur) * minute;
}
