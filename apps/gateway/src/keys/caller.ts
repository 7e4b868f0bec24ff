import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiKeyScope, CallerReply } from '@rag/contracts';
import { collectionMatches } from '@rag/platform';
import type { Request } from 'express';

/** Who is calling: a stored key, a bootstrap key from the environment, or anyone when keys are off. */
export interface Caller {
  keyId: string | null;
  tenant: string | null;
  /** A key from API_KEY_HASHES (or anyone when keys are off): administers every tenant. */
  bootstrap: boolean;
  scopes: ReadonlySet<ApiKeyScope>;
  /** Collection ids, prefixes ending in `*`, or `*`. */
  collections: readonly string[];
}

export const ANYONE: Caller = {
  keyId: null,
  tenant: null,
  bootstrap: true,
  scopes: new Set(['admin']),
  collections: ['*'],
};

export function mayUse(caller: Caller, scopes: readonly ApiKeyScope[]): boolean {
  return caller.scopes.has('admin') || scopes.length === 0 || scopes.some((s) => caller.scopes.has(s));
}

export function mayTouch(caller: Caller, collectionId: string): boolean {
  return caller.collections.some((p) => collectionMatches(p, collectionId));
}

/** Whether every collection `pattern` names is also named by one of `patterns` (a key cannot grant more than it has). */
export function covers(patterns: readonly string[], pattern: string): boolean {
  return patterns.some((p) => collectionMatches(p, pattern));
}

export function toCallerReply(c: Caller): CallerReply {
  return { keyId: c.keyId, tenant: c.tenant, scopes: [...c.scopes], collections: [...c.collections] };
}

const CALLER = Symbol('caller');

export function setCaller(req: Request, caller: Caller): void {
  (req as unknown as Record<symbol, Caller>)[CALLER] = caller;
}

export function callerOf(req: Request): Caller {
  return (req as unknown as Record<symbol, Caller>)[CALLER] ?? ANYONE;
}

/** The caller the API-key guard authenticated, for handlers that filter what they return by it. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  callerOf(ctx.switchToHttp().getRequest<Request>()),
);
