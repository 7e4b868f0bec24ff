import { DynamicModule, Module } from '@nestjs/common';
import { createEmbedder, EMBEDDER } from '@rag/ai';
import { AppLogger, LOGGER } from '@rag/platform';
import { RETRIEVAL_CONFIG, RetrievalConfig } from './config/retrieval.config';
import { DocumentsService } from './documents/documents.service';
import { HealthController } from './health.controller';
import { MaintenanceService } from './maintenance/maintenance.service';
import { RetrievalController } from './retrieval.controller';
import { LexicalReranker, NoReranker, RERANKER } from './search/lexical.reranker';
import { SearchService } from './search/search.service';
import { LanceRepository } from './storage/lance.repository';

@Module({})
export class AppModule {
  static register(config: RetrievalConfig, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      controllers: [RetrievalController, HealthController],
      providers: [
        { provide: RETRIEVAL_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: EMBEDDER, useFactory: () => createEmbedder(config.embedder) },
        { provide: RERANKER, useFactory: () => (config.reranker === 'local' ? new LexicalReranker() : new NoReranker()) },
        LanceRepository,
        SearchService,
        DocumentsService,
        MaintenanceService,
      ],
    };
  }
}
