import { Controller, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { defineMessage, Pattern } from '@rag/contracts';
import pino from 'pino';
import { z } from 'zod';
import { BusClient, BusHandler, RedisStreamsClient, startService } from '../src';
import { testRedisUrl, uniquePrefix } from '../src/testing';

const Ready = defineMessage('test.ready' as Pattern, z.object({}), z.object({ ready: z.boolean() }));

@Injectable()
class SlowRepository implements OnModuleInit {
  ready = false;
  async onModuleInit(): Promise<void> {
    await new Promise((r) => setTimeout(r, 500));
    this.ready = true;
  }
}

@Controller()
class ReadyController {
  constructor(private readonly repo: SlowRepository) {}

  @BusHandler(Ready)
  ready() {
    return { ready: this.repo.ready };
  }
}

@Module({ controllers: [ReadyController], providers: [SlowRepository] })
class ReadyModule {}

describe('startService (real Redis)', () => {
  it('delivers no bus message before every module has initialised', async () => {
    const prefix = uniquePrefix('start');
    const bus = new BusClient(
      new RedisStreamsClient({ redisUrl: testRedisUrl(), prefix, pickupTimeoutMs: 10_000 }),
      10_000,
    );
    // Asked before the service starts: the request waits in its stream.
    const reply = bus.request(Ready, {});
    const app = await startService({
      name: 'ready-test',
      module: { module: ReadyModule },
      config: {
        nodeEnv: 'test',
        logLevel: 'silent',
        redisUrl: testRedisUrl(),
        redisPrefix: prefix,
        busTimeoutMs: 10_000,
        busConcurrency: 4,
        healthPort: 0,
      },
      logger: pino({ level: 'silent' }),
      bus: true,
      httpPort: 0,
    });
    try {
      expect(await reply).toEqual({ ready: true });
    } finally {
      await bus.close();
      await app.close();
    }
  });
});
