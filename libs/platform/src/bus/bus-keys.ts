/**
 * The bus's consumer group. Its streams and channels are named in redis-keys.ts (from the wire pattern
 * names in libs/contracts); all replicas of all services share this group name, as each stream belongs
 * to exactly one service.
 */
export const BUS_GROUP = 'workers';

/** What travels in one stream entry (one without `replyTo` has nobody waiting and is dropped). */
export interface BusEnvelope {
  id: string;
  pattern: string;
  data: unknown;
  replyTo?: string;
  /** Epoch ms after which no replica should start the work: the caller has given up. */
  deadline?: number;
  /** Epoch ms when the caller stops waiting for the first reply (its own timeout); handlers read it from RequestContext. */
  replyBy?: number;
  correlationId?: string;
  /** The API caller the request acts for (absent: an internal caller, trusted on the private network). */
  identity?: unknown;
  /** Set by callers that watch the replica: while the work runs it sends `alive` every this many ms. */
  heartbeatMs?: number;
}

/** What travels back on a reply channel; mirrors Nest's WritePacket plus the request id. */
export interface BusReply {
  id: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
  /** A heartbeat: the replica that picked the request up is still working on it. */
  alive?: boolean;
}

export interface StreamsTransportOptions {
  redisUrl: string;
  prefix: string;
  /** Unique per replica; shows up in XINFO CONSUMERS. */
  consumerName: string;
  /** Messages one replica handles at once. */
  concurrency?: number;
  blockMs?: number;
  /** Events left unacknowledged by a dead replica are claimed by another after this idle time. */
  claimIdleMs?: number;
  /** Upper bound kept per stream so an absent consumer cannot grow Redis without limit. */
  maxStreamLength?: number;
}
