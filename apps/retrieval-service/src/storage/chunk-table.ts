import * as lancedb from '@lancedb/lancedb';
import { Logger } from '@nestjs/common';
import { DataType, Regions, RegionsSchema } from '@rag/contracts';
import { LRUCache } from 'lru-cache';
import { FixedSizeList, RecordBatch } from 'apache-arrow';
import { ChunkPredicate, ChunkSnapshot, SnapshotBuilder, SnapshotCache, SnapshotRow } from './chunk-snapshot';
import type { ChunkRow, SampledChunk, ScoredChunk, StoredChunk } from './lance.repository';
import { MeasuredPlan, planVectorSearch, VectorPlan, VectorPlanSettings } from './vector-plan';

/** One full-text index definition, for the service and for bulk loads alike. */
export const ftsIndex = () => lancedb.Index.fts({ withPosition: false });

export const RESULT_COLUMNS = [
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
export const FTS_COLUMN = 'search_text';

/**
 * Rows per IVF partition when the vector index is built. LanceDB's optimize keeps IVF_RQ
 * partitions between a quarter and four times its 4096-row target (joining smaller ones, splitting
 * larger ones as the table grows); a build with far smaller partitions is joined back into a few
 * huge ones on the next optimize, and every search then scans most of the table.
 */
export const VECTOR_PARTITION_ROWS = 4096;
/** Rows a snapshot build takes in at a time between giving the event loop back (~20 ms of work). */
const SNAPSHOT_SLICE_ROWS = 100;
/** Rows each clause of an expanded full-text search returns, per row asked for. */
const EXPANSION_DEPTH = 10;

/** The vector index of one table as of its last index refresh. */
export interface VectorIndexInfo {
  uuid: string;
  indexedRows: number;
  partitions: number;
  measured: MeasuredPlan | null;
}

/**
 * One collection's chunks: its own LanceDB table (a search reads and an IVF index partitions that
 * collection alone), and what this replica knows of the table's indices. `where` clauses narrow
 * within the collection; null keeps every row.
 */
export class ChunkTable {
  private ftsReady = false;
  /** Type of the vector index, null before there is one ('IvfRq'; 'IvfPq' on tables built before, rebuilt by maintenance). */
  private vectorIndexType: string | null = null;
  private vectorIndexState: VectorIndexInfo | null = null;
  /** Rows each filter keeps, per table version: the last 200 asked. */
  private readonly filterCounts = new LRUCache<string, number>({ max: 200 });
  private snapshotBuild: Promise<void> | null = null;
  /** A version found to hold more rows than a snapshot may: it is searched in LanceDB, not counted again. */
  private tooLargeVersion: number | null = null;
  /** Searched since the last warm pass: that pass builds the version maintenance left (`takeSearched`). */
  private searched = false;
  /** One read of the version for the searches that ask at once (both legs of a search, concurrent searches). */
  private versionRead: Promise<number> | null = null;

  constructor(
    readonly collectionId: string,
    readonly table: lancedb.Table,
    private readonly plans: VectorPlanSettings,
    /** The newest measurement of this table's vector index for the configured target, if still fresh. */
    private readonly findMeasurement: (collectionId: string, indexedRows: number) => Promise<MeasuredPlan | null>,
    /** Where this replica keeps collections searched in memory; null searches LanceDB always. */
    private readonly snapshots: SnapshotCache | null = null,
  ) {}

  /**
   * Nearest chunks by cosine. Served from the memory snapshot of the version this replica reads when
   * there is one and no plan is forced (8-bit candidates rescored on floats, `ChunkSnapshot.vectorSearch`);
   * `keep` is `where` as a predicate, needed for that.
   */
  async vectorSearch(
    vector: Float32Array,
    where: string | null,
    limit: number,
    opts: { plan?: VectorPlan; keep?: ChunkPredicate | null } = {},
  ): Promise<ScoredChunk[]> {
    const memory = opts.plan ? null : await this.snapshot(where, opts.keep);
    if (memory) return memory.vectorSearch(vector, opts.keep ?? null, limit);
    const plan = opts.plan ?? (await this.planFor(where));
    let q = this.table.query().nearestTo(vector).distanceType('cosine');
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

  async planFor(where: string | null): Promise<VectorPlan> {
    if (!this.vectorIndexType) return { kind: 'exact' };
    return planVectorSearch(
      {
        type: this.vectorIndexType,
        partitions: this.vectorIndexState?.partitions ?? 1,
        measured: this.vectorIndexState?.measured,
      },
      await this.filteredRows(where),
      this.plans,
    );
  }

  /** Rows a filter keeps, counted once per table version (a scalar-index lookup, cached for repeated scopes). */
  private async filteredRows(where: string | null): Promise<number> {
    const key = `${await this.currentVersion()}\u0000${where ?? ''}`;
    const known = this.filterCounts.get(key);
    if (known !== undefined) return known;
    const n = await this.table.countRows(where ?? undefined);
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
    where: string | null,
    limit: number,
    withVectors: boolean,
    expansion: Array<{ words: string[]; weight: number }>,
    keep?: ChunkPredicate | null,
  ): Promise<ScoredChunk[]> {
    const memory = await this.snapshot(where, keep);
    if (memory) return memory.ftsSearch(text, keep ?? null, limit, withVectors, expansion);
    if (!this.ftsReady) {
      await this.refreshIndexState();
      if (!this.ftsReady) return []; // no row was ever written
    }
    const columns = [...RESULT_COLUMNS, ...(withVectors ? ['vector'] : [])];
    const groups = expansion.filter((e) => e.words.length);
    if (!groups.length) {
      let q = this.table.query().fullTextSearch(text, { columns: [FTS_COLUMN] });
      if (where) q = q.where(where);
      const rows = await q
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
    where: string | null,
    limit: number,
    columns: string[],
  ): Promise<{ rows: ScoredChunk[]; complete: boolean }> {
    const lists = await Promise.all(
      queries.map((query) => {
        let q = this.table.query().fullTextSearch(query, { columns: [FTS_COLUMN] });
        if (where) q = q.where(where);
        return q
          .select(['_score'])
          .withRowId()
          .limit(EXPANSION_DEPTH * limit)
          .toArray() as Promise<Array<{ _rowid: bigint; _score: number }>>;
      }),
    );
    const scores = new Map<bigint, number>();
    for (const list of lists)
      for (const r of list) scores.set(r._rowid, (scores.get(r._rowid) ?? 0) + Number(r._score));
    const top = [...scores].sort((a, b) => b[1] - a[1]).slice(0, limit);
    if (!top.length) return { rows: [], complete: true };
    const read = (await this.table
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

  /**
   * The memory snapshot of the version this replica reads now, or null (searched in LanceDB). A
   * missing or stale one is built in the background, one build at a time; searches meanwhile read
   * LanceDB, so a write is never hidden by an older snapshot.
   */
  private async snapshot(
    where: string | null,
    keep: ChunkPredicate | null | undefined,
    searching = true,
  ): Promise<ChunkSnapshot | null> {
    if (!this.snapshots || (where !== null && !keep)) return null;
    if (searching) this.searched = true;
    const version = await this.currentVersion();
    const held = this.snapshots.get(this.collectionId, version);
    if (held || this.snapshotBuild || this.tooLargeVersion === version) return held;
    this.snapshotBuild = this.buildSnapshot(version, this.snapshots)
      .catch((e: Error) => new Logger(ChunkTable.name).warn(`memory snapshot of ${this.collectionId}: ${e.message}`))
      .finally(() => (this.snapshotBuild = null));
    return null;
  }

  private async buildSnapshot(version: number, snapshots: SnapshotCache): Promise<void> {
    if ((await this.table.countRows()) > snapshots.maxRows) {
      this.tooLargeVersion = version;
      return;
    }
    const t0 = performance.now();
    const builder = new SnapshotBuilder();
    let read = 0;
    // A slice of rows at a time, with an await between each: a build never holds the event loop for long
    // (searches go on meanwhile, and a replica that stops answering for 3 s is taken for dead).
    for await (const batch of this.table
      .query()
      .select([...RESULT_COLUMNS, FTS_COLUMN, 'vector'])
      .limit(snapshots.maxRows + 1)) {
      read += batch.numRows;
      if (read > snapshots.maxRows) return;
      const rows = snapshotRows(batch);
      for (let i = 0; i < rows.length; i += SNAPSHOT_SLICE_ROWS) {
        builder.add(rows.slice(i, i + SNAPSHOT_SLICE_ROWS));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // A commit between the two reads: these rows may be of either version, so they are not kept.
    if ((await this.table.version()) !== version) return;
    const snapshot = builder.build();
    // Kept by no cache of this budget: not built again for this version.
    if (snapshot.bytes > snapshots.maxBytes) {
      this.tooLargeVersion = version;
      return;
    }
    snapshots.set(this.collectionId, version, snapshot);
    new Logger(ChunkTable.name).debug(
      `memory snapshot of ${this.collectionId} v${version}: ${snapshot.rows} rows, ${Math.round(snapshot.bytes / 2 ** 20)} MB, ${Math.round(performance.now() - t0)} ms`,
    );
  }

  /** Builds the memory snapshot of the version read now, if it may have one; true when it is held. */
  async warmSnapshot(): Promise<boolean> {
    // A build already under way may be of an older version: then one more.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.snapshot(null, null, false)) return true;
      if (!this.snapshotBuild) return false;
      await this.snapshotBuild;
    }
    return false;
  }

  /** Whether a search asked for this table since the last call. */
  takeSearched(): boolean {
    const searched = this.searched;
    this.searched = false;
    return searched;
  }

  /**
   * The version this replica reads now. Callers asking while a read is under way share it; a write
   * here starts a fresh read, so a search after its own write never sees the version before it.
   */
  currentVersion(): Promise<number> {
    if (this.versionRead) return this.versionRead;
    const read = this.table.version();
    const done = () => {
      if (this.versionRead === read) this.versionRead = null;
    };
    read.then(done, done);
    this.versionRead = read;
    return read;
  }

  private wrote(): void {
    this.versionRead = null;
  }

  async countRows(where: string | null = null): Promise<number> {
    return this.table.countRows(where ?? undefined);
  }

  async countByType(where: string | null): Promise<Record<DataType, number>> {
    const counts: Record<DataType, number> = { text: 0, table_html: 0, image_summary: 0 };
    let q = this.table.query();
    if (where) q = q.where(where);
    for (const r of await q.select(['data_type']).limit(1_000_000).toArray()) counts[r.data_type as DataType]++;
    return counts;
  }

  /** The selected chunks, without vectors, in chunk order. */
  async listChunks(where: string | null): Promise<StoredChunk[]> {
    let q = this.table.query();
    if (where) q = q.where(where);
    const rows = await q.select(RESULT_COLUMNS).limit(1_000_000).toArray();
    return rows.map((r) => toStoredChunk(r as Record<string, unknown>)).sort((a, b) => a.chunk_index - b.chunk_index);
  }

  /** Deletes the selected chunks; returns how many there were. */
  async deleteRows(where: string | null): Promise<number> {
    const n = await this.countRows(where);
    if (n > 0) await this.table.delete(where ?? 'true');
    this.wrote();
    return n;
  }

  /** Makes `rows` the only chunks `scope` selects, in one commit. */
  async replaceRows(rows: ChunkRow[], scope: string): Promise<void> {
    const existing = await this.table.countRows(scope);
    if (existing === 0) {
      if (rows.length) await this.table.add(rows as unknown as Record<string, unknown>[]);
    } else if (rows.length === 0) {
      await this.table.delete(scope);
    } else {
      await this.table
        .mergeInsert('chunk_id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete({ where: scope })
        .execute(rows as unknown as Record<string, unknown>[]);
    }
    this.wrote();
    await this.ensureFtsIndex();
  }

  async appendRows(rows: ChunkRow[]): Promise<void> {
    if (rows.length) await this.table.add(rows as unknown as Record<string, unknown>[]);
    this.wrote();
  }

  async optimize(olderThan: Date): Promise<void> {
    await this.table.optimize({ cleanupOlderThan: olderThan });
    this.wrote();
  }

  /**
   * Builds the vector index once the table has `minRows` rows (IVF with 4-bit RaBitQ codes: seconds
   * to build, no refine step at search), or replaces an IVF_PQ index of an older version. Searches
   * keep using the flat scan or the old index until the new one commits. After a build the caller
   * discards the old index's measurements, then refreshes the index state.
   */
  async ensureVectorIndex(minRows: number): Promise<boolean> {
    await this.refreshIndexState();
    if (this.vectorIndexType === 'IvfRq') return false;
    const rows = await this.table.countRows();
    if (rows < minRows) return false;
    await this.table.createIndex('vector', {
      config: lancedb.Index.ivfRq({
        distanceType: 'cosine',
        numPartitions: Math.max(1, Math.round(rows / VECTOR_PARTITION_ROWS)),
        numBits: 4,
      }),
      replace: true,
    });
    return true;
  }

  async rebuildFtsIndex(): Promise<void> {
    await this.table.createIndex(FTS_COLUMN, { config: ftsIndex(), replace: true });
    this.ftsReady = true;
  }

  /**
   * Scalar indices on the columns searches and deletes filter by, so a prefilter does not scan
   * the whole table. Cheap; built once the table has rows.
   */
  async ensureScalarIndices(): Promise<boolean> {
    const indices = await this.table.listIndices();
    const has = (col: string) => indices.some((i) => i.columns.includes(col));
    const missing = [
      { column: 'document_id', config: () => lancedb.Index.btree() },
      // Chunk writes merge on it.
      { column: 'chunk_id', config: () => lancedb.Index.btree() },
      // Every column a search filter names: an exact search under a filter then reads only the rows it keeps.
      { column: 'data_type', config: () => lancedb.Index.bitmap() },
      { column: 'filename', config: () => lancedb.Index.btree() },
    ].filter((i) => !has(i.column));
    if (!missing.length || (await this.table.countRows()) === 0) return false;
    for (const i of missing) await this.table.createIndex(i.column, { config: i.config(), replace: false });
    return true;
  }

  /** Rows the full-text index does not cover yet (found by a slower scan until the next refresh). */
  async ftsUnindexedRows(): Promise<number> {
    const idx = (await this.table.listIndices()).find((i) => i.columns.includes(FTS_COLUMN));
    if (!idx) return await this.table.countRows();
    return (await this.table.indexStats(idx.name))?.numUnindexedRows ?? 0;
  }

  /**
   * Tables written before heading paths existed get the two columns (empty path, the stored text
   * to search), and their full-text index moves to the new column; tables written before OCR
   * sources were kept get those (text layer, no confidence), and tables from before page regions an
   * empty list of them. Replicas starting together may both try: the one that finds the columns
   * already there carries on.
   */
  async addSearchColumns(): Promise<void> {
    const has = new Set((await this.table.schema()).fields.map((f) => f.name));
    const missing = [
      { name: 'heading_path', valueSql: "'[]'" },
      { name: 'search_text', valueSql: 'text' },
      { name: 'source', valueSql: "'text'" },
      { name: 'ocr_confidence', valueSql: 'CAST(NULL AS INT)' },
      { name: 'regions', valueSql: "'[]'" },
    ].filter((c) => !has.has(c.name));
    if (!missing.length) return;
    await this.table.addColumns(missing).catch((e: Error) => {
      if (!/already exists|duplicate/i.test(e.message)) throw e;
    });
    const old = (await this.table.listIndices()).find((i) => i.columns.includes('text') && i.indexType === 'FTS');
    if (old) {
      await this.table.createIndex(FTS_COLUMN, { config: ftsIndex(), replace: true });
      await this.table.dropIndex(old.name).catch(() => undefined);
    }
  }

  private async ensureFtsIndex(): Promise<void> {
    if (this.ftsReady) return;
    await this.refreshIndexState();
    if (this.ftsReady) return;
    await this.table.createIndex(FTS_COLUMN, { config: ftsIndex(), replace: false }).catch((e: Error) => {
      // Another replica created it first.
      if (!/already exists/i.test(e.message)) throw e;
    });
    this.ftsReady = true;
  }

  /** Reads which indices exist, and the vector index's latest fresh measurement for the configured target. */
  async refreshIndexState(): Promise<void> {
    const indices = await this.table.listIndices();
    this.ftsReady = indices.some((i) => i.columns.includes(FTS_COLUMN));
    const vector = indices.find((i) => i.columns.includes('vector'));
    this.vectorIndexType = vector?.indexType ?? null;
    if (!vector) {
      this.vectorIndexState = null;
      return;
    }
    const indexedRows = Number(vector.numIndexedRows ?? 0);
    this.vectorIndexState = {
      uuid: vector.indexUuid ?? vector.name,
      indexedRows,
      partitions: Math.max(1, Math.round(indexedRows / VECTOR_PARTITION_ROWS)),
      measured: await this.findMeasurement(this.collectionId, indexedRows),
    };
  }

  /** The vector index as of the last index refresh, null before there is one. */
  vectorIndexInfo(): VectorIndexInfo | null {
    return this.vectorIndexState && { ...this.vectorIndexState };
  }

  indexSummary(): { ftsIndex: boolean; vectorIndex: string | null; vectorPartitions: number | null } {
    return {
      ftsIndex: this.ftsReady,
      vectorIndex: this.vectorIndexType,
      vectorPartitions: this.vectorIndexState?.partitions ?? null,
    };
  }

  /** Up to `n` of the table's chunks drawn at random (id and search text). */
  async sampleChunks(n: number): Promise<SampledChunk[]> {
    const total = await this.table.countRows();
    if (total === 0) return [];
    const offsets = [...new Set(Array.from({ length: n }, () => Math.floor(Math.random() * total)))];
    const rows = await this.table.takeOffsets(offsets).select(['chunk_id', FTS_COLUMN]).toArray();
    return (rows as Array<Record<string, unknown>>).map((r) => ({
      chunkId: String(r.chunk_id),
      text: String(r[FTS_COLUMN]),
      scope: { collectionId: this.collectionId },
    }));
  }
}

/**
 * The rows of one batch, read column by column (Arrow's row proxies cost several times more). A
 * null OCR confidence stays null.
 */
function snapshotRows(batch: RecordBatch): SnapshotRow[] {
  const column = (name: string) => {
    const c = batch.getChild(name);
    if (!c) throw new Error(`column ${name} missing`);
    return c;
  };
  const values = Object.fromEntries(
    [...RESULT_COLUMNS, FTS_COLUMN].map((name) => {
      const c = column(name);
      return [name, Array.from({ length: batch.numRows }, (_, i) => (c.isValid(i) ? c.get(i) : null))];
    }),
  ) as Record<string, unknown[]>;
  const vectors = column('vector');
  const dims = (vectors.type as FixedSizeList).listSize;
  const data = vectors.data[0];
  const flat = (data.children[0].values as Float32Array).subarray(data.children[0].offset);
  return Array.from({ length: batch.numRows }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const name in values) row[name] = values[name][i];
    const start = (data.offset + i) * dims;
    return {
      chunk: toStoredChunk(row),
      searchText: String(row[FTS_COLUMN] ?? ''),
      vector: flat.slice(start, start + dims),
    };
  });
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
