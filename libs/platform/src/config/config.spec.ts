import { z } from 'zod';
import { baseEnvShape, ConfigError, loadConfig } from './config';

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
});
