import { RedisProcess, within } from '@rag/platform/testing';
import { DATASETS, getJson, jsonPost, Stack, upload, waitForTask } from '@rag/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';

/** Sends raw bytes to the gateway and returns the status line of the answer ('' when the connection closed without one). */
function rawHttp(port: number, head: string, body: Buffer, endEarly: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('hang');
    }, 5000);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer.split('\r\n')[0]);
    });
    socket.on('error', () => undefined);
    socket.write(head);
    socket.write(body);
    // A truncated request: the client stops sending (half-close) before the body it announced.
    if (endEarly) socket.end();
  });
}

describe('the whole system across a Redis restart (real redis-server killed with SIGKILL, started again empty)', () => {
  let redis: RedisProcess;
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    stack = new Stack({
      REDIS_URL: redis.url,
      BUS_TIMEOUT_MS: '2000',
      RECONCILE_INTERVAL_MS: '1000',
      INGEST_CONCURRENCY: '1',
    });
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
  });
  afterAll(async () => {
    await stack.stop();
    await redis.stop();
  });

  it('is ready, searches, ingests and answers again by itself within seconds', async () => {
    const first = await upload(base, 'faults', [
      { name: 'before.txt', data: 'The helicopter transfer protocol requires two paramedics on board.' },
    ]);
    expect((await waitForTask(base, first.body.files[0].taskId)).state).toBe('SUCCESS');

    await redis.kill();
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    await redis.start();

    const readyMs = await within(20_000, async () => (await fetch(`${base}/ready`)).status === 200, 250);
    expect(readyMs).toBeLessThan(20_000);
    // The documents live in LanceDB, not in Redis: still found.
    const hits = await getJson(
      fetch(`${base}/search`, jsonPost({ collectionId: 'faults', query: 'helicopter paramedics' })),
    );
    expect(hits.results[0].filename).toBe('before.txt');
    // Bull's queue works again: a new upload is ingested.
    const after = await upload(base, 'faults', [
      { name: 'after.txt', data: 'Oxygen saturation below 92 percent needs escalation to the registrar.' },
    ]);
    expect(after.status).toBe(202);
    expect((await waitForTask(base, after.body.files[0].taskId)).state).toBe('SUCCESS');
    const chat = await getJson(
      fetch(
        `${base}/chat`,
        jsonPost({ collectionId: 'faults', question: 'When is escalation to the registrar needed?' }),
      ),
    );
    expect(chat.answer).toMatch(/92 percent/);
  }, 90_000);

  it('loses no accepted upload when Redis restarts empty mid-ingest: each task id comes back and ends in SUCCESS', async () => {
    const dir = join(DATASETS, 'pubmedqa-books');
    const books = readdirSync(dir)
      .filter((f) => f.endsWith('.pdf'))
      .sort()
      .slice(3, 7);
    const res = await upload(
      base,
      'midway',
      books.map((b) => ({ name: b, data: readFileSync(join(dir, b)) })),
    );
    expect(res.status).toBe(202);
    const ids: string[] = res.body.files.map((f: { taskId: string }) => f.taskId);
    // The jobs are queued (and one is running) when Redis dies; it comes back with no keys at all.
    await redis.kill();
    await redis.start();
    for (const id of ids) {
      const task = await waitForTask(base, id, 60_000);
      expect([id, task.state, task.error]).toEqual([id, 'SUCCESS', null]);
    }
    const docs = await getJson(fetch(`${base}/collections/midway/documents`));
    expect(docs.documents.map((d: { filename: string }) => d.filename).sort()).toEqual([...books].sort());
  }, 120_000);

  it('answers truncated, malformed and oversized multipart requests and stays up', async () => {
    const port = Number(new URL(base).port);
    const boundary = 'fuzz';
    const part = (filename: string, data: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${data}`;
    const cases: Array<{ body: Buffer; announced?: number; endEarly: boolean }> = [
      { body: Buffer.from(part('a.txt', 'cut in the mid')), announced: 5000, endEarly: true },
      { body: Buffer.from(`${part('a\u0001b.txt', 'x')}\r\n--${boundary}--\r\n`, 'latin1'), endEarly: false },
      {
        body: Buffer.from(`--${boundary}\r\n\u0001\u0002 not a header\r\n\r\nx\r\n--${boundary}--\r\n`, 'latin1'),
        endEarly: false,
      },
      { body: Buffer.from('garbage without any boundary'), endEarly: false },
      { body: Buffer.from(`${part('a.txt', 'x')}\r\n--${boundary}--\r\n`), announced: 3, endEarly: false },
    ];
    for (const [i, c] of cases.entries()) {
      const head = `POST /upload/fuzz HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${c.announced ?? c.body.length}\r\nConnection: close\r\n\r\n`;
      const status = await rawHttp(port, head, c.body, c.endEarly);
      // An answer with a 4xx, or a closed connection for a client that left; never a hang.
      expect([i, status === '' || /^HTTP\/1\.1 4\d\d/.test(status)]).toEqual([i, true]);
      expect((await fetch(`${base}/health`)).status).toBe(200);
    }
    const gateway = stack.services.find((s) => s.name === 'gateway')!;
    expect(gateway.proc.exitCode).toBeNull();
  }, 60_000);

  it('finishes a job whose ingest replica is killed with SIGKILL mid-job, on the other replica', async () => {
    const [first] = stack.services.filter((s) => s.name === 'ingest-service');
    // One 1,000-page PDF (the ten books joined), so the job is still running when its replica dies.
    const dir = mkdtempSync(join(tmpdir(), 'killed-'));
    const big = join(dir, 'all-books.pdf');
    const books = readdirSync(join(DATASETS, 'pubmedqa-books'))
      .filter((f) => f.endsWith('.pdf'))
      .sort();
    execFileSync('pdfunite', [...books.map((b) => join(DATASETS, 'pubmedqa-books', b)), big]);
    const res = await upload(base, 'killed', [{ name: 'all-books.pdf', data: readFileSync(big) }]);
    rmSync(dir, { recursive: true, force: true });
    const taskId = res.body.files[0].taskId;
    await within(30_000, async () => (await getJson(fetch(`${base}/tasks/${taskId}`))).state === 'PROCESSING');
    await stack.start('ingest-service');
    const before = await getJson(fetch(`${base}/tasks/${taskId}`));
    expect(before.state).toBe('PROCESSING');
    first.proc.kill('SIGKILL');
    const killedAt = Date.now();
    const task = await waitForTask(base, taskId, 90_000);
    expect(task).toMatchObject({ state: 'SUCCESS', counts: { pages: 1000 } });
    // Taken again after the dead replica's lock (JOB_LOCK_MS) ran out, not after the old 60 s + 30 s.
    expect(Date.now() - killedAt).toBeLessThan(60_000);
  }, 150_000);
});
