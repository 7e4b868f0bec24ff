// Helpers for tests and the benchmark (a private Redis, polling): imported as '@rag/platform/testing', never by service code.
export * from './test-redis';
export * from './redis-process';
export * from './poll';
