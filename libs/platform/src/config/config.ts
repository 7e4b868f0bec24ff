import { z } from 'zod';
import { clusterUrl, sentinelUrl } from '../redis/redis.factory';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Env helpers: every variable is a string in the environment, so coerce explicitly. */
export const env = {
  int: (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def),
  num: (def: number, min = 0, max = Number.MAX_VALUE) => z.coerce.number().min(min).max(max).default(def),
  bool: (def: boolean) => bool.default(def),
  str: (def: string) => z.string().min(1).default(def),
  url: (def?: string) => (def === undefined ? z.url().optional() : z.url().default(def)),
  list: (def: string) =>
    z
      .string()
      .default(def)
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
};

/** Settings every service shares. */
export const baseEnvShape = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379/0')
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  /** Sentinels (host:port, comma-separated) to find the master through; REDIS_URL then gives only its password and db. */
  REDIS_SENTINELS: env.list(''),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,64}$/)
    .default('mymaster'),
  /** Nodes (host:port, comma-separated) of a Redis Cluster to start from; REDIS_URL then gives only its password. */
  REDIS_CLUSTER_NODES: env.list(''),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,32}$/)
    .default('rag'),
  BUS_TIMEOUT_MS: env.int(5000, 100, 600_000),
  BUS_CONCURRENCY: env.int(64, 1, 10_000),
  HEALTH_PORT: env.int(0, 0, 65535),
};

export interface BaseConfig {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  redisUrl: string;
  redisPrefix: string;
  busTimeoutMs: number;
  busConcurrency: number;
  healthPort: number;
}

export function toBaseConfig(e: z.infer<z.ZodObject<typeof baseEnvShape>>): BaseConfig {
  if (e.REDIS_SENTINELS.length && e.REDIS_CLUSTER_NODES.length)
    throw new Error(
      'invalid environment: REDIS_SENTINELS and REDIS_CLUSTER_NODES name two ways to reach Redis; set one',
    );
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_SENTINELS.length
      ? sentinelUrl(e.REDIS_SENTINELS, e.REDIS_SENTINEL_NAME, e.REDIS_URL)
      : e.REDIS_CLUSTER_NODES.length
        ? clusterUrl(e.REDIS_CLUSTER_NODES, e.REDIS_URL)
        : e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    busTimeoutMs: e.BUS_TIMEOUT_MS,
    busConcurrency: e.BUS_CONCURRENCY,
    healthPort: e.HEALTH_PORT,
  };
}

/** Validates the environment once; a bad value throws a ConfigError naming each variable. Empty values are unset. */
export function loadConfig<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.output<S> {
  // A variable set to nothing counts as unset: docker-compose's `${X:-}` passes an empty string,
  // which would otherwise fail a URL check or coerce to 0 instead of taking the default.
  const set = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const r = schema.safeParse(set);
  if (r.success) return r.data;
  throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}
