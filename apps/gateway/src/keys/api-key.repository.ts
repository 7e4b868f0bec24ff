import { Inject, Injectable } from '@nestjs/common';
import { ApiKey } from '@rag/contracts';
import { REDIS, REDIS_KEYS, RedisClient, RedisKeys, whenReady } from '@rag/platform';

/** A key as stored: the record and the sha256 of its secret (the secret itself is never stored). */
export type StoredApiKey = Omit<ApiKey, 'lastUsedAt'> & { secretHash: string };

/** The only code that reads or writes API keys in Redis. */
@Injectable()
export class ApiKeyRepository {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return whenReady(this.redis, 'API key store', fn);
  }

  async insert(key: StoredApiKey): Promise<void> {
    await this.call(() =>
      this.redis
        .multi()
        .set(this.keys.apiKeyRecord(key.id), JSON.stringify(key))
        .set(this.keys.apiKeyBySecretHash(key.secretHash), key.id)
        .sadd(this.keys.apiKeyIds, key.id)
        .exec(),
    );
  }

  async findBySecretHash(secretHash: string): Promise<StoredApiKey | null> {
    const id = await this.call(() => this.redis.get(this.keys.apiKeyBySecretHash(secretHash)));
    return id ? this.get(id) : null;
  }

  async get(id: string): Promise<StoredApiKey | null> {
    const raw = await this.call(() => this.redis.get(this.keys.apiKeyRecord(id)));
    return raw ? (JSON.parse(raw) as StoredApiKey) : null;
  }

  async list(): Promise<Array<StoredApiKey & { lastUsedAt: string | null }>> {
    const ids = await this.call(() => this.redis.smembers(this.keys.apiKeyIds));
    if (!ids.length) return [];
    const [records, used] = await this.call(() =>
      Promise.all([
        this.redis.mget(...ids.map((id) => this.keys.apiKeyRecord(id))),
        this.redis.mget(...ids.map((id) => this.keys.apiKeyUsed(id))),
      ]),
    );
    return records.flatMap((raw, i) => (raw ? [{ ...(JSON.parse(raw) as StoredApiKey), lastUsedAt: used[i] }] : []));
  }

  /** Saves a changed record; a new secret hash replaces the old one in one transaction. */
  async update(key: StoredApiKey, previousSecretHash?: string): Promise<void> {
    const tx = this.redis.multi().set(this.keys.apiKeyRecord(key.id), JSON.stringify(key));
    if (previousSecretHash && previousSecretHash !== key.secretHash)
      tx.del(this.keys.apiKeyBySecretHash(previousSecretHash)).set(
        this.keys.apiKeyBySecretHash(key.secretHash),
        key.id,
      );
    await this.call(() => tx.exec());
  }

  async markUsed(id: string, at: string): Promise<void> {
    await this.call(() => this.redis.set(this.keys.apiKeyUsed(id), at));
  }

  async lastUsed(id: string): Promise<string | null> {
    return this.call(() => this.redis.get(this.keys.apiKeyUsed(id)));
  }
}
