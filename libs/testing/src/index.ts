export * from './lib/stack';
export * from './lib/net-lab';
