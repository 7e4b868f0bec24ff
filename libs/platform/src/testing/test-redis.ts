import { randomBytes } from 'node:crypto';

/**
 * Tests use a real Redis: the one the test runner started (TEST_REDIS_URL), else a private DB index
 * on the local default server. Each test file namespaces its keys with a unique prefix.
 */
export function testRedisUrl(): string {
  return process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/13';
}

export function uniquePrefix(label = 't'): string {
  return `${label}${randomBytes(4).toString('hex')}`;
}
