/**
 * Deterministic synthetic chunks for benchmarks at scale: words drawn with their real frequencies
 * from a vocabulary (taken from the real corpus by the caller), sentence and chunk lengths like
 * those the chunker produces. Not meaningful text, but realistic for index and posting-list sizes.
 */
export interface SyntheticChunk {
  collection: string;
  filename: string;
  documentIndex: number;
  chunkIndex: number;
  pageNumber: number;
  dataType: 'text' | 'table_html' | 'image_summary';
  text: string;
}

/**
 * Data types in fixed shares (1 chunk in 100 an image summary, 9 in 100 tables), so filters on
 * them keep a known share of a collection: 1% and 10% with the collection's own.
 */
export function syntheticDataType(chunkIndex: number): SyntheticChunk['dataType'] {
  return chunkIndex % 100 === 0 ? 'image_summary' : chunkIndex % 10 === 0 ? 'table_html' : 'text';
}

/**
 * Vectors with the cluster structure of a neural embedder (documents about a few hundred topics,
 * chunks near their topic), standing in for one: the local embedder's hashed words are nearly
 * equidistant, a worst case for an IVF index, and real semantic vectors are not.
 */
export class ClusteredVectors {
  private readonly centroids: Float32Array[] = [];
  private readonly rand: () => number;

  constructor(
    readonly dimensions: number,
    seed: number,
    private readonly topics = 256,
    private readonly spread = 0.6,
  ) {
    this.rand = mulberry32(seed);
    for (let t = 0; t < topics; t++) this.centroids.push(this.unit(() => this.gauss()));
  }

  private gauss(): number {
    return Math.sqrt(-2 * Math.log(this.rand() || 1e-12)) * Math.cos(2 * Math.PI * this.rand());
  }

  private unit(draw: () => number): Float32Array {
    const v = new Float32Array(this.dimensions);
    let n = 0;
    for (let i = 0; i < v.length; i++) n += (v[i] = draw()) ** 2;
    const k = 1 / Math.sqrt(n || 1);
    for (let i = 0; i < v.length; i++) v[i] *= k;
    return v;
  }

  /** A vector near the topic of document `documentIndex` (queries too: a point near a topic). */
  near(documentIndex: number): Float32Array {
    const c = this.centroids[documentIndex % this.topics];
    const noise = this.spread / Math.sqrt(this.dimensions);
    let i = 0;
    return this.unit(() => c[i++] + noise * this.gauss());
  }
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SyntheticCorpus {
  private readonly words: string[];
  private readonly cumulative: Float64Array;
  private readonly rand: () => number;

  constructor(
    vocabulary: Array<[string, number]>,
    seed: number,
    private readonly opts = { collections: 10, chunksPerDocument: 100, minWords: 120, maxWords: 320 },
  ) {
    if (vocabulary.length < 100) throw new Error('vocabulary too small: need at least 100 words');
    this.words = vocabulary.map(([w]) => w);
    this.cumulative = new Float64Array(vocabulary.length);
    let sum = 0;
    vocabulary.forEach(([, n], i) => (this.cumulative[i] = sum += n));
    this.rand = mulberry32(seed);
  }

  private word(): string {
    const x = this.rand() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo];
  }

  text(): string {
    const target = this.opts.minWords + Math.floor(this.rand() * (this.opts.maxWords - this.opts.minWords));
    const sentences: string[] = [];
    let n = 0;
    while (n < target) {
      const len = 8 + Math.floor(this.rand() * 18);
      const s: string[] = [];
      for (let i = 0; i < len; i++) s.push(this.word());
      s[0] = s[0][0].toUpperCase() + s[0].slice(1);
      sentences.push(s.join(' ') + '.');
      n += len;
    }
    return sentences.join(' ');
  }

  /** The i-th chunk of the corpus: documents of `chunksPerDocument` chunks, spread round-robin over collections. */
  chunk(i: number): SyntheticChunk {
    const documentIndex = Math.floor(i / this.opts.chunksPerDocument);
    const chunkIndex = i % this.opts.chunksPerDocument;
    const collection = `synth-${documentIndex % this.opts.collections}`;
    return {
      collection,
      filename: `synthetic-${documentIndex}.pdf`,
      documentIndex,
      chunkIndex,
      pageNumber: Math.floor(chunkIndex / 2) + 1,
      dataType: syntheticDataType(chunkIndex),
      text: this.text(),
    };
  }

  /** A query with real matches: a few consecutive words of a chunk's text. */
  queryFrom(c: SyntheticChunk): { collectionId: string; query: string } {
    const words = c.text.replace(/[.]/g, '').split(' ');
    const len = 4 + Math.floor(this.rand() * 5);
    const start = Math.floor(this.rand() * Math.max(1, words.length - len));
    return {
      collectionId: c.collection,
      query: words
        .slice(start, start + len)
        .join(' ')
        .toLowerCase(),
    };
  }
}
