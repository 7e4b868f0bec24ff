import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { defineMessage, Pattern } from '@rag/contracts';
import pino from 'pino';
import { Observable, toArray, firstValueFrom } from 'rxjs';
import { z } from 'zod';
import {
  BusClient,
  BusExceptionFilter,
  BusHandler,
  BusPayload,
  closeRedis,
  clusterUrl,
  createRedis,
  RedisClient,
  redisKeys,
  redisOptionsFromUrl,
  RedisStreamsClient,
  RedisStreamsServer,
} from '../src';
import { RedisCluster } from '../src/testing';

const Double = defineMessage('cluster.double' as Pattern, z.object({ n: z.number() }), z.object({ n: z.number() }));
const Count = defineMessage('cluster.count' as Pattern, z.object({ to: z.number().int() }), z.number());

@Controller()
class ClusterTestController {
  @BusHandler(Double)
  double(@BusPayload(Double) p: { n: number }) {
    return { n: 2 * p.n };
  }

  @MessagePattern(Count.pattern)
  count(@BusPayload(Count) p: { to: number }): Observable<number> {
    return new Observable<number>((sub) => {
      for (let i = 1; i <= p.to; i++) sub.next(i);
      sub.complete();
    });
  }
}

@Module({ controllers: [ClusterTestController] })
class ClusterTestModule {}

/** Every client on a Redis Cluster of three real redis-server masters (slots spread by redis-cli --cluster create). */
describe('Redis Cluster (three real masters)', () => {
  let cluster: RedisCluster;
  let url: string;
  let client: RedisClient;

  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
    url = clusterUrl(cluster.nodeList.split(','), 'redis://127.0.0.1:6379/0');
    client = createRedis(url, 'cluster-spec');
  }, 60_000);

  afterAll(async () => {
    await closeRedis(client);
    await cluster.stop();
  });

  it('reads and writes keys on all three masters through one client', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `spread-${i}`);
    for (const k of keys) await client.set(k, k.toUpperCase());
    expect(await Promise.all(keys.map((k) => client.get(k)))).toEqual(keys.map((k) => k.toUpperCase()));
    const owners = new Set<number>();
    for (const k of keys) owners.add((await cluster.masterOf(k)).port);
    expect(owners.size).toBe(3);
    // A cluster URL is not a single-node URL: Bull gets Cluster clients, not options.
    expect(() => redisOptionsFromUrl(url)).toThrow();
  });

  it('keeps every family that one command or script touches together in one slot', async () => {
    const keys = redisKeys('rag', true);
    const families = [
      [keys.busStream('retrieval.search'), keys.busStream('ingest.submit')],
      [keys.apiKeyRecord('a'), keys.apiKeyBySecretHash('b'), keys.apiKeyIds, keys.apiKeyUsed('a')],
      [
        keys.conversationTurns('c'),
        keys.conversationOwner('c'),
        keys.conversationMeta('c'),
        keys.conversationIndex('x'),
      ],
      [keys.rateLimit('key:k1', 1), keys.rateLimit('key:k1', 2)],
      [`${keys.bullPrefix}:ingest:wait`, `${keys.bullPrefix}:ingest:active`, `${keys.bullPrefix}:ingest:42`],
    ];
    for (const family of families) {
      const slots = await Promise.all(family.map((k) => client.cluster('KEYSLOT', k)));
      expect({ family, slots: new Set(slots).size }).toEqual({ family, slots: 1 });
    }
    // Without a cluster the names are what they always were.
    expect(redisKeys('rag').busStream('retrieval.search')).toBe('rag:bus:req:retrieval.search');
    expect(redisKeys('rag').conversationIndex('x')).toBe('rag:conversations:x');
  });

  it('carries bus requests and streamed replies between two replicas and a caller', async () => {
    const prefix = `cl${process.pid}`;
    const replicas: INestMicroservice[] = [];
    for (const name of ['r1', 'r2']) {
      const app = await NestFactory.createMicroservice(ClusterTestModule, {
        strategy: new RedisStreamsServer({ redisUrl: url, prefix, consumerName: name, blockMs: 200 }),
        logger: false,
      });
      app.useGlobalFilters(new BusExceptionFilter(pino({ level: 'silent' })));
      await app.listen();
      replicas.push(app);
    }
    const bus = new BusClient(new RedisStreamsClient({ redisUrl: url, prefix, pickupTimeoutMs: 3000 }), 3000);
    try {
      const replies = await Promise.all(Array.from({ length: 20 }, (_, n) => bus.request(Double, { n })));
      expect(replies.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, n) => 2 * n));
      expect(await firstValueFrom(bus.stream(Count, { to: 5 }).pipe(toArray()))).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await bus.close();
      await Promise.all(replicas.map((r) => r.close()));
    }
  }, 30_000);
});
