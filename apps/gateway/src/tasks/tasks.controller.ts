import { Controller, Get, Param, Query } from '@nestjs/common';
import { IngestTaskGet, IngestTaskList, TaskIdSchema } from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { z } from 'zod';
import { ZodPipe } from '../http/zod-body.pipe';

const ListQuery = z.object({
  collection_id: z.string(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

@Controller('tasks')
export class TasksController {
  constructor(private readonly bus: BusClient) {}

  @Get(':taskId')
  get(@Param('taskId', new ZodPipe(TaskIdSchema, 'task id')) taskId: string) {
    return this.bus.request(IngestTaskGet, { taskId });
  }

  @Get()
  list(@Query(new ZodPipe(ListQuery, 'query')) q: z.output<typeof ListQuery>) {
    return this.bus.request(IngestTaskList, { collectionId: q.collection_id, limit: q.limit });
  }
}
