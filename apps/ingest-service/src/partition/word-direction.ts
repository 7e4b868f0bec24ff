/** A word's box in page units, y growing downwards (poppler's and an OCR image's frame). */
export interface WordBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  text: string;
}

/** 0: upright; 90: reads upwards; 270: reads downwards; 'vertical': one word set vertically, either way. */
export type LineDirection = 0 | 90 | 270 | 'vertical';

/**
 * Which way a line of words reads, from their boxes alone: words stacked one above the other read
 * vertically (downwards when the first is on top); a lone word is vertical when its box is clearly
 * taller than wide for its letters (three or more).
 */
export function lineDirection(words: WordBox[]): LineDirection {
  const [a, b] = [words[0], words[words.length - 1]];
  if (words.length >= 2) {
    const stacked = b.y0 >= a.y1 - 0.5 || a.y0 >= b.y1 - 0.5;
    const overlapX = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 * Math.min(a.x1 - a.x0, b.x1 - b.x0);
    if (stacked && overlapX) return b.y0 > a.y0 ? 270 : 90;
    return 0;
  }
  return a.text.length >= 3 && a.y1 - a.y0 > 1.3 * (a.x1 - a.x0) ? 'vertical' : 0;
}

/** The directions of a page's lines, a lone vertical word reading as most of the page's vertical lines do. */
export function resolveDirections(dirs: LineDirection[]): Array<0 | 90 | 270> {
  const down = dirs.filter((d) => d === 270).length;
  const up = dirs.filter((d) => d === 90).length;
  return dirs.map((d) => (d === 'vertical' ? (down > up ? 270 : 90) : d));
}
