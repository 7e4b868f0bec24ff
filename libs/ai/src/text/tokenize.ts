/** Small English stop list: these words carry no topic and only add hash collisions. */
const STOP = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how if in into is it its ' +
    'may might more most no not of on or our should so such than that the their then there these they this ' +
    'those to was we were what when where which while who whom why will with would you your'
  ).split(' '),
);

/** Lower-cased word tokens (letters/digits), Unicode-aware, stop words removed. */
export function contentWords(text: string): string[] {
  const lower = text.toLowerCase();
  // ASCII text (most chunks) takes the plain regex: NFKC leaves ASCII as it is and [a-z0-9] is what
  // the Unicode classes match there, so the tokens are the same, at a third of the cost. The
  // reranker tokenises every candidate of every search, so this is on the search path.
  const tokens = NON_ASCII.test(lower) ? lower.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) : lower.match(/[a-z0-9]+/g);
  const out: string[] = [];
  for (const w of tokens ?? []) if (w.length > 1 && !STOP.has(w)) out.push(w);
  return out;
}

// Anything but printable ASCII, tabs and line breaks takes the Unicode path (always correct, just slower).
const NON_ASCII = /[^\t\n\r -~]/;

/** A rough token count (≈ 0.75 words per token for English) used for chunk budgets. */
export function estimateTokens(text: string): number {
  let words = 0;
  for (const _ of text.matchAll(/\S+/g)) words++;
  return Math.ceil(words * 1.3);
}
