import { closeRedis, createFailFastRedis, RedisClient, redisKeys } from '@rag/platform';
import { outcomeWithin, RedisProcess, within } from '@rag/platform/testing';
import { RedisConversationRepository } from '../src/conversation/redis-conversation.repository';

const settle = <T>(p: Promise<T>, ms = 6000) => outcomeWithin(p, ms);

describe('conversations across a Redis restart (a real redis-server with an append-only file, killed and started again)', () => {
  let redis: RedisProcess;
  let store: RedisConversationRepository;
  let client: RedisClient;

  beforeAll(async () => {
    redis = await RedisProcess.start({ persist: true });
    client = createFailFastRedis(redis.url, 'conv-restart');
    store = new RedisConversationRepository(client, redisKeys(`conv-restart-${process.pid}`), {
      ttlSeconds: 600,
      maxTurns: 20,
    });
  });

  afterAll(async () => {
    await closeRedis(client);
    await redis.stop();
  });

  it('fails fast while Redis is down, then continues the same conversation from what Redis kept', async () => {
    const first = [
      { role: 'user' as const, content: 'How should the tablets be stored?' },
      { role: 'assistant' as const, content: 'Below 25 °C, in the original package [1].' },
    ];
    await store.append('c1', 'books', first);

    await redis.kill();
    const t0 = Date.now();
    expect(await settle(store.load('c1', 'books'))).toBe('SERVICE_UNAVAILABLE');
    expect(await settle(store.append('c1', 'books', first))).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - t0).toBeLessThan(8000);

    await redis.start();
    await within(15_000, async () => (await settle(store.load('c1', 'books'), 2000)) !== 'SERVICE_UNAVAILABLE');
    expect(await store.load('c1', 'books')).toEqual(first);
    await store.append('c1', 'books', [{ role: 'user', content: 'And after opening?' }]);
    expect((await store.load('c1', 'books')).map((t) => t.content)).toEqual([
      ...first.map((t) => t.content),
      'And after opening?',
    ]);
  }, 60_000);
});
