import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ApiKeyScope } from '@rag/contracts';
import {
  AppLogger,
  closeRedis,
  createFailFastRedis,
  DomainError,
  LOGGER,
  RedisClient,
  RequestContext,
  whenReady,
} from '@rag/platform';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { ApiKeysService } from '../keys/api-keys.service';
import { ANYONE, Caller, mayTouch, mayUse, setCaller, toCallerReply } from '../keys/caller';
import { OPEN_PATHS, OPERATIONS_PATHS, ROUTE_SCOPES } from '../openapi/api-routes';

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
 * API keys, rate limits and permissions in one guard, so the order is fixed: authenticate, count,
 * then check the route's scope and the collection named in the path, body or query. One budget
 * per key (or IP when keys are off) across all routes, kept in Redis so every gateway replica
 * enforces the same one.
 */
@Injectable()
export class AccessGuard implements CanActivate, OnModuleDestroy {
  private readonly redis: RedisClient;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly keys: ApiKeysService,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {
    this.redis = createFailFastRedis(config.redisUrl, 'gateway-ratelimit');
  }

  async onModuleDestroy(): Promise<void> {
    await closeRedis(this.redis);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const route = (req.route as { path?: string } | undefined)?.path;
    if (route && OPEN_PATHS.has(route)) return true;
    const operations = !!route && OPERATIONS_PATHS.has(route);
    if (operations && (this.config.metricsPublic || !this.config.auth.enabled)) return true;
    const caller = await this.authenticate(req);
    if (this.config.rateLimit.enabled)
      await this.count(
        caller.keyId ? `key:${caller.keyId}` : `ip:${req.ip}`,
        ctx.switchToHttp().getResponse<Response>(),
      );
    const action = `${req.method} ${route ?? req.path}`;
    // A route missing from the table needs admin: a new route is closed until its scope is decided.
    const scopes: readonly ApiKeyScope[] = operations ? ['admin'] : (ROUTE_SCOPES.get(action) ?? ['admin']);
    if (!mayUse(caller, scopes))
      throw new DomainError('FORBIDDEN', `this API key lacks the scope ${scopes.join(' or ')} needed for ${action}`);
    // Readiness and metrics describe the whole system (every tenant's load): for the operator's keys only.
    if (operations && !caller.bootstrap)
      throw new DomainError('FORBIDDEN', `${action} needs a key from API_KEY_HASHES (or METRICS_PUBLIC=true)`);
    const collectionId = namedCollection(req);
    if (collectionId !== undefined && !mayTouch(caller, collectionId))
      throw new DomainError('FORBIDDEN', `this API key may not use collection ${collectionId}`);
    setCaller(req, caller);
    // Every bus request made for this HTTP request carries its caller, for the services to check.
    RequestContext.setIdentity(toCallerReply(caller));
    if (
      caller.keyId &&
      (scopes.includes('upload') || scopes.includes('delete') || scopes.includes('admin')) &&
      req.method !== 'GET'
    ) {
      this.logger.info(
        {
          audit: {
            keyId: caller.keyId,
            tenant: caller.tenant,
            action,
            collectionId: collectionId ?? null,
            requestId: RequestContext.correlationId(),
          },
        },
        'api key write',
      );
    }
    return true;
  }

  private async authenticate(req: Request): Promise<Caller> {
    if (!this.config.auth.enabled) return ANYONE;
    const header = req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new DomainError('UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>');
    return this.keys.authenticate(m[1]);
  }

  private async count(caller: string, res: Response): Promise<void> {
    const limit = this.config.rateLimit.perMinute;
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const elapsed = (now % WINDOW_MS) / WINDOW_MS;
    const key = (w: number) => `${this.config.redisPrefix}:rl:{${caller}}:${w}`;
    const [allowed, cur, prev] = (await whenReady(this.redis, 'rate limit store', () =>
      this.redis.eval(
        SLIDING_WINDOW,
        2,
        key(window),
        key(window - 1),
        String(1 - elapsed),
        String(limit),
        String(2 * WINDOW_MS),
      ),
    )) as [number, number, number];
    const used = Math.floor(prev * (1 - elapsed)) + cur;
    const resetSeconds = Math.max(1, Math.ceil(secondsUntilFree(limit, cur, prev, elapsed)));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - used)));
    res.setHeader('RateLimit-Reset', String(resetSeconds));
    if (!allowed) {
      throw new DomainError('RATE_LIMITED', `rate limit of ${limit} requests per minute exceeded`, {
        retryAfterSeconds: resetSeconds,
      });
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

/** The collection a request names: in its path, its JSON body, or the task list's query. */
function namedCollection(req: Request): string | undefined {
  const fromParams = (req.params as Record<string, string> | undefined)?.collectionId;
  const fromBody =
    req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>).collectionId : undefined;
  const query = req.query as Record<string, unknown> | undefined;
  const fromQuery = query?.collectionId ?? query?.collection_id;
  const id = fromParams ?? fromBody ?? fromQuery;
  return typeof id === 'string' ? id : undefined;
}
