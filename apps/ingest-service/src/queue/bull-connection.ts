import { OnApplicationShutdown } from '@nestjs/common';
import { closeRedis, createRedis, isClusterUrl, RedisClient, redisOptionsFromUrl } from '@rag/platform';
import type { QueueOptions } from 'bull';

/**
 * How Bull reaches Redis. One Redis (or a master found through Sentinels): options Bull builds its
 * clients from. A Redis Cluster: Bull cannot build Cluster clients from options, so it is handed ours
 * (its blocking and subscriber connections without ready check, as it requires); Bull does not close
 * clients it was handed, so they are closed here once the queue has stopped.
 */
export class BullConnection implements OnApplicationShutdown {
  private readonly clients: RedisClient[] = [];

  constructor(private readonly redisUrl: string) {}

  options(): Pick<QueueOptions, 'redis' | 'createClient'> {
    if (!isClusterUrl(this.redisUrl)) return { redis: redisOptionsFromUrl(this.redisUrl) };
    return {
      createClient: (type) => {
        const client = createRedis(this.redisUrl, `bull-${type}`, type === 'client' ? {} : { enableReadyCheck: false });
        this.clients.push(client);
        return client as never;
      },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.clients.map((c) => closeRedis(c)));
  }
}
