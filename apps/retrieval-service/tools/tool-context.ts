import { Logger } from '@nestjs/common';
import { createEmbedder, createQueryExpander } from '@rag/ai';
import { loadRetrievalConfig } from '../src/config/retrieval.config';
import { LexicalReranker, NoReranker } from '../src/search/lexical.reranker';
import { SearchService } from '../src/search/search.service';
import { LanceRepository } from '../src/storage/lance.repository';

/** The retrieval service's own storage and search code, in-process, configured from the same environment. */
export async function openToolContext(env: NodeJS.ProcessEnv = {}) {
  // stdout carries the tool's JSON result: Nest's console logger keeps to warnings.
  Logger.overrideLogger(['warn', 'error']);
  const config = loadRetrievalConfig({ ...process.env, ...env });
  const embedder = await createEmbedder(config.embedder);
  const repo = new LanceRepository(config, embedder);
  await repo.onModuleInit();
  // As the service does at start: collections that fit are searched from memory from the first query.
  await repo.warmMemorySearchAll();
  // The service's query expansion too: a baseline without it measured less work than the service does.
  const reranker = config.reranker === 'local' ? new LexicalReranker() : new NoReranker();
  const search = new SearchService(
    repo,
    embedder,
    reranker,
    undefined,
    createQueryExpander(config.queryExpansion) ?? undefined,
  );
  return { config, embedder, repo, search };
}

export function argValue(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}
