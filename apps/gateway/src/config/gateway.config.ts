import { resolve } from 'node:path';
import { BaseConfig, baseEnvShape, env, loadConfig, toBaseConfig } from '@rag/platform';
import { z } from 'zod';

export interface GatewayConfig extends BaseConfig {
  port: number;
  host: string;
  uploadDir: string;
  maxUploadBytes: number;
  maxFilesPerUpload: number;
  maxJsonBytes: number;
  /** How long an idle client connection is kept open: longer than the usual proxy's 60 s, so the proxy closes it first. */
  keepAliveTimeoutMs: number;
  auth: { enabled: boolean; keyHashes: Set<string> };
  rateLimit: { perMinute: number; enabled: boolean };
  /** /ready and /metrics without a key even when keys are required (a scraper on a private network). */
  metricsPublic: boolean;
  corsOrigins: string[];
  chatIdleTimeoutMs: number;
  /** Built web client to serve at `/`, or null for an API-only gateway. */
  webDir: string | null;
}

const schema = z
  .object({
    ...baseEnvShape,
    PORT: env.int(3000, 1, 65535),
    HOST: env.str('0.0.0.0'),
    UPLOAD_DIR: env.str('./data/uploads'),
    MAX_UPLOAD_BYTES: env.int(100 * 1024 * 1024, 1),
    MAX_FILES_PER_UPLOAD: env.int(20, 1, 1000),
    MAX_JSON_BYTES: env.int(1024 * 1024, 1024),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: env.int(65_000, 1000),
    AUTH_ENABLED: env.bool(false),
    METRICS_PUBLIC: env.bool(false),
    /** sha256 hex digests of the accepted API keys; the keys themselves are never stored. */
    API_KEY_HASHES: env.list(''),
    RATE_LIMIT_PER_MINUTE: env.int(600, 0),
    CORS_ORIGINS: env.list(''),
    CHAT_IDLE_TIMEOUT_MS: env.int(60_000, 1000),
    /** Directory of the built web client; `off` serves none. Default: the build output next to this gateway's. */
    WEB_DIR: env.str(resolve(__dirname, '../../../../../web')),
  })
  .superRefine((e, ctx) => {
    if (e.AUTH_ENABLED && e.API_KEY_HASHES.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_KEY_HASHES'],
        message: 'at least one key hash is required when AUTH_ENABLED=true',
      });
    }
    for (const h of e.API_KEY_HASHES) {
      if (!/^[a-f0-9]{64}$/.test(h))
        ctx.addIssue({ code: 'custom', path: ['API_KEY_HASHES'], message: 'each entry must be a sha256 hex digest' });
    }
  })
  .transform((e): GatewayConfig => ({
    ...toBaseConfig(e),
    port: e.PORT,
    host: e.HOST,
    uploadDir: e.UPLOAD_DIR,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    maxFilesPerUpload: e.MAX_FILES_PER_UPLOAD,
    maxJsonBytes: e.MAX_JSON_BYTES,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    auth: { enabled: e.AUTH_ENABLED, keyHashes: new Set(e.API_KEY_HASHES) },
    rateLimit: { perMinute: e.RATE_LIMIT_PER_MINUTE, enabled: e.RATE_LIMIT_PER_MINUTE > 0 },
    metricsPublic: e.METRICS_PUBLIC,
    corsOrigins: e.CORS_ORIGINS,
    chatIdleTimeoutMs: e.CHAT_IDLE_TIMEOUT_MS,
    webDir: e.WEB_DIR === 'off' ? null : e.WEB_DIR,
  }));

export const loadGatewayConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(schema, source);
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
