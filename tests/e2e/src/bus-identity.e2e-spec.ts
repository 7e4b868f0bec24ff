import {
  CallerIdentity,
  IngestSubmit,
  IngestTaskGet,
  RetrievalDocumentDelete,
  RetrievalDocumentFind,
} from '@rag/contracts';
import { BusClient, RedisStreamsClient, RequestContext } from '@rag/platform';
import { getJson, Stack, upload, waitForTask } from '@rag/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Internal calls carry the API caller they act for: the retrieval service holds every write to that
 * caller's scopes and collections, whichever service relays it (the gateway, or ingest storing an upload).
 */
describe('the caller identity in bus envelopes, checked by retrieval for writes', () => {
  const stack = new Stack({ RATE_LIMIT_PER_MINUTE: '0' });
  let base: string;
  let bus: BusClient;
  let documentId: string;
  const as = <T>(identity: CallerIdentity | undefined, fn: () => Promise<T>) =>
    RequestContext.run({ correlationId: RequestContext.newId(), identity }, fn);
  const caller = (scopes: CallerIdentity['scopes'], collections: string[]): CallerIdentity => ({
    keyId: 'k-test',
    tenant: 't',
    scopes,
    collections,
  });

  beforeAll(async () => {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const env = stack.env();
    bus = new BusClient(
      new RedisStreamsClient({ redisUrl: env.REDIS_URL, prefix: stack.prefix, pickupTimeoutMs: 3000 }),
      5000,
    );
    const up = await upload(base, 'alpha', [{ name: 'note.txt', data: 'Aspirin is stored at room temperature.' }]);
    const task = await waitForTask(base, up.body.files[0].taskId);
    expect(task.state).toBe('SUCCESS');
    documentId = task.documentId;
  });
  afterAll(async () => {
    await bus.close();
    await stack.stop();
  });

  it('refuses a delete for a caller without the scope or the collection, and does it for one with both', async () => {
    const del = () => bus.request(RetrievalDocumentDelete, { collectionId: 'alpha', documentId });
    await expect(as(caller(['search', 'upload'], ['alpha']), del)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(caller(['delete'], ['beta', 'al']), del)).rejects.toThrow(/may not delete in collection alpha/);
    expect((await bus.request(RetrievalDocumentFind, { collectionId: 'alpha', documentId })).document).not.toBeNull();
    expect(await as(caller(['delete'], ['al*']), del)).toMatchObject({ documentIds: [documentId] });
  });

  it('stores an upload as its uploader: a caller without the upload scope gets a FAILURE, not a document', async () => {
    const storageKey = 'identity-test/upload.txt';
    mkdirSync(join(stack.dir, 'uploads', 'identity-test'), { recursive: true });
    writeFileSync(join(stack.dir, 'uploads', storageKey), 'Ibuprofen is taken with food.');
    const submit = {
      collectionId: 'alpha',
      filename: 'upload.txt',
      storageKey,
      sourceType: 'txt' as const,
      sizeBytes: 29,
    };
    const { taskId } = await as(caller(['search'], ['alpha']), () => bus.request(IngestSubmit, submit));
    let task = await bus.request(IngestTaskGet, { taskId });
    for (let i = 0; i < 100 && (task.state === 'PENDING' || task.state === 'PROCESSING'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      task = await bus.request(IngestTaskGet, { taskId });
    }
    expect(task.state).toBe('FAILURE');
    expect(task.error).toMatchObject({ code: 'FORBIDDEN' });
    const docs = await getJson(fetch(`${base}/collections/alpha/documents`));
    expect(docs.documents.map((d: { filename: string }) => d.filename)).not.toContain('upload.txt');
  });
});
