import { createRedis, isClusterUrl, RedisClient } from '../redis/redis.factory';

/**
 * The bus's reply and cancel channels. On one Redis: PUBLISH / SUBSCRIBE. On a Redis Cluster a plain
 * PUBLISH goes through whichever node the client picks and reaches subscribers over the cluster bus,
 * so two frames of one reply could arrive out of order; sharded pub/sub (SPUBLISH / SSUBSCRIBE, Redis 7)
 * keeps a channel on the shard owning its slot, in order.
 */
export class BusPubSub {
  private readonly sharded: boolean;

  constructor(private readonly redisUrl: string) {
    this.sharded = isClusterUrl(redisUrl);
  }

  subscriber(name: string): RedisClient {
    return createRedis(this.redisUrl, name, {}, { shardedSubscribers: true });
  }

  publish(client: RedisClient, channel: string, message: string): Promise<unknown> {
    return this.sharded ? client.spublish(channel, message) : client.publish(channel, message);
  }

  async subscribe(client: RedisClient, channel: string, onMessage: (message: string) => void): Promise<void> {
    client.on(this.sharded ? 'smessage' : 'message', (ch: string, message: string) => {
      if (ch === channel) onMessage(message);
    });
    await (this.sharded ? client.ssubscribe(channel) : client.subscribe(channel));
  }
}
