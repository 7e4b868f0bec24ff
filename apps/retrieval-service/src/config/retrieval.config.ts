import { checkEmbedderEnv, EmbedderConfig, embedderEnvShape, toEmbedderConfig } from '@rag/ai';
import { BaseConfig, baseEnvShape, env, loadConfig, toBaseConfig } from '@rag/platform';
import { z } from 'zod';
import { HttpRerankerSettings } from '../search/http.reranker';
import { VectorPlanSettings } from '../storage/vector-plan';

export interface RetrievalConfig extends BaseConfig {
  lancedbUri: string;
  /** Object-store options for LanceDB (e.g. aws_endpoint, aws_region); credentials may also come from the standard AWS_* / GOOGLE_* / AZURE_* variables. */
  lancedbStorageOptions: Record<string, string>;
  tableName: string;
  readConsistencyMs: number;
  /** LanceDB's in-process caches (its defaults, 6 GB and 1 GB, let RSS grow with every table version). */
  lancedbCacheMb: { index: number; metadata: number };
  embedder: EmbedderConfig;
  reranker: 'local' | 'none' | 'http';
  /** The model reranker when `reranker` is `http` (the local one stands in whenever it fails). */
  httpReranker?: HttpRerankerSettings;
  /** Words added to full-text queries: everyday health words → documents' terms, plus WordNet synonyms. */
  queryExpansion: 'thesaurus' | 'lay' | 'none';
  /** Pseudo-relevance feedback for full-text search by default (a search may ask for it or not). */
  queryFeedback: 'rm3' | 'none';
  maintenanceIntervalMs: number;
  indexRefreshDelayMs: number;
  vectorIndexMinRows: number;
  /** How vector searches run: exact under selective filters, else the index tuned to a recall target. */
  vectorPlan: VectorPlanSettings;
  writeLockTtlMs: number;
  /** Memory for cached search replies per replica; 0 turns the cache off. */
  searchCacheBytes: number;
  /** Collections searched from memory: budget per replica (0 turns it off) and the largest collection held. */
  searchMemory: { bytes: number; maxRows: number };
  /** Full-text search scores every row of the filter instead of using the index when the filter keeps at most this % of the table. */
  ftsFlatSearchPercent: number;
}

const schema = z
  .object({
    ...baseEnvShape,
    ...embedderEnvShape,
    LANCEDB_URI: env.str('./data/lancedb'),
    LANCEDB_STORAGE_OPTIONS: z
      .string()
      .default('{}')
      .transform((raw, ctx) => {
        try {
          const v = JSON.parse(raw) as unknown;
          if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'))
            return v as Record<string, string>;
        } catch {
          // reported below
        }
        ctx.addIssue({
          code: 'custom',
          message:
            'must be a JSON object of string values, e.g. {"aws_endpoint":"http://minio:9000","allow_http":"true"}',
        });
        return z.NEVER;
      }),
    LANCEDB_TABLE: z
      .string()
      .regex(/^[a-zA-Z0-9_]{1,64}$/)
      .default('chunks'),
    LANCEDB_READ_CONSISTENCY_MS: env.int(0, 0, 600_000),
    LANCEDB_INDEX_CACHE_MB: env.int(6144, 16),
    LANCEDB_METADATA_CACHE_MB: env.int(1024, 16),
    RERANKER: z.enum(['local', 'none', 'http']).default('local'),
    RERANKER_URL: z.url().optional(),
    RERANKER_API: z.enum(['tei', 'cohere']).default('tei'),
    RERANKER_MODEL: z.string().optional(),
    RERANKER_API_KEY: z.string().optional(),
    RERANKER_TIMEOUT_MS: env.int(2_000, 50, 120_000),
    RERANKER_BATCH_SIZE: env.int(32, 1, 1_000),
    RERANKER_MAX_CHARS: env.int(2_000, 100, 100_000),
    QUERY_EXPANSION: z.enum(['thesaurus', 'lay', 'none']).default('lay'),
    QUERY_FEEDBACK: z.enum(['rm3', 'none']).default('none'),
    MAINTENANCE_INTERVAL_MS: env.int(60_000, 1000),
    INDEX_REFRESH_DELAY_MS: env.int(1000, 50),
    // Per collection: at 10,000 rows the index with its measured probes took 6.2 ms, an exact scan 14.1 (docs/benchmarks.md).
    VECTOR_INDEX_MIN_ROWS: env.int(10_000, 256),
    VECTOR_RECALL_TARGET: z.coerce.number().gt(0).max(1).default(0.95),
    VECTOR_NPROBES: env.int(0, 0, 10_000),
    // -1: no refine step (the setting before recall targets, kept for comparisons).
    VECTOR_REFINE_FACTOR: env.int(0, -1, 100),
    VECTOR_EXACT_MAX_ROWS: env.int(2_000, 0),
    WRITE_LOCK_TTL_MS: env.int(10_000, 1000),
    SEARCH_CACHE_MB: env.int(64, 0, 16_384),
    // ~8 KB a chunk with 512 dimensions (the benchmark's chunks): 1 GB holds some 130k; a collection of 50k ~400 MB.
    SEARCH_MEMORY_MB: env.int(1024, 0, 262_144),
    SEARCH_MEMORY_MAX_ROWS: env.int(50_000, 0, 10_000_000),
    FTS_FLAT_SEARCH_PERCENT: env.int(1, 0, 100),
  })
  .superRefine((e, ctx) => {
    checkEmbedderEnv(e, ctx);
    if (e.RERANKER === 'http' && !e.RERANKER_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['RERANKER_URL'],
        message: 'required when RERANKER=http (the /rerank endpoint, e.g. http://tei:8080/rerank)',
      });
  })
  .transform((e): RetrievalConfig => ({
    ...toBaseConfig(e),
    lancedbUri: e.LANCEDB_URI,
    lancedbStorageOptions: e.LANCEDB_STORAGE_OPTIONS,
    tableName: e.LANCEDB_TABLE,
    readConsistencyMs: e.LANCEDB_READ_CONSISTENCY_MS,
    lancedbCacheMb: { index: e.LANCEDB_INDEX_CACHE_MB, metadata: e.LANCEDB_METADATA_CACHE_MB },
    embedder: toEmbedderConfig(e),
    reranker: e.RERANKER,
    httpReranker:
      e.RERANKER === 'http' && e.RERANKER_URL
        ? {
            url: e.RERANKER_URL,
            api: e.RERANKER_API,
            model: e.RERANKER_MODEL,
            apiKey: e.RERANKER_API_KEY,
            timeoutMs: e.RERANKER_TIMEOUT_MS,
            batchSize: e.RERANKER_BATCH_SIZE,
            maxChars: e.RERANKER_MAX_CHARS,
          }
        : undefined,
    queryExpansion: e.QUERY_EXPANSION,
    queryFeedback: e.QUERY_FEEDBACK,
    maintenanceIntervalMs: e.MAINTENANCE_INTERVAL_MS,
    indexRefreshDelayMs: e.INDEX_REFRESH_DELAY_MS,
    vectorIndexMinRows: e.VECTOR_INDEX_MIN_ROWS,
    vectorPlan: {
      recallTarget: e.VECTOR_RECALL_TARGET,
      nprobes: e.VECTOR_NPROBES,
      refineFactor: e.VECTOR_REFINE_FACTOR,
      exactMaxRows: e.VECTOR_EXACT_MAX_ROWS,
    },
    writeLockTtlMs: e.WRITE_LOCK_TTL_MS,
    searchCacheBytes: e.SEARCH_CACHE_MB * 1024 * 1024,
    searchMemory: { bytes: e.SEARCH_MEMORY_MB * 1024 * 1024, maxRows: e.SEARCH_MEMORY_MAX_ROWS },
    ftsFlatSearchPercent: e.FTS_FLAT_SEARCH_PERCENT,
  }));

export const loadRetrievalConfig = (source: NodeJS.ProcessEnv = process.env) => loadConfig(schema, source);
export const RETRIEVAL_CONFIG = Symbol('RETRIEVAL_CONFIG');
