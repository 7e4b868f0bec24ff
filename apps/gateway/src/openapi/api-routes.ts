import {
  ApiKeyCreateRequestSchema,
  ApiKeyListReplySchema,
  ApiKeyParamsSchema,
  ApiKeySchema,
  ApiKeyScope,
  ApiKeyWithSecretSchema,
  CallerReplySchema,
  ChunkPageQuerySchema,
  CollectionCreateRequestSchema,
  ChatAnswerSchema,
  ChatEventSchema,
  ChatRequestSchema,
  ChatConversationGet,
  ChatConversationList,
  CollectionParamsSchema,
  ConversationListQuerySchema,
  ConversationParamsSchema,
  DeleteByFilenameQuerySchema,
  DocumentParamsSchema,
  LivenessReplySchema,
  ReadinessReplySchema,
  RetrievalCollectionCreate,
  RetrievalCollectionDelete,
  RetrievalCollectionList,
  RetrievalDocumentDelete,
  RetrievalDocumentChunks,
  RetrievalDocumentList,
  SearchReplySchema,
  SearchRequestSchema,
  TaskListQuerySchema,
  TaskParamsSchema,
  TaskSchema,
  UploadReplySchema,
} from '@rag/contracts';
import { z } from 'zod';

/** Version of the public HTTP API described by the OpenAPI document. */
export const API_VERSION = '1.0.0';

export interface ApiRoute {
  method: 'get' | 'post' | 'delete';
  /** Express-style path, as the controller declares it (`/tasks/:taskId`). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Bodies that are not JSON (multipart upload) are described by hand. */
  rawBody?: { contentType: string; schema: Record<string, unknown> };
  status: number;
  reply?: z.ZodType;
  replyContentType?: string;
  /** Open to anyone even when API keys are required. */
  open?: boolean;
  /** Operations data (service topology, load): needs an admin key when keys are required, unless METRICS_PUBLIC=true. */
  operations?: boolean;
  /** A key needs one of these scopes (admin has all); [] = any valid key. Required on every route that is neither open nor operations. */
  scopes?: ApiKeyScope[];
  /** Kept as an alias for one release; the document marks it. */
  deprecated?: boolean;
  /** Served but left out of the document (static assets of /docs). */
  hidden?: boolean;
}

/**
 * Every public route, with the schemas its controller validates with. The OpenAPI document is
 * generated from this table and a unit test checks it against the controllers' own routes.
 */
export const API_ROUTES: ApiRoute[] = [
  {
    method: 'post',
    path: '/upload/:collectionId',
    tag: 'ingest',
    summary: 'Upload one or more files into a collection',
    description:
      'multipart/form-data, any number of file fields (up to MAX_FILES_PER_UPLOAD). PDF, .txt, .md and .html; the type is checked by magic bytes. Returns one task per file at once; poll GET /tasks/{taskId}.',
    params: CollectionParamsSchema,
    rawBody: {
      contentType: 'multipart/form-data',
      schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } },
    },
    status: 202,
    reply: UploadReplySchema,
    scopes: ['upload'],
  },
  {
    method: 'get',
    path: '/tasks/:taskId',
    tag: 'ingest',
    summary: 'State, progress, counts, timing and failure reason of one ingest task',
    params: TaskParamsSchema,
    status: 200,
    reply: TaskSchema,
    scopes: ['upload'],
  },
  {
    method: 'get',
    path: '/tasks',
    tag: 'ingest',
    summary: 'Recent tasks of a collection, newest first',
    query: TaskListQuerySchema,
    status: 200,
    reply: z.object({ tasks: z.array(TaskSchema) }),
    scopes: ['upload'],
  },
  {
    method: 'post',
    path: '/search',
    tag: 'search',
    summary: 'Hybrid, vector or full-text search without generation',
    description:
      'Each hit carries the score of every stage (vector, fts, fused, rerank) so callers can see why it ranked.',
    body: SearchRequestSchema,
    status: 200,
    reply: SearchReplySchema,
    scopes: ['search'],
  },
  {
    method: 'post',
    path: '/chat/stream',
    tag: 'chat',
    summary: 'Grounded answer as Server-Sent Events',
    description:
      'Events, in order: one `sources`, any number of `token`, then `done` (usage, timings, citations used) or `error`. Each frame is `event: <type>` and `data: <JSON>`; the JSON is described here. Closing the connection cancels the answer upstream.',
    body: ChatRequestSchema,
    status: 200,
    reply: ChatEventSchema,
    replyContentType: 'text/event-stream',
    scopes: ['chat'],
  },
  {
    method: 'post',
    path: '/chat',
    tag: 'chat',
    summary: 'Grounded answer as one JSON document',
    body: ChatRequestSchema,
    status: 200,
    reply: ChatAnswerSchema,
    scopes: ['chat'],
  },
  {
    method: 'get',
    path: '/collections/:collectionId/conversations',
    tag: 'chat',
    summary: "The collection's conversations kept by the chat service (for CONVERSATION_TTL_SECONDS), the latest first",
    params: CollectionParamsSchema,
    query: ConversationListQuerySchema,
    status: 200,
    reply: ChatConversationList.reply,
    scopes: ['chat'],
  },
  {
    method: 'get',
    path: '/collections/:collectionId/conversations/:conversationId',
    tag: 'chat',
    summary:
      'One conversation: its turns, each answer with the sources it cited (404 when expired or of another collection)',
    params: ConversationParamsSchema,
    status: 200,
    reply: ChatConversationGet.reply,
    scopes: ['chat'],
  },
  {
    method: 'get',
    path: '/collections',
    tag: 'collections',
    summary: 'Collections with document and chunk counts',
    status: 200,
    reply: RetrievalCollectionList.reply,
    scopes: ['search', 'chat', 'upload', 'delete'],
  },
  {
    method: 'post',
    path: '/collections',
    tag: 'collections',
    summary: 'Create an empty collection with an optional description (409 if it was created before)',
    body: CollectionCreateRequestSchema,
    status: 201,
    reply: RetrievalCollectionCreate.reply,
    scopes: ['upload'],
  },
  {
    method: 'get',
    path: '/collections/:collectionId/documents',
    tag: 'collections',
    summary: 'Documents of a collection',
    params: CollectionParamsSchema,
    status: 200,
    reply: RetrievalDocumentList.reply,
    scopes: ['search', 'chat', 'upload', 'delete'],
  },
  {
    method: 'get',
    path: '/collections/:collectionId/documents/:documentId/chunks',
    tag: 'collections',
    summary: "A document's stored chunks in order, a page at a time, with their pages, data types and heading paths",
    params: DocumentParamsSchema,
    query: ChunkPageQuerySchema,
    status: 200,
    reply: RetrievalDocumentChunks.reply,
    scopes: ['search', 'chat', 'upload', 'delete'],
  },
  {
    method: 'delete',
    path: '/collections/:collectionId',
    tag: 'collections',
    summary: 'Delete a collection and all its chunks',
    params: CollectionParamsSchema,
    status: 200,
    reply: RetrievalCollectionDelete.reply,
    scopes: ['delete'],
  },
  {
    method: 'get',
    path: '/collections/:collectionId/documents/:documentId/file',
    tag: 'collections',
    summary: 'The original file of a document, as uploaded (open a citation at its page: `#page=N` for a PDF)',
    description:
      'One byte range for a `Range: bytes=a-b` request (206 with `Content-Range`); 416 for a range outside the file. Removed with its document.',
    params: DocumentParamsSchema,
    status: 200,
    reply: z.string().describe('the file bytes'),
    replyContentType: 'application/octet-stream',
    scopes: ['search', 'chat', 'upload', 'delete'],
  },
  {
    method: 'delete',
    path: '/collections/:collectionId/documents/:documentId',
    tag: 'collections',
    summary: 'Delete one document and its chunks everywhere',
    params: DocumentParamsSchema,
    status: 200,
    reply: RetrievalDocumentDelete.reply,
    scopes: ['delete'],
  },
  {
    method: 'delete',
    path: '/embeddings/:collectionId/:documentId',
    tag: 'collections',
    summary: 'Old name of DELETE /collections/{collectionId}/documents/{documentId}',
    params: DocumentParamsSchema,
    status: 200,
    reply: RetrievalDocumentDelete.reply,
    scopes: ['delete'],
    deprecated: true,
  },
  {
    method: 'delete',
    path: '/embeddings/:collectionId',
    tag: 'collections',
    summary: 'Delete every version of a document by filename',
    params: CollectionParamsSchema,
    query: DeleteByFilenameQuerySchema,
    status: 200,
    reply: RetrievalDocumentDelete.reply,
    scopes: ['delete'],
  },
  {
    method: 'get',
    path: '/keys/me',
    tag: 'keys',
    summary: 'The calling key: its tenant, scopes and collections',
    status: 200,
    reply: CallerReplySchema,
    scopes: [],
  },
  {
    method: 'post',
    path: '/keys',
    tag: 'keys',
    summary: 'Create an API key (the secret is in this reply only)',
    description:
      'A key can grant only collections it reaches itself; keys of API_KEY_HASHES reach all and administer every tenant.',
    body: ApiKeyCreateRequestSchema,
    status: 201,
    reply: ApiKeyWithSecretSchema,
    scopes: ['admin'],
  },
  {
    method: 'get',
    path: '/keys',
    tag: 'keys',
    summary: "API keys of the caller's tenant, without secrets",
    status: 200,
    reply: ApiKeyListReplySchema,
    scopes: ['admin'],
  },
  {
    method: 'delete',
    path: '/keys/:keyId',
    tag: 'keys',
    summary: 'Revoke an API key (refused from then on)',
    params: ApiKeyParamsSchema,
    status: 200,
    reply: ApiKeySchema,
    scopes: ['admin'],
  },
  {
    method: 'post',
    path: '/keys/:keyId/rotate',
    tag: 'keys',
    summary: 'A new secret for a key; the old one stops working at once',
    params: ApiKeyParamsSchema,
    status: 201,
    reply: ApiKeyWithSecretSchema,
    scopes: ['admin'],
  },
  {
    method: 'get',
    path: '/health',
    tag: 'operations',
    summary: 'Liveness: the process answers',
    status: 200,
    reply: LivenessReplySchema,
    open: true,
  },
  {
    method: 'get',
    path: '/ready',
    tag: 'operations',
    summary: 'Readiness: Redis, every service over the bus, and upload storage (503 when any check fails)',
    status: 200,
    reply: ReadinessReplySchema,
    operations: true,
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics (text exposition format)',
    status: 200,
    replyContentType: 'text/plain',
    operations: true,
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document',
    status: 200,
    replyContentType: 'application/json',
    open: true,
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'operations',
    summary: 'Interactive API documentation (Swagger UI)',
    status: 200,
    replyContentType: 'text/html',
    open: true,
  },
  {
    method: 'get',
    path: '/docs/:file',
    tag: 'operations',
    summary: 'Swagger UI assets',
    status: 200,
    open: true,
    hidden: true,
  },
];

export const OPEN_PATHS = new Set(API_ROUTES.filter((r) => r.open).map((r) => r.path));
export const OPERATIONS_PATHS = new Set(API_ROUTES.filter((r) => r.operations).map((r) => r.path));
/** Scopes by `METHOD path`, for the access guard. */
export const ROUTE_SCOPES = new Map(
  API_ROUTES.filter((r) => r.scopes).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r.scopes!]),
);
