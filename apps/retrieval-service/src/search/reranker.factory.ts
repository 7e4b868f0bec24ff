import { AppLogger } from '@rag/platform';
import { RetrievalConfig } from '../config/retrieval.config';
import { HttpReranker } from './http.reranker';
import { LexicalReranker, NoReranker, Reranker } from './lexical.reranker';

/** How often a failing model reranker is logged: once per outage, not once per search. */
const FALLBACK_LOG_EVERY_MS = 60_000;

/** The configured reranker: local (default), none, or a model over HTTP with the local one as its fallback. */
export function createReranker(
  config: Pick<RetrievalConfig, 'reranker' | 'httpReranker'>,
  logger: AppLogger,
): Reranker {
  if (config.reranker === 'none') return new NoReranker();
  if (config.reranker === 'http' && config.httpReranker) {
    let lastLog = 0;
    let missed = 0;
    return new HttpReranker(config.httpReranker, new LexicalReranker(), (reason) => {
      missed++;
      if (Date.now() - lastLog < FALLBACK_LOG_EVERY_MS) return;
      lastLog = Date.now();
      logger.warn(
        { reason, searches: missed, url: config.httpReranker!.url },
        'model reranker failed; searches reranked locally',
      );
      missed = 0;
    });
  }
  return new LexicalReranker();
}
