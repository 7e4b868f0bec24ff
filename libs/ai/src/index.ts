export * from './text/tokenize';
export * from './text/sentences';
export * from './embedding/embedder';
export * from './embedding/local-hash.embedder';
export * from './embedding/openai.embedder';
export * from './embedding/embedder.factory';
export * from './embedding/embedder.env';
export * from './openai/openai.adapter';
