import { CallerIdentity } from '@rag/contracts';
import { DomainError } from '../errors/domain-error';
import { assertCallerMay, collectionMatches, identityMay } from './caller-identity';
import { RequestContext } from './request-context';

const who = (scopes: CallerIdentity['scopes'], collections: string[]): CallerIdentity => ({
  keyId: 'k1',
  tenant: 't',
  scopes,
  collections,
});

describe('caller identity', () => {
  it('matches collection ids exactly, by prefix, or all', () => {
    expect(collectionMatches('a-docs', 'a-docs')).toBe(true);
    expect(collectionMatches('a-docs', 'a-docs2')).toBe(false);
    expect(collectionMatches('a-*', 'a-docs')).toBe(true);
    expect(collectionMatches('a-*', 'b-docs')).toBe(false);
    expect(collectionMatches('*', 'anything')).toBe(true);
  });

  it('needs the scope (or admin) and the collection', () => {
    expect(identityMay(who(['upload'], ['a-*']), 'upload', 'a-docs')).toBe(true);
    expect(identityMay(who(['upload'], ['a-*']), 'delete', 'a-docs')).toBe(false);
    expect(identityMay(who(['upload'], ['a-*']), 'upload', 'b-docs')).toBe(false);
    expect(identityMay(who(['admin'], ['*']), 'delete', 'b-docs')).toBe(true);
  });

  it('holds a request to the caller it carries, and trusts one without a caller (an internal service)', () => {
    const run = (identity: CallerIdentity | undefined) => () =>
      RequestContext.run({ correlationId: 'r', identity }, () => assertCallerMay('delete', 'b-docs'));
    expect(run(who(['delete'], ['a-*']))).toThrow(DomainError);
    expect(run(who(['search'], ['*']))).toThrow(/may not delete in collection b-docs/);
    expect(run(who(['delete'], ['b-docs']))).not.toThrow();
    expect(run(undefined)).not.toThrow();
  });
});
