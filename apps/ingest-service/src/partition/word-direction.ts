/** A word's box in page units, y growing downwards (poppler's and an OCR image's frame). */
export interface WordBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/**
 * 0: upright; 90: reads upwards; 270: reads downwards; 'vertical': one word set vertically, either
 * way; 'either': one word whose box says neither (a short number is about as wide as it is tall).
 */
export type LineDirection = 0 | 90 | 270 | 'vertical' | 'either';

/**
 * Which way a line of words reads, from their boxes alone: words stacked one above the other read
 * vertically (downwards when the first is on top); a lone word is vertical when its box is clearly
 * taller than wide for its letters (three or more), upright when clearly wider than tall.
 */
export function lineDirection(words: WordBox[]): LineDirection {
  const [a, b] = [words[0], words[words.length - 1]];
  if (words.length >= 2) {
    const stacked = b.y0 >= a.y1 - 0.5 || a.y0 >= b.y1 - 0.5;
    const overlapX = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 * Math.min(a.x1 - a.x0, b.x1 - b.x0);
    if (stacked && overlapX) return b.y0 > a.y0 ? 270 : 90;
    return 0;
  }
  const [w, h] = [a.x1 - a.x0, a.y1 - a.y0];
  if (a.text.length >= 3 && h > 1.3 * w) return 'vertical';
  return w > 1.3 * h || a.text.length >= 4 ? 0 : 'either';
}

/**
 * The directions of a page's lines: a lone vertical word reads as most of the page's vertical
 * lines do, and a lone word its box cannot place reads as most of the page's lines (a table set
 * sideways is mostly short numbers, each a line of its own).
 */
export function resolveDirections(dirs: LineDirection[]): Array<0 | 90 | 270> {
  const down = dirs.filter((d) => d === 270).length;
  const up = dirs.filter((d) => d === 90).length;
  const vertical = down > up ? 270 : 90;
  const upright = dirs.filter((d) => d === 0).length;
  const sideways = down + up + dirs.filter((d) => d === 'vertical').length;
  return dirs.map((d) => (d === 'vertical' ? vertical : d === 'either' ? (sideways > upright ? vertical : 0) : d));
}
