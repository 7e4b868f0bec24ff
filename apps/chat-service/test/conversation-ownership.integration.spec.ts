import { closeRedis, createFailFastRedis, createRedis, redisKeys } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { RedisConversationRepository } from '../src/conversation/redis-conversation.repository';

/** A conversation belongs to the collection it began in (real Redis). */
describe('conversation ownership', () => {
  const prefix = uniquePrefix('conv-owner');
  const client = createFailFastRedis(testRedisUrl(), 'conv-owner');
  const store = new RedisConversationRepository(client, redisKeys(prefix), { ttlSeconds: 600, maxTurns: 4 });
  afterAll(async () => {
    const redis = createRedis(testRedisUrl(), 'conv-owner-cleanup');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await closeRedis(client);
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

  it("lists a collection's conversations, latest first, and gives one back with the sources of its answers", async () => {
    const citation = {
      n: 1,
      chunkId: 'c1',
      documentId: 'd'.repeat(32),
      filename: 'guide.pdf',
      pageNumber: 4,
      pageEnd: 4,
      dataType: 'text' as const,
      source: 'text' as const,
      ocrConfidence: null,
      regions: [] as Array<[number, number, number, number]>,
      score: 0.9,
      snippet: 'Metformin lowers glucose.',
      text: 'Metformin lowers glucose.',
    };
    await store.append('conv-l1', 'team-l', [
      { role: 'user', content: 'What does metformin do?' },
      { role: 'assistant', content: 'Metformin lowers glucose. [1]', sources: [citation], found: true },
    ]);
    await new Promise((r) => setTimeout(r, 5));
    await store.append('conv-l2', 'team-l', [{ role: 'user', content: 'Dose in kidney disease?' }]);
    await store.append('conv-l3', 'team-other', [{ role: 'user', content: 'elsewhere' }]);
    const list = await store.list('team-l', 10);
    expect(list.map((c) => [c.conversationId, c.title, c.turns])).toEqual([
      ['conv-l2', 'Dose in kidney disease?', 1],
      ['conv-l1', 'What does metformin do?', 2],
    ]);
    expect(Date.parse(list[0].updatedAt)).toBeGreaterThanOrEqual(Date.parse(list[1].updatedAt));
    // A later turn moves it to the top and keeps its first question as the title.
    await store.append('conv-l1', 'team-l', [{ role: 'user', content: 'And its side effects?' }]);
    expect((await store.list('team-l', 1)).map((c) => [c.conversationId, c.title])).toEqual([
      ['conv-l1', 'What does metformin do?'],
    ]);
    const conv = await store.get('conv-l1', 'team-l');
    expect(conv).toMatchObject({ conversationId: 'conv-l1', collectionId: 'team-l', title: 'What does metformin do?' });
    expect(conv.turns[1]).toEqual({
      role: 'assistant',
      content: 'Metformin lowers glucose. [1]',
      sources: [citation],
      found: true,
    });
    await expect(store.get('conv-l1', 'team-other')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.get('never-was', 'team-l')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
