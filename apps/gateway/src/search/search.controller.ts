import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RetrievalSearch, SearchRequest, SearchRequestSchema } from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { ZodPipe } from '../http/zod-body.pipe';
import { MetricsService } from '../metrics/metrics.service';

@Controller()
export class SearchController {
  constructor(
    private readonly bus: BusClient,
    private readonly metrics: MetricsService,
  ) {}

  @Post('search')
  @HttpCode(200)
  async search(@Body(new ZodPipe(SearchRequestSchema)) body: SearchRequest) {
    const reply = await this.bus.request(RetrievalSearch, body);
    this.metrics.observeSearch(reply.mode, reply.cached, reply.timings.totalMs);
    return reply;
  }
}
