import { createHash } from 'node:crypto';
import { getJson, Stack, upload } from '@rag/testing';

const ROOT_KEY = 'root-bootstrap-key';

/** Scoped API keys over HTTP: each scope, each collection boundary, revocation and rotation. */
describe('tenancy: API keys with scopes and collections (all services as processes)', () => {
  const stack = new Stack({
    AUTH_ENABLED: 'true',
    API_KEY_HASHES: createHash('sha256').update(ROOT_KEY).digest('hex'),
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'info',
  });
  let base: string;
  const as = (secret: string, init: RequestInit = {}) => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${secret}` },
  });
  const post = (secret: string, body: unknown) =>
    as(secret, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const createKey = async (by: string, body: unknown) => {
    const r = await fetch(`${base}/keys`, post(by, body));
    return { status: r.status, body: await getJson(r) };
  };
  let a: string;
  let b: string;
  let aDocument: string;

  beforeAll(async () => {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
  });
  afterAll(() => stack.stop());

  it('creates keys through the bootstrap key and shows each secret once', async () => {
    const ka = await createKey(ROOT_KEY, {
      name: 'team a',
      tenant: 'a',
      scopes: ['search', 'upload'],
      collections: ['a-*'],
    });
    expect(ka.status).toBe(201);
    expect(ka.body).toMatchObject({
      tenant: 'a',
      scopes: ['search', 'upload'],
      collections: ['a-*'],
      revokedAt: null,
      secret: expect.stringMatching(/^rk_/),
    });
    a = ka.body.secret;
    const kb = await createKey(ROOT_KEY, {
      name: 'team b',
      tenant: 'b',
      scopes: ['search', 'upload'],
      collections: ['b-docs'],
    });
    b = kb.body.secret;
    const list = await getJson(fetch(`${base}/keys`, as(ROOT_KEY)));
    expect(list.keys.map((k: { name: string }) => k.name)).toEqual(['team a', 'team b']);
    expect(JSON.stringify(list)).not.toContain(a);
    expect((await createKey(ROOT_KEY, { name: 'bad', scopes: ['fly'], collections: ['x'] })).status).toBe(400);
    expect(await getJson(fetch(`${base}/keys/me`, as(a)))).toMatchObject({
      tenant: 'a',
      scopes: ['search', 'upload'],
      collections: ['a-*'],
    });
  });

  it('lets a key upload only into its collections, and hides its tasks from other tenants', async () => {
    const mine = await upload(
      base,
      'a-docs',
      [{ name: 'a.txt', data: 'Warfarin dosing is adjusted to the INR of team a.' }],
      { authorization: `Bearer ${a}` },
    );
    expect(mine.status).toBe(202);
    let t: Record<string, unknown> = {};
    for (let i = 0; i < 200 && t.state !== 'SUCCESS'; i++) {
      t = await getJson(fetch(`${base}/tasks/${mine.body.files[0].taskId}`, as(a)));
      if (t.state !== 'SUCCESS') await new Promise((r) => setTimeout(r, 100));
    }
    expect(t.state).toBe('SUCCESS');
    aDocument = t.documentId as string;
    expect((await fetch(`${base}/tasks/${mine.body.files[0].taskId}`, as(b))).status).toBe(404);
    expect((await fetch(`${base}/tasks?collectionId=a-docs`, as(b))).status).toBe(403);
    expect((await fetch(`${base}/collections`, post(a, { collectionId: 'a-new', description: 'mine' }))).status).toBe(
      201,
    );
    expect((await fetch(`${base}/collections`, post(a, { collectionId: 'b-new' }))).status).toBe(403);
    const theirs = await upload(base, 'b-docs', [{ name: 'a.txt', data: 'x' }], { authorization: `Bearer ${a}` });
    expect(theirs).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    // A reader of a-docs has no upload scope.
    const reader = (
      await createKey(ROOT_KEY, { name: 'a reader', tenant: 'a', scopes: ['search'], collections: ['a-docs'] })
    ).body.secret as string;
    expect(
      (await upload(base, 'a-docs', [{ name: 'r.txt', data: 'x' }], { authorization: `Bearer ${reader}` })).status,
    ).toBe(403);
  });

  it('lists and searches only what a key may reach; filters cannot reach another collection', async () => {
    await upload(base, 'b-docs', [{ name: 'b.txt', data: 'Team b keeps its own notes on INR monitoring.' }], {
      authorization: `Bearer ${ROOT_KEY}`,
    });
    const all = await getJson(fetch(`${base}/collections`, as(ROOT_KEY)));
    expect(all.collections.map((c: { collectionId: string }) => c.collectionId)).toContain('a-docs');
    const seenByB = await getJson(fetch(`${base}/collections`, as(b)));
    expect(seenByB.collections.map((c: { collectionId: string }) => c.collectionId)).not.toContain('a-docs');
    expect((await fetch(`${base}/search`, post(b, { collectionId: 'a-docs', query: 'warfarin' }))).status).toBe(403);
    const filtered = await getJson(
      fetch(
        `${base}/search`,
        post(b, { collectionId: 'b-docs', query: 'warfarin INR', filters: { documentIds: [aDocument] } }),
      ),
    );
    expect(filtered.results).toEqual([]);
    const found = await getJson(fetch(`${base}/search`, post(a, { collectionId: 'a-docs', query: 'warfarin INR' })));
    expect(found.results.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/collections/a-docs/documents`, as(b))).status).toBe(403);
  });

  it("refuses actions outside a key's scopes: delete, chat, key admin and operations data", async () => {
    expect((await fetch(`${base}/collections/a-docs`, as(a, { method: 'DELETE' }))).status).toBe(403);
    expect((await fetch(`${base}/chat`, post(a, { collectionId: 'a-docs', question: 'warfarin?' }))).status).toBe(403);
    expect((await fetch(`${base}/keys`, as(a))).status).toBe(403);
    expect((await fetch(`${base}/metrics`, as(a))).status).toBe(403);
    expect((await fetch(`${base}/metrics`, as(ROOT_KEY))).status).toBe(200);
  });

  it("keeps a tenant's admin inside its tenant and collections", async () => {
    const admin = (await createKey(ROOT_KEY, { name: 'a admin', tenant: 'a', scopes: ['admin'], collections: ['a-*'] }))
      .body.secret as string;
    expect((await createKey(admin, { name: 'too wide', scopes: ['search'], collections: ['*'] })).status).toBe(403);
    // A tenant's admin does not see the whole system's readiness and metrics.
    expect((await fetch(`${base}/metrics`, as(admin))).status).toBe(403);
    expect((await fetch(`${base}/ready`, as(admin))).status).toBe(403);
    expect(
      (await createKey(admin, { name: 'other tenant', tenant: 'b', scopes: ['search'], collections: ['a-x'] })).status,
    ).toBe(403);
    const sub = await createKey(admin, { name: 'a reader 2', scopes: ['search'], collections: ['a-docs'] });
    expect(sub).toMatchObject({ status: 201, body: { tenant: 'a' } });
    const listed = await getJson(fetch(`${base}/keys`, as(admin)));
    expect(listed.keys.map((k: { tenant: string }) => k.tenant).every((t: string) => t === 'a')).toBe(true);
    const bKey = (await getJson(fetch(`${base}/keys`, as(ROOT_KEY)))).keys.find(
      (k: { name: string }) => k.name === 'team b',
    );
    expect((await fetch(`${base}/keys/${bKey.id}`, as(admin, { method: 'DELETE' }))).status).toBe(404);
    // A key of its own tenant that reaches further: neither rotated (its new secret would be handed over) nor revoked.
    const wide = (
      await createKey(ROOT_KEY, { name: 'a everything', tenant: 'a', scopes: ['search'], collections: ['*'] })
    ).body;
    expect((await fetch(`${base}/keys/${wide.id}/rotate`, as(admin, { method: 'POST' }))).status).toBe(403);
    expect((await fetch(`${base}/keys/${wide.id}`, as(admin, { method: 'DELETE' }))).status).toBe(403);
    expect((await fetch(`${base}/keys/${sub.body.id}/rotate`, as(admin, { method: 'POST' }))).status).toBe(201);
  });

  it('keeps a conversation inside its collection: another tenant cannot read or extend it by id', async () => {
    const chatA = (
      await createKey(ROOT_KEY, { name: 'a chat', tenant: 'a', scopes: ['chat'], collections: ['a-docs'] })
    ).body.secret as string;
    const chatB = (
      await createKey(ROOT_KEY, { name: 'b chat', tenant: 'b', scopes: ['chat'], collections: ['b-docs'] })
    ).body.secret as string;
    const first = await getJson(
      fetch(`${base}/chat`, post(chatA, { collectionId: 'a-docs', question: 'How is warfarin dosing adjusted?' })),
    );
    expect(first.conversationId).toEqual(expect.any(String));
    const stolen = await fetch(
      `${base}/chat`,
      post(chatB, { collectionId: 'b-docs', question: 'and then?', conversationId: first.conversationId }),
    );
    expect(stolen.status).toBe(404);
    const again = await fetch(
      `${base}/chat`,
      post(chatA, { collectionId: 'a-docs', question: 'and then?', conversationId: first.conversationId }),
    );
    expect(again.status).toBe(200);
    expect((await getJson(again)).conversationId).toBe(first.conversationId);
  });

  it('refuses a revoked key and the old secret of a rotated one at once', async () => {
    const keys = (await getJson(fetch(`${base}/keys`, as(ROOT_KEY)))).keys as Array<{
      id: string;
      name: string;
      lastUsedAt: string | null;
    }>;
    const ka = keys.find((k) => k.name === 'team a')!;
    expect(ka.lastUsedAt).not.toBeNull();
    const kb = keys.find((k) => k.name === 'team b')!;
    expect((await fetch(`${base}/keys/${ka.id}`, as(ROOT_KEY, { method: 'DELETE' }))).status).toBe(200);
    const refused = await fetch(`${base}/collections`, as(a));
    expect(refused.status).toBe(401);
    expect((await getJson(refused)).message).toMatch(/revoked/);
    const rotated = await getJson(fetch(`${base}/keys/${kb.id}/rotate`, as(ROOT_KEY, { method: 'POST' })));
    expect(rotated.id).toBe(kb.id);
    expect((await fetch(`${base}/collections`, as(b))).status).toBe(401);
    expect((await fetch(`${base}/collections`, as(rotated.secret))).status).toBe(200);
  });

  it('writes an audit line for each write with the key id, action, collection and request id', () => {
    const gateway = stack.services.find((s) => s.name === 'gateway')!;
    const lines = gateway.logs
      .join('')
      .split('\n')
      .filter((l) => l.includes('"audit"'));
    expect(lines.length).toBeGreaterThan(0);
    const upload = lines
      .map((l) => JSON.parse(l).audit)
      .find(
        (x: { action: string; collectionId: string }) =>
          x.action === 'POST /upload/:collectionId' && x.collectionId === 'a-docs',
      );
    expect(upload).toMatchObject({
      keyId: expect.stringMatching(/^[a-f0-9]{16}$/),
      tenant: 'a',
      requestId: expect.any(String),
    });
  });
});
