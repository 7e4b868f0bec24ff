import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RetrievalSearch } from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { RequireScopes } from '../http/access.decorators';
import { SearchReplyDto, SearchRequestDto } from '../http/http-api.dto';
import { MetricsService } from '../metrics/metrics.service';

@ApiTags('search')
@Controller()
export class SearchController {
  constructor(
    private readonly bus: BusClient,
    private readonly metrics: MetricsService,
  ) {}

  @Post('search')
  @HttpCode(200)
  @RequireScopes('search')
  @ApiOperation({
    summary: 'Hybrid, vector or full-text search without generation',
    description:
      'Each hit carries the score of every stage (vector, fts, fused, rerank) so callers can see why it ranked.',
  })
  @ApiOkResponse({ type: SearchReplyDto.Output })
  async search(@Body() body: SearchRequestDto) {
    const reply = await this.bus.request(RetrievalSearch, body);
    this.metrics.observeSearch(reply.mode, reply.cached, reply.timings.totalMs);
    return reply;
  }
}
