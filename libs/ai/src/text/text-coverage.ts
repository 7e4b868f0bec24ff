/** A stored chunk as the coverage measure reads it. */
export interface CoverageChunk {
  text: string;
  dataType: string;
}

export interface TextCoverage {
  /** Reference lines of at least `minWords` words. */
  lines: number;
  /** Lines found in the chunks (whole, or cut exactly between two consecutive chunks), including keptAsCells. */
  kept: number;
  /**
   * Of `kept`: lines not found verbatim whose every word is in one table chunk. A table keeps a
   * wrapped cell whole, so the visual row that pdftotext prints as one line is not contiguous there.
   */
  keptAsCells: number;
  /**
   * Of `kept`: lines found as two runs of three words or more, each whole elsewhere. `-raw` follows
   * the content stream, which on some two-column pages runs across both columns; read column by
   * column, such a line is two lines.
   */
  keptInTwoParts: number;
  /** Missing lines that recur on most pages: running headers/footers, dropped on purpose and counted apart. */
  runningDropped: number;
  /** kept / (lines - runningDropped). */
  coverage: number;
  /** (kept - keptAsCells) / (lines - runningDropped): lines found in reading order. */
  verbatim: number;
  missing: string[];
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');

/** Chunk text as a reader sees it: table markup removed, entities decoded. */
export function plainChunkText(c: CoverageChunk): string {
  if (c.dataType !== 'table_html') return c.text;
  return decodeHtmlEntities(c.text.replace(/<[^>]+>/g, ' '));
}

/** The entities the table HTML of chunks uses, decoded (&amp; last, so "&amp;lt;" stays "&lt;"). */
export function decodeHtmlEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Whether a line of the reference recurs on at least half its pages (and three): a running header or footer. */
function runningLines(reference: string): (line: string) => boolean {
  const pages = reference.split('\f').filter((p, i, all) => i < all.length - 1 || p.trim());
  // The page number of a running header sits at its left on even pages and at its right on odd ones.
  const mask = (l: string) => norm(l.trim().replace(/^\d+\s+|\s+\d+$/, '')).replace(/[0-9]+/g, '#');
  const onPages = new Map<string, number>();
  for (const pg of pages) for (const k of new Set(pg.split('\n').map(mask))) onPages.set(k, (onPages.get(k) ?? 0) + 1);
  return (l) => pages.length >= 3 && (onPages.get(mask(l)) ?? 0) >= Math.max(3, pages.length / 2);
}

/**
 * Line coverage of a reference text layer (e.g. `pdftotext -raw`, pages separated by form feeds)
 * by a document's chunks in order, compared as lowercase letters and digits only. A line is kept
 * when it appears whole in the joined chunks, or when it is cut exactly at a chunk boundary. A
 * missing line whose digit-masked form (a page number at either end left out) recurs on at least
 * half the pages is counted as a dropped running header or footer rather than as lost text.
 */
export function textCoverage(reference: string, chunks: CoverageChunk[], minWords = 6): TextCoverage {
  const normed = chunks.map((c) => norm(plainChunkText(c)));
  const hay = normed.join('');
  const running = runningLines(reference);
  const across = (l: string) => {
    const w = l.trim().split(/\s+/);
    for (let k = 1; k < w.length; k++) {
      const a = norm(w.slice(0, k).join(' '));
      const b = norm(w.slice(k).join(' '));
      for (let i = 0; i + 1 < normed.length; i++) if (normed[i].endsWith(a) && normed[i + 1].includes(b)) return true;
    }
    return false;
  };
  const tables = chunks.flatMap((c, i) => (c.dataType === 'table_html' ? [normed[i]] : []));
  const inOneTable = (l: string) => {
    const words = l.split(/\s+/).map(norm).filter(Boolean);
    return tables.some((t) => words.every((w) => t.includes(w)));
  };
  const inTwoParts = (l: string) => {
    const w = l.trim().split(/\s+/);
    for (let k = 3; k + 3 <= w.length; k++)
      if (hay.includes(norm(w.slice(0, k).join(' '))) && hay.includes(norm(w.slice(k).join(' ')))) return true;
    return false;
  };
  const lines = reference.split(/[\n\f]/).filter((l) => l.trim().split(/\s+/).length >= minWords);
  let kept = 0;
  let keptAsCells = 0;
  let keptInTwoParts = 0;
  let runningDropped = 0;
  const missing: string[] = [];
  for (const l of lines) {
    const n = norm(l);
    if (!n || hay.includes(n) || across(l)) kept++;
    else if (inOneTable(l)) {
      kept++;
      keptAsCells++;
    } else if (inTwoParts(l)) {
      kept++;
      keptInTwoParts++;
    } else if (running(l)) runningDropped++;
    else missing.push(l);
  }
  const counted = lines.length - runningDropped;
  return {
    lines: lines.length,
    kept,
    keptAsCells,
    keptInTwoParts,
    runningDropped,
    coverage: counted ? kept / counted : 1,
    verbatim: counted ? (kept - keptAsCells) / counted : 1,
    missing,
  };
}

export interface ReadingOrder {
  /** Pairs of consecutive prose lines in the reference. */
  junctions: number;
  /** Of those, the ones the chunks hold in the same order. */
  kept: number;
  /** Examples of junctions not found, as "end of one line | start of the next". */
  missing: string[];
}

/**
 * Reading order of a document's chunks against a reference that reads columns in order (`pdftotext`
 * in its default mode, pages separated by form feeds). Each pair of consecutive lines on a page, both
 * of at least `minWords` words, is a junction: the last two words of the first line and the first two
 * of the next. It is kept when the chunks, joined in order, hold those four words together (compared
 * as lowercase letters and digits, so a word hyphenated across the break matches too). Running
 * headers and footers (as `textCoverage` tells them) make none: they are dropped on purpose. A page read
 * across its columns, or a caption run into the text beside it, breaks junctions while line coverage
 * still finds every line whole.
 */
export function readingOrder(reference: string, chunks: CoverageChunk[], minWords = 5): ReadingOrder {
  const hay = chunks.map((c) => norm(plainChunkText(c))).join('');
  const running = runningLines(reference);
  const words = (l: string) =>
    running(l)
      ? []
      : l
          .trim()
          .split(/\s+/)
          .filter((w) => norm(w));
  let junctions = 0;
  let kept = 0;
  const missing: string[] = [];
  for (const page of reference.split('\f')) {
    const lines = page.split('\n').map(words);
    for (let i = 0; i + 1 < lines.length; i++) {
      const [a, b] = [lines[i], lines[i + 1]];
      if (a.length < minWords || b.length < minWords) continue;
      junctions++;
      if (hay.includes(norm([...a.slice(-2), ...b.slice(0, 2)].join('')))) kept++;
      else if (missing.length < 20) missing.push(`${a.slice(-2).join(' ')} | ${b.slice(0, 2).join(' ')}`);
    }
  }
  return { junctions, kept, missing };
}
