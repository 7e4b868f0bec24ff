import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyScope } from '@rag/contracts';
import { AppLogger, DomainError, LOGGER, RequestContext } from '@rag/platform';
import type { Request } from 'express';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { ApiKeysService } from '../keys/api-keys.service';
import { ANYONE, Caller, mayTouch, mayUse, setCaller, toCallerReply } from '../keys/caller';
import { ROUTE_ACCESS, RouteAccess } from './access.decorators';

/** A route that says nothing about its access needs an admin key: a new route is closed until decided. */
const UNDECLARED: RouteAccess = { kind: 'scoped', scopes: ['admin'] };

/**
 * API keys and permissions: authenticates the caller, then checks the route's declared access
 * (`@Public()`, `@OperationsOnly()`, `@RequireScopes(...)`) and the collection named in the path,
 * body or query. Runs before the rate limit, which counts per authenticated key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly keys: ApiKeysService,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, ctx);
    if (access.kind === 'public') return true;
    if (access.kind === 'operations' && (this.config.metricsPublic || !this.config.auth.enabled)) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const caller = await this.authenticate(req);
    const route = (req.route as { path?: string } | undefined)?.path;
    const action = `${req.method} ${route ?? req.path}`;
    const scopes: readonly ApiKeyScope[] = access.kind === 'scoped' ? access.scopes : ['admin'];
    if (!mayUse(caller, scopes))
      throw new DomainError('FORBIDDEN', `this API key lacks the scope ${scopes.join(' or ')} needed for ${action}`);
    // Readiness and metrics describe the whole system (every tenant's load): for the operator's keys only.
    if (access.kind === 'operations' && !caller.bootstrap)
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
}

export function routeAccess(reflector: Reflector, ctx: ExecutionContext): RouteAccess {
  return (
    reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [ctx.getHandler(), ctx.getClass()]) ?? UNDECLARED
  );
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
