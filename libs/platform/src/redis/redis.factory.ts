import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { DomainError } from '../errors/domain-error';

/** A client of one Redis (maybe found through Sentinels) or of a Redis Cluster: the same commands. */
export type RedisClient = Redis | Cluster;

const reconnectDelay = (times: number) => Math.min(times * 200, 2000);

/**
 * The one place that constructs ioredis clients, so connection policy is uniform. `url` may name
 * Sentinels (`sentinelUrl`) or the nodes of a Redis Cluster (`clusterUrl`).
 */
export function createRedis(
  url: string,
  name: string,
  overrides: RedisOptions = {},
  clusterOverrides: Partial<ClusterOptions> = {},
): RedisClient {
  const policy: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: reconnectDelay,
    ...overrides,
  };
  const cluster = clusterFromUrl(url);
  if (cluster) {
    const { enableOfflineQueue, enableReadyCheck, retryStrategy: _perNode, ...redisOptions } = policy;
    return new Cluster(cluster.nodes, {
      redisOptions: { ...redisOptions, username: cluster.username, password: cluster.password },
      enableOfflineQueue,
      enableReadyCheck,
      clusterRetryStrategy: reconnectDelay,
      ...clusterOverrides,
    });
  }
  return new Redis({ ...redisOptionsFromUrl(url), ...policy });
}

/**
 * For clients that answer a request in hand (rate limits, conversations). Nothing is queued while
 * Redis is away, and nothing is re-sent after a reconnect: a command the caller was told failed
 * must not run later. Use with `whenReady`, which waits a bounded time for the connection.
 */
export function createFailFastRedis(url: string, name: string, commandTimeoutMs = 2000): RedisClient {
  return createRedis(url, name, {
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
  });
}

/** Runs one call on `client` once it is connected (waiting at most `timeoutMs`); any failure becomes SERVICE_UNAVAILABLE. */
export async function whenReady<T>(
  client: RedisClient,
  what: string,
  call: () => Promise<T>,
  timeoutMs = 2000,
): Promise<T> {
  try {
    await waitForRedis(client, timeoutMs);
    return await call();
  } catch (err) {
    throw new DomainError('SERVICE_UNAVAILABLE', `${what} unavailable: ${(err as Error).message}`);
  }
}

/** Quits a connected client; one that is not connected is dropped at once (quit would wait for a reconnect). */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/** Resolves once the client is ready, or rejects after `timeoutMs` with a readable reason. */
export async function waitForRedis(client: RedisClient, timeoutMs = 5000): Promise<void> {
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

const CLUSTER_URL = /^redis-cluster:\/\/(?:([^@/]*)@)?([^/@]+)\/?$/;

/** The connection string of a Redis Cluster: `redis-cluster://[user:password@]h1:p1,h2:p2` (credentials from REDIS_URL). */
export function clusterUrl(nodes: string[], masterUrl: string): string {
  const u = new URL(masterUrl);
  const cred = u.username || u.password ? `${u.username}:${u.password}@` : '';
  return `redis-cluster://${cred}${nodes.join(',')}`;
}

export function isClusterUrl(url: string): boolean {
  return CLUSTER_URL.test(url);
}

function clusterFromUrl(url: string) {
  const c = CLUSTER_URL.exec(url);
  if (!c) return null;
  const [user, password] = (c[1] ?? '').split(':');
  return {
    nodes: c[2].split(',').map((hp) => {
      const [host, port] = hp.split(':');
      return { host, port: port ? Number(port) : 6379 };
    }),
    username: user ? decodeURIComponent(user) : undefined,
    password: password ? decodeURIComponent(password) : undefined,
  };
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
