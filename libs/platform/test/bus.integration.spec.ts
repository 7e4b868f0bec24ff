import { Controller, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { CallerIdentity, CallerIdentitySchema, defineMessage, Pattern } from '@rag/contracts';
import pino from 'pino';
import { firstValueFrom, Observable, toArray } from 'rxjs';
import { z } from 'zod';
import {
  BusClient,
  BusContext,
  BusExceptionFilter,
  BusHandler,
  BUS_GROUP,
  redisKeys,
  BusPayload,
  createRedis,
  DomainError,
  RedisStreamsClient,
  RedisStreamsServer,
  RequestContext,
} from '../src';
import { testRedisUrl, uniquePrefix } from '../src/testing';

const Echo = defineMessage(
  'test.echo' as Pattern,
  z.object({ n: z.number().int() }),
  z.object({ n: z.number(), replica: z.string() }),
);
const Tokens = defineMessage('test.tokens' as Pattern, z.object({ count: z.number().int() }), z.string());
const Nobody = defineMessage('test.nobody' as Pattern, z.object({}), z.object({}));
const Ping = defineMessage('test.ping' as Pattern, z.object({ n: z.number() }), z.object({}));
const WhoAmI = defineMessage(
  'test.whoami' as Pattern,
  z.object({}),
  z.object({ identity: CallerIdentitySchema.nullable() }),
);

const REPLICA = 'REPLICA';
const handled = {
  requests: [] as Array<{ n: number; replica: string }>,
  events: [] as Array<{ n: number; replica: string }>,
};
const streamControl = {
  produced: [] as string[],
  release: () => undefined as void,
  tornDown: 0,
  correlationIds: [] as string[],
};

@Controller()
class TestController {
  constructor(@Inject(REPLICA) private readonly replica: string) {}

  @BusHandler(Echo)
  async echo(@BusPayload(Echo) p: { n: number }) {
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    handled.requests.push({ n: p.n, replica: this.replica });
    return { n: p.n, replica: this.replica };
  }

  @BusHandler(WhoAmI)
  whoAmI() {
    return { identity: RequestContext.identity() ?? null };
  }

  @EventPattern(Ping.pattern)
  ping(@Payload() p: { n: number }) {
    handled.events.push({ n: p.n, replica: this.replica });
  }

  @MessagePattern(Tokens.pattern)
  tokens(@BusPayload(Tokens) p: { count: number }, @Ctx() ctx: BusContext): Observable<string> {
    streamControl.correlationIds.push(ctx.getCorrelationId() ?? '');
    return new Observable<string>((sub) => {
      let i = 0;
      let stopped = false;
      const emit = () => {
        if (stopped) return;
        const t = `tok${i}`;
        streamControl.produced.push(t);
        sub.next(t);
        i++;
        if (i === 1) {
          // Hold the rest until the test has seen the first token on the client side.
          streamControl.release = () => setImmediate(emit);
          return;
        }
        if (i < p.count) setImmediate(emit);
        else sub.complete();
      };
      emit();
      return () => {
        stopped = true;
        streamControl.tornDown++;
      };
    });
  }
}

const logger = pino({ level: 'silent' });

async function startReplica(prefix: string, name: string): Promise<INestMicroservice> {
  @Module({ controllers: [TestController], providers: [{ provide: REPLICA, useValue: name }] })
  class ReplicaModule {}
  const app = await NestFactory.createMicroservice(ReplicaModule, {
    strategy: new RedisStreamsServer({
      redisUrl: testRedisUrl(),
      prefix,
      consumerName: name,
      blockMs: 200,
      claimIdleMs: 2000,
    }),
    logger: false,
  });
  app.useGlobalFilters(new BusExceptionFilter(logger));
  await app.listen();
  return app;
}

describe('Redis Streams bus (real Redis)', () => {
  const prefix = uniquePrefix('bus');
  let replicas: INestMicroservice[];
  let bus: BusClient;

  beforeAll(async () => {
    replicas = [await startReplica(prefix, 'replica-a'), await startReplica(prefix, 'replica-b')];
    bus = new BusClient(new RedisStreamsClient({ redisUrl: testRedisUrl(), prefix, pickupTimeoutMs: 1500 }), 1500);
  });

  afterAll(async () => {
    await bus.close();
    await Promise.all(replicas.map((r) => r.close()));
    const redis = createRedis(testRedisUrl(), 'cleanup');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('handles each request exactly once across two replicas, and both replicas share the load', async () => {
    handled.requests = [];
    const N = 300;
    const replies = await Promise.all(Array.from({ length: N }, (_, n) => bus.request(Echo, { n })));
    expect(replies.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, n) => n));
    expect(handled.requests).toHaveLength(N);
    expect(new Set(handled.requests.map((h) => h.n)).size).toBe(N);
    const perReplica = new Map<string, number>();
    for (const h of handled.requests) perReplica.set(h.replica, (perReplica.get(h.replica) ?? 0) + 1);
    expect([...perReplica.keys()].sort()).toEqual(['replica-a', 'replica-b']);
    // Every entry acknowledged and deleted (the acks ride with each replica's next read).
    const redis = createRedis(testRedisUrl(), 'acks');
    const stream = redisKeys(prefix).busStream(Echo.pattern);
    const left = async () => [await redis.xlen(stream), ((await redis.xpending(stream, BUS_GROUP)) as unknown[])[0]];
    const until = Date.now() + 5000;
    while (Date.now() < until && (await left()).some((n) => n !== 0)) await new Promise((r) => setTimeout(r, 50));
    expect(await left()).toEqual([0, 0]);
    await redis.quit();
  });

  it('gives the handler the caller of the request it was sent in, none for an internal call, and no rights for a garbled one', async () => {
    const caller: CallerIdentity = { keyId: 'k1', tenant: 'a', scopes: ['search'], collections: ['a-*'] };
    const asCaller = await RequestContext.run({ correlationId: 'c1', identity: caller }, () => bus.request(WhoAmI, {}));
    expect(asCaller.identity).toEqual(caller);
    expect((await bus.request(WhoAmI, {})).identity).toBeNull();
    // An envelope written by hand, its caller not one: the handler sees a caller with no scope and no collection.
    const redis = createRedis(testRedisUrl(), 'forger');
    const sub = createRedis(testRedisUrl(), 'forger-sub');
    const channel = redisKeys(prefix).busReplyChannel('forger');
    const reply = new Promise<string>((ok) => sub.on('message', (_c: string, m: string) => ok(m)));
    await sub.subscribe(channel);
    const envelope = {
      id: 'forged-1',
      pattern: WhoAmI.pattern,
      data: {},
      replyTo: channel,
      identity: { scopes: 'admin' },
    };
    await redis.xadd(redisKeys(prefix).busStream(WhoAmI.pattern), '*', 'm', JSON.stringify(envelope));
    expect(JSON.parse(await reply).response).toEqual({
      identity: { keyId: null, tenant: null, scopes: [], collections: [] },
    });
    await Promise.all([redis.quit(), sub.quit()]);
  });

  it('drops an entry that names no reply channel (the bus carries requests only) and keeps serving', async () => {
    handled.events = [];
    const redis = createRedis(testRedisUrl(), 'no-reply');
    const stream = redisKeys(prefix).busStream(Ping.pattern);
    const entry = await redis.xadd(
      stream,
      '*',
      'm',
      JSON.stringify({ id: 'no-reply-1', pattern: Ping.pattern, data: { n: 1 } }),
    );
    // Read by a replica (the group's last delivered entry is it) and acknowledged (nothing pending).
    const state = async () => {
      const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
      const group = groups.find((g) => g[g.indexOf('name') + 1] === BUS_GROUP)!;
      return { delivered: group[group.indexOf('last-delivered-id') + 1], pending: group[group.indexOf('pending') + 1] };
    };
    const until = Date.now() + 5000;
    let s = await state();
    while (Date.now() < until && (s.delivered !== entry || s.pending !== 0)) {
      await new Promise((r) => setTimeout(r, 50));
      s = await state();
    }
    await redis.quit();
    expect(s).toEqual({ delivered: entry, pending: 0 });
    expect(handled.events).toEqual([]);
    expect((await bus.request(Echo, { n: 7 })).n).toBe(7);
  });

  it('streams items in order, the first reaching the caller before the last is produced', async () => {
    streamControl.produced = [];
    const received: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      bus.stream(Tokens, { count: 5 }).subscribe({
        next: (t) => {
          received.push(t);
          if (received.length === 1) {
            expect(streamControl.produced).toEqual(['tok0']);
            streamControl.release();
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    await done;
    expect(received).toEqual(['tok0', 'tok1', 'tok2', 'tok3', 'tok4']);
  });

  it('carries the correlation id across the bus', async () => {
    streamControl.correlationIds = [];
    await RequestContext.run({ correlationId: 'corr-123' }, async () => {
      const p = firstValueFrom(bus.stream(Tokens, { count: 2 }).pipe(toArray()));
      await new Promise((r) => setTimeout(r, 100));
      streamControl.release();
      await p;
    });
    expect(streamControl.correlationIds).toContain('corr-123');
  });

  it('stops the producer when the caller unsubscribes', async () => {
    streamControl.tornDown = 0;
    const sub = bus.stream(Tokens, { count: 1000 }).subscribe();
    const until = Date.now() + 2000;
    while (streamControl.produced.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    sub.unsubscribe();
    const until2 = Date.now() + 2000;
    while (streamControl.tornDown === 0 && Date.now() < until2) await new Promise((r) => setTimeout(r, 10));
    expect(streamControl.tornDown).toBe(1);
  });

  it('rejects an invalid payload at the receiver with VALIDATION_FAILED naming the field', async () => {
    await expect(bus.request(Echo, { n: 'x' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('n:'),
    });
  });

  it('fails with SERVICE_UNAVAILABLE within the timeout when nobody serves a pattern', async () => {
    const t0 = Date.now();
    const err = await bus.request(Nobody, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
