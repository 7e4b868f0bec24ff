import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiKeyScope } from '@rag/contracts';

/** Who may call a route. A route without it needs an admin key: a new route is closed until its access is decided. */
export type RouteAccess =
  | { kind: 'public' }
  /** Operations data (every tenant's load): keys of API_KEY_HASHES only, unless METRICS_PUBLIC=true. */
  | { kind: 'operations' }
  /** A key with one of these scopes (admin has all); [] = any valid key. */
  | { kind: 'scoped'; scopes: readonly ApiKeyScope[] };

export const ROUTE_ACCESS = 'rag:route-access';

/** Open to anyone, even when API keys are required. */
export const Public = () => SetMetadata(ROUTE_ACCESS, { kind: 'public' } satisfies RouteAccess);

export const OperationsOnly = () =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'operations' } satisfies RouteAccess), ApiBearerAuth('apiKey'));

export const RequireScopes = (...scopes: ApiKeyScope[]) =>
  applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'scoped', scopes } satisfies RouteAccess),
    ApiBearerAuth('apiKey'),
    ApiExtension('x-scopes', scopes.length ? scopes : ['any key']),
  );
