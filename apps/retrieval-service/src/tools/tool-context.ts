import { createEmbedder } from '@rag/ai';
import { loadRetrievalConfig } from '../config/retrieval.config';
import { LexicalReranker, NoReranker } from '../search/lexical.reranker';
import { SearchService } from '../search/search.service';
import { LanceRepository } from '../storage/lance.repository';

/** The retrieval service's own storage and search code, in-process, configured from the same environment. */
export async function openToolContext() {
  const config = loadRetrievalConfig();
  const embedder = createEmbedder(config.embedder);
  const repo = new LanceRepository(config, embedder);
  await repo.onModuleInit();
  const search = new SearchService(repo, embedder, config.reranker === 'local' ? new LexicalReranker() : new NoReranker());
  return { config, embedder, repo, search };
}

export function argValue(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}
