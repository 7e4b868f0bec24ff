import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { BaseConfig } from '../config/config';
import { BusClient } from './bus-client';
import { RedisStreamsClient } from './redis-streams.client';

/** Provides BusClient to any service that calls others over the bus. */
@Global()
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(BusClient) private readonly bus: BusClient) {}

  static forRoot(config: BaseConfig): DynamicModule {
    return {
      module: BusModule,
      providers: [
        {
          provide: BusClient,
          useFactory: () =>
            new BusClient(
              new RedisStreamsClient({
                redisUrl: config.redisUrl,
                prefix: config.redisPrefix,
                pickupTimeoutMs: config.busTimeoutMs,
              }),
              config.busTimeoutMs,
            ),
        },
      ],
      exports: [BusClient],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
