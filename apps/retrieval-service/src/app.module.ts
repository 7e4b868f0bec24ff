import { DynamicModule, Module } from '@nestjs/common';
import { createEmbedder, createQueryExpander, EMBEDDER, QUERY_EXPANDER } from '@rag/ai';
import { SearchReply } from '@rag/contracts';
import { AppLogger, LOGGER, RedisModule } from '@rag/platform';
import { RETRIEVAL_CONFIG, RetrievalConfig } from './config/retrieval.config';
import { DocumentsService } from './documents/documents.service';
import { HealthController } from './health.controller';
import { MaintenanceService } from './maintenance/maintenance.service';
import { VectorCalibrationService } from './maintenance/vector-calibration.service';
import { RetrievalController } from './retrieval.controller';
import { createReranker } from './search/reranker.factory';
import { RERANKER } from './search/lexical.reranker';
import { DEFAULT_FEEDBACK, SEARCH_FEEDBACK } from './search/relevance-feedback';
import { SEARCH_CACHE, SearchCache } from './search/search-cache';
import { SearchService } from './search/search.service';
import { LanceRepository } from './storage/lance.repository';

/** Rough bytes a cached reply holds: its strings (UTF-16) plus fixed overhead per hit. */
const replyBytes = (r: SearchReply) =>
  r.results.reduce(
    (n, h) => n + 2 * (h.text.length + h.filename.length + h.chunkId.length + h.documentId.length) + 400,
    400,
  );

@Module({})
export class AppModule {
  static register(config: RetrievalConfig, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      // Leases wait for Redis to come back rather than fail a write at once.
      imports: [RedisModule.forRoot({ ...config, name: 'retrieval', mode: 'queued' })],
      controllers: [RetrievalController, HealthController],
      providers: [
        { provide: RETRIEVAL_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: EMBEDDER, useFactory: () => createEmbedder(config.embedder) },
        { provide: RERANKER, useFactory: () => createReranker(config, logger) },
        { provide: QUERY_EXPANDER, useFactory: () => createQueryExpander(config.queryExpansion) },
        { provide: SEARCH_FEEDBACK, useValue: config.queryFeedback === 'rm3' ? DEFAULT_FEEDBACK : null },
        { provide: SEARCH_CACHE, useFactory: () => new SearchCache<SearchReply>(config.searchCacheBytes, replyBytes) },
        LanceRepository,
        SearchService,
        DocumentsService,
        MaintenanceService,
        VectorCalibrationService,
      ],
    };
  }
}
