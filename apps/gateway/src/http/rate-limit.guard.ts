import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@rag/platform';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { callerOf } from '../keys/caller';
import { routeAccess } from './api-key.guard';
import { RATE_WINDOW_MS, RateLimitStore } from './rate-limit.store';

/**
 * One sliding one-minute budget per API key (or IP when keys are off) across all routes, kept in
 * Redis so every gateway replica enforces the same one. Routes open to anyone are not counted.
 * Answers with the IETF draft `RateLimit-*` headers and `Retry-After` on 429.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly store: RateLimitStore,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (!this.config.rateLimit.enabled) return true;
    const access = routeAccess(this.reflector, ctx).kind;
    if (access === 'public') return true;
    if (access === 'operations' && (this.config.metricsPublic || !this.config.auth.enabled)) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const caller = callerOf(req);
    const limit = this.config.rateLimit.perMinute;
    const now = Date.now();
    const elapsed = (now % RATE_WINDOW_MS) / RATE_WINDOW_MS;
    const { allowed, cur, prev } = await this.store.take(
      caller.keyId ? `key:${caller.keyId}` : `ip:${req.ip}`,
      limit,
      now,
    );
    const used = Math.floor(prev * (1 - elapsed)) + cur;
    const resetSeconds = Math.max(1, Math.ceil(secondsUntilFree(limit, cur, prev, elapsed)));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - used)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (!allowed)
      throw new DomainError('RATE_LIMITED', `rate limit of ${limit} requests per minute exceeded`, {
        retryAfterSeconds: resetSeconds,
      });
    return true;
  }
}

/** Seconds until the sliding count drops below `limit`, with no new requests: when the next one would be allowed. */
export function secondsUntilFree(limit: number, cur: number, prev: number, elapsed: number): number {
  if (Math.floor(prev * (1 - elapsed)) + cur < limit) return 0;
  const minute = RATE_WINDOW_MS / 1000;
  // Within this minute the previous one fades out; past its end, this minute's count fades in turn.
  if (cur < limit && prev > 0) return (1 - (limit - cur) / prev - elapsed) * minute;
  return (1 - elapsed) * minute + (1 - limit / cur) * minute;
}
