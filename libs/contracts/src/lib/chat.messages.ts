import { z } from 'zod';
import { CollectionIdSchema, DataTypeSchema, EmptySchema, HealthReplySchema } from './common.schema';
import { ErrorCodeSchema } from './errors';
import { defineMessage } from './message';
import { OcrConfidenceSchema, RegionsSchema, SearchFiltersSchema, TextSourceSchema } from './retrieval.messages';
import { Patterns } from './wire-names';

export const ChatTurnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(8000),
});
export type ChatTurn = z.infer<typeof ChatTurnSchema>;

export const ConversationIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{8,64}$/, 'conversation id must match ^[a-zA-Z0-9_-]{8,64}$');

export const ChatRequestSchema = z
  .object({
    collectionId: CollectionIdSchema,
    question: z.string().trim().min(1, 'question must not be empty').max(4000),
    /** Earlier turns given by the client; when absent, the stored turns of `conversationId` are used. */
    history: z.array(ChatTurnSchema).max(20).optional(),
    /** Continue a conversation kept server-side (Redis, with a TTL); a new one is started when absent. */
    conversationId: ConversationIdSchema.optional(),
    topK: z.number().int().min(1).max(20).default(5),
    filters: SearchFiltersSchema.optional(),
  })
  .strict();
export type ChatRequest = z.input<typeof ChatRequestSchema>;

export const CitationSchema = z.object({
  n: z.number().int().positive(),
  chunkId: z.string(),
  documentId: z.string(),
  filename: z.string(),
  pageNumber: z.number().int(),
  pageEnd: z.number().int(),
  dataType: DataTypeSchema,
  source: TextSourceSchema.default('text'),
  ocrConfidence: OcrConfidenceSchema.default(null),
  regions: RegionsSchema.default([]),
  score: z.number(),
  snippet: z.string(),
  text: z.string(),
});
export type Citation = z.infer<typeof CitationSchema>;

/** The items of a chat stream, in order: one `sources`, any number of `token`, then `done` or `error`. */
export const ChatEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('sources'),
    conversationId: z.string(),
    standaloneQuestion: z.string(),
    sources: z.array(CitationSchema),
  }),
  z.object({ type: z.literal('token'), text: z.string() }),
  z.object({
    type: z.literal('done'),
    conversationId: z.string(),
    provider: z.string(),
    citationsUsed: z.array(z.number().int()),
    /** False when the answer is "Not found in the documents.": the sources are then only the closest, related passages. */
    found: z.boolean(),
    usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }),
    timings: z.object({ retrievalMs: z.number(), firstTokenMs: z.number().nullable(), totalMs: z.number() }),
  }),
  z.object({ type: z.literal('error'), code: ErrorCodeSchema, message: z.string() }),
]);
export type ChatEvent = z.infer<typeof ChatEventSchema>;

/** A turn as kept server-side: an answer keeps the sources it was given, so its citations open again later. */
export const StoredTurnSchema = ChatTurnSchema.extend({
  sources: z.array(CitationSchema).max(20).optional(),
  /** False when the answer was "not found": its sources are related passages. */
  found: z.boolean().optional(),
});
export type StoredTurn = z.infer<typeof StoredTurnSchema>;

export const ConversationRequestSchema = z
  .object({ collectionId: CollectionIdSchema, conversationId: ConversationIdSchema })
  .strict();

const ConversationHeadSchema = z.object({
  conversationId: z.string(),
  /** The first question asked in it. */
  title: z.string(),
  updatedAt: z.string().datetime(),
  turns: z.number().int(),
});

export const ConversationSchema = ConversationHeadSchema.omit({ turns: true }).extend({
  collectionId: z.string(),
  turns: z.array(StoredTurnSchema),
});
export type Conversation = z.infer<typeof ConversationSchema>;

export const ConversationListRequestSchema = z
  .object({ collectionId: CollectionIdSchema, limit: z.coerce.number().int().min(1).max(100).default(20) })
  .strict();
export const ConversationListSchema = z.object({ conversations: z.array(ConversationHeadSchema) });
export type ConversationList = z.infer<typeof ConversationListSchema>;

export const ChatStream = defineMessage(Patterns.chatStream, ChatRequestSchema, ChatEventSchema);
export const ChatHealth = defineMessage(Patterns.chatHealth, EmptySchema, HealthReplySchema);
export const ChatConversationGet = defineMessage(
  Patterns.chatConversationGet,
  ConversationRequestSchema,
  ConversationSchema,
);
export const ChatConversationList = defineMessage(
  Patterns.chatConversationList,
  ConversationListRequestSchema,
  ConversationListSchema,
);
