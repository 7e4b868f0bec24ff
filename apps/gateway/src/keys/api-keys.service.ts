import { Inject, Injectable } from '@nestjs/common';
import { ApiKey, ApiKeyCreateRequest, ApiKeyWithSecret } from '@rag/contracts';
import { DomainError } from '@rag/platform';
import { createHash, randomBytes } from 'node:crypto';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { ApiKeyRepository, StoredApiKey } from './api-key.repository';
import { Caller, covers } from './caller';

export const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Last-used times are written at most this often per key: a busy key must not cost a Redis write per request. */
const MARK_USED_EVERY_MS = 60_000;

/**
 * API keys as records: scopes, collections, tenant, expiry. Keys from API_KEY_HASHES are the
 * bootstrap admins (every scope, every collection); stored keys are created through them.
 */
@Injectable()
export class ApiKeysService {
  private readonly lastMarked = new Map<string, number>();

  constructor(
    private readonly repo: ApiKeyRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async authenticate(secret: string): Promise<Caller> {
    const hash = sha256(secret);
    if (this.config.auth.keyHashes.has(hash))
      return {
        keyId: hash.slice(0, 16),
        tenant: null,
        bootstrap: true,
        scopes: new Set(['admin']),
        collections: ['*'],
      };
    const key = await this.repo.findBySecretHash(hash);
    if (!key || key.secretHash !== hash) throw new DomainError('UNAUTHORIZED', 'invalid API key');
    if (key.revokedAt) throw new DomainError('UNAUTHORIZED', `API key ${key.id} was revoked at ${key.revokedAt}`);
    if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now())
      throw new DomainError('UNAUTHORIZED', `API key ${key.id} expired at ${key.expiresAt}`);
    this.markUsed(key.id);
    return {
      keyId: key.id,
      tenant: key.tenant,
      bootstrap: false,
      scopes: new Set(key.scopes),
      collections: key.collections,
    };
  }

  async create(by: Caller, req: ApiKeyCreateRequest): Promise<ApiKeyWithSecret> {
    const wider = req.collections.find((p) => !covers(by.collections, p));
    if (wider)
      throw new DomainError(
        'FORBIDDEN',
        `this key may not grant collections "${wider}": it can reach only ${by.collections.join(', ')}`,
      );
    if (!by.bootstrap && req.tenant && req.tenant !== by.tenant)
      throw new DomainError('FORBIDDEN', `this key may create keys only for tenant ${by.tenant}`);
    const tenant = req.tenant ?? by.tenant ?? 'default';
    if (req.expiresAt && Date.parse(req.expiresAt) <= Date.now())
      throw new DomainError('VALIDATION_FAILED', 'expiresAt is in the past');
    const secret = newSecret();
    const key: StoredApiKey = {
      id: randomBytes(8).toString('hex'),
      name: req.name,
      tenant,
      scopes: [...new Set(req.scopes)],
      collections: [...new Set(req.collections)],
      createdAt: new Date().toISOString(),
      expiresAt: req.expiresAt ?? null,
      revokedAt: null,
      secretHash: sha256(secret),
    };
    await this.repo.insert(key);
    return { ...toApiKey(key, null), secret };
  }

  /** The keys this caller administers: its tenant's (all of them for a bootstrap key). */
  async list(by: Caller): Promise<ApiKey[]> {
    const all = await this.repo.list();
    return all
      .filter((k) => by.bootstrap || k.tenant === by.tenant)
      .map((k) => toApiKey(k, k.lastUsedAt))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async revoke(by: Caller, id: string): Promise<ApiKey> {
    const key = await this.owned(by, id);
    const revoked = { ...key, revokedAt: key.revokedAt ?? new Date().toISOString() };
    await this.repo.update(revoked);
    return toApiKey(revoked, await this.repo.lastUsed(id));
  }

  /** A new secret for the same key (same id, scopes and collections); the old secret stops working at once. */
  async rotate(by: Caller, id: string): Promise<ApiKeyWithSecret> {
    const key = await this.owned(by, id);
    if (key.revokedAt) throw new DomainError('CONFLICT', `API key ${id} is revoked; create a new one`);
    const secret = newSecret();
    const rotated = { ...key, secretHash: sha256(secret) };
    await this.repo.update(rotated, key.secretHash);
    return { ...toApiKey(rotated, await this.repo.lastUsed(id)), secret };
  }

  private async owned(by: Caller, id: string): Promise<StoredApiKey> {
    const key = await this.repo.get(id);
    // Another tenant's key is as absent as a key that never existed.
    if (!key || (!by.bootstrap && key.tenant !== by.tenant)) throw new DomainError('NOT_FOUND', `no API key ${id}`);
    // Rotating hands over a secret: a tenant's admin may manage only keys that reach no further than it does.
    const wider = key.collections.find((p) => !covers(by.collections, p));
    if (!by.bootstrap && wider)
      throw new DomainError(
        'FORBIDDEN',
        `API key ${id} reaches collections "${wider}", beyond this key's ${by.collections.join(', ')}`,
      );
    return key;
  }

  private markUsed(id: string): void {
    const now = Date.now();
    if (now - (this.lastMarked.get(id) ?? 0) < MARK_USED_EVERY_MS) return;
    this.lastMarked.set(id, now);
    void this.repo.markUsed(id, new Date(now).toISOString()).catch(() => this.lastMarked.delete(id));
  }
}

function newSecret(): string {
  return `rk_${randomBytes(24).toString('base64url')}`;
}

function toApiKey(k: StoredApiKey, lastUsedAt: string | null): ApiKey {
  return {
    id: k.id,
    name: k.name,
    tenant: k.tenant,
    scopes: k.scopes,
    collections: k.collections,
    createdAt: k.createdAt,
    expiresAt: k.expiresAt,
    lastUsedAt,
    revokedAt: k.revokedAt,
  };
}
