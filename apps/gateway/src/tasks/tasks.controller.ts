import { Controller, Get, Param, Query } from '@nestjs/common';
import { IngestTaskGet, IngestTaskList, TaskIdSchema, TaskListQuery, TaskListQuerySchema } from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { ZodPipe } from '../http/zod-body.pipe';

@Controller('tasks')
export class TasksController {
  constructor(private readonly bus: BusClient) {}

  @Get(':taskId')
  get(@Param('taskId', new ZodPipe(TaskIdSchema, 'task id')) taskId: string) {
    return this.bus.request(IngestTaskGet, { taskId });
  }

  @Get()
  list(@Query(new ZodPipe(TaskListQuerySchema, 'query')) q: TaskListQuery) {
    return this.bus.request(IngestTaskList, { collectionId: q.collection_id, limit: q.limit });
  }
}
