import { codePoint } from 'dingbat-to-unicode';

/**
 * Glyph codes of a symbol font without a Unicode map (Wingdings ticks, Symbol bullets): poppler and
 * pdf.js both give them as the font's byte shifted into the private use area, U+F020–U+F0FF.
 */
const DINGBAT_CODES = /[\uF020-\uF0FF]/g;

// `search` ignores the pattern's global state, so the one pattern serves both.
export const hasDingbatCodes = (text: string): boolean => text.search(DINGBAT_CODES) >= 0;

/** The dingbat typeface a PDF font name is ("BWMFRG+Wingdings2" → "Wingdings 2"), else null. */
export function dingbatTypeface(fontName: string): string | null {
  const base = fontName
    .replace(/^[A-Z]{6}\+/, '')
    .replace(/[-,].*$/, '')
    .replace(/\s+/g, '')
    .toLowerCase();
  const m = /^(wingdings|webdings|symbol)(mt)?([23])?$/.exec(base);
  if (!m) return null;
  const face = m[1] === 'wingdings' ? 'Wingdings' : m[1] === 'webdings' ? 'Webdings' : 'Symbol';
  return m[3] && face === 'Wingdings' ? `${face} ${m[3]}` : m[3] ? null : face;
}

/**
 * What each private-use glyph code on a page stands for, from the fonts it is drawn in. A code
 * drawn in two fonts that mean different things by it (Wingdings and Wingdings 2 on one page) is
 * left out, and so is one in a font that is no known dingbat typeface: it stays as it was.
 */
export function dingbatGlyphs(uses: Iterable<{ font: string; char: string }>): Map<string, string> {
  const meaning = new Map<string, string | null>();
  for (const { font, char } of uses) {
    const face = dingbatTypeface(font);
    const code = char.codePointAt(0)! - 0xf000;
    const u = (face && codePoint(face, code)?.string) || null;
    const known = meaning.get(char);
    meaning.set(char, known === undefined || known === u ? u : null);
  }
  return new Map([...meaning].filter((e): e is [string, string] => e[1] !== null));
}

export function replaceDingbats(text: string, glyphs: Map<string, string>): string {
  return text.replace(DINGBAT_CODES, (c) => glyphs.get(c) ?? c);
}
