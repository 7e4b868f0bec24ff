import { contentWords } from '../text/tokenize';
import { Embedder } from './embedder';

/**
 * Offline default embedder: feature hashing of words, word bigrams and character trigrams,
 * log-scaled and L2-normalised. It is lexical, not semantic: it matches shared words and word
 * pieces (helps with inflections and typos) but knows no synonyms. Use the openai provider,
 * or any OpenAI-compatible server, for semantic vectors.
 */
export class LocalHashEmbedder implements Embedder {
  readonly info;

  constructor(private readonly dimensions: number) {
    this.info = { id: `local-hash-v1`, dimensions };
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const counts = new Map<number, number>();
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      // The top bit picks the sign, so collisions cancel out on average instead of piling up.
      const idx = (h & 0x7fffffff) % this.dimensions;
      const signed = h & 0x80000000 ? -weight : weight;
      counts.set(idx, (counts.get(idx) ?? 0) + signed);
    };
    const words = contentWords(text);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      add(`w:${w}`, 1);
      if (i + 1 < words.length) add(`b:${w} ${words[i + 1]}`, 0.5);
      if (w.length > 3) {
        const padded = `^${w}$`;
        for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
      }
    }
    const v = new Float32Array(this.dimensions);
    let norm = 0;
    for (const [idx, c] of counts) {
      const x = Math.sign(c) * Math.log1p(Math.abs(c));
      v[idx] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
    return v;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
