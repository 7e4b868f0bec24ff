import { z } from 'zod';
import {
  CollectionIdSchema,
  DataTypeSchema,
  DocumentIdSchema,
  EmptySchema,
  hasControlCharacter,
  HealthReplySchema,
} from './common.schema';
import { defineMessage } from './message';
import { Patterns } from './wire-names';

/** Identifies the embedding space; a table built with one embedder refuses queries from another. */
export const EmbedderInfoSchema = z.object({ id: z.string().min(1), dimensions: z.number().int().positive() });
export type EmbedderInfo = z.infer<typeof EmbedderInfoSchema>;

/** Headings above a chunk, outermost first (empty for chunks stored before heading paths existed). */
export const HeadingPathSchema = z.array(z.string().max(500)).max(16);

/** Where a chunk's text came from: the file's text layer, or OCR of a page image (with its mean word confidence, 0-100). */
export const TextSourceSchema = z.enum(['text', 'ocr']);
export type TextSource = z.infer<typeof TextSourceSchema>;
export const OcrConfidenceSchema = z.number().int().min(0).max(100).nullable();
/**
 * Where on its page a chunk's text lies, so a viewer can mark it: boxes of x0, y0, x1, y1 in PDF user
 * space (points, y up, as pdf.js places text). Empty where the layout did not know (Word, HTML, text files).
 */
export const RegionsSchema = z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])).max(64);
export type Regions = z.infer<typeof RegionsSchema>;

export const ChunkInputSchema = z.object({
  chunkId: z.string().min(1).max(128),
  chunkIndex: z.number().int().nonnegative(),
  text: z.string().min(1),
  dataType: DataTypeSchema,
  pageNumber: z.number().int().positive(),
  pageEnd: z.number().int().positive(),
  /** Document title › section › subsection above the chunk, outermost first; part of what it is found by. */
  headingPath: HeadingPathSchema.optional(),
  source: TextSourceSchema.default('text'),
  ocrConfidence: OcrConfidenceSchema.default(null),
  regions: RegionsSchema.default([]),
  /** Float32 little-endian vector, base64: a quarter of the size of JSON numbers on the bus. */
  vector: z.string().min(1),
});
export type ChunkInput = z.infer<typeof ChunkInputSchema>;

export const DocumentSummarySchema = z.object({
  documentId: z.string(),
  collectionId: CollectionIdSchema,
  filename: z.string(),
  contentHash: z.string(),
  pages: z.number().int(),
  chunks: z.number().int(),
  ingestedAt: z.string(),
});
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;

/** A stored document's display name: no control characters (NUL in a filter was a 500). */
const FilenameSchema = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !hasControlCharacter(s), 'filenames contain no control characters');

export const SearchFiltersSchema = z
  .object({
    filenames: z.array(FilenameSchema).max(50).optional(),
    dataTypes: z.array(DataTypeSchema).max(3).optional(),
    documentIds: z.array(DocumentIdSchema).max(100).optional(),
  })
  .strict();
export type SearchFilters = z.infer<typeof SearchFiltersSchema>;

export const SearchModeSchema = z.enum(['vector', 'fts', 'hybrid']);
export type SearchMode = z.infer<typeof SearchModeSchema>;

export const SearchRequestSchema = z
  .object({
    collectionId: CollectionIdSchema,
    query: z.string().trim().min(1, 'query must not be empty').max(4000),
    mode: SearchModeSchema.default('hybrid'),
    topK: z.number().int().min(1).max(50).default(5),
    candidates: z.number().int().min(1).max(200).default(20),
    fusion: z.enum(['linear', 'rrf']).default('linear'),
    vectorWeight: z.number().min(0).max(1).default(0.3),
    rerank: z.boolean().default(true),
    /** Also look for synonyms and the documents' terms for everyday words ("shot" → vaccination), ranked below the query's own words. */
    expand: z.boolean().default(true),
    /** Search again with the words the first results share (pseudo-relevance feedback); unset: the service's QUERY_FEEDBACK. */
    feedback: z.boolean().optional(),
    filters: SearchFiltersSchema.optional(),
  })
  .strict();
export type SearchRequest = z.input<typeof SearchRequestSchema>;

export const SearchHitSchema = z.object({
  rank: z.number().int(),
  chunkId: z.string(),
  documentId: z.string(),
  filename: z.string(),
  pageNumber: z.number().int(),
  pageEnd: z.number().int(),
  dataType: DataTypeSchema,
  chunkIndex: z.number().int(),
  text: z.string(),
  headingPath: HeadingPathSchema.default([]),
  source: TextSourceSchema.default('text'),
  ocrConfidence: OcrConfidenceSchema.default(null),
  regions: RegionsSchema.default([]),
  scores: z.object({
    vector: z.number().nullable(),
    fts: z.number().nullable(),
    fused: z.number(),
    rerank: z.number().nullable(),
  }),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchReplySchema = z.object({
  mode: SearchModeSchema,
  /** True when served from the retrieval replica's cache (same query, same table version). */
  cached: z.boolean(),
  results: z.array(SearchHitSchema),
  timings: z.object({ embedMs: z.number(), vectorMs: z.number(), ftsMs: z.number(), totalMs: z.number() }),
});
export type SearchReply = z.infer<typeof SearchReplySchema>;

export const RetrievalSearch = defineMessage(Patterns.retrievalSearch, SearchRequestSchema, SearchReplySchema);

export const RetrievalDocumentReplace = defineMessage(
  Patterns.retrievalDocumentReplace,
  z.object({
    collectionId: CollectionIdSchema,
    documentId: DocumentIdSchema,
    filename: z.string().min(1).max(255),
    contentHash: z.string().regex(/^[a-f0-9]{64}$/),
    pages: z.number().int().nonnegative(),
    embedder: EmbedderInfoSchema,
    chunks: z.array(ChunkInputSchema).max(100_000),
  }),
  z.object({ documentId: z.string(), chunksWritten: z.number().int(), replacedDocumentIds: z.array(z.string()) }),
);

export const RetrievalDocumentFind = defineMessage(
  Patterns.retrievalDocumentFind,
  z.object({ collectionId: CollectionIdSchema, documentId: DocumentIdSchema }),
  z.object({
    document: DocumentSummarySchema.nullable(),
    /** Chunks of the found document by data type (what a deduplicated upload reports). */
    chunksByType: z
      .object({ text: z.number().int(), table_html: z.number().int(), image_summary: z.number().int() })
      .optional(),
  }),
);

export const RetrievalDocumentDelete = defineMessage(
  Patterns.retrievalDocumentDelete,
  z
    .object({
      collectionId: CollectionIdSchema,
      documentId: DocumentIdSchema.optional(),
      filename: z.string().min(1).max(255).optional(),
    })
    .refine((v) => Boolean(v.documentId) !== Boolean(v.filename), 'give exactly one of documentId or filename'),
  z.object({ deletedChunks: z.number().int(), documentIds: z.array(z.string()) }),
);

export const RetrievalDocumentList = defineMessage(
  Patterns.retrievalDocumentList,
  z.object({ collectionId: CollectionIdSchema }),
  z.object({ documents: z.array(DocumentSummarySchema) }),
);

export const StoredChunkSchema = z.object({
  chunkId: z.string(),
  chunkIndex: z.number().int(),
  text: z.string(),
  dataType: DataTypeSchema,
  pageNumber: z.number().int(),
  pageEnd: z.number().int(),
  headingPath: HeadingPathSchema.default([]),
  source: TextSourceSchema.default('text'),
  ocrConfidence: OcrConfidenceSchema.default(null),
  regions: RegionsSchema.default([]),
});
export type StoredChunk = z.infer<typeof StoredChunkSchema>;

/**
 * A document's stored chunks in order, a page at a time (all of them when no limit is given);
 * NOT_FOUND when the collection has no such document.
 */
export const RetrievalDocumentChunks = defineMessage(
  Patterns.retrievalDocumentChunks,
  z.object({
    collectionId: CollectionIdSchema,
    documentId: DocumentIdSchema,
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(100_000).optional(),
  }),
  z.object({
    document: DocumentSummarySchema,
    chunks: z.array(StoredChunkSchema),
    /** Chunks of the document in all, and where the next page starts (null after the last). */
    total: z.number().int().optional(),
    nextOffset: z.number().int().nullable().optional(),
  }),
);

export const RetrievalCollectionList = defineMessage(
  Patterns.retrievalCollectionList,
  EmptySchema,
  z.object({
    collections: z.array(
      z.object({
        collectionId: CollectionIdSchema,
        documents: z.number().int(),
        chunks: z.number().int(),
        description: z
          .string()
          .nullable()
          .optional()
          .describe('set when the collection was created with POST /collections'),
      }),
    ),
  }),
);

export const RetrievalCollectionDelete = defineMessage(
  Patterns.retrievalCollectionDelete,
  z.object({ collectionId: CollectionIdSchema }),
  z.object({ deletedChunks: z.number().int() }),
);

export const CollectionCreateRequestSchema = z.object({
  collectionId: CollectionIdSchema,
  description: z.string().trim().max(500).optional(),
});

/** Creates an (empty) collection with a description; a collection already created is a CONFLICT. */
export const RetrievalCollectionCreate = defineMessage(
  Patterns.retrievalCollectionCreate,
  CollectionCreateRequestSchema,
  z.object({ collectionId: CollectionIdSchema, description: z.string().nullable(), createdAt: z.string() }),
);

export const RetrievalHealth = defineMessage(Patterns.retrievalHealth, EmptySchema, HealthReplySchema);
