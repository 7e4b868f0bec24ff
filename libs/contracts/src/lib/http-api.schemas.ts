import { z } from 'zod';
import { CollectionIdSchema, DocumentIdSchema } from './common.schema';
import { ErrorCodeSchema } from './errors';
import { CitationSchema, ConversationIdSchema } from './chat.messages';
import { TaskIdSchema } from './ingest.messages';

/**
 * Shapes that exist only on the gateway's public HTTP API (path/query parameters and replies that
 * are not a bus message as is). The gateway validates with them and its OpenAPI document is
 * generated from them, so the docs cannot drift from what is enforced.
 */
export const CollectionParamsSchema = z.object({ collectionId: CollectionIdSchema });
export const TaskParamsSchema = z.object({ taskId: TaskIdSchema });
export const DocumentParamsSchema = z.object({ collectionId: CollectionIdSchema, documentId: DocumentIdSchema });
export const ConversationParamsSchema = z.object({
  collectionId: CollectionIdSchema,
  conversationId: ConversationIdSchema,
});
export const ConversationListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export type ConversationListQuery = z.output<typeof ConversationListQuerySchema>;

export const TaskListQuerySchema = z.object({
  collectionId: CollectionIdSchema.optional().describe('required (or its old name collection_id)'),
  collection_id: CollectionIdSchema.optional().meta({
    deprecated: true,
    description: 'old name of collectionId, kept for one release',
  }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type TaskListQuery = z.output<typeof TaskListQuerySchema>;

/** A page of a document's chunks, in chunk order. */
export const ChunkPageQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ChunkPageQuery = z.output<typeof ChunkPageQuerySchema>;

export const DeleteByFilenameQuerySchema = z.object({ filename: z.string().min(1).max(255) });

export const UploadReplySchema = z.object({
  collectionId: CollectionIdSchema,
  files: z.array(
    z.object({
      index: z.number().int().describe('position of the file in the upload, 0-based'),
      filename: z.string().describe('sanitised display name used in citations'),
      taskId: TaskIdSchema,
      sizeBytes: z.number().int(),
    }),
  ),
  rejected: z
    .array(
      z.object({
        index: z.number().int(),
        filename: z.string(),
        code: ErrorCodeSchema,
        message: z.string(),
      }),
    )
    .describe('files of the upload that were not accepted, each with its reason; the others were'),
});
export type UploadReply = z.infer<typeof UploadReplySchema>;

export const ChatAnswerSchema = z.object({
  answer: z.string(),
  sources: z.array(CitationSchema),
  citationsUsed: z.array(z.number().int()),
  found: z
    .boolean()
    .describe(
      'false when the documents do not answer the question: `answer` then says so and `sources` are only related passages',
    ),
  provider: z.string().nullable(),
  usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }).nullable(),
  timings: z.object({ retrievalMs: z.number(), firstTokenMs: z.number().nullable(), totalMs: z.number() }).nullable(),
  conversationId: z.string().optional(),
});
export type ChatAnswer = z.infer<typeof ChatAnswerSchema>;

export const LivenessReplySchema = z.object({
  status: z.literal('ok'),
  service: z.string(),
  uptimeSeconds: z.number(),
});

export const ReadinessReplySchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), ms: z.number(), error: z.string().optional() })),
});
