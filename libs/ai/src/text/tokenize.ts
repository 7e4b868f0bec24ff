/** Small English stop list: these words carry no topic and only add hash collisions. */
const STOP = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how if in into is it its ' +
    'may might more most no not of on or our should so such than that the their then there these they this ' +
    'those to was we were what when where which while who whom why will with would you your')
    .split(' '),
);

/** Lower-cased word tokens (letters/digits), Unicode-aware, stop words removed. */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().normalize('NFKC').matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (w.length > 1 && !STOP.has(w)) out.push(w);
  }
  return out;
}

/** A rough token count (≈ 0.75 words per token for English) used for chunk budgets. */
export function estimateTokens(text: string): number {
  let words = 0;
  for (const _ of text.matchAll(/\S+/g)) words++;
  return Math.ceil(words * 1.3);
}
