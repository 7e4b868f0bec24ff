import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChatTurn, ChatTurnSchema } from '@rag/contracts';
import { closeRedis, createFailFastRedis, DomainError, RedisClient, whenReady } from '@rag/platform';
import { ConversationStore } from './conversation.store';

export interface ConversationStoreOptions {
  redisUrl: string;
  prefix: string;
  ttlSeconds: number;
  maxTurns: number;
}

/** Appends only when the conversation is new, unowned (stored before owners were kept) or owned by this collection. */
const APPEND = `
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
for i = 4, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * Conversations as Redis lists of JSON turns with a TTL: any chat replica can continue any
 * conversation, and abandoned ones disappear by themselves.
 */
@Injectable()
export class RedisConversationRepository implements ConversationStore, OnModuleDestroy {
  private readonly redis: RedisClient;

  constructor(private readonly opts: ConversationStoreOptions) {
    this.redis = createFailFastRedis(opts.redisUrl, 'chat-conversations');
  }

  async onModuleDestroy(): Promise<void> {
    await closeRedis(this.redis);
  }

  async load(conversationId: string, collectionId: string): Promise<ChatTurn[]> {
    const [owner, raw] = await whenReady(this.redis, 'conversation store', () =>
      Promise.all([
        this.redis.get(this.ownerKey(conversationId)),
        this.redis.lrange(this.key(conversationId), -this.opts.maxTurns, -1),
      ]),
    );
    if (owner !== null && owner !== collectionId) throw notHere(conversationId, collectionId);
    const turns: ChatTurn[] = [];
    for (const r of raw) {
      const parsed = ChatTurnSchema.safeParse(safeJson(r));
      if (parsed.success) turns.push(parsed.data);
    }
    return turns;
  }

  async append(conversationId: string, collectionId: string, turns: ChatTurn[]): Promise<void> {
    if (!turns.length) return;
    const done = await whenReady(this.redis, 'conversation store', () =>
      this.redis.eval(
        APPEND,
        2,
        this.key(conversationId),
        this.ownerKey(conversationId),
        collectionId,
        String(this.opts.ttlSeconds),
        String(this.opts.maxTurns),
        ...turns.map((t) => JSON.stringify(t)),
      ),
    );
    if (done !== 1) throw notHere(conversationId, collectionId);
  }

  private key(id: string): string {
    return `${this.opts.prefix}:conversation:${id}`;
  }

  private ownerKey(id: string): string {
    return `${this.opts.prefix}:conversation:${id}:collection`;
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
