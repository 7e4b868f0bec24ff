import { isClusterUrl } from './redis.factory';

/**
 * Every Redis key and channel the system uses, under REDIS_PREFIX. Replicas of different versions
 * share them, so a name never changes once used.
 *
 * On a Redis Cluster the keys that one command, transaction, pipeline or script touches together must
 * hash to one slot: there each such family's namespace is a `{hash tag}` (`{rag:bus}:req:…`, as Bull
 * documents for its prefix). Elsewhere the names stay as they always were (`rag:bus:req:…`).
 */
export function redisKeys(prefix: string, cluster = false) {
  const ns = (family: string) => (cluster ? `{${prefix}:${family}}` : `${prefix}:${family}`);
  return {
    /** The bus: one request stream per wire pattern (consumer group `workers`, read together), a reply channel per client. */
    busStream: (pattern: string) => `${ns('bus')}:req:${pattern}`,
    busReplyChannel: (clientId: string) => `${prefix}:bus:rep:${clientId}`,
    busCancelChannel: `${prefix}:bus:cancel`,
    /** Bull's own keys live under this prefix (`<prefix>:bull:<queue>:…`). */
    bullPrefix: ns('bull'),
    /** Gateway: requests counted in one minute by one caller (`key:<id>` or `ip:<address>`); tagged by caller. */
    rateLimit: (caller: string, minute: number) => `${prefix}:rl:{${caller}}:${minute}`,
    /** Gateway: API keys (records, secret hash → id, the set of ids, last use), written and read together. */
    apiKeyRecord: (id: string) => `${ns('apikeys')}:record:${id}`,
    apiKeyBySecretHash: (secretHash: string) => `${ns('apikeys')}:hash:${secretHash}`,
    apiKeyIds: `${ns('apikeys')}:ids`,
    apiKeyUsed: (id: string) => `${ns('apikeys')}:used:${id}`,
    /** Ingest: task ids of a collection by submit time; job outcome counters. */
    taskIndex: (collectionId: string) => `${prefix}:tasks:${collectionId}`,
    ingestJobStats: `${prefix}:stats:ingest-jobs`,
    /** Retrieval: leases serialising LanceDB writes and maintenance across replicas. */
    lanceWriteLock: (table: string) => `${prefix}:lock:lancedb-write:${table}`,
    lanceMaintenanceLock: (table: string) => `${prefix}:lock:lancedb-maintenance:${table}`,
    /** Chat: a conversation's turns, owning collection and meta (title, last change); a collection's index (one script writes all four). */
    conversationTurns: (id: string) => `${ns('conversation')}:${id}`,
    conversationOwner: (id: string) => `${ns('conversation')}:${id}:collection`,
    conversationMeta: (id: string) => `${ns('conversation')}:${id}:meta`,
    conversationIndex: (collectionId: string) =>
      cluster ? `${ns('conversation')}:index:${collectionId}` : `${prefix}:conversations:${collectionId}`,
  };
}

/** The keys of a service: tagged for a cluster when its Redis URL names one. */
export function redisKeysFor(config: { redisPrefix: string; redisUrl: string }) {
  return redisKeys(config.redisPrefix, isClusterUrl(config.redisUrl));
}

export type RedisKeys = ReturnType<typeof redisKeys>;
