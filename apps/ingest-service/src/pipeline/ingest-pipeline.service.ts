import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Embedder, EMBEDDER, searchText } from '@rag/ai';
import { DataType, encodeVector, ErrorCode, RetrievalDocumentFind, RetrievalDocumentReplace } from '@rag/contracts';
import {
  AppLogger,
  BusClient,
  DomainError,
  isReplicaLost,
  LOGGER,
  originalKey,
  RequestContext,
  UPLOAD_STORAGE,
  UploadStorage,
} from '@rag/platform';
import { createHash } from 'node:crypto';
import { chunkElements } from '../chunking/chunker';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';
import { Box, PARTITIONER, Partitioner } from '../partition/element';
import { doneKey, manifestKey, UploadResult } from '../tasks/upload-manifest';
import { IngestJobPort, IngestProgress, IngestResult } from './ingest-job';

/** Failures that a retry cannot fix. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set([
  'DOCUMENT_UNREADABLE',
  'UNSUPPORTED_MEDIA_TYPE',
  'VALIDATION_FAILED',
  'EMBEDDER_MISMATCH',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'FORBIDDEN',
]);

/** The id of a document is its content within its collection, so identical re-uploads collapse. */
export function documentIdFor(collectionId: string, sha256: string): string {
  return createHash('sha256').update(`${collectionId}\n${sha256}`).digest('hex').slice(0, 32);
}

/** Milliseconds spent in each named stage, each mark closing the stage since the previous one. */
class StageTimer {
  private last = performance.now();
  private readonly spent: Record<string, number> = {};

  mark(stage: string): void {
    const now = performance.now();
    this.spent[stage] = Math.round((now - this.last) * 10) / 10;
    this.last = now;
  }

  all(): Record<string, number> {
    return { ...this.spent };
  }
}

/** Partition → chunk → embed → store, with progress; the one place ingest logic lives. */
@Injectable()
export class IngestPipelineService implements OnApplicationShutdown {
  constructor(
    @Inject(PARTITIONER) private readonly partitioner: Partitioner,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
    private readonly bus: BusClient,
  ) {}

  /** After the queue has closed (onModuleDestroy) and no job runs: the parser threads and OCR workers go. */
  async onApplicationShutdown(): Promise<void> {
    await this.partitioner.close?.();
  }

  /**
   * The upload and its manifest, once the task has ended for good; `stored` leaves the result behind
   * for a duplicate job, and the file becomes that document's original.
   */
  private async discardUpload(storageKey: string, stored?: UploadResult & { collectionId: string }): Promise<void> {
    if (stored) {
      await this.storage.put(
        doneKey(storageKey),
        Buffer.from(JSON.stringify({ documentId: stored.documentId, pages: stored.pages })),
      );
      await this.storage.move(storageKey, originalKey(stored.collectionId, stored.documentId));
    } else await this.storage.delete(storageKey);
    await this.storage.delete(manifestKey(storageKey));
  }

  /** The result a finished job left for this upload, if any. */
  private async storedResult(storageKey: string): Promise<UploadResult | null> {
    try {
      return JSON.parse((await this.storage.read(doneKey(storageKey))).toString('utf8')) as UploadResult;
    } catch {
      return null;
    }
  }

  /** Runs a job as its uploader: every bus request it makes carries that caller, and the task id for the logs. */
  run(job: IngestJobPort): Promise<IngestResult> {
    return RequestContext.run({ correlationId: job.data.taskId, identity: job.data.caller }, () => this.runJob(job));
  }

  private async runJob(job: IngestJobPort): Promise<IngestResult> {
    const d = job.data;
    const chunks: Record<DataType, number> = { text: 0, table_html: 0, image_summary: 0 };
    const progress: IngestProgress = { stage: 'partitioning', pagesDone: 0, pagesTotal: 0, chunks, imagesSkipped: 0 };
    const report = (patch: Partial<IngestProgress>) => job.reportProgress(Object.assign(progress, patch));
    const timings = new StageTimer();
    try {
      let bytes: Buffer;
      try {
        bytes = await this.storage.read(d.storageKey);
      } catch (e) {
        const stored = await this.storedResult(d.storageKey);
        if (!stored) throw new DomainError('NOT_FOUND', `uploaded file is gone from storage: ${(e as Error).message}`);
        await report({ stage: 'done', pagesDone: stored.pages, pagesTotal: stored.pages });
        return { documentId: stored.documentId, pages: stored.pages, chunks, imagesSkipped: 0, deduplicated: true };
      }
      // The gateway only streams bytes to storage; the content hash (the dedup key) is taken here.
      const sha256 = d.sha256 ?? createHash('sha256').update(bytes).digest('hex');
      const documentId = documentIdFor(d.collectionId, sha256);
      const existing = await this.bus.request(RetrievalDocumentFind, { collectionId: d.collectionId, documentId });
      if (existing.document) {
        // The same bytes become its original again, so a document indexed before originals were kept gets one.
        await this.discardUpload(d.storageKey, {
          collectionId: d.collectionId,
          documentId,
          pages: existing.document.pages,
        });
        await report({ stage: 'done', pagesDone: existing.document.pages, pagesTotal: existing.document.pages });
        // The stored document's counts: a deduplicated upload reports what is indexed, not zeros.
        return {
          documentId,
          pages: existing.document.pages,
          chunks: existing.chunksByType ?? chunks,
          imagesSkipped: 0,
          deduplicated: true,
        };
      }
      await report({ stage: 'partitioning' });
      timings.mark('prepare');
      let lastReport = 0;
      const parts = await this.partitioner.partition(
        { bytes, sourceType: d.sourceType, filename: d.filename },
        (done, total, stage) => {
          if (stage === 'ocr') Object.assign(progress, { stage, ocrPagesDone: done, ocrPagesTotal: total });
          else Object.assign(progress, { pagesDone: done, pagesTotal: total });
          // Progress writes go to Redis: at most ~4 per second.
          if (Date.now() - lastReport > 250 || done === total) {
            lastReport = Date.now();
            void report({}).catch(() => undefined);
          }
        },
      );
      timings.mark('partition');
      await report({
        stage: 'chunking',
        pagesDone: parts.pages,
        pagesTotal: parts.pages,
        imagesSkipped: parts.imagesSkipped,
      });
      const pieces = chunkElements(parts.elements, this.config.chunking);
      if (pieces.length === 0) throw new DomainError('DOCUMENT_UNREADABLE', 'the document produced no text to index');
      for (const p of pieces) chunks[p.dataType]++;

      timings.mark('chunk');
      await report({ stage: 'embedding' });
      const vectors = await this.embedder.embed(pieces.map((p) => searchText(p)));
      timings.mark('embed');

      await report({ stage: 'storing' });
      const replace = {
        collectionId: d.collectionId,
        documentId,
        filename: d.filename,
        contentHash: sha256,
        pages: parts.pages,
        embedder: this.embedder.info,
        chunks: pieces.map((p, i) => ({
          chunkId: `${documentId}-${p.index}`,
          chunkIndex: p.index,
          text: p.text,
          dataType: p.dataType,
          pageNumber: p.pageNumber,
          pageEnd: p.pageEnd,
          headingPath: p.headingPath,
          // A tenth of a point is finer than any screen shows; the rest is bytes on the bus and on disk.
          regions: p.regions.slice(0, 64).map((b) => b.map((v) => Math.round(v * 10) / 10) as Box),
          // A chunk never spans pages: its page says where its text came from.
          ...(parts.ocr?.pageConfidence[p.pageNumber] !== undefined && {
            source: 'ocr' as const,
            ocrConfidence: parts.ocr.pageConfidence[p.pageNumber],
          }),
          vector: encodeVector(vectors[i]),
        })),
      };
      // A replace is idempotent (one atomic commit per document): when the retrieval replica doing it
      // dies, it is asked again at once, and another replica takes it.
      await this.bus
        .request(RetrievalDocumentReplace, replace, { timeoutMs: this.config.job.storeTimeoutMs })
        .catch((e: unknown) => {
          if (!isReplicaLost(e)) throw e;
          this.logger.warn(
            { taskId: d.taskId, reason: (e as Error).message },
            'store retried on another retrieval replica',
          );
          return this.bus.request(RetrievalDocumentReplace, replace, { timeoutMs: this.config.job.storeTimeoutMs });
        });
      timings.mark('store');
      await this.discardUpload(d.storageKey, { collectionId: d.collectionId, documentId, pages: parts.pages });
      await report({ stage: 'done' });
      timings.mark('finish');
      const warnings = parts.warnings ?? [];
      if (warnings.length)
        this.logger.warn(
          { taskId: d.taskId, pagesUnread: warnings.length, pages: warnings.map((w) => w.page) },
          'ingested with unread pages',
        );
      this.logger.info(
        { taskId: d.taskId, documentId, pages: parts.pages, chunks, timingsMs: timings.all() },
        'document ingested',
      );
      return {
        documentId,
        pages: parts.pages,
        chunks,
        imagesSkipped: parts.imagesSkipped,
        deduplicated: false,
        warnings,
        repeatedLinesDropped: parts.repeatedLinesDropped ?? 0,
        ocr: parts.ocr && { pages: parts.ocr.pages, confidence: parts.ocr.confidence },
      };
    } catch (err) {
      const e = err instanceof DomainError ? err : new DomainError('INTERNAL', (err as Error).message ?? String(err));
      const permanent = PERMANENT.has(e.code);
      if (permanent) job.discard();
      if (permanent || job.attemptsMade + 1 >= job.maxAttempts) {
        // Final failure: the upload is no longer needed.
        await this.discardUpload(d.storageKey).catch(() => undefined);
      }
      if (!(err instanceof DomainError)) this.logger.error({ err, taskId: d.taskId }, 'ingest failed unexpectedly');
      throw new Error(`[${e.code}] ${e.message}`);
    }
  }
}
