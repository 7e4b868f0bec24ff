import { LRUCache } from 'lru-cache';

// Porter2 (Snowball English), the stemmer of LanceDB's default full-text analyzer.
const porter2 = require('wink-porter2-stemmer') as (word: string) => string;
// A collection's chunks repeat a few thousand words: stemming each once made a snapshot build several times faster.
const stems = new LRUCache<string, string>({ max: 100_000 });
const stem = (word: string) => {
  let s = stems.get(word);
  if (s === undefined) stems.set(word, (s = porter2(word)));
  return s;
};

/**
 * What LanceDB's default analyzer drops after stemming: NLTK's English stop words as their stems
 * ("does" stems to "doe" and stays; "being" stems to "be" and goes). Read off LanceDB 0.39 by
 * indexing each candidate word alone; memory-search.integration.spec checks it against the index.
 */
const STOP_STEMS = new Set(
  (
    'i me my myself we our you your yourself he him his himself she her herself it itself they them their what ' +
    'which who whom this that these those am is are was were be been have has had do did should a an the and but ' +
    'if or as until while of at by for with about against between into through after below to from up down in ' +
    'out on off over under again further then here there when where how all both each few more most other some ' +
    'such no nor not own same so than too s t can will just don now d ll m o re ve y ain aren couldn didn doesn ' +
    'hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn'
  ).split(' '),
);

/** Tokens of 40 bytes or more are dropped, as by the default analyzer's length filter. */
const MAX_TOKEN_BYTES = 40;

const ASCII_WORD = /[A-Za-z0-9]+/g;
const UNICODE_WORD = /[\p{L}\p{N}]+/gu;
const NON_ASCII = /[^\t\n\r -~]/;
const COMBINING_MARKS = /\p{M}+/gu;

/**
 * The terms LanceDB's default full-text index (`Index.fts()`: simple tokenizer, long-token filter,
 * lower case, ASCII folding, English stemmer, English stop words) makes of `text`, in order, repeats
 * kept: a query's repeated word counts twice there too. Memory search scores with these terms, so
 * its BM25 is the index's (memory-search.integration.spec.ts compares the two on the same rows).
 */
export function ftsTerms(text: string): string[] {
  const unicode = NON_ASCII.test(text);
  const out: string[] = [];
  for (const word of text.match(unicode ? UNICODE_WORD : ASCII_WORD) ?? []) {
    if ((unicode ? Buffer.byteLength(word) : word.length) >= MAX_TOKEN_BYTES) continue;
    let token = word.toLowerCase();
    if (unicode) token = token.normalize('NFKD').replace(COMBINING_MARKS, '');
    token = stem(token);
    if (!STOP_STEMS.has(token)) out.push(token);
  }
  return out;
}
