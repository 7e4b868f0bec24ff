import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ApiKey } from '@rag/contracts';
import { closeRedis, createFailFastRedis, RedisClient, whenReady } from '@rag/platform';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

/** A key as stored: the record and the sha256 of its secret (the secret itself is never stored). */
export type StoredApiKey = Omit<ApiKey, 'lastUsedAt'> & { secretHash: string };

/** The only code that reads or writes API keys in Redis. */
@Injectable()
export class ApiKeyRepository implements OnModuleDestroy {
  private readonly redis: RedisClient;
  private readonly prefix: string;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.redis = createFailFastRedis(config.redisUrl, 'gateway-api-keys');
    this.prefix = `${config.redisPrefix}:apikeys`;
  }

  async onModuleDestroy(): Promise<void> {
    await closeRedis(this.redis);
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return whenReady(this.redis, 'API key store', fn);
  }

  async insert(key: StoredApiKey): Promise<void> {
    await this.call(() =>
      this.redis
        .multi()
        .set(`${this.prefix}:record:${key.id}`, JSON.stringify(key))
        .set(`${this.prefix}:hash:${key.secretHash}`, key.id)
        .sadd(`${this.prefix}:ids`, key.id)
        .exec(),
    );
  }

  async findBySecretHash(secretHash: string): Promise<StoredApiKey | null> {
    const id = await this.call(() => this.redis.get(`${this.prefix}:hash:${secretHash}`));
    return id ? this.get(id) : null;
  }

  async get(id: string): Promise<StoredApiKey | null> {
    const raw = await this.call(() => this.redis.get(`${this.prefix}:record:${id}`));
    return raw ? (JSON.parse(raw) as StoredApiKey) : null;
  }

  async list(): Promise<Array<StoredApiKey & { lastUsedAt: string | null }>> {
    const ids = await this.call(() => this.redis.smembers(`${this.prefix}:ids`));
    if (!ids.length) return [];
    const [records, used] = await this.call(() =>
      Promise.all([
        this.redis.mget(...ids.map((id) => `${this.prefix}:record:${id}`)),
        this.redis.mget(...ids.map((id) => `${this.prefix}:used:${id}`)),
      ]),
    );
    return records.flatMap((raw, i) => (raw ? [{ ...(JSON.parse(raw) as StoredApiKey), lastUsedAt: used[i] }] : []));
  }

  /** Saves a changed record; a new secret hash replaces the old one in one transaction. */
  async update(key: StoredApiKey, previousSecretHash?: string): Promise<void> {
    const tx = this.redis.multi().set(`${this.prefix}:record:${key.id}`, JSON.stringify(key));
    if (previousSecretHash && previousSecretHash !== key.secretHash)
      tx.del(`${this.prefix}:hash:${previousSecretHash}`).set(`${this.prefix}:hash:${key.secretHash}`, key.id);
    await this.call(() => tx.exec());
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.call(() => this.redis.set(`${this.prefix}:used:${id}`, at));
  }

  async lastUsed(id: string): Promise<string | null> {
    return this.call(() => this.redis.get(`${this.prefix}:used:${id}`));
  }
}
