import { Element } from './element';

/** A positioned text run (PDF user space: y grows upwards). */
export interface TextRun {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

interface Piece {
  x0: number;
  x1: number;
  text: string;
}

interface Segment {
  x0: number;
  x1: number;
  text: string;
  size: number;
  /** The text runs the segment was joined from (table columns are found from these). */
  pieces: Piece[];
}

interface Line {
  y: number;
  size: number;
  segments: Segment[];
}

const BULLET = /^\s*([•●○◦▪■\-–*]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+/;

/**
 * Reading-order layout of one page from positioned text runs: lines, then tables (rows of cells
 * separated by whitespace columns that run through every row), two-column text, headings (larger
 * font), list items and paragraphs.
 */
export function layoutPage(runs: TextRun[], page: number, pageWidth: number): Element[] {
  const lines = toLines(runs);
  if (lines.length === 0) return [];
  const body = medianSize(lines);
  const out: Element[] = [];
  let i = 0;
  let pending: Line[] = [];
  const flush = () => {
    out.push(...paragraphs(pending, page, body));
    pending = [];
  };
  while (i < lines.length) {
    const region = multiSegmentRun(lines, i);
    if (region.length >= 3) {
      const cols = columnsOf(region);
      if (cols.length >= 2) {
        const avgLen = avgSegmentLength(region);
        if (cols.length === 2 && avgLen > 35 && spans(cols, pageWidth)) {
          // Two text columns: left column first, then the right one.
          flush();
          const left = region.map((l) => ({ ...l, segments: l.segments.filter((s) => s.x1 <= cols[0][1] + 1) }));
          const right = region.map((l) => ({ ...l, segments: l.segments.filter((s) => s.x0 >= cols[1][0] - 1) }));
          out.push(...paragraphs(left.filter((l) => l.segments.length), page, body));
          out.push(...paragraphs(right.filter((l) => l.segments.length), page, body));
        } else {
          flush();
          out.push(tableElement(region, cols, page));
        }
        i += region.length;
        continue;
      }
    }
    pending.push(lines[i]);
    i++;
  }
  flush();
  return out;
}

function toLines(runs: TextRun[]): Line[] {
  const items = runs.filter((r) => r.str.trim().length > 0).sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: { y: number; size: number; runs: TextRun[] }[] = [];
  for (const r of items) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - r.y) <= 0.45 * Math.max(last.size, r.size)) {
      last.runs.push(r);
      last.size = Math.max(last.size, r.size);
    } else {
      lines.push({ y: r.y, size: r.size, runs: [r] });
    }
  }
  return lines.map((l) => ({ y: l.y, size: l.size, segments: toSegments(l.runs.sort((a, b) => a.x - b.x)) }));
}

function toSegments(runs: TextRun[]): Segment[] {
  const segs: Segment[] = [];
  for (const r of runs) {
    const last = segs[segs.length - 1];
    const gap = last ? r.x - last.x1 : Infinity;
    // Wider than ~1.5 em of white space separates cells or columns; a smaller gap is a word space.
    if (last && gap < 1.5 * Math.max(r.size, last.size)) {
      const space = gap > 0.15 * r.size && !last.text.endsWith(' ') && !r.str.startsWith(' ') ? ' ' : '';
      last.text += space + r.str;
      last.x1 = Math.max(last.x1, r.x + r.width);
      last.pieces.push({ x0: r.x, x1: r.x + r.width, text: r.str });
    } else {
      segs.push({ x0: r.x, x1: r.x + r.width, text: r.str, size: r.size, pieces: [{ x0: r.x, x1: r.x + r.width, text: r.str }] });
    }
  }
  for (const s of segs) s.text = s.text.replace(/\s+/g, ' ').trim();
  return segs.filter((s) => s.text.length > 0);
}

function medianSize(lines: Line[]): number {
  const sizes: number[] = [];
  for (const l of lines) for (const s of l.segments) for (let k = 0; k < Math.min(s.text.length, 200); k += 10) sizes.push(s.size);
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)] ?? 10;
}

/** Consecutive lines with two or more segments, allowing single-segment lines inside (wrapped cells). */
function multiSegmentRun(lines: Line[], start: number): Line[] {
  if (lines[start].segments.length < 2) return [];
  let end = start;
  let singles = 0;
  while (end + 1 < lines.length) {
    const next = lines[end + 1];
    const gap = lines[end].y - next.y;
    if (gap > 3 * Math.max(next.size, lines[end].size)) break;
    if (next.segments.length >= 2) {
      singles = 0;
    } else if (++singles > 1) {
      break;
    }
    end++;
  }
  while (end > start && lines[end].segments.length < 2) end--;
  return lines.slice(start, end + 1);
}

/**
 * Column intervals from white "rivers": x positions that (almost) no line of the region covers
 * with text. Counting coverage per line, rather than merging extents, lets a title or a header
 * spanning several columns pass without gluing those columns together.
 */
function columnsOf(region: Line[]): Array<[number, number]> {
  const pieces = region.flatMap((l) => l.segments.flatMap((s) => s.pieces));
  if (!pieces.length) return [];
  const minX = Math.floor(Math.min(...pieces.map((p) => p.x0)));
  const maxX = Math.ceil(Math.max(...pieces.map((p) => p.x1)));
  const width = Math.max(1, maxX - minX + 1);
  if (width > 5000) return mergedExtents(region);
  const coverage = new Uint16Array(width);
  for (const line of region) {
    const row = new Uint8Array(width);
    for (const s of line.segments) for (const p of s.pieces) row.fill(1, Math.max(0, Math.floor(p.x0) - minX), Math.min(width, Math.ceil(p.x1) - minX));
    for (let x = 0; x < width; x++) coverage[x] += row[x];
  }
  // A river may be crossed by a few spanning lines (titles, group headers), never by most.
  const crossings = region.length >= 4 ? Math.max(1, Math.floor(region.length * 0.12)) : 0;
  const minGap = 0.4 * medianSize(region);
  const cols: Array<[number, number]> = [];
  let start = -1;
  let gapStart = -1;
  for (let x = 0; x <= width; x++) {
    const text = x < width && coverage[x] > crossings;
    if (text) {
      if (start < 0) start = x;
      else if (gapStart >= 0 && x - gapStart < minGap) {
        // too narrow to be a column gap: a word space
      } else if (gapStart >= 0) {
        cols.push([start + minX, gapStart + minX]);
        start = x;
      }
      gapStart = -1;
    } else if (start >= 0 && gapStart < 0) {
      gapStart = x;
    }
  }
  if (start >= 0) cols.push([start + minX, (gapStart >= 0 ? gapStart : width) + minX]);
  return cols.length ? cols : mergedExtents(region);
}

/** Fallback: merged horizontal extents of all segments. */
function mergedExtents(region: Line[]): Array<[number, number]> {
  const spans = region.flatMap((l) => l.segments.map((s) => [s.x0, s.x1] as [number, number])).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of spans) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 2) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

function avgSegmentLength(region: Line[]): number {
  let n = 0;
  let len = 0;
  for (const l of region) {
    for (const s of l.segments) {
      n++;
      len += s.text.length;
    }
  }
  return n ? len / n : 0;
}

function spans(cols: Array<[number, number]>, pageWidth: number): boolean {
  return cols[0][1] - cols[0][0] > 0.25 * pageWidth && cols[1][1] - cols[1][0] > 0.25 * pageWidth;
}

function tableElement(region: Line[], cols: Array<[number, number]>, page: number): Element {
  const rows = region.map((l) => {
    const cells = cols.map(() => [] as string[]);
    for (const s of l.segments) {
      for (const p of s.pieces) {
        const mid = (p.x0 + p.x1) / 2;
        let ci = cols.findIndex(([a, b]) => mid >= a - 1 && mid <= b + 1);
        if (ci < 0) ci = nearest(cols, mid);
        cells[ci].push(p.text.trim());
      }
    }
    return cells.map((c) => c.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim());
  });
  return tableFromRows(rows, page);
}

function nearest(cols: Array<[number, number]>, x: number): number {
  let best = 0;
  let bestD = Infinity;
  cols.forEach(([a, b], i) => {
    const d = Math.min(Math.abs(x - a), Math.abs(x - b));
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function paragraphs(lines: Line[], page: number, body: number): Element[] {
  const out: Element[] = [];
  let cur: { kind: Element['kind']; lines: string[]; lastY: number; size: number } | null = null;
  const push = () => {
    if (cur) out.push({ kind: cur.kind, text: cur.lines.join(' ').replace(/\s+/g, ' ').trim(), page });
    cur = null;
  };
  for (const l of lines) {
    const text = l.segments.map((s) => s.text).join(' ');
    const heading = l.size >= body * 1.15 && text.length < 200;
    const bullet = BULLET.test(text);
    const gap = cur ? cur.lastY - l.y : 0;
    const newBlock =
      !cur ||
      gap > 1.7 * Math.max(l.size, cur.size) ||
      bullet ||
      heading !== (cur.kind === 'title') ||
      (cur.kind === 'title' && Math.abs(l.size - cur.size) > 0.5);
    if (newBlock) {
      push();
      cur = { kind: heading ? 'title' : bullet ? 'list_item' : 'text', lines: [text], lastY: l.y, size: l.size };
    } else {
      const prev = cur!.lines[cur!.lines.length - 1];
      // Re-join words hyphenated across a line break.
      if (/[a-z]-$/.test(prev) && /^[a-z]/.test(text)) cur!.lines[cur!.lines.length - 1] = prev.slice(0, -1) + text;
      else cur!.lines.push(text);
      cur!.lastY = l.y;
    }
  }
  push();
  return out;
}

/** A table element from rows of cell texts; the first row becomes the header. */
export function tableFromRows(rows: string[][], page: number): Element {
  const [header, ...body] = rows;
  const html =
    '<table><thead><tr>' +
    header.map((c) => `<th>${escapeHtml(c)}</th>`).join('') +
    '</tr></thead><tbody>' +
    body.map((r) => '<tr>' + r.map((c) => `<td>${escapeHtml(c)}</td>`).join('') + '</tr>').join('') +
    '</tbody></table>';
  return { kind: 'table', text: rows.map((r) => r.join(' | ')).join('\n'), html, page };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
