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

/** The English stop words of LanceDB's default analyzer (tantivy's list, Lucene's EnglishAnalyzer set). */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their then there these ' +
    'they this to was will with'
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
 * lower case, English stop words, ASCII folding, English stemmer) makes of `text`, in order, repeats
 * kept: a query's repeated word counts twice there too. Memory search scores with these terms, so
 * its BM25 is the index's (chunk-snapshot.spec.ts compares the two on the same rows).
 */
export function ftsTerms(text: string): string[] {
  const unicode = NON_ASCII.test(text);
  const out: string[] = [];
  for (const word of text.match(unicode ? UNICODE_WORD : ASCII_WORD) ?? []) {
    if ((unicode ? Buffer.byteLength(word) : word.length) >= MAX_TOKEN_BYTES) continue;
    let token = word.toLowerCase();
    if (STOP_WORDS.has(token)) continue;
    if (unicode) token = token.normalize('NFKD').replace(COMBINING_MARKS, '');
    out.push(stem(token));
  }
  return out;
}
