import { createRedis, RedisClient, redisKeys } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { IngestQueueAdapter } from '../src/queue/ingest-queue.adapter';
import { TaskIndexRepository } from '../src/tasks/task-index.repository';
import { TasksService } from '../src/tasks/tasks.service';

/** The per-collection task index on a real Redis; the Bull side is faked (jobs are not the point here). */
describe('task index (real Redis)', () => {
  const prefix = uniquePrefix('tasks');
  let redis: RedisClient;

  beforeAll(() => {
    redis = createRedis(testRedisUrl(), 'tasks-spec');
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('drops entries older than any job Bull keeps when a task is submitted, without waiting for a listing', async () => {
    const queue = { add: async () => undefined };
    const storage = { put: async () => undefined };
    const tasks = new TasksService(
      queue as unknown as IngestQueueAdapter,
      new TaskIndexRepository(redis, redisKeys(prefix)),
      storage as never,
    );
    const key = `${prefix}:tasks:c1`;
    const tooOld = Date.now() - IngestQueueAdapter.retentionSeconds * 1000 - 60_000;
    await redis.zadd(key, tooOld, 'ancient-task', Date.now() - 60_000, 'recent-task');
    const { taskId } = await tasks.submit({
      collectionId: 'c1',
      filename: 'a.txt',
      storageKey: 'c1/x.txt',
      sourceType: 'txt',
      sizeBytes: 3,
    });
    expect((await redis.zrange(key, 0, -1)).sort()).toEqual(['recent-task', taskId].sort());
  });
});
