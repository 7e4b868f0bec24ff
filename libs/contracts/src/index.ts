export * from './lib/wire-names';
export * from './lib/errors';
export * from './lib/message';
export * from './lib/common.schema';
export * from './lib/ingest.messages';
export * from './lib/retrieval.messages';
export * from './lib/chat.messages';
export * from './lib/vector-codec';
