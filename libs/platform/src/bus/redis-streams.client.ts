import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { callDeadline, RequestContext } from '../context/request-context';
import { createRedis, RedisClient, waitForRedis } from '../redis/redis.factory';
import { redisKeysFor } from '../redis/redis-keys';
import { BusEnvelope, BusReply } from './bus-keys';
import { BusPubSub } from './bus-pubsub';

export interface StreamsClientOptions {
  redisUrl: string;
  prefix: string;
  /** A request not picked up by any replica within this time is dropped by the replicas. */
  pickupTimeoutMs: number;
  maxStreamLength?: number;
  /**
   * Replicas working on a request send a heartbeat this often; a call whose heartbeats stop for
   * three intervals fails at once (its replica died) instead of at its timeout. 0: not asked for.
   */
  heartbeatMs?: number;
}

/** The details of the error a call fails with when its replica stops: nothing was answered, so an idempotent request may be sent again. */
export const REPLICA_LOST = { reason: 'REPLICA_LOST' } as const;

/** Whether an error is a call whose replica stopped while working on it. */
export const isReplicaLost = (e: unknown): boolean =>
  (e as { details?: { reason?: string } })?.details?.reason === REPLICA_LOST.reason;

/** Client half of the Redis Streams transport: XADD to the pattern's stream, replies on a private channel. */
export class RedisStreamsClient extends ClientProxy {
  private pub?: RedisClient;
  private sub?: RedisClient;
  private connecting?: Promise<void>;
  private readonly clientId = randomUUID();
  private readonly replyChannel: string;
  private readonly heartbeatMs: number;
  /** Calls whose replica has sent a heartbeat, and when it last did. */
  private readonly watched = new Map<string, { lastAlive: number }>();
  private watchdog?: NodeJS.Timeout;

  private readonly keys: ReturnType<typeof redisKeysFor>;
  private readonly pubsub: BusPubSub;

  constructor(private readonly options: StreamsClientOptions) {
    super();
    this.keys = redisKeysFor({ redisPrefix: options.prefix, redisUrl: options.redisUrl });
    this.pubsub = new BusPubSub(options.redisUrl);
    this.replyChannel = this.keys.busReplyChannel(this.clientId);
    this.heartbeatMs = options.heartbeatMs ?? 1000;
  }

  connect(): Promise<void> {
    this.connecting ??= (async () => {
      this.pub = createRedis(this.options.redisUrl, 'bus-client-pub');
      this.sub = this.pubsub.subscriber('bus-client-sub');
      // Replies published while the subscription is down are lost for good: fail the calls waiting
      // for them now instead of at their timeout. ioredis re-subscribes when the connection is back.
      this.sub.on('close', () => this.failInFlight('the bus connection to Redis was lost'));
      await Promise.all([waitForRedis(this.pub), waitForRedis(this.sub)]);
      await this.pubsub.subscribe(this.sub, this.replyChannel, (message) => this.onReply(message));
    })().catch((err) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    await Promise.allSettled([this.pub?.quit(), this.sub?.quit()]);
    this.connecting = undefined;
  }

  unwrap<T>(): T {
    return this.pub as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const id = randomUUID();
    let finished = false;
    const pattern = this.normalizePattern(packet.pattern);
    this.routingMap.set(id, (p: WritePacket) => {
      if (p.err || p.isDisposed) {
        finished = true;
        this.routingMap.delete(id);
        this.watched.delete(id);
      }
      callback(p);
    });
    const envelope: BusEnvelope = {
      id,
      pattern,
      data: packet.data,
      replyTo: this.replyChannel,
      deadline: Date.now() + this.options.pickupTimeoutMs,
      replyBy: callDeadline.getStore(),
      correlationId: RequestContext.correlationId(),
      identity: RequestContext.identity(),
      heartbeatMs: this.heartbeatMs || undefined,
    };
    this.xadd(pattern, envelope).catch((err: Error) => {
      this.routingMap.delete(id);
      finished = true;
      callback({ err: { code: 'SERVICE_UNAVAILABLE', message: `bus unavailable: ${err.message}` }, isDisposed: true });
    });
    return () => {
      this.routingMap.delete(id);
      this.watched.delete(id);
      if (!finished) {
        // Tell whichever replica runs it that nobody is listening any more.
        if (this.pub) this.pubsub.publish(this.pub, this.keys.busCancelChannel, id).catch(() => undefined);
      }
    };
  }

  /** The bus carries requests only (each answered by one replica); nothing emits fire-and-forget events. */
  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    throw new Error(`the bus carries requests only: cannot emit ${this.normalizePattern(packet.pattern)}`);
  }

  private async xadd(pattern: string, envelope: BusEnvelope): Promise<void> {
    const max = String(this.options.maxStreamLength ?? 100_000);
    await this.pub!.xadd(this.keys.busStream(pattern), 'MAXLEN', '~', max, '*', 'm', JSON.stringify(envelope));
  }

  private failInFlight(reason: string): void {
    this.watched.clear();
    for (const [id, cb] of [...this.routingMap.entries()]) {
      this.routingMap.delete(id);
      cb({ err: { code: 'SERVICE_UNAVAILABLE', message: reason }, isDisposed: true });
    }
  }

  private onReply(message: string): void {
    let reply: BusReply;
    try {
      reply = JSON.parse(message) as BusReply;
    } catch {
      return;
    }
    const cb = this.routingMap.get(reply.id);
    if (!cb) return;
    if (reply.alive) {
      this.watch(reply.id);
      return;
    }
    cb({ err: reply.err, response: reply.response, isDisposed: reply.isDisposed });
  }

  private watch(id: string): void {
    const w = this.watched.get(id);
    if (w) w.lastAlive = Date.now();
    else this.watched.set(id, { lastAlive: Date.now() });
    this.watchdog ??= setInterval(() => this.checkHeartbeats(), this.heartbeatMs);
    this.watchdog.unref();
  }

  /** Fails the calls whose replica stopped sending heartbeats (killed, or cut off from Redis). */
  private checkHeartbeats(): void {
    const now = Date.now();
    for (const [id, w] of [...this.watched.entries()]) {
      if (now - w.lastAlive <= 3 * this.heartbeatMs) continue;
      this.watched.delete(id);
      const cb = this.routingMap.get(id);
      this.routingMap.delete(id);
      cb?.({
        err: {
          code: 'SERVICE_UNAVAILABLE',
          message: `the replica working on the request stopped (no heartbeat for ${now - w.lastAlive} ms)`,
          details: REPLICA_LOST,
        },
        isDisposed: true,
      });
    }
    if (!this.watched.size) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }
}
