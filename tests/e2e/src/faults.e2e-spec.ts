import { RedisProcess } from '@rag/platform';
import { DATASETS, getJson, Stack, upload, waitForTask } from '@rag/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Polls until `check` passes or `ms` runs out; returns the time it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check().catch(() => false)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not recovered within ${ms} ms`);
}

describe('the whole system across a Redis restart (real redis-server killed with SIGKILL, started again empty)', () => {
  let redis: RedisProcess;
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    stack = new Stack({ REDIS_URL: redis.url, BUS_TIMEOUT_MS: '2000', RECONCILE_INTERVAL_MS: '1000', INGEST_CONCURRENCY: '1' });
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
  });
  afterAll(async () => {
    await stack.stop();
    await redis.stop();
  });

  it('is ready, searches, ingests and answers again by itself within seconds', async () => {
    const first = await upload(base, 'faults', [{ name: 'before.txt', data: 'The helicopter transfer protocol requires two paramedics on board.' }]);
    expect((await waitForTask(base, first.body.files[0].taskId)).state).toBe('SUCCESS');

    await redis.kill();
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    await redis.start();

    const readyMs = await within(20_000, async () => (await fetch(`${base}/ready`)).status === 200);
    expect(readyMs).toBeLessThan(20_000);
    // The documents live in LanceDB, not in Redis: still found.
    const hits = await getJson(fetch(`${base}/search`, json({ collectionId: 'faults', query: 'helicopter paramedics' })));
    expect(hits.results[0].filename).toBe('before.txt');
    // Bull's queue works again: a new upload is ingested.
    const after = await upload(base, 'faults', [{ name: 'after.txt', data: 'Oxygen saturation below 92 percent needs escalation to the registrar.' }]);
    expect(after.status).toBe(202);
    expect((await waitForTask(base, after.body.files[0].taskId)).state).toBe('SUCCESS');
    const chat = await getJson(fetch(`${base}/chat`, json({ collectionId: 'faults', question: 'When is escalation to the registrar needed?' })));
    expect(chat.answer).toMatch(/92 percent/);
  }, 90_000);

  it('loses no accepted upload when Redis restarts empty mid-ingest: each task id comes back and ends in SUCCESS', async () => {
    const dir = join(DATASETS, 'pubmedqa-books');
    const books = readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort().slice(3, 7);
    const res = await upload(base, 'midway', books.map((b) => ({ name: b, data: readFileSync(join(dir, b)) })));
    expect(res.status).toBe(202);
    const ids: string[] = res.body.files.map((f: { taskId: string }) => f.taskId);
    // The jobs are queued (and one is running) when Redis dies; it comes back with no keys at all.
    await redis.kill();
    await redis.start();
    for (const id of ids) {
      const task = await waitForTask(base, id, 60_000);
      expect([id, task.state]).toEqual([id, 'SUCCESS']);
    }
    const docs = await getJson(fetch(`${base}/collections/midway/documents`));
    expect(docs.documents.map((d: { filename: string }) => d.filename).sort()).toEqual([...books].sort());
  }, 120_000);
});
