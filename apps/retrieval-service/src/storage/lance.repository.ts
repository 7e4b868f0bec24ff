import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import * as lancedb from '@lancedb/lancedb';
import { Embedder, EMBEDDER } from '@rag/ai';
import { DataType, Regions, RegionsSchema, TextSource } from '@rag/contracts';
import { DomainError } from '@rag/platform';
import { Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { LRUCache } from 'lru-cache';
import { RETRIEVAL_CONFIG, RetrievalConfig } from '../config/retrieval.config';
import {
  calibrationFilter,
  chunkFilter,
  ChunkScope,
  DocumentKey,
  documentFilter,
  DocumentSelector,
  versionsFilter,
} from './filter';
import { MeasuredPlan, planVectorSearch, VectorPlan } from './vector-plan';

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
}

/** One full-text index definition, for the service and for bulk loads alike. */
const ftsIndex = () => lancedb.Index.fts({ withPosition: false });

const RESULT_COLUMNS = [
  'chunk_id',
  'document_id',
  'filename',
  'page_number',
  'page_end',
  'data_type',
  'chunk_index',
  'text',
  'heading_path',
  'source',
  'ocr_confidence',
  'regions',
];

/** The column the full-text index covers. */
const FTS_COLUMN = 'search_text';

/**
 * Rows per IVF partition when the vector index is built. LanceDB's optimize keeps IVF_RQ
 * partitions between a quarter and four times its 4096-row target (joining smaller ones, splitting
 * larger ones as the table grows); a build with far smaller partitions is joined back into a few
 * huge ones on the next optimize, and every search then scans most of the table.
 */
export const VECTOR_PARTITION_ROWS = 4096;
/** Rows each clause of an expanded full-text search returns, per row asked for. */
const EXPANSION_DEPTH = 10;

/**
 * The only code that touches LanceDB. Two tables: `chunks` (text, vector, metadata; one row per
 * chunk, all collections) and `<chunks>_documents` (one row per document, for listings).
 */
@Injectable()
export class LanceRepository implements OnModuleInit {
  private db!: lancedb.Connection;
  private session?: lancedb.Session;
  private chunks!: lancedb.Table;
  private documents!: lancedb.Table;
  private collections!: lancedb.Table;
  private calibrations!: lancedb.Table;
  private ftsReady = false;
  /** Type of the vector index, null before there is one ('IvfRq'; 'IvfPq' on tables built before, rebuilt by maintenance). */
  private vectorIndexType: string | null = null;
  /** IVF partitions of the vector index (rows per partition as built; optimize keeps them near it). */
  private partitions = 1;
  /** The vector index's id and the rows it covers (null before there is one). */
  private vectorIndexState: { uuid: string; indexedRows: number } | null = null;
  /** Probes and refine measured on this index for the configured recall target, while still fresh. */
  private measuredPlan: MeasuredPlan | null = null;
  /** Rows each filter keeps, per table version: the last 1,000 asked. */
  private readonly filterCounts = new LRUCache<string, number>({ max: 1000 });
  /** Set when the table was built by another embedder: searches and writes refuse with a reason. */
  private mismatch: string | null = null;

  constructor(
    @Inject(RETRIEVAL_CONFIG) private readonly config: RetrievalConfig,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async onModuleInit(): Promise<void> {
    // LanceDB reads this once per process, at the first full-text search. Its default (10) scores
    // every row of a filter that keeps <= 10% of the table one by one instead of using the index's
    // top-k pruning: a collection of 10% of 1M chunks then costs a scan of 100k documents.
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
    const chunkSchema = new Schema(
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
    // An existing table is opened as it is (its schema tells which embedder built it).
    const existing = new Set(await this.db.tableNames());
    this.chunks = existing.has(this.config.tableName)
      ? await this.db.openTable(this.config.tableName)
      : await this.db.createEmptyTable(this.config.tableName, chunkSchema, { mode: 'create', existOk: true });
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
    await this.addSearchColumns();
    const meta = (await this.chunks.schema()).metadata;
    const builtWith = `${meta.get('embedder_id')}/${meta.get('embedder_dims')}`;
    if (builtWith !== `${id}/${dimensions}`) {
      this.mismatch = `table "${this.config.tableName}" was built with embedder ${builtWith}, this service is configured with ${id}/${dimensions}: re-ingest into a new LANCEDB_TABLE or restore the embedder settings`;
    }
    await this.refreshIndexState();
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
   * The nearest chunks of `scope` (null: the whole table, for benchmark tooling). The plan is chosen
   * per search from the rows the filter keeps (`planVectorSearch`) unless one is given.
   */
  async vectorSearch(
    vector: Float32Array,
    scope: ChunkScope | null,
    limit: number,
    opts: { plan?: VectorPlan } = {},
  ): Promise<ScoredChunk[]> {
    const where = scope ? chunkFilter(scope) : null;
    const plan = opts.plan ?? (await this.planFor(where));
    let q = this.chunks.query().nearestTo(vector).distanceType('cosine');
    if (where) q = q.where(where);
    q = q.select([...RESULT_COLUMNS, '_distance']).limit(limit);
    if (plan.kind === 'exact') q = q.bypassVectorIndex();
    else if (this.vectorIndexType) {
      q = q.nprobes(plan.nprobes);
      if (plan.refineFactor > 0) q = q.refineFactor(plan.refineFactor);
    }
    const rows = await q.toArray();
    // Cosine similarity: 1 - distance. A row without a defined distance (zero vector) ranks nowhere.
    return rows.filter((r) => Number.isFinite(Number(r._distance))).map((r) => toScored(r, 1 - Number(r._distance)));
  }

  /** The plan `vectorSearch` takes for this scope now. */
  async vectorPlan(scope: ChunkScope | null): Promise<VectorPlan> {
    return this.planFor(scope ? chunkFilter(scope) : null);
  }

  private async planFor(where: string | null): Promise<VectorPlan> {
    if (!this.vectorIndexType) return { kind: 'exact' };
    const filtered = where === null ? null : await this.filteredRows(where);
    return planVectorSearch(
      { type: this.vectorIndexType, partitions: this.partitions, measured: this.measuredPlan },
      filtered,
      this.config.vectorPlan,
    );
  }

  /** Rows a filter keeps, counted once per table version (a scalar-index lookup, cached for repeated scopes). */
  private async filteredRows(where: string): Promise<number> {
    const key = `${await this.chunks.version()}\u0000${where}`;
    const known = this.filterCounts.get(key);
    if (known !== undefined) return known;
    const n = await this.chunks.countRows(where);
    this.filterCounts.set(key, n);
    return n;
  }

  /**
   * BM25 over the search text; the words of each expansion group count too, their matches weighted
   * by its weight. A row's score is the sum of its clauses' scores, as a BooleanQuery of Should
   * clauses gives it, but each clause runs as its own query of row ids and scores only, and the
   * columns are read for the top `limit` rows alone: LanceDB 0.39 took 19 ms for such a BooleanQuery
   * at 100k rows and 125 ms at 1M, this 10 and 35 (docs/benchmarks.md). A clause returns its best
   * `EXPANSION_DEPTH × limit` rows, so a row the BooleanQuery ranks in the top `limit` is all but
   * always in the list of each clause that adds to it.
   */
  async ftsSearch(
    text: string,
    scope: ChunkScope,
    limit: number,
    withVectors = false,
    expansion: Array<{ words: string[]; weight: number }> = [],
  ): Promise<ScoredChunk[]> {
    if (!this.ftsReady) {
      await this.refreshIndexState();
      if (!this.ftsReady) return []; // no row was ever written
    }
    const columns = [...RESULT_COLUMNS, ...(withVectors ? ['vector'] : [])];
    const where = chunkFilter(scope);
    const groups = expansion.filter((e) => e.words.length);
    if (!groups.length) {
      const rows = await this.chunks
        .query()
        .fullTextSearch(text, { columns: [FTS_COLUMN] })
        .where(where)
        .select([...columns, '_score'])
        .limit(limit)
        .toArray();
      return rows.map((r: Record<string, unknown>) => toScoredRow(r, Number(r._score)));
    }
    const queries = [
      text,
      ...groups.map((e) => new lancedb.MatchQuery(e.words.join(' '), FTS_COLUMN, { boost: e.weight })),
    ];
    // A take returns the rows still there, never another row: when a compaction or delete committed
    // since the clauses ran left some out, the clauses run again on the new version.
    const first = await this.summedClauses(queries, where, limit, columns);
    return first.complete ? first.rows : (await this.summedClauses(queries, where, limit, columns)).rows;
  }

  /**
   * Runs each clause for row ids and scores only (reading a string column for its deeper list cost
   * more than the search: 6.5 ms a clause at 100k rows with chunk ids, 3.0 with row ids), sums the
   * scores per row, and reads the columns of the top `limit` rows by row id.
   */
  private async summedClauses(
    queries: Array<string | lancedb.FullTextQuery>,
    where: string,
    limit: number,
    columns: string[],
  ): Promise<{ rows: ScoredChunk[]; complete: boolean }> {
    const lists = await Promise.all(
      queries.map(
        (query) =>
          this.chunks
            .query()
            .fullTextSearch(query, { columns: [FTS_COLUMN] })
            .where(where)
            .select(['_score'])
            .withRowId()
            .limit(EXPANSION_DEPTH * limit)
            .toArray() as Promise<Array<{ _rowid: bigint; _score: number }>>,
      ),
    );
    const scores = new Map<bigint, number>();
    for (const list of lists)
      for (const r of list) scores.set(r._rowid, (scores.get(r._rowid) ?? 0) + Number(r._score));
    const top = [...scores].sort((a, b) => b[1] - a[1]).slice(0, limit);
    if (!top.length) return { rows: [], complete: true };
    const read = (await this.chunks
      .takeRowIds(top.map(([id]) => id))
      .select(columns)
      .withRowId()
      .toArray()) as Array<Record<string, unknown> & { _rowid: bigint }>;
    const byId = new Map(read.map((r) => [r._rowid, r]));
    return {
      rows: top.filter(([id]) => byId.has(id)).map(([id, score]) => toScoredRow(byId.get(id)!, score)),
      complete: byId.size === top.length,
    };
  }

  /** The chunks table version this replica currently reads (moves on every commit, any replica). */
  async dataVersion(): Promise<number> {
    return this.chunks.version();
  }

  async countChunks(scope: ChunkScope): Promise<number> {
    return this.chunks.countRows(chunkFilter(scope));
  }

  /** Every document, or those of one collection (and one id or filename). */
  async listDocuments(selector?: DocumentSelector): Promise<DocumentRow[]> {
    return this.documentRows(selector ? documentFilter(selector) : undefined);
  }

  async findDocument(collectionId: string, documentId: string): Promise<DocumentRow | null> {
    return (await this.listDocuments({ collectionId, documentId }))[0] ?? null;
  }

  async countChunksByType(selector: DocumentSelector): Promise<Record<DataType, number>> {
    const counts: Record<DataType, number> = { text: 0, table_html: 0, image_summary: 0 };
    for (const r of await this.chunks
      .query()
      .where(documentFilter(selector))
      .select(['data_type'])
      .limit(1_000_000)
      .toArray())
      counts[r.data_type as DataType]++;
    return counts;
  }

  /** The selected documents' chunks, without vectors, in chunk order. */
  async listChunks(selector: DocumentSelector): Promise<StoredChunk[]> {
    const rows = await this.chunks
      .query()
      .where(documentFilter(selector))
      .select(RESULT_COLUMNS)
      .limit(1_000_000)
      .toArray();
    return rows.map((r) => toStoredChunk(r as Record<string, unknown>)).sort((a, b) => a.chunk_index - b.chunk_index);
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
    const scope = versionsFilter(key);
    beforeCommit();
    await this.replaceChunks(rows, scope);
    beforeCommit();
    await this.documents
      .mergeInsert('document_id')
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .whenNotMatchedBySourceDelete({ where: scope })
      .execute([doc as unknown as Record<string, unknown>]);
  }

  /** Collections created by name (with a description); collections made by an upload alone have no row. */
  async listCollectionRows(): Promise<CollectionRow[]> {
    return (await this.collections.query().limit(1_000_000).toArray()).map(toCollectionRow);
  }

  async findCollectionRow(collectionId: string): Promise<CollectionRow | null> {
    const rows = await this.collections.query().where(documentFilter({ collectionId })).limit(1).toArray();
    return rows[0] ? toCollectionRow(rows[0]) : null;
  }

  async insertCollectionRow(row: CollectionRow): Promise<void> {
    await this.collections.add([row as unknown as Record<string, unknown>]);
  }

  async deleteCollectionRow(collectionId: string): Promise<boolean> {
    const where = documentFilter({ collectionId });
    const n = await this.collections.countRows(where);
    if (n > 0) await this.collections.delete(where);
    return n > 0;
  }

  /** Deletes the selected documents and their chunks; returns the chunks deleted. */
  async deleteDocuments(selector: DocumentSelector): Promise<number> {
    const where = documentFilter(selector);
    const n = await this.chunks.countRows(where);
    if (n > 0) await this.chunks.delete(where);
    await this.documents.delete(where);
    return n;
  }

  private async documentRows(where?: string): Promise<DocumentRow[]> {
    let q = this.documents.query();
    if (where) q = q.where(where);
    return (await q.limit(1_000_000).toArray()).map(toDocumentRow);
  }

  private async replaceChunks(rows: ChunkRow[], scope: string): Promise<void> {
    const existing = await this.chunks.countRows(scope);
    if (existing === 0) {
      if (rows.length) await this.chunks.add(rows as unknown as Record<string, unknown>[]);
    } else if (rows.length === 0) {
      await this.chunks.delete(scope);
    } else {
      await this.chunks
        .mergeInsert('chunk_id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete({ where: scope })
        .execute(rows as unknown as Record<string, unknown>[]);
    }
    await this.ensureFtsIndex();
  }

  /** Compacts small fragments, folds new rows into the indices and prunes old versions. */
  async optimize(): Promise<void> {
    const olderThan = new Date(Date.now() - 10 * 60_000);
    await this.chunks.optimize({ cleanupOlderThan: olderThan });
    await this.documents.optimize({ cleanupOlderThan: olderThan });
  }

  /**
   * Builds the vector index once the table has `minRows` rows (IVF with 4-bit RaBitQ codes: seconds
   * to build, no refine step at search), or replaces an IVF_PQ index of an older version. Searches
   * keep using the flat scan or the old index until the new one commits.
   */
  async ensureVectorIndex(minRows: number): Promise<boolean> {
    await this.refreshIndexState();
    if (this.vectorIndexType === 'IvfRq') return false;
    const rows = await this.chunks.countRows();
    if (rows < minRows) return false;
    await this.chunks.createIndex('vector', {
      config: lancedb.Index.ivfRq({
        distanceType: 'cosine',
        numPartitions: Math.max(1, Math.round(rows / VECTOR_PARTITION_ROWS)),
        numBits: 4,
      }),
      replace: true,
    });
    // Measurements of the index this one replaces do not hold for its partitions.
    await this.calibrations.delete('true');
    await this.refreshIndexState();
    return true;
  }

  /** Bulk load for tooling (synthetic benchmark corpora): plain appends, indices built afterwards. */
  async appendRows(chunks: ChunkRow[], documents: DocumentRow[]): Promise<void> {
    if (chunks.length) await this.chunks.add(chunks as unknown as Record<string, unknown>[]);
    if (documents.length) await this.documents.add(documents as unknown as Record<string, unknown>[]);
  }

  /** Rebuilds the full-text index over every row (after a bulk load). */
  async rebuildFtsIndex(): Promise<void> {
    await this.chunks.createIndex(FTS_COLUMN, { config: ftsIndex(), replace: true });
    this.ftsReady = true;
  }

  /**
   * Scalar indices on the columns every search and delete filters by, so a prefilter on one
   * collection does not scan the whole table. Cheap; built once the table has rows.
   */
  async ensureScalarIndices(): Promise<boolean> {
    const indices = await this.chunks.listIndices();
    const has = (col: string) => indices.some((i) => i.columns.includes(col));
    const missing = [
      { column: 'collection_name', config: () => lancedb.Index.bitmap() },
      { column: 'document_id', config: () => lancedb.Index.btree() },
      // Chunk writes merge on it.
      { column: 'chunk_id', config: () => lancedb.Index.btree() },
      // Every column a search filter names: an exact search under a filter then reads only the rows it keeps.
      { column: 'data_type', config: () => lancedb.Index.bitmap() },
      { column: 'filename', config: () => lancedb.Index.btree() },
    ].filter((i) => !has(i.column));
    if (!missing.length || (await this.chunks.countRows()) === 0) return false;
    for (const i of missing) await this.chunks.createIndex(i.column, { config: i.config(), replace: false });
    return true;
  }

  /** Rows the full-text index does not cover yet (found by a slower scan until the next refresh). */
  async ftsUnindexedRows(): Promise<number> {
    const idx = (await this.chunks.listIndices()).find((i) => i.columns.includes(FTS_COLUMN));
    if (!idx) return await this.chunks.countRows();
    return (await this.chunks.indexStats(idx.name))?.numUnindexedRows ?? 0;
  }

  async stats(): Promise<Record<string, unknown>> {
    return {
      ftsUnindexedRows: await this.ftsUnindexedRows(),
      table: this.config.tableName,
      rows: await this.chunks.countRows(),
      version: await this.chunks.version(),
      ftsIndex: this.ftsReady,
      vectorIndex: this.vectorIndexType,
      vectorPartitions: this.vectorIndexType ? this.partitions : null,
      embedder: this.embedder.info,
      cacheMb: this.session ? Math.round(Number(this.session.sizeBytes()) / 2 ** 20) : null,
    };
  }

  /**
   * Tables written before heading paths existed get the two columns (empty path, the stored text
   * to search), and their full-text index moves to the new column; tables written before OCR
   * sources were kept get those (text layer, no confidence), and tables from before page regions an
   * empty list of them. Replicas starting together may both
   * try: the one that finds the columns already there carries on.
   */
  private async addSearchColumns(): Promise<void> {
    const has = new Set((await this.chunks.schema()).fields.map((f) => f.name));
    const missing = [
      { name: 'heading_path', valueSql: "'[]'" },
      { name: 'search_text', valueSql: 'text' },
      { name: 'source', valueSql: "'text'" },
      { name: 'ocr_confidence', valueSql: 'CAST(NULL AS INT)' },
      { name: 'regions', valueSql: "'[]'" },
    ].filter((c) => !has.has(c.name));
    if (!missing.length) return;
    await this.chunks.addColumns(missing).catch((e: Error) => {
      if (!/already exists|duplicate/i.test(e.message)) throw e;
    });
    const old = (await this.chunks.listIndices()).find((i) => i.columns.includes('text') && i.indexType === 'FTS');
    if (old) {
      await this.chunks.createIndex(FTS_COLUMN, { config: ftsIndex(), replace: true });
      await this.chunks.dropIndex(old.name).catch(() => undefined);
    }
  }

  private async ensureFtsIndex(): Promise<void> {
    if (this.ftsReady) return;
    await this.refreshIndexState();
    if (this.ftsReady) return;
    await this.chunks.createIndex(FTS_COLUMN, { config: ftsIndex(), replace: false }).catch((e: Error) => {
      // Another replica created it first.
      if (!/already exists/i.test(e.message)) throw e;
    });
    this.ftsReady = true;
  }

  /** Reads which indices exist, and the vector index's latest fresh measurement for the configured target. */
  async refreshIndexState(): Promise<void> {
    const indices = await this.chunks.listIndices();
    this.ftsReady = indices.some((i) => i.columns.includes(FTS_COLUMN));
    const vector = indices.find((i) => i.columns.includes('vector'));
    this.vectorIndexType = vector?.indexType ?? null;
    const indexedRows = Number(vector?.numIndexedRows ?? 0);
    this.vectorIndexState = vector ? { uuid: vector.indexUuid ?? vector.name, indexedRows } : null;
    if (vector) this.partitions = Math.max(1, Math.round(indexedRows / VECTOR_PARTITION_ROWS));
    const measured = vector ? await this.findVectorCalibration() : null;
    this.measuredPlan = measured ? { nprobes: measured.nprobes, refineFactor: measured.refine_factor } : null;
  }

  /**
   * The vector index as of the last index refresh (id, rows covered, partitions, and its fresh
   * measurement if any), null before there is one.
   */
  vectorIndexInfo(): {
    uuid: string;
    indexedRows: number;
    partitions: number;
    measured: MeasuredPlan | null;
  } | null {
    return (
      this.vectorIndexState && { ...this.vectorIndexState, partitions: this.partitions, measured: this.measuredPlan }
    );
  }

  /**
   * The newest measurement of the vector index for the configured recall target, if the index
   * still covers about as many rows (optimize folds new rows into the index and splits partitions).
   */
  private async findVectorCalibration(): Promise<VectorCalibrationRow | null> {
    const state = this.vectorIndexState;
    if (!state) return null;
    const rows = (await this.calibrations
      .query()
      .where(calibrationFilter(this.config.vectorPlan.recallTarget))
      .limit(1000)
      .toArray()) as VectorCalibrationRow[];
    const fresh = rows
      .map((r) => ({ ...r, indexed_rows: Number(r.indexed_rows) }))
      .filter((r) => r.indexed_rows >= state.indexedRows / 1.25 && r.indexed_rows <= state.indexedRows * 1.25)
      .sort((a, b) => b.measured_at.localeCompare(a.measured_at));
    return fresh[0] ?? null;
  }

  /** Stores a measurement and uses it. */
  async saveVectorCalibration(row: VectorCalibrationRow): Promise<void> {
    await this.calibrations.add([row as unknown as Record<string, unknown>]);
    await this.refreshIndexState();
  }

  /**
   * Up to `n` stored chunks drawn at random (id, search text and collection as the scope), from
   * collections whose searches use the vector index (more than `minScopeRows` rows).
   */
  async sampleChunks(n: number, minScopeRows: number): Promise<SampledChunk[]> {
    const total = await this.chunks.countRows();
    if (total === 0) return [];
    const offsets = [...new Set(Array.from({ length: 3 * n }, () => Math.floor(Math.random() * total)))];
    const rows = await this.chunks.takeOffsets(offsets).select(['chunk_id', 'collection_name', FTS_COLUMN]).toArray();
    const out: SampledChunk[] = [];
    for (const r of rows as Array<Record<string, unknown>>) {
      const scope = { collectionId: String(r.collection_name) };
      if ((await this.filteredRows(chunkFilter(scope))) <= minScopeRows) continue;
      out.push({ chunkId: String(r.chunk_id), text: String(r[FTS_COLUMN]), scope });
      if (out.length === n) break;
    }
    return out;
  }
}

/** A search row with its score, and its vector when it was read. */
function toScoredRow(r: Record<string, unknown>, score: number): ScoredChunk {
  const scored = toScored(r, score);
  // One copy of the Arrow child buffer; iterating the Arrow vector element by element cost ~1 ms a search.
  if (r.vector) scored.vector = new Float32Array((r.vector as { toArray(): Float32Array }).toArray());
  return scored;
}

function toScored(r: Record<string, unknown>, score: number): ScoredChunk {
  return { ...toStoredChunk(r), score };
}

function toStoredChunk(r: Record<string, unknown>): StoredChunk {
  return {
    chunk_id: String(r.chunk_id),
    document_id: String(r.document_id),
    filename: String(r.filename),
    page_number: Number(r.page_number),
    page_end: Number(r.page_end),
    data_type: r.data_type as DataType,
    chunk_index: Number(r.chunk_index),
    text: String(r.text),
    heading_path: parsePath(r.heading_path),
    source: r.source === 'ocr' ? 'ocr' : 'text',
    ocr_confidence: r.ocr_confidence === null || r.ocr_confidence === undefined ? null : Number(r.ocr_confidence),
    regions: parseRegions(r.regions),
  };
}

function parseRegions(v: unknown): Regions {
  try {
    const parsed = RegionsSchema.safeParse(JSON.parse(String(v ?? '[]')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function parsePath(v: unknown): string[] {
  try {
    const path = JSON.parse(String(v ?? '[]')) as unknown;
    return Array.isArray(path) ? path.map(String) : [];
  } catch {
    return [];
  }
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
