import { Inject, Injectable } from '@nestjs/common';
import { searchText } from '@rag/ai';
import {
  DataType,
  decodeVector,
  DocumentSummary,
  RequestOf,
  RetrievalDocumentDelete,
  RetrievalDocumentReplace,
  StoredChunk as StoredChunkReply,
} from '@rag/contracts';
import {
  assertCallerMay,
  DomainError,
  Lease,
  REDIS,
  REDIS_KEYS,
  RedisClient,
  RedisKeys,
  RedisLock,
  RequestContext,
} from '@rag/platform';
import { RETRIEVAL_CONFIG, RetrievalConfig } from '../config/retrieval.config';
import { ChunkRow, DocumentRow, LanceRepository } from '../storage/lance.repository';

type ReplaceRequest = RequestOf<typeof RetrievalDocumentReplace>;
type DeleteRequest = RequestOf<typeof RetrievalDocumentDelete>;

/**
 * Document writes. All replicas serialise writes through one Redis lock, so two writers never
 * race on a LanceDB commit; a failed commit is retried.
 */
@Injectable()
export class DocumentsService {
  private readonly lock: RedisLock;
  private readonly maintenanceLock: RedisLock;

  constructor(
    private readonly repo: LanceRepository,
    @Inject(RETRIEVAL_CONFIG) config: RetrievalConfig,
    @Inject(REDIS) redis: RedisClient,
    @Inject(REDIS_KEYS) keys: RedisKeys,
  ) {
    this.lock = new RedisLock(redis, keys.lanceWriteLock(config.tableName), config.writeLockTtlMs);
    this.maintenanceLock = new RedisLock(redis, keys.lanceMaintenanceLock(config.tableName), 30_000);
  }

  /** This replica's writes since start: how long they waited for the write lock and held it (is the lock the limit?). */
  private readonly writes = { count: 0, waitMs: 0, heldMs: 0 };

  writeStats(): { count: number; waitMs: number; heldMs: number } {
    return { count: this.writes.count, waitMs: Math.round(this.writes.waitMs), heldMs: Math.round(this.writes.heldMs) };
  }

  /** Listeners told after every committed write (the maintenance service refreshes indices). */
  private readonly writeListeners: Array<() => void> = [];

  onWrite(listener: () => void): void {
    this.writeListeners.push(listener);
  }

  /**
   * Runs a write holding the write lock. A bus request waits for the lock only while its caller
   * still waits for the reply: a write that cannot start in time answers SERVICE_UNAVAILABLE and
   * never runs (before, it waited out the lock and ran after its caller had been told 503).
   */
  async withWriteLock<T>(fn: (lease: Lease) => Promise<T>, opts: { notify: boolean } = { notify: true }): Promise<T> {
    const remaining = RequestContext.remainingMs();
    if (remaining !== undefined && remaining <= 0) {
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'the caller stopped waiting before the write could start; nothing was written',
      );
    }
    const asked = performance.now();
    let acquired = 0;
    const out = await this.lock
      .withLock((lease) => {
        acquired = performance.now();
        return retry(() => fn(lease));
      }, remaining)
      .finally(() => {
        if (!acquired) return;
        this.writes.count++;
        this.writes.waitMs += acquired - asked;
        this.writes.heldMs += performance.now() - acquired;
      })
      .catch((err: Error) => {
        if (err instanceof DomainError) throw err;
        if (/not acquired/.test(err.message))
          throw new DomainError(
            'SERVICE_UNAVAILABLE',
            `another write holds the lock: not started, nothing was written (${err.message})`,
          );
        throw err;
      });
    if (opts.notify) for (const l of this.writeListeners) l();
    return out;
  }

  /**
   * Runs `fn` only if no other replica is doing maintenance right now; false when it did not run.
   * The lease is renewed while it runs: an index build or a calibration at 1M rows outlasts it.
   */
  async ifMaintenanceFree(fn: () => Promise<void>): Promise<boolean> {
    const ran = await this.maintenanceLock.tryWithLock(async () => {
      await fn();
      return true;
    });
    return ran ?? false;
  }

  async replace(
    req: ReplaceRequest,
  ): Promise<{ documentId: string; chunksWritten: number; replacedDocumentIds: string[] }> {
    assertCallerMay('upload', req.collectionId);
    this.repo.assertUsable(req.embedder);
    const now = new Date().toISOString();
    const rows: ChunkRow[] = req.chunks.map((c) => {
      const vector = decodeVector(c.vector);
      if (vector.length !== req.embedder.dimensions) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `chunk ${c.chunkId} has ${vector.length} dimensions, expected ${req.embedder.dimensions}`,
        );
      }
      return {
        chunk_id: c.chunkId,
        document_id: req.documentId,
        collection_name: req.collectionId,
        filename: req.filename,
        page_number: c.pageNumber,
        page_end: c.pageEnd,
        data_type: c.dataType,
        chunk_index: c.chunkIndex,
        text: c.text,
        heading_path: JSON.stringify(c.headingPath ?? []),
        search_text: searchText(c),
        source: c.source ?? 'text',
        ocr_confidence: c.ocrConfidence ?? null,
        regions: JSON.stringify(c.regions ?? []),
        content_hash: req.contentHash,
        created_at: now,
        vector,
      };
    });
    // Same filename (a new version) or same document id (a retried job) is replaced as one commit.
    const key = { collectionId: req.collectionId, filename: req.filename, documentId: req.documentId };
    return this.withWriteLock(async (lease) => {
      const previous = await this.repo.findVersions(key);
      const doc: DocumentRow = {
        document_id: req.documentId,
        collection_name: req.collectionId,
        filename: req.filename,
        content_hash: req.contentHash,
        pages: req.pages,
        chunks: rows.length,
        ingested_at: now,
      };
      await this.repo.replaceDocument(key, rows, doc, () => lease.assertHeld());
      return {
        documentId: req.documentId,
        chunksWritten: rows.length,
        replacedDocumentIds: previous.map((d) => d.document_id).filter((id) => id !== req.documentId),
      };
    });
  }

  async find(collectionId: string, documentId: string): Promise<DocumentSummary | null> {
    const row = await this.repo.findDocument(collectionId, documentId);
    return row ? toSummary(row) : null;
  }

  /** A document and how many chunks of each data type it has (null when absent). */
  async findWithCounts(
    collectionId: string,
    documentId: string,
  ): Promise<{ document: DocumentSummary | null; chunksByType?: Record<DataType, number> }> {
    const document = await this.find(collectionId, documentId);
    if (!document) return { document: null };
    return { document, chunksByType: await this.repo.countChunksByType({ collectionId, documentId }) };
  }

  /** A document's chunks in order, for reading it back (citations, fidelity checks). */
  async chunks(
    collectionId: string,
    documentId: string,
    page: { offset?: number; limit?: number } = {},
  ): Promise<{ document: DocumentSummary; chunks: StoredChunkReply[]; total: number; nextOffset: number | null }> {
    const document = await this.find(collectionId, documentId);
    if (!document) throw new DomainError('NOT_FOUND', `no document ${documentId} in collection ${collectionId}`);
    const rows = await this.repo.listChunks({ collectionId, documentId });
    const offset = page.offset ?? 0;
    const end = page.limit === undefined ? rows.length : Math.min(rows.length, offset + page.limit);
    return {
      document,
      chunks: rows.slice(offset, end).map((r) => ({
        chunkId: r.chunk_id,
        chunkIndex: r.chunk_index,
        text: r.text,
        dataType: r.data_type,
        pageNumber: r.page_number,
        pageEnd: r.page_end,
        headingPath: r.heading_path,
        source: r.source,
        ocrConfidence: r.ocr_confidence,
        regions: r.regions,
      })),
      total: rows.length,
      nextOffset: end < rows.length ? end : null,
    };
  }

  async delete(req: DeleteRequest): Promise<{ deletedChunks: number; documentIds: string[] }> {
    assertCallerMay('delete', req.collectionId);
    const selector = req.documentId
      ? { collectionId: req.collectionId, documentId: req.documentId }
      : { collectionId: req.collectionId, filename: req.filename! };
    return this.withWriteLock(async (lease) => {
      const docs = await this.repo.listDocuments(selector);
      if (docs.length === 0) {
        throw new DomainError(
          'NOT_FOUND',
          `no document ${req.documentId ?? req.filename} in collection ${req.collectionId}`,
        );
      }
      lease.assertHeld();
      const deletedChunks = await this.repo.deleteDocuments(selector);
      return { deletedChunks, documentIds: docs.map((d) => d.document_id) };
    });
  }

  async createCollection(
    collectionId: string,
    description?: string,
  ): Promise<{ collectionId: string; description: string | null; createdAt: string }> {
    assertCallerMay('upload', collectionId);
    return this.withWriteLock(async (lease) => {
      if (await this.repo.findCollectionRow(collectionId))
        throw new DomainError('CONFLICT', `collection ${collectionId} already exists`);
      const row = {
        collection_name: collectionId,
        description: description ?? '',
        created_at: new Date().toISOString(),
      };
      lease.assertHeld();
      await this.repo.insertCollectionRow(row);
      return { collectionId, description: description || null, createdAt: row.created_at };
    });
  }

  async deleteCollection(collectionId: string): Promise<{ deletedChunks: number }> {
    assertCallerMay('delete', collectionId);
    return this.withWriteLock(async (lease) => {
      const docs = await this.repo.listDocuments({ collectionId });
      const created = await this.repo.findCollectionRow(collectionId);
      if (docs.length === 0 && !created) throw new DomainError('NOT_FOUND', `no collection ${collectionId}`);
      lease.assertHeld();
      const deletedChunks = docs.length ? await this.repo.deleteDocuments({ collectionId }) : 0;
      await this.repo.deleteCollectionRow(collectionId);
      return { deletedChunks };
    });
  }

  async listDocuments(collectionId: string): Promise<DocumentSummary[]> {
    const rows = await this.repo.listDocuments({ collectionId });
    return rows.map(toSummary).sort((a, b) => a.filename.localeCompare(b.filename));
  }

  /** Collections with documents and those created empty, each with its counts (and description, if created by name). */
  async listCollections(): Promise<
    Array<{ collectionId: string; documents: number; chunks: number; description: string | null }>
  > {
    const byCollection = new Map<string, { documents: number; chunks: number; description: string | null }>();
    for (const c of await this.repo.listCollectionRows())
      byCollection.set(c.collection_name, { documents: 0, chunks: 0, description: c.description || null });
    for (const d of await this.repo.listDocuments()) {
      const c = byCollection.get(d.collection_name) ?? { documents: 0, chunks: 0, description: null };
      c.documents++;
      c.chunks += d.chunks;
      byCollection.set(d.collection_name, c);
    }
    return [...byCollection.entries()]
      .map(([collectionId, c]) => ({ collectionId, ...c }))
      .sort((a, b) => a.collectionId.localeCompare(b.collectionId));
  }
}

function toSummary(d: DocumentRow): DocumentSummary {
  return {
    documentId: d.document_id,
    collectionId: d.collection_name,
    filename: d.filename,
    contentHash: d.content_hash,
    pages: d.pages,
    chunks: d.chunks,
    ingestedAt: d.ingested_at,
  };
}

/** LanceDB commits can conflict with a concurrent optimize or another process; retry a few times. */
async function retry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DomainError || i >= attempts || !/conflict|retry|commit/i.test((err as Error).message))
        throw err;
      await new Promise((r) => setTimeout(r, 50 * 2 ** i));
    }
  }
}
