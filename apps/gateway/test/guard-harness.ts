import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppLogger, DomainError, redisKeys, RedisClient } from '@rag/platform';
import { GatewayConfig } from '../src/config/gateway.config';
import { OperationsOnly, Public, RequireScopes } from '../src/http/access.decorators';
import { ApiKeyGuard } from '../src/http/api-key.guard';
import { RateLimitGuard } from '../src/http/rate-limit.guard';
import { RateLimitStore } from '../src/http/rate-limit.store';
import { ApiKeyRepository } from '../src/keys/api-key.repository';
import { ApiKeysService } from '../src/keys/api-keys.service';

/** Handlers declaring access as the gateway's controllers do. */
class Routes {
  @RequireScopes('search') search() {
    return 'search';
  }
  @RequireScopes('chat') chat() {
    return 'chat';
  }
  @RequireScopes('search', 'chat', 'upload', 'delete') collections() {
    return 'collections';
  }
  @RequireScopes('upload') task() {
    return 'task';
  }
  @Public() health() {
    return 'health';
  }
  @OperationsOnly() metrics() {
    return 'metrics';
  }
  @OperationsOnly() ready() {
    return 'ready';
  }
  undeclared() {
    return 'undeclared';
  }
}

export type RouteName = keyof Routes;

/** An HTTP request to one of the routes above, and the headers its reply got. */
export function request(route: RouteName, opts: { key?: string; ip?: string } = {}) {
  const headers: Record<string, string> = {};
  const req = {
    route: { path: `/${route}` },
    method: 'GET',
    path: `/${route}`,
    ip: opts.ip ?? '10.0.0.1',
    header: (h: string) => (h === 'authorization' && opts.key ? `Bearer ${opts.key}` : undefined),
  };
  const res = { setHeader: (h: string, v: string) => (headers[h] = v) };
  const ctx = {
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    getHandler: () => Routes.prototype[route],
    getClass: () => Routes,
  } as unknown as ExecutionContext;
  return { ctx, headers };
}

/** The gateway's two global guards in their order, on a real Redis client. */
export function guardsWith(config: GatewayConfig, redis: RedisClient) {
  const reflector = new Reflector();
  const keys = redisKeys(config.redisPrefix);
  const logger = { info: () => undefined } as unknown as AppLogger;
  const service = new ApiKeysService(new ApiKeyRepository(redis, keys), config);
  const apiKeys = new ApiKeyGuard(reflector, config, service, logger);
  const rateLimit = new RateLimitGuard(reflector, config, new RateLimitStore(redis, keys));
  const check = async (ctx: ExecutionContext) => (await apiKeys.canActivate(ctx)) && rateLimit.canActivate(ctx);
  /** 'allowed', or the code of the error a guard refused with. */
  const outcome = (c: { ctx: ExecutionContext }) =>
    check(c.ctx).then(
      () => 'allowed',
      (e: DomainError) => e.code,
    );
  return { check, outcome, service };
}
