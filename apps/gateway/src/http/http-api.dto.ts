import {
  ApiKeyCreateRequestSchema,
  ApiKeyListReplySchema,
  ApiKeyParamsSchema,
  ApiKeySchema,
  ApiKeyWithSecretSchema,
  CallerReplySchema,
  ChatAnswerSchema,
  ChatConversationGet,
  ChatConversationList,
  ChatEventSchema,
  ChatRequestSchema,
  ChunkPageQuerySchema,
  CollectionCreateRequestSchema,
  CollectionParamsSchema,
  ConversationListQuerySchema,
  ConversationParamsSchema,
  DeleteByFilenameQuerySchema,
  DocumentParamsSchema,
  HttpErrorSchema,
  LivenessReplySchema,
  ReadinessReplySchema,
  RetrievalCollectionCreate,
  RetrievalCollectionDelete,
  RetrievalCollectionList,
  RetrievalDocumentChunks,
  RetrievalDocumentDelete,
  RetrievalDocumentList,
  SearchReplySchema,
  SearchRequestSchema,
  TaskListQuerySchema,
  TaskParamsSchema,
  TaskSchema,
  UploadReplySchema,
} from '@rag/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

// The HTTP API's shapes as Nest DTOs: the global validation pipe checks requests with the contracts'
// schemas and @nestjs/swagger documents the same schemas. Class names become OpenAPI schema names.

export class SearchRequestDto extends createZodDto(SearchRequestSchema) {}
export class ChatRequestDto extends createZodDto(ChatRequestSchema) {}
export class CollectionCreateRequestDto extends createZodDto(CollectionCreateRequestSchema) {}
export class ApiKeyCreateRequestDto extends createZodDto(ApiKeyCreateRequestSchema) {}

export class CollectionParamsDto extends createZodDto(CollectionParamsSchema) {}
export class DocumentParamsDto extends createZodDto(DocumentParamsSchema) {}
export class TaskParamsDto extends createZodDto(TaskParamsSchema) {}
export class ConversationParamsDto extends createZodDto(ConversationParamsSchema) {}
export class ApiKeyParamsDto extends createZodDto(ApiKeyParamsSchema) {}

export class TaskListQueryDto extends createZodDto(TaskListQuerySchema) {}
export class ConversationListQueryDto extends createZodDto(ConversationListQuerySchema) {}
export class ChunkPageQueryDto extends createZodDto(ChunkPageQuerySchema) {}
export class DeleteByFilenameQueryDto extends createZodDto(DeleteByFilenameQuerySchema) {}

export class UploadReplyDto extends createZodDto(UploadReplySchema) {}
export class TaskDto extends createZodDto(TaskSchema) {}
export class TaskListReplyDto extends createZodDto(z.object({ tasks: z.array(TaskSchema) })) {}
export class SearchReplyDto extends createZodDto(SearchReplySchema) {}
/** A union: no class can stand for it, so its JSON schema is given directly. */
export const CHAT_EVENT_JSON_SCHEMA = z.toJSONSchema(ChatEventSchema, { io: 'output', target: 'draft-2020-12' });
export class ChatAnswerDto extends createZodDto(ChatAnswerSchema) {}
export class ConversationListReplyDto extends createZodDto(ChatConversationList.reply) {}
export class ConversationDto extends createZodDto(ChatConversationGet.reply) {}
export class CollectionListReplyDto extends createZodDto(RetrievalCollectionList.reply) {}
export class CollectionCreateReplyDto extends createZodDto(RetrievalCollectionCreate.reply) {}
export class CollectionDeleteReplyDto extends createZodDto(RetrievalCollectionDelete.reply) {}
export class DocumentListReplyDto extends createZodDto(RetrievalDocumentList.reply) {}
export class DocumentChunksReplyDto extends createZodDto(RetrievalDocumentChunks.reply) {}
export class DocumentDeleteReplyDto extends createZodDto(RetrievalDocumentDelete.reply) {}
export class CallerReplyDto extends createZodDto(CallerReplySchema) {}
export class ApiKeyDto extends createZodDto(ApiKeySchema) {}
export class ApiKeyWithSecretDto extends createZodDto(ApiKeyWithSecretSchema) {}
export class ApiKeyListReplyDto extends createZodDto(ApiKeyListReplySchema) {}
export class LivenessReplyDto extends createZodDto(LivenessReplySchema) {}
export class ReadinessReplyDto extends createZodDto(ReadinessReplySchema) {}
export class HttpErrorDto extends createZodDto(HttpErrorSchema) {}
