import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RetrievalSearch, SearchRequest, SearchRequestSchema } from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { ZodPipe } from '../http/zod-body.pipe';

@Controller()
export class SearchController {
  constructor(private readonly bus: BusClient) {}

  @Post('search')
  @HttpCode(200)
  search(@Body(new ZodPipe(SearchRequestSchema)) body: SearchRequest) {
    return this.bus.request(RetrievalSearch, body);
  }
}
