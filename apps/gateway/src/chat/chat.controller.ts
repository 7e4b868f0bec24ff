import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ChatEvent, ChatStream, Citation } from '@rag/contracts';
import { BusClient, DomainError, RequestContext } from '@rag/platform';
import type { Request, Response } from 'express';
import { lastValueFrom, reduce } from 'rxjs';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { RequireScopes } from '../http/access.decorators';
import { CHAT_EVENT_JSON_SCHEMA, ChatAnswerDto, ChatRequestDto } from '../http/http-api.dto';

@ApiTags('chat')
@Controller('chat')
export class ChatController {
  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Server-Sent Events: `sources`, then `token`s as they are produced, then `done` (or `error`). */
  @Post('stream')
  @RequireScopes('chat')
  @ApiOperation({
    summary: 'Grounded answer as Server-Sent Events',
    description:
      'Events, in order: one `sources`, any number of `token`, then `done` (usage, timings, citations used) or `error`. Each frame is `event: <type>` and `data: <JSON>`; the JSON is described here. Closing the connection cancels the answer upstream.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ schema: CHAT_EVENT_JSON_SCHEMA as never })
  stream(@Body() body: ChatRequestDto, @Req() req: Request, @Res() res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const send = (e: ChatEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    const sub = this.bus.stream(ChatStream, body, { idleTimeoutMs: this.config.chatIdleTimeoutMs }).subscribe({
      next: send,
      error: (err: unknown) => {
        const e = err instanceof DomainError ? err : new DomainError('INTERNAL', 'chat stream failed');
        send({
          type: 'error',
          code: e.code,
          message: `${e.message} (request ${RequestContext.correlationId() ?? '-'})`,
        });
        res.end();
      },
      complete: () => res.end(),
    });
    // The client went away: stop the stream, which cancels the work upstream.
    res.on('close', () => sub.unsubscribe());
  }

  /** The same answer as one JSON document, for simple API consumers. */
  @Post()
  @HttpCode(200)
  @RequireScopes('chat')
  @ApiOperation({ summary: 'Grounded answer as one JSON document' })
  @ApiOkResponse({ type: ChatAnswerDto.Output })
  async answer(@Body() body: ChatRequestDto) {
    const acc = await lastValueFrom(
      this.bus.stream(ChatStream, body, { idleTimeoutMs: this.config.chatIdleTimeoutMs }).pipe(
        reduce(
          (a, e: ChatEvent) => {
            if (e.type === 'sources') a.sources = e.sources;
            else if (e.type === 'token') a.answer += e.text;
            else if (e.type === 'done') a.done = e;
            else if (e.type === 'error') throw new DomainError(e.code, e.message);
            return a;
          },
          { answer: '', sources: [] as Citation[], done: null as Extract<ChatEvent, { type: 'done' }> | null },
        ),
      ),
    );
    return {
      answer: acc.answer,
      sources: acc.sources,
      citationsUsed: acc.done?.citationsUsed ?? [],
      found: acc.done?.found ?? false,
      conversationId: acc.done?.conversationId,
      provider: acc.done?.provider ?? null,
      usage: acc.done?.usage ?? null,
      timings: acc.done?.timings ?? null,
    };
  }
}
