import { Controller, Get, Param, Query } from '@nestjs/common';
import { IngestTaskGet, IngestTaskList, TaskIdSchema, TaskListQuery, TaskListQuerySchema } from '@rag/contracts';
import { BusClient, DomainError } from '@rag/platform';
import { ZodPipe } from '../http/zod-body.pipe';
import { Caller, CurrentCaller, mayTouch } from '../keys/caller';

@Controller('tasks')
export class TasksController {
  constructor(private readonly bus: BusClient) {}

  @Get(':taskId')
  async get(@CurrentCaller() caller: Caller, @Param('taskId', new ZodPipe(TaskIdSchema, 'task id')) taskId: string) {
    const task = await this.bus.request(IngestTaskGet, { taskId });
    // Another tenant's task is as absent as one that never existed.
    if (!mayTouch(caller, task.collectionId)) throw new DomainError('NOT_FOUND', `no task ${taskId}`);
    return task;
  }

  @Get()
  list(@Query(new ZodPipe(TaskListQuerySchema, 'query')) q: TaskListQuery) {
    const collectionId = q.collectionId ?? q.collection_id;
    if (!collectionId) throw new DomainError('VALIDATION_FAILED', 'query: collectionId is required');
    return this.bus.request(IngestTaskList, { collectionId, limit: q.limit });
  }
}
