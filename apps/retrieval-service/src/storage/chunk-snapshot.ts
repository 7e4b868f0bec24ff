import { contentWords } from '@rag/ai';
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
  idf: number;
  rows: Int32Array;
  /** BM25's term-frequency part per row: f · (k1 + 1) / (f + k1 · (1 − b + b · length / average length)). */
  impacts: Float32Array;
}

/**
 * One version of a collection's chunks held in memory, searched there: the vector leg scans 8-bit
 * codes of every vector (usearch's SIMD kernels, one thread) and scores the best on their float
 * vectors, the full-text leg is BM25 over an inverted
 * index built with the analyzer and constants of LanceDB's own full-text index, and each chunk's
 * content words are kept for the reranker. Immutable: a new table version gets a new snapshot.
 */
export class ChunkSnapshot {
  readonly rows: number;
  readonly bytes: number;
  /** Rows whose vector is all zeros: LanceDB gives them no cosine distance, so no vector search finds them. */
  private readonly zeros: number;
  // Scratch of the full-text leg, reset after each search (searches of one replica never interleave here).
  private readonly scores: Float32Array;
  private readonly touched: Int32Array;

  constructor(
    private readonly chunks: StoredChunk[],
    private readonly matrix: Float32Array,
    /** `matrix` as 8-bit codes (`toCodes`). */
    private readonly codes: Int8Array,
    private readonly norms: Float32Array,
    readonly dimensions: number,
    private readonly zero: Uint8Array,
    private readonly postings: Map<string, Posting>,
    /** Each chunk's content words (`contentWords` of its text), each word one shared string. */
    private readonly words: ReadonlyArray<readonly string[]>,
    dictionary: Iterable<string>,
    payloadBytes: number,
  ) {
    this.rows = chunks.length;
    this.zeros = zero.reduce((n, z) => n + z, 0);
    this.scores = new Float32Array(this.rows);
    this.touched = new Int32Array(this.rows);
    let bytes =
      matrix.byteLength + codes.byteLength + norms.byteLength + zero.byteLength + 8 * this.rows + payloadBytes;
    for (const [t, p] of postings) bytes += 8 * p.rows.length + 2 * t.length + 80;
    for (const w of words) bytes += 8 * w.length + 64;
    for (const w of dictionary) bytes += 2 * w.length + 32;
    this.bytes = bytes;
  }

  /**
   * The `limit` rows nearest to `query` by cosine among those `keep` keeps, as LanceDB's exact search
   * ranks them: a scan of 8-bit codes (each vector scaled to its largest component; a third of the time
   * of a float scan) for the best `CANDIDATES ×` as many, each then scored on its float vector.
   */
  vectorSearch(query: Float32Array, keep: ChunkPredicate | null, limit: number): ScoredChunk[] {
    if (this.rows === 0 || limit <= 0) return [];
    if (query.length !== this.dimensions)
      throw new Error(`query has ${query.length} dimensions, not ${this.dimensions}`);
    const d = this.dimensions;
    let ids: number[] | null = null;
    let data = this.codes;
    if (keep) {
      ids = [];
      for (let i = 0; i < this.rows; i++) if (!this.zero[i] && keep(this.chunks[i])) ids.push(i);
      data = new Int8Array(ids.length * d);
      ids.forEach((row, j) => data.set(this.codes.subarray(row * d, (row + 1) * d), j * d));
    }
    // Unfiltered, zero vectors are scanned too (copying the rest would cost more) and dropped after.
    const count = Math.min(CANDIDATES * limit + (keep ? 0 : this.zeros), data.length / d);
    if (count <= 0) return [];
    const found = exactSearch(data, toCodes(query), d, count, MetricKind.Cos, 1) as { keys: BigUint64Array };
    let qq = 0;
    for (let i = 0; i < d; i++) qq += query[i] * query[i];
    const qNorm = Math.sqrt(qq);
    const scored: Array<{ row: number; cosine: number }> = [];
    for (const key of found.keys) {
      const row = ids ? ids[Number(key)] : Number(key);
      if (this.zero[row]) continue;
      let dot = 0;
      for (let i = 0, o = row * d; i < d; i++) dot += query[i] * this.matrix[o + i];
      scored.push({ row, cosine: dot / (qNorm * this.norms[row]) });
    }
    scored.sort((a, b) => b.cosine - a.cosine);
    return scored.slice(0, limit).map((c) => this.result(c.row, c.cosine, false));
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
    const { scores, touched } = this;
    let count = 0;
    const add = (terms: string[], weight: number) => {
      if (!(weight > 0)) return;
      for (const t of terms) {
        const p = this.postings.get(t);
        if (!p) continue;
        const w = p.idf * weight;
        const { rows, impacts } = p;
        for (let j = 0; j < rows.length; j++) {
          const row = rows[j];
          // Every contribution is positive: a zero score is a row not touched yet.
          if (scores[row] === 0) touched[count++] = row;
          scores[row] += w * impacts[j];
        }
      }
    };
    try {
      add(ftsTerms(text), 1);
      for (const e of expansion) if (e.words.length) add(ftsTerms(e.words.join(' ')), e.weight);
      const top = topRows(touched, count, limit, scores, keep ? (row) => keep(this.chunks[row]) : null);
      return top.map((row) => this.result(row, scores[row], withVectors));
    } finally {
      for (let i = 0; i < count; i++) scores[touched[i]] = 0;
    }
  }

  private result(row: number, score: number, withVector: boolean): ScoredChunk {
    const scored: ScoredChunk = { ...this.chunks[row], score, words: this.words[row] };
    // A view, not a copy: its readers (fusion) only read it.
    if (withVector) scored.vector = this.matrix.subarray(row * this.dimensions, (row + 1) * this.dimensions);
    return scored;
  }
}

/**
 * Candidates the 8-bit scan keeps per row asked for. On ten 10k collections of 512 dimensions the
 * rescored candidates held the exact top 20 in all 500 queries under each of three filters (the
 * vector-recall tool; memory-search.integration.spec holds them to LanceDB's exact search).
 */
const CANDIDATES = 4;

/** A vector as 8-bit codes scaled to its largest component (cosine ignores the scale). */
function toCodes(v: Float32Array, out = new Int8Array(v.length)): Int8Array {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  if (max === 0) return out;
  const scale = 127 / max;
  for (let i = 0; i < v.length; i++) out[i] = Math.round(v[i] * scale);
  return out;
}

/** The `limit` best of `rows[0..count)` by score, best first, among those `keep` keeps (a min-heap of `limit`). */
function topRows(
  rows: Int32Array,
  count: number,
  limit: number,
  scores: Float32Array,
  keep: ((row: number) => boolean) | null,
): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => scores[a] < scores[b];
  for (let i = 0; i < count; i++) {
    const row = rows[i];
    if (heap.length === limit && !less(heap[0], row)) continue;
    if (keep && !keep(row)) continue;
    if (heap.length < limit) {
      heap.push(row);
      for (let c = heap.length - 1; c > 0;) {
        const p = (c - 1) >> 1;
        if (!less(heap[c], heap[p])) break;
        [heap[c], heap[p]] = [heap[p], heap[c]];
        c = p;
      }
    } else if (limit > 0) {
      heap[0] = row;
      for (let p = 0; ;) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === p) break;
        [heap[m], heap[p]] = [heap[p], heap[m]];
        p = m;
      }
    }
  }
  return heap.sort((a, b) => scores[b] - scores[a]);
}

/**
 * Makes a snapshot from the rows of one table version, a batch at a time, so that a caller reading
 * them batch by batch gives the event loop back in between.
 */
export class SnapshotBuilder {
  private readonly chunks: StoredChunk[] = [];
  private readonly vectors: Float32Array[] = [];
  private readonly lengths: number[] = [];
  private readonly lists = new Map<string, number[]>();
  private readonly words: string[][] = [];
  private readonly dictionary = new Map<string, string>();
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
      const words = contentWords(r.chunk.text);
      words.forEach((w, j) => {
        const shared = this.dictionary.get(w);
        if (shared === undefined) this.dictionary.set(w, w);
        else words[j] = shared;
      });
      this.words.push(words);
      this.payloadBytes += 2 * (r.chunk.text.length + r.chunk.filename.length + r.chunk.chunk_id.length) + 400;
    }
  }

  build(): ChunkSnapshot {
    const n = this.chunks.length;
    const d = this.dimensions;
    const matrix = new Float32Array(n * d);
    const codes = new Int8Array(n * d);
    const norms = new Float32Array(n);
    const zero = new Uint8Array(n);
    this.vectors.forEach((v, i) => {
      matrix.set(v, i * d);
      toCodes(v, codes.subarray(i * d, (i + 1) * d));
      let sq = 0;
      for (const x of v) sq += x * x;
      norms[i] = Math.sqrt(sq);
      if (sq === 0) zero[i] = 1;
    });
    let total = 0;
    let indexed = 0;
    for (const len of this.lengths) {
      total += len;
      if (len > 0) indexed++;
    }
    // N and the average length count the rows with at least one term, as LanceDB's index holds only those.
    const avg = indexed ? total / indexed : 1;
    const postings = new Map<string, Posting>();
    for (const [t, list] of this.lists) {
      const df = list.length / 2;
      const p: Posting = {
        idf: Math.log(1 + (indexed - df + 0.5) / (df + 0.5)),
        rows: new Int32Array(df),
        impacts: new Float32Array(df),
      };
      for (let j = 0; j < df; j++) {
        const row = list[2 * j];
        const f = list[2 * j + 1];
        p.rows[j] = row;
        p.impacts[j] = (f * (K1 + 1)) / (f + K1 * (1 - B + (B * this.lengths[row]) / avg));
      }
      postings.set(t, p);
    }
    return new ChunkSnapshot(
      this.chunks,
      matrix,
      codes,
      norms,
      this.dimensions,
      zero,
      postings,
      this.words,
      this.dictionary.keys(),
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

  /** Whether any version of the collection is held. */
  holds(collectionId: string): boolean {
    return this.lru.has(collectionId);
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
