import { Inject, Injectable } from '@nestjs/common';
import { REDIS, REDIS_KEYS, RedisClient, RedisKeys } from '@rag/platform';

/** Each collection's task ids by submit time, in Redis beside Bull's jobs (Bull has no per-collection listing). */
@Injectable()
export class TaskIndexRepository {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  /** Lists a task under its collection and drops entries submitted before `keepSince` (ms). */
  async add(collectionId: string, taskId: string, submittedAt: number, keepSince: number): Promise<void> {
    const key = this.keys.taskIndex(collectionId);
    await this.redis.multi().zadd(key, submittedAt, taskId).zremrangebyscore(key, '-inf', keepSince).exec();
  }

  /** The latest `limit` task ids of a collection, newest first. */
  latest(collectionId: string, limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.keys.taskIndex(collectionId), 0, limit - 1);
  }

  async remove(collectionId: string, taskIds: string[]): Promise<void> {
    if (taskIds.length) await this.redis.zrem(this.keys.taskIndex(collectionId), ...taskIds);
  }
}
