import { RedisProcess } from '@rag/platform';
import { getJson, Stack, upload, waitForTask } from '@rag/testing';

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
    stack = new Stack({ REDIS_URL: redis.url, BUS_TIMEOUT_MS: '2000' });
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
});
