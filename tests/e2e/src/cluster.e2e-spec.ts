import { clusterUrl, createRedis, redisKeys } from '@rag/platform';
import { RedisCluster, within } from '@rag/platform/testing';
import { createHash } from 'node:crypto';
import { getJson, jsonPost, Stack, upload, waitForTask } from '@rag/testing';

const KEY = 'cluster-admin-key';

/**
 * All services on a Redis Cluster: three masters with a replica each (real redis-server processes,
 * slots spread by redis-cli --cluster create). The test kills the master holding the bus and Bull
 * keys with SIGKILL; its replica takes over and the system serves again with nothing lost.
 */
describe('the whole system on a Redis Cluster (three masters, three replicas)', () => {
  let cluster: RedisCluster;
  let stack: Stack;
  let base: string;
  const auth = { authorization: `Bearer ${KEY}` };
  const post = (body: unknown) => {
    const init = jsonPost(body);
    return { ...init, headers: { ...(init.headers as Record<string, string>), ...auth } };
  };

  beforeAll(async () => {
    cluster = await RedisCluster.start(3, 1);
    stack = new Stack({
      // Only the credentials come from REDIS_URL; the nodes are named here and the rest is discovered.
      REDIS_URL: 'redis://127.0.0.1:1/0',
      REDIS_CLUSTER_NODES: cluster.nodeList,
      BUS_TIMEOUT_MS: '3000',
      INGEST_CONCURRENCY: '1',
      AUTH_ENABLED: 'true',
      API_KEY_HASHES: createHash('sha256').update(KEY).digest('hex'),
      RATE_LIMIT_PER_MINUTE: '1000',
    });
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
  }, 90_000);

  afterAll(async () => {
    await stack.stop();
    await cluster.stop();
  });

  it('ingests, searches, answers, keeps conversations, keys and rate limits, before and after a master dies', async () => {
    const first = await upload(
      base,
      'cl',
      [{ name: 'before.txt', data: 'The ferry crossing needs two lifeguards on deck.' }],
      auth,
    );
    expect(first.status).toBe(202);
    const task = await waitForTask(base, first.body.files[0].taskId, 30_000, auth);
    expect(task.state).toBe('SUCCESS');
    const answer = await getJson(
      fetch(`${base}/chat`, post({ collectionId: 'cl', question: 'How many lifeguards are on deck?' })),
    );
    expect(answer.sources.map((s: { filename: string }) => s.filename)).toContain('before.txt');
    const conversation = await getJson(
      fetch(`${base}/collections/cl/conversations/${answer.conversationId}`, { headers: auth }),
    );
    expect(conversation.turns.length).toBe(2);
    const created = await getJson(
      fetch(`${base}/keys`, post({ name: 'reader', scopes: ['search'], collections: ['cl'] })),
    );
    expect(
      (await fetch(`${base}/collections/cl/documents`, { headers: { authorization: `Bearer ${created.secret}` } }))
        .status,
    ).toBe(200);

    // The master of the bus streams' slot (Bull's and the keys' slots may be elsewhere): kill it once it has
    // replicated what it acknowledged, so the check is about the failover, not about asynchronous replication.
    const keys = redisKeys(stack.prefix, true);
    const client = createRedis(clusterUrl(cluster.nodeList.split(','), 'redis://127.0.0.1:1/0'), 'cluster-e2e-look');
    // The services really use the cluster, under the tagged names.
    const present = await Promise.all(
      [keys.busStream('retrieval.search'), keys.apiKeyIds, `${keys.bullPrefix}:ingest:completed`].map((k) =>
        client.exists(k),
      ),
    );
    client.disconnect();
    expect(present).toEqual([1, 1, 1]);
    const victim = await cluster.masterOf(keys.busStream('retrieval.search'));
    const direct = createRedis(victim.url, 'cluster-e2e-wait');
    expect(await direct.wait(1, 5000)).toBe(1);
    direct.disconnect();
    await victim.kill();
    const alive = cluster.nodes.filter((n) => n !== victim);
    await cluster.waitUntilHealthy(30_000, alive);

    const tookMs = await within(
      40_000,
      async () =>
        (await fetch(`${base}/search`, post({ collectionId: 'cl', query: 'ferry lifeguards' }))).status === 200,
      250,
    );
    const hits = await getJson(fetch(`${base}/search`, post({ collectionId: 'cl', query: 'ferry lifeguards' })));
    expect(hits.results[0].filename).toBe('before.txt');
    let seen: Record<string, unknown> = {};
    await within(
      20_000,
      async () => (seen = await getJson(fetch(`${base}/tasks/${task.taskId}`, { headers: auth }))).state === 'SUCCESS',
      250,
    ).catch(() => undefined);
    expect(seen).toMatchObject({ state: 'SUCCESS', taskId: task.taskId });
    let second: Awaited<ReturnType<typeof upload>> | undefined;
    await within(
      20_000,
      async () =>
        (second = await upload(
          base,
          'cl',
          [{ name: 'after.txt', data: 'Life jackets are counted before every crossing.' }],
          auth,
        )).status === 202,
      500,
    );
    expect((await waitForTask(base, second!.body.files[0].taskId, 30_000, auth)).state).toBe('SUCCESS');
    const later = await getJson(
      fetch(
        `${base}/chat`,
        post({ collectionId: 'cl', question: 'When are life jackets counted?', conversationId: answer.conversationId }),
      ),
    );
    expect(later.sources.map((s: { filename: string }) => s.filename)).toContain('after.txt');
    expect(
      (await getJson(fetch(`${base}/collections/cl/conversations/${answer.conversationId}`, { headers: auth }))).turns
        .length,
    ).toBe(4);
    expect(
      (await fetch(`${base}/collections/cl/documents`, { headers: { authorization: `Bearer ${created.secret}` } }))
        .status,
    ).toBe(200);
    expect(tookMs).toBeLessThan(40_000);
  }, 150_000);
});
