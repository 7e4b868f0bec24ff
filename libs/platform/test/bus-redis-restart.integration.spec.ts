import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { defineMessage, Pattern } from '@rag/contracts';
import pino from 'pino';
import { z } from 'zod';
import {
  BusClient,
  BusExceptionFilter,
  BusHandler,
  BusPayload,
  DomainError,
  RedisStreamsClient,
  RedisStreamsServer,
} from '../src';
import { RedisProcess, uniquePrefix, within } from '../src/testing';

const Echo = defineMessage(
  'test.restart.echo' as Pattern,
  z.object({ n: z.number().int(), holdMs: z.number().int().default(0) }),
  z.object({ n: z.number() }),
);

@Controller()
class EchoController {
  @BusHandler(Echo)
  async echo(@BusPayload(Echo) p: { n: number; holdMs: number }) {
    if (p.holdMs) await new Promise((r) => setTimeout(r, p.holdMs));
    return { n: p.n };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('bus across a Redis restart (a real redis-server killed and started again)', () => {
  let redis: RedisProcess;
  let server: INestMicroservice;
  let bus: BusClient;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    const prefix = uniquePrefix('restart');
    server = await NestFactory.createMicroservice(EchoModule, {
      strategy: new RedisStreamsServer({
        redisUrl: redis.url,
        prefix,
        consumerName: 'r1',
        blockMs: 200,
        claimIdleMs: 2000,
      }),
      logger: false,
    });
    server.useGlobalFilters(new BusExceptionFilter(pino({ level: 'silent' })));
    await server.listen();
    bus = new BusClient(new RedisStreamsClient({ redisUrl: redis.url, prefix, pickupTimeoutMs: 5000 }), 5000);
  });

  afterAll(async () => {
    await bus.close();
    // The server's close waits for in-flight handlers; bounded so a failure here cannot hang the suite.
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 5000))]);
    await redis.stop();
  }, 15_000);

  it('answers again within seconds after Redis comes back empty (consumer groups re-created), and fails the call in flight fast', async () => {
    expect(await bus.request(Echo, { n: 7, holdMs: 0 })).toEqual({ n: 7 });

    // A call waiting for its reply when Redis dies: its reply can never arrive.
    const inFlight = bus.request(Echo, { n: 2, holdMs: 1500 }, { timeoutMs: 8000 }).then(
      () => 'answered',
      (e: DomainError) => e.code,
    );
    await new Promise((r) => setTimeout(r, 200));
    const killedAt = Date.now();
    await redis.kill();
    expect(await inFlight).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - killedAt).toBeLessThan(5000);

    await redis.start();
    const recoveredMs = await within(15_000, async () =>
      Boolean(await bus.request(Echo, { n: 1, holdMs: 0 }, { timeoutMs: 1000 })),
    );
    expect(recoveredMs).toBeLessThan(10_000);
    // And it keeps working, not just once.
    const replies = await Promise.all(Array.from({ length: 20 }, (_, n) => bus.request(Echo, { n, holdMs: 0 })));
    expect(replies.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  }, 40_000);
});
