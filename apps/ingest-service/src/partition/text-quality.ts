/** A token as words are written: lower case, capitalised or all capitals (with a hyphen or apostrophe inside), or a number. */
const WORD_LIKE =
  /^(?:\p{Lu}?\p{Ll}+(?:['’-]\p{L}+)*|\p{Lu}+(?:['’-]\p{Lu}+)*|\p{Lu}\p{Ll}*\p{Lu}\p{Ll}+|\d+(?:[.,:/-]\d+)*%?|[\p{Lo}\p{M}]+)$/u;
/** Addresses, paths and code (a URL, an e-mail, snake_case, a.b.c): not words, not garbage either. */
const CODE_LIKE = /:\/\/|@|www\.|[\p{L}\d][_./=][\p{L}\d]/u;
const EDGES = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

/**
 * The share of a text's letters and digits that sit in word-like tokens. Text with fonts that map
 * no glyph to Unicode reads "3HQČåQtSURVWĜHGN\QD~þWHFK" or "7+%-": mixed case, digits and symbols
 * inside words, which prose, tables of figures and codes rarely have on a whole page.
 */
export function wordLikeShare(text: string): { chars: number; share: number } {
  let chars = 0;
  let good = 0;
  for (const token of text.split(/\s+/)) {
    const core = token.replace(/\p{Cf}/gu, '').replace(EDGES, '');
    const n = core.replace(/[^\p{L}\p{N}]/gu, '').length;
    chars += n;
    if (n && (WORD_LIKE.test(core) || CODE_LIKE.test(core))) good += n;
  }
  return { chars, share: chars ? good / chars : 1 };
}

/** A page's text layer that is most likely glyph codes rather than words (read it from the page's image instead). */
export function garbledText(text: string): boolean {
  const { chars, share } = wordLikeShare(text);
  return chars >= 20 && share < 0.3;
}
