import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import * as lancedb from '@lancedb/lancedb';
import { Embedder, EMBEDDER } from '@rag/ai';
import { DataType, Regions, TextSource } from '@rag/contracts';
import { DomainError } from '@rag/platform';
import { Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { RETRIEVAL_CONFIG, RetrievalConfig } from '../config/retrieval.config';
import { SnapshotCache } from './chunk-snapshot';
import { ChunkTable, VectorIndexInfo } from './chunk-table';
import {
  calibrationFilter,
  chunkDocumentFilter,
  chunkFilter,
  chunkPredicate,
  ChunkScope,
  chunkVersionsFilter,
  collectionFilter,
  DocumentKey,
  documentFilter,
  DocumentSelector,
  versionsFilter,
} from './filter';
import { MeasuredPlan, VectorPlan } from './vector-plan';

export interface ChunkRow {
  chunk_id: string;
  document_id: string;
  collection_name: string;
  filename: string;
  page_number: number;
  page_end: number;
  data_type: DataType;
  chunk_index: number;
  text: string;
  /** JSON array of the headings above the chunk, outermost first. */
  heading_path: string;
  /** What the full-text index covers: heading path and text without table markup (`searchText`). */
  search_text: string;
  /** 'text' (the file's text layer) or 'ocr'; with OCR, the page's mean word confidence, else null. */
  source: TextSource;
  ocr_confidence: number | null;
  /** JSON array of the page regions the text comes from ([x0, y0, x1, y1], PDF user space). */
  regions: string;
  content_hash: string;
  created_at: string;
  vector: Float32Array;
}

export interface DocumentRow {
  document_id: string;
  collection_name: string;
  filename: string;
  content_hash: string;
  pages: number;
  chunks: number;
  ingested_at: string;
}

export interface CollectionRow {
  collection_name: string;
  description: string;
  created_at: string;
}

/**
 * What a calibration measured on the vector index (`VectorCalibrationService`). `index_uuid` is
 * the index's id at the time, for the record only: compaction gives the index a new id without
 * changing its partitions, so measurements are kept until the index is built anew.
 */
export interface VectorCalibrationRow {
  collection_name: string;
  index_uuid: string;
  /** Rows the index covered when measured: a measurement is used while it covers 0.8-1.25× as many. */
  indexed_rows: number;
  recall_target: number;
  nprobes: number;
  refine_factor: number;
  /** Recall@k against an exact scan that the sample measured with these settings. */
  recall: number;
  /** Median time of the sample's searches with these settings (ms). */
  median_ms: number;
  queries: number;
  measured_at: string;
}

/** A stored chunk drawn to make a query from, with its collection as the query's scope. */
export interface SampledChunk {
  chunkId: string;
  text: string;
  scope: ChunkScope;
}

export type StoredChunk = Omit<
  ChunkRow,
  'vector' | 'content_hash' | 'created_at' | 'collection_name' | 'heading_path' | 'search_text' | 'regions'
> & { heading_path: string[]; regions: Regions };
export interface ScoredChunk extends StoredChunk {
  score: number;
  /** Only when asked for (full-text candidates, to score them on the vector side too). */
  vector?: Float32Array;
  /** `contentWords` of the text, when the search had them at hand (memory search keeps them): for the reranker. */
  words?: readonly string[];
}

/** Chunk tables are named `<LANCEDB_TABLE>_c_<the collection id's UTF-8 bytes in hex>` (no two ids share a name on any file system). */
const CHUNK_TABLE_INFIX = '_c_';

/**
 * The only code that touches LanceDB. Each collection's chunks (text, vector, metadata; one row
 * per chunk) are a table of their own (`ChunkTable`): a search, its IVF index and its full-text
 * index cover that collection alone, so a collection of 100k chunks is searched as fast beside
 * nine others as alone. `<table>_documents` holds one row per document (listings),
 * `<table>_collections` the named collections, `<table>_vector_plans` the vector index measurements.
 */
@Injectable()
export class LanceRepository implements OnModuleInit {
  private db!: lancedb.Connection;
  private session?: lancedb.Session;
  private chunkSchema!: Schema;
  private documents!: lancedb.Table;
  private collections!: lancedb.Table;
  private calibrations!: lancedb.Table;
  /** Collection tables this replica has opened. */
  private readonly tables = new Map<string, ChunkTable>();
  private readonly opening = new Map<string, Promise<ChunkTable | null>>();
  /** Set when the chunks were written by another embedder: searches and writes refuse with a reason. */
  private mismatch: string | null = null;
  /** Collections this replica searches in memory (`ChunkSnapshot`); null when SEARCH_MEMORY_MB is 0. */
  private readonly snapshots: SnapshotCache | null;

  constructor(
    @Inject(RETRIEVAL_CONFIG) private readonly config: RetrievalConfig,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {
    const { bytes, maxRows } = config.searchMemory;
    this.snapshots = bytes > 0 && maxRows > 0 ? new SnapshotCache(bytes, maxRows) : null;
  }

  async onModuleInit(): Promise<void> {
    // LanceDB reads this once per process, at the first full-text search. Its default (10) scores
    // every row of a filter that keeps <= 10% of the table one by one instead of using the index's
    // top-k pruning.
    process.env.LANCE_FLAT_SEARCH_PERCENT_THRESHOLD = String(this.config.ftsFlatSearchPercent);
    const mb = (n: number) => BigInt(n) * 1024n * 1024n;
    const session = new lancedb.Session(mb(this.config.lancedbCacheMb.index), mb(this.config.lancedbCacheMb.metadata));
    this.session = session;
    this.db = await lancedb.connect(
      this.config.lancedbUri,
      {
        readConsistencyInterval: this.config.readConsistencyMs / 1000,
        storageOptions: this.config.lancedbStorageOptions,
      },
      session,
    );
    const { id, dimensions } = this.embedder.info;
    this.chunkSchema = new Schema(
      [
        new Field('chunk_id', new Utf8(), false),
        new Field('document_id', new Utf8(), false),
        new Field('collection_name', new Utf8(), false),
        new Field('filename', new Utf8(), false),
        new Field('page_number', new Int32(), false),
        new Field('page_end', new Int32(), false),
        new Field('data_type', new Utf8(), false),
        new Field('chunk_index', new Int32(), false),
        new Field('text', new Utf8(), false),
        new Field('heading_path', new Utf8(), false),
        new Field('search_text', new Utf8(), false),
        new Field('source', new Utf8(), false),
        new Field('ocr_confidence', new Int32(), true),
        new Field('regions', new Utf8(), false),
        new Field('content_hash', new Utf8(), false),
        new Field('created_at', new Utf8(), false),
        new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), false),
      ],
      new Map([
        ['embedder_id', id],
        ['embedder_dims', String(dimensions)],
      ]),
    );
    const docSchema = new Schema([
      new Field('document_id', new Utf8(), false),
      new Field('collection_name', new Utf8(), false),
      new Field('filename', new Utf8(), false),
      new Field('content_hash', new Utf8(), false),
      new Field('pages', new Int32(), false),
      new Field('chunks', new Int32(), false),
      new Field('ingested_at', new Utf8(), false),
    ]);
    // existOk: replicas starting together may race to create; the loser opens the winner's table.
    this.documents = await this.db.createEmptyTable(`${this.config.tableName}_documents`, docSchema, {
      mode: 'create',
      existOk: true,
    });
    const collectionSchema = new Schema([
      new Field('collection_name', new Utf8(), false),
      new Field('description', new Utf8(), false),
      new Field('created_at', new Utf8(), false),
    ]);
    this.collections = await this.db.createEmptyTable(`${this.config.tableName}_collections`, collectionSchema, {
      mode: 'create',
      existOk: true,
    });
    const calibrationSchema = new Schema([
      new Field('collection_name', new Utf8(), false),
      new Field('index_uuid', new Utf8(), false),
      new Field('indexed_rows', new Float64(), false),
      new Field('recall_target', new Float64(), false),
      new Field('nprobes', new Int32(), false),
      new Field('refine_factor', new Int32(), false),
      new Field('recall', new Float64(), false),
      new Field('median_ms', new Float64(), false),
      new Field('queries', new Int32(), false),
      new Field('measured_at', new Utf8(), false),
    ]);
    const calibrationTable = `${this.config.tableName}_vector_plans`;
    this.calibrations = await this.db
      .createEmptyTable(calibrationTable, calibrationSchema, { mode: 'create', existOk: true })
      .catch((e: Error) => {
        if (!/does not match existing table schema/i.test(e.message)) throw e;
        // Measurements only, redone by the next maintenance pass: a table of another layout is replaced, not migrated.
        return this.db.createEmptyTable(calibrationTable, calibrationSchema, { mode: 'overwrite' });
      });
    await this.splitSharedTable();
  }

  assertUsable(embedder?: { id: string; dimensions: number }): void {
    if (this.mismatch) throw new DomainError('EMBEDDER_MISMATCH', this.mismatch);
    const own = this.embedder.info;
    if (embedder && (embedder.id !== own.id || embedder.dimensions !== own.dimensions)) {
      throw new DomainError(
        'EMBEDDER_MISMATCH',
        `chunks were embedded with ${embedder.id}/${embedder.dimensions} but the table uses ${own.id}/${own.dimensions}`,
      );
    }
  }

  /**
   * Tables written before each collection had its own held every collection's chunks in one table
   * (LANCEDB_TABLE). Each collection's rows move into its own table in one commit, so a table that
   * exists is whole: a replica that finds one there (another replica made it) leaves it. The shared
   * table is dropped once every collection has its table. Stop the replicas of the older version
   * first: a write they made to the shared table meanwhile would not move.
   */
  private async splitSharedTable(): Promise<void> {
    const shared = await this.openTable(this.config.tableName);
    if (!shared) return;
    const old = new ChunkTable('', shared, this.config.vectorPlan, async () => null);
    await old.addSearchColumns();
    const schema = await shared.schema();
    const builtWith = this.embedderOf(schema);
    if (builtWith !== this.ownEmbedder()) {
      this.mismatch = `table "${this.config.tableName}" was built with embedder ${builtWith}, this service is configured with ${this.ownEmbedder()}: re-ingest into a new LANCEDB_TABLE or restore the embedder settings`;
      return;
    }
    const total = await shared.countRows();
    const names = new Set<string>();
    if (total > 0) {
      const column = (await shared.query().select(['collection_name']).limit(total).toArrow()).getChild(
        'collection_name',
      );
      for (const name of column ?? []) names.add(String(name));
    }
    for (const collectionId of names) {
      const name = this.chunkTableName(collectionId);
      if (!(await this.openTable(name))) {
        const rows = await shared.query().where(collectionFilter(collectionId)).limit(total).toArrow();
        await this.db.createTable(name, rows, { mode: 'create', existOk: true, schema });
      }
      // Also when a start before this one stopped between the two.
      const moved = await this.tableOf(collectionId);
      if (moved && !moved.indexSummary().ftsIndex) await moved.rebuildFtsIndex();
    }
    await this.db.dropTable(this.config.tableName).catch((e: Error) => {
      if (!isMissingTable(e)) throw e;
    });
  }

  /**
   * The nearest chunks of `scope`. The plan is chosen per search from the rows the filter keeps
   * (`planVectorSearch`) unless one is given.
   */
  async vectorSearch(
    vector: Float32Array,
    scope: ChunkScope,
    limit: number,
    opts: { plan?: VectorPlan } = {},
  ): Promise<ScoredChunk[]> {
    const table = await this.tableOf(scope.collectionId);
    return table ? table.vectorSearch(vector, chunkFilter(scope), limit, { ...opts, keep: chunkPredicate(scope) }) : [];
  }

  /** The plan `vectorSearch` takes for this scope now. */
  async vectorPlan(scope: ChunkScope): Promise<VectorPlan> {
    const table = await this.tableOf(scope.collectionId);
    return table ? table.planFor(chunkFilter(scope)) : { kind: 'exact' };
  }

  /** BM25 over the search text of `scope`, expansion groups adding their weighted matches (`ChunkTable.ftsSearch`). */
  async ftsSearch(
    text: string,
    scope: ChunkScope,
    limit: number,
    withVectors = false,
    expansion: Array<{ words: string[]; weight: number }> = [],
  ): Promise<ScoredChunk[]> {
    const table = await this.tableOf(scope.collectionId);
    return table ? table.ftsSearch(text, chunkFilter(scope), limit, withVectors, expansion, chunkPredicate(scope)) : [];
  }

  /** Builds the collection's memory snapshot now rather than at its next search; true when it is held. */
  async warmMemorySearch(collectionId: string): Promise<boolean> {
    const table = await this.tableOf(collectionId);
    return table ? table.warmSnapshot() : false;
  }

  /**
   * Builds the memory snapshots of the collections that may have one (`searchedOnly`: only those
   * held, at any version, or searched since the last pass: a collection being written and not
   * searched is not rebuilt after every write, and one searched while maintenance was still
   * committing gets the version it left), one at a time, until the budget is 80% used (warming
   * more would only evict what was just built); returns how many are held.
   */
  async warmMemorySearchAll(opts: { searchedOnly?: boolean } = {}): Promise<number> {
    const snapshots = this.snapshots;
    if (!snapshots) return 0;
    for (const table of await this.allTables()) {
      if (snapshots.stats().bytes > 0.8 * snapshots.maxBytes) break;
      if (opts.searchedOnly && !table.takeSearched() && !snapshots.holds(table.collectionId)) continue;
      await table.warmSnapshot();
    }
    return snapshots.stats().collections;
  }

  /** The version of a collection's chunks this replica currently reads (moves on every commit to them, any replica). */
  async dataVersion(collectionId: string): Promise<number> {
    const table = await this.tableOf(collectionId);
    return table ? table.currentVersion() : 0;
  }

  async countChunks(scope: ChunkScope): Promise<number> {
    const table = await this.tableOf(scope.collectionId);
    return table ? table.countRows(chunkFilter(scope)) : 0;
  }

  /** Every document, or those of one collection (and one id or filename). */
  async listDocuments(selector?: DocumentSelector): Promise<DocumentRow[]> {
    return this.documentRows(selector ? documentFilter(selector) : undefined);
  }

  async findDocument(collectionId: string, documentId: string): Promise<DocumentRow | null> {
    return (await this.listDocuments({ collectionId, documentId }))[0] ?? null;
  }

  async countChunksByType(selector: DocumentSelector): Promise<Record<DataType, number>> {
    const table = await this.tableOf(selector.collectionId);
    return table ? table.countByType(chunkDocumentFilter(selector)) : { text: 0, table_html: 0, image_summary: 0 };
  }

  /** The selected documents' chunks, without vectors, in chunk order. */
  async listChunks(selector: DocumentSelector): Promise<StoredChunk[]> {
    const table = await this.tableOf(selector.collectionId);
    return table ? table.listChunks(chunkDocumentFilter(selector)) : [];
  }

  async findVersions(key: DocumentKey): Promise<DocumentRow[]> {
    return this.documentRows(versionsFilter(key));
  }

  /**
   * Stores a document as the only version of `key`: its chunks replace every chunk of the older
   * versions in one commit (readers see either the old version or the new one, never both or
   * neither), then its record replaces theirs. `beforeCommit` runs before each of the two commits.
   */
  async replaceDocument(key: DocumentKey, rows: ChunkRow[], doc: DocumentRow, beforeCommit: () => void): Promise<void> {
    const table = (await this.tableOf(key.collectionId, true))!;
    beforeCommit();
    await table.replaceRows(rows, chunkVersionsFilter(key));
    beforeCommit();
    await this.documents
      .mergeInsert('document_id')
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .whenNotMatchedBySourceDelete({ where: versionsFilter(key) })
      .execute([doc as unknown as Record<string, unknown>]);
  }

  /** Collections created by name (with a description); collections made by an upload alone have no row. */
  async listCollectionRows(): Promise<CollectionRow[]> {
    return (await this.collections.query().limit(1_000_000).toArray()).map(toCollectionRow);
  }

  async findCollectionRow(collectionId: string): Promise<CollectionRow | null> {
    const rows = await this.collections.query().where(collectionFilter(collectionId)).limit(1).toArray();
    return rows[0] ? toCollectionRow(rows[0]) : null;
  }

  async insertCollectionRow(row: CollectionRow): Promise<void> {
    await this.collections.add([row as unknown as Record<string, unknown>]);
  }

  async deleteCollectionRow(collectionId: string): Promise<boolean> {
    const where = collectionFilter(collectionId);
    const n = await this.collections.countRows(where);
    if (n > 0) await this.collections.delete(where);
    return n > 0;
  }

  /**
   * Deletes the selected documents and their chunks; returns the chunks deleted. An emptied
   * collection keeps its (empty) table: another replica may hold it open.
   */
  async deleteDocuments(selector: DocumentSelector): Promise<number> {
    const table = await this.tableOf(selector.collectionId);
    const n = table ? await table.deleteRows(chunkDocumentFilter(selector)) : 0;
    await this.documents.delete(documentFilter(selector));
    return n;
  }

  private async documentRows(where?: string): Promise<DocumentRow[]> {
    let q = this.documents.query();
    if (where) q = q.where(where);
    return (await q.limit(1_000_000).toArray()).map(toDocumentRow);
  }

  /** Compacts small fragments, folds new rows into the indices and prunes old versions, table by table. */
  async optimize(): Promise<void> {
    const olderThan = new Date(Date.now() - 10 * 60_000);
    for (const table of await this.allTables()) await table.optimize(olderThan);
    await this.documents.optimize({ cleanupOlderThan: olderThan });
  }

  /**
   * Builds the vector index of each collection that has `minRows` chunks and none yet (or an
   * IVF_PQ index of an older version). Returns whether any was built.
   */
  async ensureVectorIndex(minRows: number): Promise<boolean> {
    let built = false;
    for (const table of await this.allTables()) {
      if (!(await table.ensureVectorIndex(minRows))) continue;
      // Measurements of the index this one replaces do not hold for its partitions.
      await this.calibrations.delete(collectionFilter(table.collectionId));
      await table.refreshIndexState();
      built = true;
    }
    return built;
  }

  /**
   * Bulk load for tooling (synthetic benchmark corpora): plain appends, indices built afterwards.
   * Other replicas (and restarts) learn of a collection from its documents' rows.
   */
  async appendRows(chunks: ChunkRow[], documents: DocumentRow[]): Promise<void> {
    const byCollection = new Map<string, ChunkRow[]>();
    for (const c of chunks) {
      const rows = byCollection.get(c.collection_name) ?? [];
      rows.push(c);
      byCollection.set(c.collection_name, rows);
    }
    for (const [collectionId, rows] of byCollection) await (await this.tableOf(collectionId, true))!.appendRows(rows);
    if (documents.length) await this.documents.add(documents as unknown as Record<string, unknown>[]);
  }

  /** Rebuilds every collection's full-text index over all its rows (after a bulk load). */
  async rebuildFtsIndex(): Promise<void> {
    for (const table of await this.allTables()) await table.rebuildFtsIndex();
  }

  /** Scalar indices on the columns searches and deletes filter by, in every collection with rows. */
  async ensureScalarIndices(): Promise<boolean> {
    let built = false;
    for (const table of await this.allTables()) built = (await table.ensureScalarIndices()) || built;
    return built;
  }

  /** Rows the full-text indices do not cover yet (found by a slower scan until the next refresh). */
  async ftsUnindexedRows(): Promise<number> {
    let n = 0;
    for (const table of await this.allTables()) n += await table.ftsUnindexedRows();
    return n;
  }

  async stats(): Promise<Record<string, unknown>> {
    const tables = await this.allTables();
    let rows = 0;
    let ftsUnindexedRows = 0;
    const vectorIndices = new Set<string>();
    for (const t of tables) {
      rows += await t.countRows();
      ftsUnindexedRows += await t.ftsUnindexedRows();
      const { vectorIndex } = t.indexSummary();
      if (vectorIndex) vectorIndices.add(vectorIndex);
    }
    return {
      table: this.config.tableName,
      collections: tables.length,
      rows,
      ftsUnindexedRows,
      ftsIndex: tables.every((t) => t.indexSummary().ftsIndex),
      vectorIndex: [...vectorIndices].join(',') || null,
      vectorIndexedCollections: tables.filter((t) => t.indexSummary().vectorIndex).length,
      embedder: this.embedder.info,
      cacheMb: this.session ? Math.round(Number(this.session.sizeBytes()) / 2 ** 20) : null,
      memorySearch: this.snapshots?.stats() ?? null,
    };
  }

  /** Reads which indices each collection has, and its vector index's latest fresh measurement. */
  async refreshIndexState(): Promise<void> {
    for (const table of await this.allTables()) await table.refreshIndexState();
  }

  /** One collection's vector index as of the last index refresh, null before there is one. */
  async vectorIndexInfo(collectionId: string): Promise<VectorIndexInfo | null> {
    return (await this.tableOf(collectionId))?.vectorIndexInfo() ?? null;
  }

  /** Collections whose vector index has no fresh measurement for the configured target, and their indices. */
  async unmeasuredVectorIndices(): Promise<Array<{ collectionId: string; index: VectorIndexInfo }>> {
    const out: Array<{ collectionId: string; index: VectorIndexInfo }> = [];
    for (const table of await this.allTables()) {
      const index = table.vectorIndexInfo();
      if (index && !index.measured) out.push({ collectionId: table.collectionId, index });
    }
    return out;
  }

  /** Stores a measurement of a collection's vector index and uses it. */
  async saveVectorCalibration(row: VectorCalibrationRow): Promise<void> {
    await this.calibrations.add([row as unknown as Record<string, unknown>]);
    await (await this.tableOf(row.collection_name))?.refreshIndexState();
  }

  /** Up to `n` of a collection's chunks drawn at random (id, search text, the collection as scope). */
  async sampleChunks(collectionId: string, n: number): Promise<SampledChunk[]> {
    return (await this.tableOf(collectionId))?.sampleChunks(n) ?? [];
  }

  /**
   * The newest measurement of a collection's vector index for the configured recall target, if the
   * index still covers about as many rows (optimize folds new rows into the index and splits partitions).
   */
  private async findVectorCalibration(collectionId: string, indexedRows: number): Promise<MeasuredPlan | null> {
    const rows = (await this.calibrations
      .query()
      .where(calibrationFilter(collectionId, this.config.vectorPlan.recallTarget))
      .limit(1000)
      .toArray()) as VectorCalibrationRow[];
    const fresh = rows
      .map((r) => ({ ...r, indexed_rows: Number(r.indexed_rows) }))
      .filter((r) => r.indexed_rows >= indexedRows / 1.25 && r.indexed_rows <= indexedRows * 1.25)
      .sort((a, b) => b.measured_at.localeCompare(a.measured_at));
    return fresh[0] ? { nprobes: fresh[0].nprobes, refineFactor: fresh[0].refine_factor } : null;
  }

  /** A collection's table, opened once per replica; null when it has none yet (unless `create`). */
  private async tableOf(collectionId: string, create = false): Promise<ChunkTable | null> {
    const open = this.tables.get(collectionId);
    if (open) return open;
    const key = `${create ? 'w' : 'r'}\u0000${collectionId}`;
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.openChunkTable(collectionId, create).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  private async openChunkTable(collectionId: string, create: boolean): Promise<ChunkTable | null> {
    const name = this.chunkTableName(collectionId);
    let table = await this.openTable(name);
    if (!table && !create) return null;
    // existOk: a replica creating the same collection's table at once opens the winner's.
    table ??= await this.db.createEmptyTable(name, this.chunkSchema, { mode: 'create', existOk: true });
    const builtWith = this.embedderOf(await table.schema());
    if (builtWith !== this.ownEmbedder()) {
      throw new DomainError(
        'EMBEDDER_MISMATCH',
        `collection "${collectionId}" was built with embedder ${builtWith}, this service is configured with ${this.ownEmbedder()}: re-ingest into a new LANCEDB_TABLE or restore the embedder settings`,
      );
    }
    const chunks = new ChunkTable(
      collectionId,
      table,
      this.config.vectorPlan,
      (c, rows) => this.findVectorCalibration(c, rows),
      this.snapshots,
    );
    await chunks.addSearchColumns();
    await chunks.refreshIndexState();
    const raced = this.tables.get(collectionId);
    if (raced) return raced;
    this.tables.set(collectionId, chunks);
    return chunks;
  }

  /**
   * Every collection's table, those other replicas created included: the tables LanceDB lists, the
   * collections of the documents table (LanceDB lists no tables on some S3-protocol servers; a
   * collection whose documents were all deleted is still listed, so maintenance prunes what they
   * left on disk) and those opened here. One written by another embedder is left out.
   */
  private async allTables(): Promise<ChunkTable[]> {
    const ids = new Set(this.tables.keys());
    const prefix = `${this.config.tableName}${CHUNK_TABLE_INFIX}`;
    for (const name of await this.tableNames()) {
      const hex = name.startsWith(prefix) ? name.slice(prefix.length) : '';
      if (/^(?:[0-9a-f]{2})+$/.test(hex)) ids.add(Buffer.from(hex, 'hex').toString('utf8'));
    }
    const documents = await this.documents.countRows();
    if (documents > 0) {
      const column = (await this.documents.query().select(['collection_name']).limit(documents).toArrow()).getChild(
        'collection_name',
      );
      for (const id of column ?? []) ids.add(String(id));
    }
    const out: ChunkTable[] = [];
    for (const id of [...ids].sort()) {
      const table = await this.tableOf(id).catch((e: Error) => {
        if (e instanceof DomainError) return null;
        throw e;
      });
      if (table) out.push(table);
    }
    return out;
  }

  private chunkTableName(collectionId: string): string {
    return `${this.config.tableName}${CHUNK_TABLE_INFIX}${Buffer.from(collectionId, 'utf8').toString('hex')}`;
  }

  private async tableNames(): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.db.listTables({ pageToken, limit: 1000 });
      names.push(...page.tables);
      pageToken = page.pageToken;
    } while (pageToken);
    return names;
  }

  /** The table, or null when there is none by that name. */
  private async openTable(name: string): Promise<lancedb.Table | null> {
    try {
      return await this.db.openTable(name);
    } catch (e) {
      if (isMissingTable(e as Error)) return null;
      throw e;
    }
  }

  private embedderOf(schema: Schema): string {
    return `${schema.metadata.get('embedder_id')}/${schema.metadata.get('embedder_dims')}`;
  }

  private ownEmbedder(): string {
    return `${this.embedder.info.id}/${this.embedder.info.dimensions}`;
  }
}

function isMissingTable(e: Error): boolean {
  return /not found|does not exist|no such/i.test(e.message);
}

function toCollectionRow(r: Record<string, unknown>): CollectionRow {
  return {
    collection_name: String(r.collection_name),
    description: String(r.description),
    created_at: String(r.created_at),
  };
}

function toDocumentRow(r: Record<string, unknown>): DocumentRow {
  return {
    document_id: String(r.document_id),
    collection_name: String(r.collection_name),
    filename: String(r.filename),
    content_hash: String(r.content_hash),
    pages: Number(r.pages),
    chunks: Number(r.chunks),
    ingested_at: String(r.ingested_at),
  };
}
