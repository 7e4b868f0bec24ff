import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetLab, RunningService, Stack } from '@rag/testing';

const unavailable = NetLab.unavailable();
if (unavailable) console.warn(`several-hosts e2e not run: ${unavailable}`);
const describeWithHosts = unavailable ? describe.skip : describe;

const CONSISTENCY_MS = 2000;

function ready(p: ChildProcess, line: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 15_000);
    const look = (d: Buffer) => {
      out += d.toString();
      if (line.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    p.stdout!.on('data', look);
    p.stderr!.on('data', look);
  });
}

/**
 * Gateway and ingest on one host, two retrieval replicas on two others: each a network namespace
 * with its own loopback and an address on a private bridge, where a fourth one runs Redis and an
 * S3-protocol server (s3rver) holding LanceDB. A document written through either replica must be
 * seen by the other within LANCEDB_READ_CONSISTENCY_MS, and search must find it through each.
 */
describeWithHosts('services on three hosts (network namespaces), LanceDB on an S3-protocol server', () => {
  let lab: NetLab;
  let stack: Stack;
  let gateway: RunningService;
  const replicas: Array<{ host: string; svc: RunningService }> = [];
  const s3dir = mkdtempSync(join(tmpdir(), 'rag-hosts-s3-'));

  beforeAll(async () => {
    lab = await NetLab.create(['app', 'r1', 'r2']);
    const hub = lab.address('hub');
    const redis = lab.spawn('hub', 'redis-server', [
      '--port',
      '6379',
      '--bind',
      hub,
      '--protected-mode',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await ready(redis, /Ready to accept connections/, 'redis-server');
    const s3 = lab.spawn('hub', process.execPath, [
      '-e',
      `const S3rver = require(${JSON.stringify(require.resolve('s3rver'))});
       new S3rver({ port: 9000, address: '${hub}', silent: true, directory: ${JSON.stringify(s3dir)},
         configureBuckets: [{ name: 'rag', configs: [] }] }).run().then(() => console.log('s3 ready'));`,
    ]);
    await ready(s3, /s3 ready/, 's3rver');
    stack = new Stack({
      REDIS_URL: `redis://${hub}:6379/0`,
      LANCEDB_URI: 's3://rag/lancedb',
      LANCEDB_STORAGE_OPTIONS: JSON.stringify({
        aws_endpoint: `http://${hub}:9000`,
        allow_http: 'true',
        aws_access_key_id: 'S3RVER',
        aws_secret_access_key: 'S3RVER',
        aws_region: 'us-east-1',
      }),
      LANCEDB_READ_CONSISTENCY_MS: String(CONSISTENCY_MS),
      BUS_TIMEOUT_MS: '10000',
    });
    for (const host of ['r1', 'r2'])
      replicas.push({ host, svc: await stack.start('retrieval-service', {}, { lab, host }) });
    await stack.start('ingest-service', {}, { lab, host: 'app' });
    gateway = await stack.start('gateway', {}, { lab, host: 'app' });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await lab?.destroy();
    rmSync(s3dir, { recursive: true, force: true });
  });

  const api = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const r = await lab.fetch('app', `http://127.0.0.1:${gateway.port}${path}`, init);
    return { status: r.status, body: JSON.parse(r.text) };
  };
  const rowsSeenBy = async (r: { host: string; svc: RunningService }) =>
    JSON.parse((await lab.fetch(r.host, `http://127.0.0.1:${r.svc.port}/health`)).text).details.rows as number;
  const search = (query: string) =>
    api('/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collectionId: 'ward', query }),
    });

  it('shows a document written through one replica to the other within LANCEDB_READ_CONSISTENCY_MS', async () => {
    const before = await Promise.all(replicas.map(rowsSeenBy));
    const boundary = 'netlab-boundary';
    const text = 'Night shift handover on ward seven lists every patient on oxygen therapy.';
    const upload = await api('/upload/ward', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body:
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="handover.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\n${text}\r\n--${boundary}--\r\n`,
    });
    expect(upload.status).toBe(202);
    let task: { state: string; counts: { chunks: Record<string, number> } } = {
      state: 'PENDING',
      counts: { chunks: {} },
    };
    for (let i = 0; i < 120 && !['SUCCESS', 'FAILURE'].includes(task.state); i++) {
      await new Promise((r) => setTimeout(r, 250));
      task = (await api(`/tasks/${upload.body.files[0].taskId}`)).body;
    }
    expect(task.state).toBe('SUCCESS');
    const written = Date.now();
    const chunks = Object.values(task.counts.chunks).reduce((a, n) => a + n, 0);
    expect(chunks).toBeGreaterThan(0);
    // Both replicas, each on its own host: the one that wrote and the one that must catch up.
    const seenAfter: number[] = [];
    for (const [i, r] of replicas.entries()) {
      for (;;) {
        if ((await rowsSeenBy(r)) >= before[i] + chunks) break;
        if (Date.now() - written > CONSISTENCY_MS + 5000) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      seenAfter.push(Date.now() - written);
    }
    expect(await Promise.all(replicas.map(rowsSeenBy))).toEqual(before.map((b) => b + chunks));
    // The bound plus what one look through a namespace costs (a node process each).
    expect(Math.max(...seenAfter)).toBeLessThanOrEqual(CONSISTENCY_MS + 1500);
    expect((await search('oxygen handover ward seven')).body.results[0].filename).toBe('handover.txt');

    // With the first replica gone, the second alone answers, from the shared object store.
    await replicas[0].svc.stop();
    const alone = await search('night shift oxygen');
    expect(alone.status).toBe(200);
    expect(alone.body.results[0].filename).toBe('handover.txt');
  }, 120_000);
});
