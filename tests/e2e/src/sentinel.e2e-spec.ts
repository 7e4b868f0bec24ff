import { createRedis } from '@rag/platform';
import { RedisProcess, within } from '@rag/platform/testing';
import { getJson, jsonPost, Stack, upload, waitForTask } from '@rag/testing';

/** All services find Redis through a Sentinel; the test kills the master with SIGKILL and the replica takes over. */
describe('the whole system on Redis with Sentinel (real master, replica and Sentinel processes)', () => {
  let master: RedisProcess;
  let replica: RedisProcess;
  let sentinel: RedisProcess;
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    master = await RedisProcess.start({ persist: true });
    replica = await RedisProcess.start({ persist: true, replicaOf: master.port });
    sentinel = await RedisProcess.sentinel('ragmaster', master.port);
    stack = new Stack({
      // Only the db and credentials come from REDIS_URL; the address is asked of the Sentinel.
      REDIS_URL: 'redis://127.0.0.1:1/0',
      REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`,
      REDIS_SENTINEL_NAME: 'ragmaster',
      BUS_TIMEOUT_MS: '3000',
      INGEST_CONCURRENCY: '1',
    });
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
    await Promise.all([sentinel.stop(), replica.stop(), master.stop()]);
  });

  it('ingests, searches and answers before the failover and again after it, without losing the task it had', async () => {
    const first = await upload(base, 'ha', [
      { name: 'before.txt', data: 'The helicopter transfer protocol requires two paramedics on board.' },
    ]);
    const task = await waitForTask(base, first.body.files[0].taskId);
    expect(task.state).toBe('SUCCESS');

    // Redis replicates asynchronously: what the master has not yet sent when it dies is lost. Wait for the replica
    // to acknowledge everything so far, so the check below is about the failover, not about that window.
    const direct = createRedis(master.url, 'sentinel-e2e-wait');
    const info = await direct.info('replication');
    const acked = await direct.wait(1, 5000);
    direct.disconnect();
    expect([acked, info]).toEqual([1, expect.stringContaining('connected_slaves:1')]);
    await master.kill();
    // Sentinel notices in about a second and promotes the replica; every client follows it.
    const tookMs = await within(
      40_000,
      async () =>
        (await fetch(`${base}/search`, jsonPost({ collectionId: 'ha', query: 'helicopter paramedics' }))).status ===
        200,
      250,
    );
    const hits = await getJson(
      fetch(`${base}/search`, jsonPost({ collectionId: 'ha', query: 'helicopter paramedics' })),
    );
    expect(hits.results[0].filename).toBe('before.txt');
    // The task written before the failover is still known (replicated, not lost with the master).
    // (each service's bus listener reconnects on its own schedule: the ingest service may answer a moment later)
    let seen: Record<string, unknown> = {};
    await within(
      20_000,
      async () => (seen = await getJson(fetch(`${base}/tasks/${task.taskId}`))).state === 'SUCCESS',
      250,
    ).catch(() => undefined);
    expect(seen).toMatchObject({ state: 'SUCCESS', taskId: task.taskId });
    await within(
      20_000,
      async () =>
        (await upload(base, 'ha', [{ name: 'after.txt', data: 'Oxygen cylinders are checked before every flight.' }]))
          .status === 202,
      500,
    );
    const after = (await getJson(fetch(`${base}/tasks?collectionId=ha`))).tasks.find(
      (t: { filename: string }) => t.filename === 'after.txt',
    );
    expect((await waitForTask(base, after.taskId, 30_000)).state).toBe('SUCCESS');
    const answer = await getJson(
      fetch(`${base}/chat`, jsonPost({ collectionId: 'ha', question: 'When are oxygen cylinders checked?' })),
    );
    expect(answer.sources.map((s: { filename: string }) => s.filename)).toContain('after.txt');
    expect(tookMs).toBeLessThan(40_000);
  }, 120_000);
});
