import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ChatHealth, IngestHealth, RetrievalHealth } from '@rag/contracts';
import { BusClient, UPLOAD_STORAGE, UploadStorage } from '@rag/platform';
import type { Response } from 'express';

@Controller()
export class HealthController {
  constructor(
    private readonly bus: BusClient,
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  health() {
    return { status: 'ok', service: 'gateway', uptimeSeconds: process.uptime() };
  }

  /** Readiness: Redis and every service answer over the bus, and upload storage is writable. */
  @Get('ready')
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
