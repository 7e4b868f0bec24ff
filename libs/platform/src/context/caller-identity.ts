import type { ApiKeyScope, CallerIdentity } from '@rag/contracts';
import { DomainError } from '../errors/domain-error';
import { RequestContext } from './request-context';

/** What an envelope's unreadable identity stands for: no scope, no collection. */
export const NO_RIGHTS: CallerIdentity = { keyId: null, tenant: null, scopes: [], collections: [] };

/** Whether a collection pattern (an id, a prefix ending in `*`, or `*`) names the collection. */
export function collectionMatches(pattern: string, collectionId: string): boolean {
  return (
    pattern === '*' ||
    (pattern.endsWith('*') ? collectionId.startsWith(pattern.slice(0, -1)) : pattern === collectionId)
  );
}

/** Whether the caller holds the scope (or admin) and reaches the collection. */
export function identityMay(identity: CallerIdentity, scope: ApiKeyScope, collectionId: string): boolean {
  const scoped = identity.scopes.includes('admin') || identity.scopes.includes(scope);
  return scoped && identity.collections.some((p) => collectionMatches(p, collectionId));
}

/**
 * Refuses work the API caller of the current request may not do. A request without a caller is
 * from an internal service acting on its own (the private network is trusted); one whose caller
 * came in its envelope is held to that caller's scopes and collections, whichever service relayed it.
 */
export function assertCallerMay(scope: ApiKeyScope, collectionId: string): void {
  const identity = RequestContext.identity();
  if (identity && !identityMay(identity, scope, collectionId)) {
    throw new DomainError(
      'FORBIDDEN',
      `the API caller${identity.keyId ? ` (key ${identity.keyId})` : ''} may not ${scope} in collection ${collectionId}`,
    );
  }
}
