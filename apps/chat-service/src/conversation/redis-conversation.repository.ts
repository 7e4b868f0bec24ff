import { Injectable } from '@nestjs/common';
import { Conversation, ConversationList, StoredTurn, StoredTurnSchema } from '@rag/contracts';
import { DomainError, RedisClient, RedisKeys, whenReady } from '@rag/platform';
import { ConversationStore } from './conversation.store';

export interface ConversationStoreOptions {
  ttlSeconds: number;
  maxTurns: number;
}

/**
 * Appends only when the conversation is new, unowned (stored before owners were kept) or owned by this
 * collection; keeps its title (first question) and last change, and lists it in its collection's
 * index (scored by that time; entries older than the expiry are dropped).
 * KEYS: turns, owner, meta, index. ARGV: collection, ttl, maxTurns, now (ms), title, conversation id, turns…
 */
const APPEND = `
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
for i = 7, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
if ARGV[5] ~= '' then redis.call('HSETNX', KEYS[3], 'title', ARGV[5]) end
redis.call('HSET', KEYS[3], 'updatedAt', ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', tonumber(ARGV[4]) - 1000 * tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[4], ARGV[2])
return 1`;

/** A conversation's title: its first question, cut short. */
const TITLE_CHARS = 120;

/**
 * Conversations as Redis lists of JSON turns with a TTL: any chat replica can continue any
 * conversation, and abandoned ones disappear by themselves.
 */
@Injectable()
export class RedisConversationRepository implements ConversationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly opts: ConversationStoreOptions,
  ) {}

  async load(conversationId: string, collectionId: string): Promise<StoredTurn[]> {
    const [owner, raw] = await whenReady(this.redis, 'conversation store', () =>
      Promise.all([
        this.redis.get(this.ownerKey(conversationId)),
        this.redis.lrange(this.key(conversationId), -this.opts.maxTurns, -1),
      ]),
    );
    if (owner !== null && owner !== collectionId) throw notHere(conversationId, collectionId);
    const turns: StoredTurn[] = [];
    for (const r of raw) {
      const parsed = StoredTurnSchema.safeParse(safeJson(r));
      if (parsed.success) turns.push(parsed.data);
    }
    return turns;
  }

  async append(conversationId: string, collectionId: string, turns: StoredTurn[]): Promise<void> {
    if (!turns.length) return;
    const title = turns.find((t) => t.role === 'user')?.content.slice(0, TITLE_CHARS) ?? '';
    const done = await whenReady(this.redis, 'conversation store', () =>
      this.redis.eval(
        APPEND,
        4,
        this.key(conversationId),
        this.ownerKey(conversationId),
        this.metaKey(conversationId),
        this.indexKey(collectionId),
        collectionId,
        String(this.opts.ttlSeconds),
        String(this.opts.maxTurns),
        String(Date.now()),
        title,
        conversationId,
        ...turns.map((t) => JSON.stringify(t)),
      ),
    );
    if (done !== 1) throw notHere(conversationId, collectionId);
  }

  async get(conversationId: string, collectionId: string): Promise<Conversation> {
    const [turns, meta] = await Promise.all([
      this.load(conversationId, collectionId),
      whenReady(this.redis, 'conversation store', () => this.redis.hgetall(this.metaKey(conversationId))),
    ]);
    if (!turns.length) throw notHere(conversationId, collectionId);
    return {
      conversationId,
      collectionId,
      title: meta.title ?? turns.find((t) => t.role === 'user')?.content.slice(0, TITLE_CHARS) ?? '',
      updatedAt: new Date(Number(meta.updatedAt) || Date.now()).toISOString(),
      turns,
    };
  }

  async list(collectionId: string, limit: number): Promise<ConversationList['conversations']> {
    const since = Date.now() - 1000 * this.opts.ttlSeconds;
    const rows = await whenReady(this.redis, 'conversation store', async () => {
      const scored = await this.redis.zrevrangebyscore(
        this.indexKey(collectionId),
        '+inf',
        since,
        'WITHSCORES',
        'LIMIT',
        0,
        limit,
      );
      const ids = scored.filter((_, i) => i % 2 === 0);
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.hget(this.metaKey(id), 'title').llen(this.key(id));
      const replies = (await pipe.exec()) ?? [];
      return ids.map((id, i) => ({
        id,
        at: Number(scored[2 * i + 1]),
        title: replies[2 * i]?.[1] as string | null,
        turns: Number(replies[2 * i + 1]?.[1] ?? 0),
      }));
    });
    // A conversation whose turns expired before its index entry is gone.
    return rows
      .filter((r) => r.turns > 0)
      .map((r) => ({
        conversationId: r.id,
        title: r.title ?? '',
        updatedAt: new Date(r.at).toISOString(),
        turns: r.turns,
      }));
  }

  private key(id: string): string {
    return this.keys.conversationTurns(id);
  }

  private ownerKey(id: string): string {
    return this.keys.conversationOwner(id);
  }

  private metaKey(id: string): string {
    return this.keys.conversationMeta(id);
  }

  private indexKey(collectionId: string): string {
    return this.keys.conversationIndex(collectionId);
  }
}

function notHere(conversationId: string, collectionId: string): DomainError {
  return new DomainError('NOT_FOUND', `no conversation ${conversationId} in collection ${collectionId}`);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
