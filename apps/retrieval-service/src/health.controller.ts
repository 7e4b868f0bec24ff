import { Controller, Get, Inject } from '@nestjs/common';
import { HealthReply, RetrievalHealth, SearchReply } from '@rag/contracts';
import { BusHandler, replicaId } from '@rag/platform';
import { DocumentsService } from './documents/documents.service';
import { SEARCH_CACHE, SearchCache } from './search/search-cache';
import { LanceRepository } from './storage/lance.repository';

@Controller()
export class HealthController {
  constructor(
    private readonly repo: LanceRepository,
    private readonly documents: DocumentsService,
    @Inject(SEARCH_CACHE) private readonly cache: SearchCache<SearchReply>,
  ) {}

  @Get('health')
  @BusHandler(RetrievalHealth)
  async health(): Promise<HealthReply> {
    return {
      service: 'retrieval-service',
      status: 'ok',
      uptimeSeconds: process.uptime(),
      replica: replicaId,
      details: {
        ...(await this.repo.stats()),
        searchCache: this.cache.stats(),
        memoryMb: memoryMb(),
        writes: this.documents.writeStats(),
      },
    };
  }
}

/** The process's memory by kind, so a growing RSS can be told apart: JS heap, buffers, or native (LanceDB). */
function memoryMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  return {
    rss: mb(m.rss),
    heapUsed: mb(m.heapUsed),
    heapTotal: mb(m.heapTotal),
    external: mb(m.external),
    arrayBuffers: mb(m.arrayBuffers),
  };
}
