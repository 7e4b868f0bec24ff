import { createRedis } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { RedisConversationRepository } from '../src/conversation/redis-conversation.repository';

/** A conversation belongs to the collection it began in (real Redis). */
describe('conversation ownership', () => {
  const prefix = uniquePrefix('conv-owner');
  const store = new RedisConversationRepository({ redisUrl: testRedisUrl(), prefix, ttlSeconds: 600, maxTurns: 4 });
  afterAll(async () => {
    const redis = createRedis(testRedisUrl(), 'conv-owner-cleanup');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await store.onModuleDestroy();
  });

  it('can be neither read nor extended from another collection', async () => {
    await store.append('conv-1', 'team-a', [{ role: 'user', content: 'Dose for child of 12 kg?' }]);
    await expect(store.load('conv-1', 'team-b')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.append('conv-1', 'team-b', [{ role: 'user', content: 'injected' }])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await store.load('conv-1', 'team-a')).map((t) => t.content)).toEqual(['Dose for child of 12 kg?']);
  });

  it('keeps only the last turns and still knows its owner', async () => {
    const turns = Array.from({ length: 6 }, (_, i) => ({ role: 'user' as const, content: `q${i}` }));
    await store.append('conv-2', 'team-a', turns);
    expect((await store.load('conv-2', 'team-a')).map((t) => t.content)).toEqual(['q2', 'q3', 'q4', 'q5']);
    await expect(store.load('conv-2', 'other')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets a conversation stored before owners were kept be continued, and then owns it', async () => {
    const redis = createRedis(testRedisUrl(), 'conv-owner-legacy');
    await redis.rpush(`${prefix}:conversation:legacy`, JSON.stringify({ role: 'user', content: 'old turn' }));
    await redis.quit();
    expect((await store.load('legacy', 'team-a')).map((t) => t.content)).toEqual(['old turn']);
    await store.append('legacy', 'team-a', [{ role: 'assistant', content: 'answer' }]);
    await expect(store.load('legacy', 'team-b')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
