import Redis, { RedisOptions } from 'ioredis';
import { DomainError } from '../errors/domain-error';

export type RedisClient = Redis;

/** The one place that constructs ioredis clients, so connection policy is uniform. `url` may name Sentinels (`sentinelUrl`). */
export function createRedis(url: string, name: string, overrides: RedisOptions = {}): Redis {
  return new Redis({
    ...redisOptionsFromUrl(url),
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...overrides,
  });
}

/**
 * For clients that answer a request in hand (rate limits, conversations). Nothing is queued while
 * Redis is away, and nothing is re-sent after a reconnect: a command the caller was told failed
 * must not run later. Use with `whenReady`, which waits a bounded time for the connection.
 */
export function createFailFastRedis(url: string, name: string, commandTimeoutMs = 2000): Redis {
  return createRedis(url, name, {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
  });
}

/** Runs one call on `client` once it is connected (waiting at most `timeoutMs`); any failure becomes SERVICE_UNAVAILABLE. */
export async function whenReady<T>(client: Redis, what: string, call: () => Promise<T>, timeoutMs = 2000): Promise<T> {
  try {
    await waitForRedis(client, timeoutMs);
    return await call();
  } catch (err) {
    throw new DomainError('SERVICE_UNAVAILABLE', `${what} unavailable: ${(err as Error).message}`);
  }
}

/** Quits a connected client; one that is not connected is dropped at once (quit would wait for a reconnect). */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/** Resolves once the client is ready, or rejects after `timeoutMs` with a readable reason. */
export async function waitForRedis(client: Redis, timeoutMs = 5000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not reachable within ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

const SENTINEL_URL = /^redis-sentinel:\/\/(?:([^@/]*)@)?([^/@]+)\/([^/]+)\/(\d+)$/;

/**
 * The connection string of a master found through Sentinels: `redis-sentinel://[user:password@]h1:p1,h2:p2/<master name>/<db>`.
 * The credentials and db are the master's (from REDIS_URL); the Sentinels themselves are asked without.
 */
export function sentinelUrl(sentinels: string[], name: string, masterUrl: string): string {
  const u = new URL(masterUrl);
  const cred = u.username || u.password ? `${u.username}:${u.password}@` : '';
  const db = u.pathname.length > 1 ? u.pathname.slice(1) : '0';
  return `redis-sentinel://${cred}${sentinels.join(',')}/${encodeURIComponent(name)}/${db}`;
}

/** Splits a redis:// (or sentinel) URL into ioredis options (Bull wants options, not a URL). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const s = SENTINEL_URL.exec(url);
  if (s) {
    const [user, password] = (s[1] ?? '').split(':');
    return {
      sentinels: s[2].split(',').map((hp) => {
        const [host, port] = hp.split(':');
        return { host, port: port ? Number(port) : 26379 };
      }),
      name: decodeURIComponent(s[3]),
      username: user ? decodeURIComponent(user) : undefined,
      password: password ? decodeURIComponent(password) : undefined,
      db: Number(s[4]),
    };
  }
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}
