import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IngestTaskGet, IngestTaskList } from '@rag/contracts';
import { BusClient, DomainError } from '@rag/platform';
import { RequireScopes } from '../http/access.decorators';
import { TaskDto, TaskListQueryDto, TaskListReplyDto, TaskParamsDto } from '../http/http-api.dto';
import { Caller, CurrentCaller, mayTouch } from '../keys/caller';

@ApiTags('ingest')
@Controller('tasks')
export class TasksController {
  constructor(private readonly bus: BusClient) {}

  @Get(':taskId')
  @RequireScopes('upload')
  @ApiOperation({ summary: 'State, progress, counts, timing and failure reason of one ingest task' })
  @ApiOkResponse({ type: TaskDto.Output })
  async get(@CurrentCaller() caller: Caller, @Param() { taskId }: TaskParamsDto) {
    const task = await this.bus.request(IngestTaskGet, { taskId });
    // Another tenant's task is as absent as one that never existed.
    if (!mayTouch(caller, task.collectionId)) throw new DomainError('NOT_FOUND', `no task ${taskId}`);
    return task;
  }

  @Get()
  @RequireScopes('upload')
  @ApiOperation({ summary: 'Recent tasks of a collection, newest first' })
  @ApiOkResponse({ type: TaskListReplyDto.Output })
  list(@Query() q: TaskListQueryDto) {
    const collectionId = q.collectionId ?? q.collection_id;
    if (!collectionId) throw new DomainError('VALIDATION_FAILED', 'query: collectionId is required');
    return this.bus.request(IngestTaskList, { collectionId, limit: q.limit });
  }
}
