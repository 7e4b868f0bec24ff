import { ApiKeyScope } from '@rag/contracts';
import { Caller, covers, mayTouch, mayUse } from './caller';

const caller = (scopes: ApiKeyScope[], collections: string[]): Caller => ({
  keyId: 'k',
  tenant: 't',
  bootstrap: false,
  scopes: new Set(scopes),
  collections,
});

describe('caller permissions', () => {
  it('needs one of the route scopes, admin having all, [] meaning any key', () => {
    expect(mayUse(caller(['search'], ['*']), ['search', 'chat'])).toBe(true);
    expect(mayUse(caller(['search'], ['*']), ['upload'])).toBe(false);
    expect(mayUse(caller(['admin'], ['*']), ['delete'])).toBe(true);
    expect(mayUse(caller(['chat'], ['*']), [])).toBe(true);
  });

  it('lets a key reach only its collections and grant no wider ones', () => {
    const c = caller(['admin'], ['a-*', 'shared']);
    expect(mayTouch(c, 'a-1')).toBe(true);
    expect(mayTouch(c, 'shared')).toBe(true);
    expect(mayTouch(c, 'b-1')).toBe(false);
    expect(covers(c.collections, 'a-x*')).toBe(true);
    expect(covers(c.collections, 'a-1')).toBe(true);
    expect(covers(c.collections, '*')).toBe(false);
    expect(covers(c.collections, 'shared*')).toBe(false);
    expect(covers(c.collections, 'b-*')).toBe(false);
  });
});
