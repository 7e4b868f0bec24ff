import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { redisKeysFor } from './redis-keys';
import { closeRedis, createFailFastRedis, createRedis, RedisClient } from './redis.factory';

/** The service's Redis client for its own data (the bus and Bull keep their own connections). */
export const REDIS = Symbol('REDIS');
/** The service's `RedisKeys` under its REDIS_PREFIX. */
export const REDIS_KEYS = Symbol('REDIS_KEYS');

export interface RedisModuleOptions {
  redisUrl: string;
  redisPrefix: string;
  /** connection name, shown by CLIENT LIST */
  name: string;
  /**
   * `fail-fast` for clients answering a request in hand (nothing queued while Redis is away, see
   * createFailFastRedis); `queued` for work that should wait for Redis to come back (leases).
   */
  mode: 'fail-fast' | 'queued';
}

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}
  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}

/** Provides REDIS and REDIS_KEYS to the whole service; the client is closed after every module has stopped. */
@Module({})
export class RedisModule {
  static forRoot(opts: RedisModuleOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        {
          provide: REDIS,
          useFactory: () =>
            opts.mode === 'fail-fast'
              ? createFailFastRedis(opts.redisUrl, opts.name)
              : createRedis(opts.redisUrl, opts.name),
        },
        { provide: REDIS_KEYS, useValue: redisKeysFor(opts) },
        RedisShutdown,
      ],
      exports: [REDIS, REDIS_KEYS],
    };
  }
}
