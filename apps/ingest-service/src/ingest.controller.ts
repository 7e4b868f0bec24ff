import { Controller, Get } from '@nestjs/common';
import {
  HealthReply,
  IngestHealth,
  IngestSubmit,
  IngestSubmitRequest,
  IngestTaskGet,
  IngestTaskList,
  RequestOf,
} from '@rag/contracts';
import { BusHandler, BusPayload, replicaId } from '@rag/platform';
import { IngestQueueAdapter } from './queue/ingest-queue.adapter';
import { TasksService } from './tasks/tasks.service';

/** Bus (and private HTTP health) transport only. */
@Controller()
export class IngestController {
  constructor(
    private readonly tasks: TasksService,
    private readonly queue: IngestQueueAdapter,
  ) {}

  @BusHandler(IngestSubmit)
  submit(@BusPayload(IngestSubmit) req: IngestSubmitRequest) {
    return this.tasks.submit(req);
  }

  @BusHandler(IngestTaskGet)
  get(@BusPayload(IngestTaskGet) req: RequestOf<typeof IngestTaskGet>) {
    return this.tasks.get(req.taskId);
  }

  @BusHandler(IngestTaskList)
  async list(@BusPayload(IngestTaskList) req: { collectionId: string; limit: number }) {
    return { tasks: await this.tasks.list(req.collectionId, req.limit) };
  }

  @Get('health')
  @BusHandler(IngestHealth)
  async health(): Promise<HealthReply> {
    return {
      service: 'ingest-service',
      status: 'ok',
      uptimeSeconds: process.uptime(),
      replica: replicaId,
      details: { queue: await this.queue.depth(), jobs: await this.queue.outcomes() },
    };
  }
}
