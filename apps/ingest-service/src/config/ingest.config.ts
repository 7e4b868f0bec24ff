import { availableParallelism } from 'node:os';
import {
  checkEmbedderEnv,
  EmbedderConfig,
  embedderEnvShape,
  openAiConnection,
  OpenAiConnection,
  toEmbedderConfig,
} from '@rag/ai';
import { BaseConfig, baseEnvShape, env, loadConfig, toBaseConfig } from '@rag/platform';
import { z } from 'zod';

export interface IngestConfig extends BaseConfig {
  uploadDir: string;
  partitioner: 'local' | 'unstructured';
  unstructured?: { url: string; apiKey?: string; strategy: string };
  vision?: { model: string; connection: OpenAiConnection };
  countImages: boolean;
  /** Where PDF text comes from: poppler's text layer when `pdftotext` is installed (auto), or pdf.js only. */
  pdfTextLayer: 'auto' | 'poppler' | 'pdfjs';
  chunking: { maxTokens: number; overlapTokens: number };
  /** OCR of pages without a text layer (local partitioner); undefined: off. */
  ocr?: {
    engine: 'auto' | 'native' | 'wasm';
    /** Tesseract language codes, read together (OCR_LANGS=eng+deu). */
    langs: string[];
    /** auto: pages without a text layer (or with a garbled one); force: every page, its text layer ignored. */
    mode: 'auto' | 'force';
    maxPages: number;
    pageTimeoutMs: number;
    /** OCR of one document stops here; the pages left are reported. */
    documentTimeoutMs: number;
    /** Pages read at once (tesseract processes), in this process across its jobs. */
    concurrency: number;
    /** Resolution pages are drawn at to be OCR'd. */
    dpi: number;
  };
  embedder: EmbedderConfig;
  concurrency: number;
  /** Re-queues accepted uploads whose job is gone (0 = only at start-up); files older than graceMs without a manifest are removed. */
  reconcile: { intervalMs: number; graceMs: number };
  job: {
    timeoutMs: number;
    attempts: number;
    backoffMs: number;
    partitionTimeoutMs: number;
    storeTimeoutMs: number;
    lockMs: number;
    stalledCheckMs: number;
  };
}

const schema = z
  .object({
    ...baseEnvShape,
    ...embedderEnvShape,
    UPLOAD_DIR: env.str('./data/uploads'),
    PARTITIONER: z.enum(['local', 'unstructured']).default('local'),
    UNSTRUCTURED_API_URL: z.url().optional(),
    UNSTRUCTURED_API_KEY: z.string().optional(),
    UNSTRUCTURED_STRATEGY: z.enum(['hi_res', 'fast', 'auto', 'ocr_only']).default('hi_res'),
    VISION_MODEL: z.string().optional(),
    COUNT_IMAGES: env.bool(true),
    PDF_TEXT_LAYER: z.enum(['auto', 'poppler', 'pdfjs']).default('auto'),
    OCR: z.enum(['auto', 'off', 'force']).default('auto'),
    OCR_ENGINE: z.enum(['auto', 'native', 'wasm']).default('auto'),
    OCR_LANGS: z
      .string()
      .regex(/^[a-z_]{3,12}([+,][a-z_]{3,12}){0,7}$/, 'tesseract language codes joined by + (eng+deu)')
      .optional(),
    /** The earlier name of OCR_LANGS, one language. */
    OCR_LANG: z
      .string()
      .regex(/^[a-z_]{3,12}$/)
      .optional(),
    OCR_MAX_PAGES: env.int(50, 1, 10_000),
    OCR_PAGE_TIMEOUT_MS: env.int(60_000, 1000),
    OCR_DOCUMENT_TIMEOUT_MS: env.int(600_000, 1000),
    OCR_CONCURRENCY: env.int(availableParallelism(), 1, 64),
    OCR_DPI: env.int(300, 72, 600),
    CHUNK_MAX_TOKENS: env.int(350, 32, 8000),
    CHUNK_OVERLAP_TOKENS: env.int(40, 0, 2000),
    INGEST_CONCURRENCY: env.int(2, 1, 64),
    JOB_TIMEOUT_MS: env.int(3_600_000, 1000),
    JOB_ATTEMPTS: env.int(3, 1, 20),
    JOB_BACKOFF_MS: env.int(5000, 0),
    PARTITION_TIMEOUT_MS: env.int(600_000, 1000),
    STORE_TIMEOUT_MS: env.int(300_000, 1000),
    RECONCILE_INTERVAL_MS: env.int(60_000, 0),
    JOB_LOCK_MS: env.int(15_000, 1000),
    JOB_STALLED_CHECK_MS: env.int(5_000, 500),
    RECONCILE_GRACE_MS: env.int(120_000, 0),
  })
  .superRefine((e, ctx) => {
    checkEmbedderEnv(e, ctx);
    if (e.PARTITIONER === 'unstructured' && !e.UNSTRUCTURED_API_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['UNSTRUCTURED_API_URL'],
        message: 'required when PARTITIONER=unstructured',
      });
    }
    if (e.VISION_MODEL && !e.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'required when VISION_MODEL is set' });
    }
    if (e.CHUNK_OVERLAP_TOKENS >= e.CHUNK_MAX_TOKENS) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHUNK_OVERLAP_TOKENS'],
        message: 'must be smaller than CHUNK_MAX_TOKENS',
      });
    }
  })
  .transform((e): IngestConfig => ({
    ...toBaseConfig(e),
    uploadDir: e.UPLOAD_DIR,
    partitioner: e.PARTITIONER,
    unstructured: e.UNSTRUCTURED_API_URL
      ? { url: e.UNSTRUCTURED_API_URL, apiKey: e.UNSTRUCTURED_API_KEY, strategy: e.UNSTRUCTURED_STRATEGY }
      : undefined,
    vision:
      e.VISION_MODEL && e.OPENAI_API_KEY ? { model: e.VISION_MODEL, connection: openAiConnection(e)! } : undefined,
    countImages: e.COUNT_IMAGES,
    pdfTextLayer: e.PDF_TEXT_LAYER,
    ocr:
      e.OCR === 'off'
        ? undefined
        : {
            engine: e.OCR_ENGINE,
            langs: (e.OCR_LANGS ?? e.OCR_LANG ?? 'eng').split(/[+,]/),
            mode: e.OCR,
            maxPages: e.OCR_MAX_PAGES,
            pageTimeoutMs: e.OCR_PAGE_TIMEOUT_MS,
            documentTimeoutMs: e.OCR_DOCUMENT_TIMEOUT_MS,
            concurrency: e.OCR_CONCURRENCY,
            dpi: e.OCR_DPI,
          },
    chunking: { maxTokens: e.CHUNK_MAX_TOKENS, overlapTokens: e.CHUNK_OVERLAP_TOKENS },
    embedder: toEmbedderConfig(e),
    concurrency: e.INGEST_CONCURRENCY,
    reconcile: { intervalMs: e.RECONCILE_INTERVAL_MS, graceMs: e.RECONCILE_GRACE_MS },
    job: {
      timeoutMs: e.JOB_TIMEOUT_MS,
      attempts: e.JOB_ATTEMPTS,
      backoffMs: e.JOB_BACKOFF_MS,
      partitionTimeoutMs: e.PARTITION_TIMEOUT_MS,
      storeTimeoutMs: e.STORE_TIMEOUT_MS,
      lockMs: e.JOB_LOCK_MS,
      stalledCheckMs: e.JOB_STALLED_CHECK_MS,
    },
  }));

export const loadIngestConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(schema, source);
export const INGEST_CONFIG = Symbol('INGEST_CONFIG');
