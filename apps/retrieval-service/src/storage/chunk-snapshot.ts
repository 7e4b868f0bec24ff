import { LRUCache } from 'lru-cache';
import { exactSearch, MetricKind } from 'usearch';
import { ftsTerms } from './fts-analyzer';
import type { ScoredChunk, StoredChunk } from './lance.repository';

/** What a search filter reads of a chunk. */
export type ChunkPredicate = (chunk: StoredChunk) => boolean;

/** One row as read from a collection's table. */
export interface SnapshotRow {
  chunk: StoredChunk;
  searchText: string;
  vector: Float32Array;
}

// LanceDB's BM25 constants.
const K1 = 1.2;
const B = 0.75;

interface Posting {
  rows: Int32Array;
  freqs: Float32Array;
}

/**
 * One version of a collection's chunks held in memory, searched there: the vector leg scans every
 * vector exactly (usearch's SIMD kernels, one thread), the full-text leg is BM25 over an inverted
 * index built with the analyzer and constants of LanceDB's own full-text index. On 10k chunks of
 * 512 dimensions that is ~1 ms a leg where LanceDB took 10 (vector, indexed) and 7 (full text) of
 * CPU (docs/benchmarks.md). Immutable: a new table version gets a new snapshot.
 */
export class ChunkSnapshot {
  readonly rows: number;
  readonly bytes: number;
  /** Rows with at least one term: the N of BM25's idf (rows without any are not in the index). */
  private readonly indexedRows: number;
  /** Rows whose vector is all zeros: LanceDB gives them no cosine distance, so no vector search finds them. */
  private readonly zeros: number;

  constructor(
    private readonly chunks: StoredChunk[],
    private readonly matrix: Float32Array,
    readonly dimensions: number,
    private readonly zero: Uint8Array,
    private readonly postings: Map<string, Posting>,
    /** BM25's length part per row: k1 · (1 − b + b · length / average length). */
    private readonly lengthNorm: Float32Array,
    indexedRows: number,
    payloadBytes: number,
  ) {
    this.rows = chunks.length;
    this.indexedRows = indexedRows;
    this.zeros = zero.reduce((n, z) => n + z, 0);
    let postingBytes = 0;
    for (const [t, p] of postings) postingBytes += 8 * p.rows.length + 2 * t.length + 64;
    this.bytes = matrix.byteLength + zero.byteLength + lengthNorm.byteLength + payloadBytes + postingBytes;
  }

  /** The `limit` rows nearest to `query` by cosine among those `keep` keeps, as LanceDB's exact search ranks them. */
  vectorSearch(query: Float32Array, keep: ChunkPredicate | null, limit: number): ScoredChunk[] {
    if (this.rows === 0) return [];
    if (query.length !== this.dimensions)
      throw new Error(`query has ${query.length} dimensions, not ${this.dimensions}`);
    let ids: number[] | null = null;
    let data = this.matrix;
    if (keep || this.zeros) {
      ids = [];
      for (let i = 0; i < this.rows; i++) if (!this.zero[i] && (!keep || keep(this.chunks[i]))) ids.push(i);
      if (ids.length < this.rows) {
        data = new Float32Array(ids.length * this.dimensions);
        ids.forEach((row, j) =>
          data.set(this.matrix.subarray(row * this.dimensions, (row + 1) * this.dimensions), j * this.dimensions),
        );
      } else ids = null;
    }
    const available = data.length / this.dimensions;
    const count = Math.min(limit, available);
    if (count <= 0) return [];
    const found = exactSearch(data, query, this.dimensions, count, MetricKind.Cos, 1) as {
      keys: BigUint64Array;
      distances: Float32Array;
    };
    const out: ScoredChunk[] = [];
    for (let j = 0; j < found.keys.length && out.length < count; j++) {
      const at = Number(found.keys[j]);
      out.push({ ...this.chunks[ids ? ids[at] : at], score: 1 - found.distances[j] });
    }
    return out;
  }

  /**
   * BM25 of the query's terms (a repeated term counts again), plus each expansion group's terms
   * weighted by its weight, over the rows `keep` keeps: the sum LanceDB's full-text query and its
   * boosted match clauses give. Document frequencies count every row of the collection, as there.
   */
  ftsSearch(
    text: string,
    keep: ChunkPredicate | null,
    limit: number,
    withVectors: boolean,
    expansion: Array<{ words: string[]; weight: number }>,
  ): ScoredChunk[] {
    const scores = new Float32Array(this.rows);
    const seen = new Uint8Array(this.rows);
    const touched: number[] = [];
    const add = (terms: string[], weight: number) => {
      for (const t of terms) {
        const p = this.postings.get(t);
        if (!p) continue;
        const n = p.rows.length;
        const idf = Math.log(1 + (this.indexedRows - n + 0.5) / (n + 0.5)) * weight;
        for (let j = 0; j < n; j++) {
          const row = p.rows[j];
          const f = p.freqs[j];
          if (!seen[row]) {
            seen[row] = 1;
            touched.push(row);
          }
          scores[row] += (idf * (f * (K1 + 1))) / (f + this.lengthNorm[row]);
        }
      }
    };
    add(ftsTerms(text), 1);
    for (const e of expansion) if (e.words.length) add(ftsTerms(e.words.join(' ')), e.weight);
    const hits = keep ? touched.filter((row) => keep(this.chunks[row])) : touched;
    hits.sort((a, b) => scores[b] - scores[a]);
    return hits.slice(0, limit).map((row) => {
      const scored: ScoredChunk = { ...this.chunks[row], score: scores[row] };
      if (withVectors) scored.vector = this.matrix.slice(row * this.dimensions, (row + 1) * this.dimensions);
      return scored;
    });
  }
}

/**
 * Makes a snapshot from the rows of one table version, a batch at a time, so that a caller reading
 * them batch by batch gives the event loop back in between (a collection of 10k chunks is ~1 s of work).
 */
export class SnapshotBuilder {
  private readonly chunks: StoredChunk[] = [];
  private readonly vectors: Float32Array[] = [];
  private readonly lengths: number[] = [];
  private readonly lists = new Map<string, number[]>();
  private payloadBytes = 0;
  /** Those of the first row. */
  private dimensions = 0;

  add(rows: SnapshotRow[]): void {
    for (const r of rows) {
      if (!this.chunks.length) this.dimensions = r.vector.length;
      if (r.vector.length !== this.dimensions)
        throw new Error(`chunk ${r.chunk.chunk_id} has ${r.vector.length} dimensions, not ${this.dimensions}`);
      const i = this.chunks.length;
      this.chunks.push(r.chunk);
      this.vectors.push(r.vector);
      const terms = ftsTerms(r.searchText);
      this.lengths.push(terms.length);
      const freq = new Map<string, number>();
      for (const t of terms) freq.set(t, (freq.get(t) ?? 0) + 1);
      for (const [t, n] of freq) {
        let list = this.lists.get(t);
        if (!list) this.lists.set(t, (list = []));
        list.push(i, n);
      }
      this.payloadBytes += 2 * (r.chunk.text.length + r.chunk.filename.length + r.chunk.chunk_id.length) + 400;
    }
  }

  build(): ChunkSnapshot {
    const n = this.chunks.length;
    const matrix = new Float32Array(n * this.dimensions);
    const zero = new Uint8Array(n);
    this.vectors.forEach((v, i) => {
      matrix.set(v, i * this.dimensions);
      if (!v.some((x) => x !== 0)) zero[i] = 1;
    });
    const postings = new Map<string, Posting>();
    for (const [t, list] of this.lists) {
      const p: Posting = { rows: new Int32Array(list.length / 2), freqs: new Float32Array(list.length / 2) };
      for (let j = 0; j < list.length; j += 2) {
        p.rows[j / 2] = list[j];
        p.freqs[j / 2] = list[j + 1];
      }
      postings.set(t, p);
    }
    let total = 0;
    let indexed = 0;
    for (const len of this.lengths) {
      total += len;
      if (len > 0) indexed++;
    }
    const avg = indexed ? total / indexed : 1;
    const lengthNorm = new Float32Array(n);
    this.lengths.forEach((len, i) => (lengthNorm[i] = K1 * (1 - B + (B * len) / avg)));
    return new ChunkSnapshot(
      this.chunks,
      matrix,
      this.dimensions,
      zero,
      postings,
      lengthNorm,
      indexed,
      this.payloadBytes,
    );
  }
}

/**
 * The snapshots a replica holds: at most one version per collection, the least recently searched
 * dropped first when their sum passes the memory budget. A collection of more than `maxRows`
 * chunks is searched in LanceDB (its indices scale, a scan of every vector does not).
 */
export class SnapshotCache {
  private readonly lru: LRUCache<string, { version: number; snapshot: ChunkSnapshot }>;

  constructor(
    readonly maxBytes: number,
    readonly maxRows: number,
  ) {
    this.lru = new LRUCache({ maxSize: maxBytes, sizeCalculation: (v) => Math.max(1, v.snapshot.bytes) });
  }

  /** The collection's snapshot of exactly this version, if held. */
  get(collectionId: string, version: number): ChunkSnapshot | null {
    const held = this.lru.get(collectionId);
    return held?.version === version ? held.snapshot : null;
  }

  /** Holds `snapshot` unless a newer version is already held (a snapshot larger than the whole budget is not kept). */
  set(collectionId: string, version: number, snapshot: ChunkSnapshot): void {
    const held = this.lru.peek(collectionId);
    if (held && held.version > version) return;
    this.lru.set(collectionId, { version, snapshot });
  }

  delete(collectionId: string): void {
    this.lru.delete(collectionId);
  }

  stats() {
    return {
      collections: this.lru.size,
      bytes: this.lru.calculatedSize,
      maxBytes: this.maxBytes,
      maxRows: this.maxRows,
    };
  }
}
