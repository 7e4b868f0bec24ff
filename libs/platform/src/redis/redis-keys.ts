/**
 * Every Redis key and channel the system uses, under REDIS_PREFIX. Replicas of different versions
 * share them, so a name never changes once used. Keys a multi-key command or script touches together
 * share a `{hash tag}` where they already did (one cluster slot).
 */
export function redisKeys(prefix: string) {
  return {
    /** The bus: one request stream per wire pattern (consumer group `workers`), a reply channel per client. */
    busStream: (pattern: string) => `${prefix}:bus:req:${pattern}`,
    busReplyChannel: (clientId: string) => `${prefix}:bus:rep:${clientId}`,
    busCancelChannel: `${prefix}:bus:cancel`,
    /** Bull's own keys live under this prefix (`<prefix>:bull:<queue>:…`). */
    bullPrefix: `${prefix}:bull`,
    /** Gateway: requests counted in one minute by one caller (`key:<id>` or `ip:<address>`). */
    rateLimit: (caller: string, minute: number) => `${prefix}:rl:{${caller}}:${minute}`,
    /** Gateway: API keys (records, secret hash → id, the set of ids, last use). */
    apiKeyRecord: (id: string) => `${prefix}:apikeys:record:${id}`,
    apiKeyBySecretHash: (secretHash: string) => `${prefix}:apikeys:hash:${secretHash}`,
    apiKeyIds: `${prefix}:apikeys:ids`,
    apiKeyUsed: (id: string) => `${prefix}:apikeys:used:${id}`,
    /** Ingest: task ids of a collection by submit time; job outcome counters. */
    taskIndex: (collectionId: string) => `${prefix}:tasks:${collectionId}`,
    ingestJobStats: `${prefix}:stats:ingest-jobs`,
    /** Retrieval: leases serialising LanceDB writes and maintenance across replicas. */
    lanceWriteLock: (table: string) => `${prefix}:lock:lancedb-write:${table}`,
    lanceMaintenanceLock: (table: string) => `${prefix}:lock:lancedb-maintenance:${table}`,
    /** Chat: a conversation's turns, owning collection and meta (title, last change); a collection's index. */
    conversationTurns: (id: string) => `${prefix}:conversation:${id}`,
    conversationOwner: (id: string) => `${prefix}:conversation:${id}:collection`,
    conversationMeta: (id: string) => `${prefix}:conversation:${id}:meta`,
    conversationIndex: (collectionId: string) => `${prefix}:conversations:${collectionId}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
