import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChatTurn, ChatTurnSchema } from '@rag/contracts';
import { closeRedis, createFailFastRedis, RedisClient, whenReady } from '@rag/platform';
import { ConversationStore } from './conversation.store';

export interface ConversationStoreOptions {
  redisUrl: string;
  prefix: string;
  ttlSeconds: number;
  maxTurns: number;
}

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

  async load(conversationId: string): Promise<ChatTurn[]> {
    const raw = await whenReady(this.redis, 'conversation store', () => this.redis.lrange(this.key(conversationId), -this.opts.maxTurns, -1));
    const turns: ChatTurn[] = [];
    for (const r of raw) {
      const parsed = ChatTurnSchema.safeParse(safeJson(r));
      if (parsed.success) turns.push(parsed.data);
    }
    return turns;
  }

  async append(conversationId: string, turns: ChatTurn[]): Promise<void> {
    if (!turns.length) return;
    const key = this.key(conversationId);
    await whenReady(this.redis, 'conversation store', () =>
      this.redis
        .multi()
        .rpush(key, ...turns.map((t) => JSON.stringify(t)))
        .ltrim(key, -this.opts.maxTurns, -1)
        .expire(key, this.opts.ttlSeconds)
        .exec(),
    );
  }

  private key(id: string): string {
    return `${this.opts.prefix}:conversation:${id}`;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
