import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChatHealth, IngestHealth, RetrievalHealth } from '@rag/contracts';
import { BusClient, UPLOAD_STORAGE, UploadStorage } from '@rag/platform';
import type { Response } from 'express';
import { OperationsOnly, Public } from '../http/access.decorators';
import { LivenessReplyDto, ReadinessReplyDto } from '../http/http-api.dto';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly bus: BusClient,
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LivenessReplyDto.Output })
  health() {
    return { status: 'ok', service: 'gateway', uptimeSeconds: process.uptime() };
  }

  /** Readiness: Redis and every service answer over the bus, and upload storage is writable. */
  @Get('ready')
  @OperationsOnly()
  @ApiOperation({
    summary: 'Readiness: Redis, every service over the bus, and upload storage (503 when any check fails)',
  })
  @ApiOkResponse({ type: ReadinessReplyDto.Output })
  async ready(@Res() res: Response) {
    const check = async (name: string, fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      try {
        await fn();
        return { name, ok: true, ms: Math.round(performance.now() - t0) };
      } catch (err) {
        return { name, ok: false, ms: Math.round(performance.now() - t0), error: (err as Error).message };
      }
    };
    const checks = await Promise.all([
      check('ingest-service', () => this.bus.request(IngestHealth, {}, { timeoutMs: 2000 })),
      check('retrieval-service', () => this.bus.request(RetrievalHealth, {}, { timeoutMs: 2000 })),
      check('chat-service', () => this.bus.request(ChatHealth, {}, { timeoutMs: 2000 })),
      check('upload-storage', () => this.storage.probe()),
    ]);
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not_ready', checks });
  }
}
