import { contentWords } from './tokenize';
import { LAY_TERMS } from './lay-terms';
import { Thesaurus, WordNetThesaurus } from './wordnet.thesaurus';

export const QUERY_EXPANDER = Symbol('QUERY_EXPANDER');

/** Words to look for besides the query's own, each group with the weight of its matches (below 1, the query's own). */
export interface Expansion {
  words: string[];
  weight: number;
}

export interface QueryExpander {
  expand(query: string): Expansion[];
}

/** Everyday health words are meant as the documents' terms; a thesaurus synonym may be another sense of the word. */
const LAY_WEIGHT = 0.3;
const SYNONYM_WEIGHT = 0.15;

/** At most this many added words: a long question must not turn into a search for everything. */
const MAX_TERMS = 24;

/**
 * Expansion from everyday health words to the documents' terms (a phrase list), and synonyms of
 * each content word from a thesaurus. Words already in the query are never added.
 */
export class ThesaurusQueryExpander implements QueryExpander {
  constructor(
    private readonly thesaurus: Thesaurus | null,
    private readonly lay: Record<string, string[]> = LAY_TERMS,
  ) {}

  expand(query: string): Expansion[] {
    const words = contentWords(query);
    const seen = new Set(words);
    let budget = MAX_TERMS;
    const collect = (phrases: Iterable<string>) => {
      const out: string[] = [];
      for (const p of phrases) {
        for (const w of contentWords(p)) {
          if (seen.has(w) || budget <= 0) continue;
          seen.add(w);
          out.push(w);
          budget--;
        }
      }
      return out;
    };
    // Phrases of up to three words, stop words included ("throw up"): the query as typed.
    const tokens = query.toLowerCase().match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) ?? [];
    const lay: string[] = [];
    for (let n = 3; n >= 1; n--)
      for (let i = 0; i + n <= tokens.length; i++) lay.push(...(this.lay[tokens.slice(i, i + n).join(' ')] ?? []));
    const out: Expansion[] = [{ words: collect(lay), weight: LAY_WEIGHT }];
    if (this.thesaurus)
      out.push({
        words: collect(words.filter((w) => w.length > 2 && !/\d/.test(w)).flatMap((w) => this.thesaurus!.synonyms(w))),
        weight: SYNONYM_WEIGHT,
      });
    return out.filter((e) => e.words.length);
  }
}

/** The configured expander, or none. */
export function createQueryExpander(kind: 'thesaurus' | 'lay' | 'none'): QueryExpander | null {
  if (kind === 'none') return null;
  return new ThesaurusQueryExpander(kind === 'thesaurus' ? new WordNetThesaurus() : null);
}
