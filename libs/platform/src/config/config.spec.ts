import { z } from 'zod';
import { baseEnvShape, ConfigError, loadConfig, toBaseConfig } from './config';

describe('loadConfig', () => {
  const schema = z.object(baseEnvShape);

  it('applies defaults', () => {
    expect(loadConfig(schema, {})).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379/0', BUS_TIMEOUT_MS: 5000 });
  });

  it('names every bad variable', () => {
    let err: unknown;
    try {
      loadConfig(schema, { REDIS_URL: 'http://x', BUS_TIMEOUT_MS: 'soon' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/REDIS_URL: must start with redis:\/\//);
    expect((err as Error).message).toMatch(/BUS_TIMEOUT_MS/);
  });

  it('treats a variable set to an empty string as unset (docker-compose passes ${X:-} that way)', () => {
    const withUrl = z.object({ ...baseEnvShape, BASE_URL: z.url().optional() });
    const cfg = loadConfig(withUrl, { BASE_URL: '', BUS_TIMEOUT_MS: '', REDIS_URL: ' ' });
    expect(cfg.BASE_URL).toBeUndefined();
    expect(cfg.BUS_TIMEOUT_MS).toBe(5000);
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379/0');
  });

  it('reaches Redis one of three ways: a URL, Sentinels or Cluster nodes (credentials from the URL), never two', () => {
    const schema = z.object(baseEnvShape);
    const base = (env: Record<string, string>) => toBaseConfig(loadConfig(schema, env)).redisUrl;
    expect(base({ REDIS_URL: 'redis://:pw@h:1/2' })).toBe('redis://:pw@h:1/2');
    expect(base({ REDIS_URL: 'redis://:pw@h:1/2', REDIS_SENTINELS: 's1:26379,s2:26379' })).toBe(
      'redis-sentinel://:pw@s1:26379,s2:26379/mymaster/2',
    );
    expect(base({ REDIS_URL: 'redis://:pw@h:1/0', REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' })).toBe(
      'redis-cluster://:pw@n1:7000,n2:7001',
    );
    expect(() => base({ REDIS_SENTINELS: 's1:26379', REDIS_CLUSTER_NODES: 'n1:7000' })).toThrow(
      /REDIS_SENTINELS and REDIS_CLUSTER_NODES/,
    );
  });
});
