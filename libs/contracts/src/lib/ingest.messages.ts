import { z } from 'zod';
import { CollectionIdSchema, DataTypeSchema, EmptySchema, HealthReplySchema } from './common.schema';
import { ErrorCodeSchema } from './errors';
import { defineMessage } from './message';
import { Patterns } from './wire-names';

export const SourceTypeSchema = z.enum(['pdf', 'txt', 'md', 'html', 'docx']);
export type SourceType = z.infer<typeof SourceTypeSchema>;

export const TaskIdSchema = z.string().regex(/^[a-zA-Z0-9_-]{8,64}$/, 'invalid task id');

export const IngestSubmitRequestSchema = z.object({
  collectionId: CollectionIdSchema,
  /** Display name shown in citations; already sanitised by the gateway. */
  filename: z.string().min(1).max(255),
  /** Key of the stored upload in the shared upload storage. */
  storageKey: z
    .string()
    .regex(/^[a-zA-Z0-9._/-]{1,200}$/)
    .refine((k) => !k.includes('..'), 'no ".." in storage keys'),
  sourceType: SourceTypeSchema,
  sizeBytes: z.number().int().nonnegative(),
  /** Content hash if the sender computed one; otherwise the ingest service hashes the stored file. */
  sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/)
    .optional(),
});
export type IngestSubmitRequest = z.infer<typeof IngestSubmitRequestSchema>;

export const TaskStateSchema = z.enum(['PENDING', 'PROCESSING', 'SUCCESS', 'FAILURE']);
export type TaskState = z.infer<typeof TaskStateSchema>;

export const TaskStageSchema = z.enum(['queued', 'partitioning', 'ocr', 'chunking', 'embedding', 'storing', 'done']);
export type TaskStage = z.infer<typeof TaskStageSchema>;

/** Something of a document that was not read, reported instead of dropped silently. */
export const TaskWarningSchema = z.object({
  page: z.number().int().positive(),
  code: z.enum(['PAGE_UNREADABLE', 'PAGE_WITHOUT_TEXT']),
  message: z.string(),
});
export type TaskWarning = z.infer<typeof TaskWarningSchema>;

export const TaskSchema = z.object({
  taskId: TaskIdSchema,
  collectionId: CollectionIdSchema,
  filename: z.string(),
  state: TaskStateSchema,
  progress: z.object({
    stage: TaskStageSchema,
    pagesDone: z.number().int(),
    pagesTotal: z.number().int(),
    /** Stage `ocr`: pages OCR'd so far, of the pages without a text layer ("ocr 3/10"). */
    ocrPagesDone: z.number().int().optional(),
    ocrPagesTotal: z.number().int().optional(),
    percent: z.number(),
  }),
  counts: z.object({
    pages: z.number().int(),
    chunks: z.record(DataTypeSchema, z.number().int()),
    imagesSkipped: z.number().int(),
    /** Pages whose text could not be read (see warnings); a SUCCESS with pagesUnread > 0 is incomplete. */
    pagesUnread: z.number().int(),
    /** Running header/footer lines recognised on most pages and left out of the chunks. */
    repeatedLinesDropped: z.number().int(),
    /** Pages without a text layer whose text was read by OCR, and the mean OCR word confidence (0-100). */
    pagesOcr: z.number().int(),
    ocrConfidence: z.number().nullable(),
  }),
  warnings: z.array(TaskWarningSchema),
  timing: z.object({
    queuedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
  }),
  attempts: z
    .number()
    .int()
    .describe('attempts begun so far, the running one included: 1 after a first-try success or a first failure'),
  documentId: z.string().nullable(),
  deduplicated: z.boolean(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
});
export type Task = z.infer<typeof TaskSchema>;

export const IngestSubmit = defineMessage(
  Patterns.ingestSubmit,
  IngestSubmitRequestSchema,
  z.object({ taskId: TaskIdSchema, state: TaskStateSchema }),
);

export const IngestTaskGet = defineMessage(Patterns.ingestTaskGet, z.object({ taskId: TaskIdSchema }), TaskSchema);

export const IngestTaskList = defineMessage(
  Patterns.ingestTaskList,
  z.object({ collectionId: CollectionIdSchema, limit: z.number().int().min(1).max(500).default(50) }),
  z.object({ tasks: z.array(TaskSchema) }),
);

export const IngestHealth = defineMessage(Patterns.ingestHealth, EmptySchema, HealthReplySchema);
