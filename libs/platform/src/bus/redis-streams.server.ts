import { CustomTransportStrategy, MessageHandler, Server, WritePacket } from '@nestjs/microservices';
import { BaseRpcContext } from '@nestjs/microservices/ctx-host/base-rpc.context';
import { Subscription } from 'rxjs';
import { CallerIdentitySchema } from '@rag/contracts';
import { NO_RIGHTS } from '../context/caller-identity';
import { RequestContext } from '../context/request-context';
import { redisKeysFor } from '../redis/redis-keys';
import { createRedis, RedisClient } from '../redis/redis.factory';
import { BUS_GROUP, BusEnvelope, BusReply, StreamsTransportOptions } from './bus-keys';
import { BusPubSub } from './bus-pubsub';

export class BusContext extends BaseRpcContext<[string, string | undefined]> {
  getPattern(): string {
    return this.args[0];
  }
  getCorrelationId(): string | undefined {
    return this.args[1];
  }
}

type StreamEntries = [key: string, entries: [id: string, fields: string[]][]][];

/**
 * Nest transport over Redis Streams with one consumer group per stream.
 *
 * Nest's built-in Redis transport uses pub/sub, so every replica would run every message.
 * Here each message pattern is a stream and all replicas read it through one consumer group:
 * Redis hands each entry to exactly one replica. Replies go to the caller's own pub/sub channel.
 * Requests are acknowledged on pickup (the caller owns the timeout); an entry a replica read but died
 * before acknowledging is claimed by a live one, which serves it while its caller still waits.
 * The bus carries requests only: an entry that names no reply channel is logged and dropped.
 */
export class RedisStreamsServer extends Server implements CustomTransportStrategy {
  private reader?: RedisClient;
  private writer?: RedisClient;
  private cancelSub?: RedisClient;
  private closing = false;
  private active = 0;
  private slotWaiter?: () => void;
  private readonly inflight = new Map<string, Subscription>();
  /** Entries the read loop picked up, acknowledged with its next read in one write (a syscall less per request). */
  private readonly toAck = new Map<string, string[]>();
  private loops: Promise<void>[] = [];
  private readonly concurrency: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;

  private readonly keys: ReturnType<typeof redisKeysFor>;
  private readonly pubsub: BusPubSub;

  constructor(private readonly options: StreamsTransportOptions) {
    super();
    this.concurrency = options.concurrency ?? 64;
    this.blockMs = options.blockMs ?? 2000;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.keys = redisKeysFor({ redisPrefix: options.prefix, redisUrl: options.redisUrl });
    this.pubsub = new BusPubSub(options.redisUrl);
  }

  on(): void {
    throw new Error('RedisStreamsServer does not expose transport events');
  }

  unwrap<T>(): T {
    return this.writer as T;
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      this.reader = createRedis(this.options.redisUrl, `bus-reader-${this.options.consumerName}`);
      this.writer = createRedis(this.options.redisUrl, `bus-writer-${this.options.consumerName}`);
      this.cancelSub = this.pubsub.subscriber(`bus-cancel-${this.options.consumerName}`);
      const keys = this.streamKeys();
      await this.ensureGroups(keys);
      await this.pubsub.subscribe(this.cancelSub, this.keys.busCancelChannel, (id) => this.cancel(id));
      if (keys.length > 0) {
        this.loops = [this.readLoop(keys), this.claimLoop(keys)];
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.slotWaiter?.();
    // Let in-flight handlers finish (bounded) so a rolling restart drops nothing it had accepted.
    const until = Date.now() + 10_000;
    while (this.active > 0 && Date.now() < until) await sleep(20);
    for (const sub of this.inflight.values()) sub.unsubscribe();
    this.reader?.disconnect();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([this.writer?.quit(), this.cancelSub?.quit()]);
  }

  /**
   * Creates the consumer group of every stream that lacks one. Called at start and again whenever
   * Redis answers NOGROUP: a Redis that restarted without its data (or a failover to an empty
   * replica) has lost the groups, and reading would fail forever.
   */
  private async ensureGroups(keys: string[]): Promise<void> {
    for (const key of keys) {
      // '0' so requests queued before this group existed are still seen (their deadline filters stale ones).
      await this.writer!.xgroup('CREATE', key, BUS_GROUP, '0', 'MKSTREAM').catch((e: Error) => {
        if (!e.message.includes('BUSYGROUP')) throw e;
      });
    }
  }

  /** After a failed read or claim: re-creates lost groups, so the loop recovers by itself. */
  private async recover(keys: string[], err: Error, what: string): Promise<void> {
    if (/NOGROUP/.test(err.message)) {
      this.logger.warn(`bus ${what}: consumer groups are gone (Redis restarted without its data?); re-creating them`);
      await this.ensureGroups(keys).catch((e: Error) =>
        this.logger.error(`bus group re-creation failed: ${e.message}`),
      );
    } else {
      this.logger.error(`bus ${what} failed: ${err.message}`);
    }
  }

  private streamKeys(): string[] {
    return [...this.messageHandlers.keys()].map((p) => this.keys.busStream(p));
  }

  private async readLoop(keys: string[]): Promise<void> {
    const reader = this.reader!;
    while (!this.closing) {
      // Every slot busy: the next read may be far off, and entries left unacknowledged would be claimed.
      if (this.active >= this.concurrency) await this.flushAcks();
      await this.waitForSlot();
      if (this.closing) break;
      const free = this.concurrency - this.active;
      let res: StreamEntries | null;
      try {
        res = await this.ackAndRead(reader, [
          'GROUP',
          BUS_GROUP,
          this.options.consumerName,
          'COUNT',
          String(free),
          'BLOCK',
          String(this.blockMs),
          'STREAMS',
          ...keys,
          ...keys.map(() => '>'),
        ]);
      } catch (err) {
        if (this.closing) break;
        await this.recover(keys, err as Error, 'read');
        await sleep(200);
        continue;
      }
      if (!res) continue;
      for (const [key, entries] of res) {
        for (const [entryId, fields] of entries) this.dispatch(key, entryId, fields, true);
      }
    }
    await this.flushAcks();
  }

  /** XREADGROUP, preceded in the same pipeline by the acknowledgements of the entries read before. */
  private async ackAndRead(reader: RedisClient, args: string[]): Promise<StreamEntries | null> {
    if (!this.toAck.size) return (await reader.call('XREADGROUP', ...args)) as StreamEntries | null;
    const pipeline = reader.pipeline();
    for (const [key, ids] of this.toAck) pipeline.xack(key, BUS_GROUP, ...ids).xdel(key, ...ids);
    this.toAck.clear();
    pipeline.call('XREADGROUP', ...args);
    const results = (await pipeline.exec()) ?? [];
    const acked = results.slice(0, -1).find(([err]) => err);
    if (acked) this.logger.error(`bus ack failed: ${(acked[0] as Error).message}`);
    const [err, res] = results.at(-1) ?? [new Error('no reply to XREADGROUP'), null];
    if (err) throw err;
    return res as StreamEntries | null;
  }

  private async flushAcks(): Promise<void> {
    const pending = [...this.toAck];
    this.toAck.clear();
    for (const [key, ids] of pending) await this.ack(key, ...ids);
  }

  /** Picks up entries that a crashed replica read but never acknowledged. */
  private async claimLoop(keys: string[]): Promise<void> {
    const interval = Math.max(1000, Math.floor(this.claimIdleMs / 2));
    while (!this.closing) {
      await sleep(interval, () => this.closing);
      if (this.closing) break;
      for (const key of keys) {
        try {
          const res = (await this.writer!.call(
            'XAUTOCLAIM',
            key,
            BUS_GROUP,
            this.options.consumerName,
            String(this.claimIdleMs),
            '0-0',
            'COUNT',
            '50',
          )) as [string, [string, string[] | null][]];
          for (const [entryId, fields] of res[1] ?? []) {
            if (fields) this.dispatch(key, entryId, fields);
            else await this.ack(key, entryId);
          }
        } catch (err) {
          if (!this.closing) await this.recover(keys, err as Error, 'claim');
        }
      }
    }
  }

  /** `withNextRead`: acknowledged with the read loop's next read, else at once. */
  private dispatch(key: string, entryId: string, fields: string[], withNextRead = false): void {
    const ack = () => {
      if (!withNextRead) return void this.ack(key, entryId);
      const ids = this.toAck.get(key);
      if (ids) ids.push(entryId);
      else this.toAck.set(key, [entryId]);
    };
    let env: BusEnvelope;
    try {
      env = JSON.parse(fields[fields.indexOf('m') + 1]) as BusEnvelope;
    } catch {
      this.logger.error(`dropping unreadable bus entry ${entryId} on ${key}`);
      ack();
      return;
    }
    // A plain lookup first: Nest's own tries the pattern as JSON, and throws, on every message.
    const handler = this.messageHandlers.get(env.pattern) ?? this.getHandlerByPattern(env.pattern);
    if (!handler) {
      ack();
      return;
    }
    if (!env.replyTo) {
      // The bus carries requests only: an entry without a reply channel has nobody to answer.
      this.logger.error(`dropping bus entry ${entryId} for ${env.pattern}: it names no reply channel (not a request)`);
      ack();
      return;
    }
    if (env.deadline !== undefined && Date.now() > env.deadline) {
      // The caller has already timed out; doing the work now would only waste it.
      ack();
      return;
    }
    this.active++;
    // An identity that is not one (a forged or garbled envelope) grants nothing: its checks refuse everything.
    const identity =
      env.identity === undefined ? undefined : (CallerIdentitySchema.safeParse(env.identity).data ?? NO_RIGHTS);
    const store = { correlationId: env.correlationId ?? RequestContext.newId(), replyBy: env.replyBy, identity };
    ack();
    void RequestContext.run(store, () => this.handleRequestEntry(env, handler));
  }

  /**
   * The entry was acknowledged on pickup (at most once: a caller that times out asks again); should the
   * replica die before that ack is written, the entry is claimed after `claimIdleMs` and dropped there
   * once past its pickup deadline.
   */
  private async handleRequestEntry(env: BusEnvelope, handler: MessageHandler): Promise<void> {
    const replyTo = env.replyTo!;
    const respond = async (packet: WritePacket) => {
      const reply: BusReply = { id: env.id, ...packet };
      await this.pubsub.publish(this.writer!, replyTo, JSON.stringify(reply));
    };
    // Heartbeats while the work runs, so the caller learns at once if this replica dies with it.
    const heartbeat = env.heartbeatMs
      ? setInterval(
          () =>
            void this.pubsub
              .publish(this.writer!, replyTo, JSON.stringify({ id: env.id, alive: true } satisfies BusReply))
              .catch(() => undefined),
          env.heartbeatMs,
        )
      : undefined;
    let sub: Subscription;
    try {
      const result$ = this.transformToObservable(await handler(env.data, this.context(env)));
      sub = this.send(result$, respond);
    } catch (err) {
      clearInterval(heartbeat);
      await respond({ err: { code: 'INTERNAL', message: (err as Error).message }, isDisposed: true }).catch(
        () => undefined,
      );
      this.release();
      return;
    }
    if (sub.closed) {
      clearInterval(heartbeat);
      this.release();
      return;
    }
    this.inflight.set(env.id, sub);
    sub.add(() => {
      clearInterval(heartbeat);
      this.inflight.delete(env.id);
      this.release();
    });
  }

  private context(env: BusEnvelope): BusContext {
    return new BusContext([env.pattern, env.correlationId]);
  }

  /** The caller went away (e.g. the HTTP client disconnected): stop producing, which aborts upstream work. */
  private cancel(id: string): void {
    const sub = this.inflight.get(id);
    if (sub) sub.unsubscribe();
  }

  private async ack(key: string, ...entryIds: string[]): Promise<void> {
    try {
      await this.writer!.multi()
        .xack(key, BUS_GROUP, ...entryIds)
        .xdel(key, ...entryIds)
        .exec();
    } catch (err) {
      if (!this.closing) this.logger.error(`bus ack failed: ${(err as Error).message}`);
    }
  }

  private waitForSlot(): Promise<void> {
    if (this.active < this.concurrency) return Promise.resolve();
    return new Promise((resolve) => (this.slotWaiter = resolve));
  }

  private release(): void {
    this.active--;
    const w = this.slotWaiter;
    this.slotWaiter = undefined;
    w?.();
  }
}

function sleep(ms: number, stop?: () => boolean): Promise<void> {
  if (!stop) return new Promise((r) => setTimeout(r, ms));
  // Sleeps in short steps so close() is not held up by a long claim interval.
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = () => (stop() || Date.now() - started >= ms ? resolve() : setTimeout(tick, Math.min(200, ms)));
    tick();
  });
}
