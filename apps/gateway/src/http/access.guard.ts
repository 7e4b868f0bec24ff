import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { closeRedis, createFailFastRedis, DomainError, RedisClient, whenReady } from '@rag/platform';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { OPEN_PATHS } from '../openapi/api-routes';

/**
 * API keys and rate limits in one guard, so the order is fixed: authenticate, then count.
 * The counter lives in Redis (fixed one-minute window per key and route), so every gateway
 * replica enforces the same budget.
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
    const caller = this.authenticate(req);
    if (this.config.rateLimit.enabled) await this.count(caller, `${req.method} ${route ?? req.path}`);
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

  private async count(caller: string, route: string): Promise<void> {
    const window = Math.floor(Date.now() / 60_000);
    const key = `${this.config.redisPrefix}:rl:${caller}:${route}:${window}`;
    const [[, n]] = (await whenReady(this.redis, 'rate limit store', () => this.redis.multi().incr(key).pexpire(key, 61_000).exec())) as [[null, number], [null, number]];
    if (n > this.config.rateLimit.perMinute) {
      const retryAfterSeconds = Math.max(1, 60 - Math.floor((Date.now() % 60_000) / 1000));
      throw new DomainError('RATE_LIMITED', `rate limit of ${this.config.rateLimit.perMinute} requests per minute exceeded for ${route}`, { retryAfterSeconds });
    }
  }
}
