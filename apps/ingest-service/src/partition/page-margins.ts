import { sidewaysGlyphsX, TextRun } from './page-layout';

/** What repeated-margin detection removed from a document. */
export interface MarginResult {
  pages: TextRun[][];
  /** Lines dropped as running headers or footers, counted in the task. */
  droppedLines: number;
}

/** How many lines at the top and at the bottom of a page can be a running header or footer. */
const MARGIN_LINES = 2;

/**
 * Running headers and footers: a line among the top or bottom two of a page, or set sideways beside
 * its text (a stamp down the edge), that recurs in the same place on at least half of the pages
 * (and at least three), either word for word or differing
 * only in one number that follows the page index ("Page 3 of 10", "MMWR ... 1637"). Those lines are
 * removed before layout, so they neither split columns nor repeat in every chunk; the count is
 * reported. A per-page heading such as "Abstract 3 (PMID 123, 1996)" differs in more than the
 * page number and stays. A page turned a quarter sets the same header sideways among its text; runs
 * there that are such a line, or a long part of one, go too. Documents of fewer than three pages are
 * left alone.
 */
export function dropRepeatedMargins(pages: TextRun[][]): MarginResult {
  if (pages.length < 3) return { pages, droppedLines: 0 };
  const groups = new Map<string, Array<{ page: number; line: MarginLine }>>();
  pages.forEach((runs, page) => {
    for (const line of marginLines(runs)) {
      // Facing pages set the page number at either end of the same header ("47698 Federal Register …", "Federal Register … 47699").
      const key = line.where + runningKey(line.text);
      const list = groups.get(key) ?? [];
      if (!list.some((m) => m.page === page)) list.push({ page, line });
      groups.set(key, list);
    }
  });
  const min = Math.max(3, Math.ceil(pages.length / 2));
  const drop = new Set<TextRun>();
  let droppedLines = 0;
  const running = new Map<string, Array<{ page: number; line: MarginLine }>>();
  for (const members of groups.values()) {
    if (members.length < min || !repeats(members)) continue;
    droppedLines += members.length;
    for (const m of members) for (const r of m.line.runs) drop.add(r);
    running.set(runningKey(members[0].line.text), members);
  }
  // A page turned a quarter (a landscape table) carries the same header up its side as sideways runs
  // anywhere: a run that is a running line (its number tracking the page), or a long part of one (the
  // header without the page number an upright page sets on its baseline).
  const runningKeys = [...running.keys()];
  if (runningKeys.length)
    pages.forEach((runs, page) => {
      for (const r of runs) {
        if (Math.abs(r.angle ?? 0) < 1 || drop.has(r) || !r.str.trim()) continue;
        const line: MarginLine = { where: 'side', text: normalised(r.str), runs: [r] };
        const key = runningKey(line.text);
        const members = running.get(key);
        const whole = members && !members.some((m) => m.page === page) && repeats([...members, { page, line }]);
        const part = key.length >= 24 && runningKeys.some((k) => k.includes(key));
        if (whole || part) {
          drop.add(r);
          droppedLines++;
        }
      }
    });
  return { pages: drop.size ? pages.map((runs) => runs.filter((r) => !drop.has(r))) : pages, droppedLines };
}

const normalised = (t: string) => t.replace(/\s+/g, ' ').trim().toLowerCase();

const EDGE_NUMBER = /^\d+\s+|\s+\d+$/;
const withoutEdgeNumber = (t: string) => t.replace(EDGE_NUMBER, '');
/** What the lines of one running header or footer share: their text without the page number at either end, digits masked. */
const runningKey = (t: string) => withoutEdgeNumber(t).replace(/\d+/g, '#');

/**
 * Same text on every page, or the same but for one number that moves with the page index (in its
 * place, or at either end of the line on facing pages).
 */
function repeats(members: Array<{ page: number; line: MarginLine }>): boolean {
  const texts = members.map((m) => m.line.text);
  if (texts.every((t) => t === texts[0])) return true;
  const edge = texts.map((t) => Number(EDGE_NUMBER.exec(t)?.[0].trim() ?? NaN));
  if (
    edge.every((n, i) => n - members[i].page === edge[0] - members[0].page) &&
    texts.every((t) => withoutEdgeNumber(t) === withoutEdgeNumber(texts[0]))
  )
    return true;
  const numbers = texts.map((t) => t.match(/\d+/g)?.map(Number) ?? []);
  const n = numbers[0].length;
  for (let j = 0; j < n; j++) {
    const offset = numbers[0][j] - members[0].page;
    const tracks = members.every((m, i) => numbers[i][j] - m.page === offset);
    const rest = (t: string) => {
      let k = 0;
      return t.replace(/\d+/g, (d) => (k++ === j ? '#' : d));
    };
    if (tracks && texts.every((t) => rest(t) === rest(texts[0]))) return true;
  }
  return false;
}

interface MarginLine {
  where: 'top' | 'bottom' | 'side';
  text: string;
  runs: TextRun[];
}

function marginLines(runs: TextRun[]): MarginLine[] {
  const upright = runs.filter((r) => Math.abs(r.angle ?? 0) < 1 && r.str.trim());
  const sorted = [...upright].sort((a, b) => b.y - a.y);
  const lines: TextRun[][] = [];
  for (const r of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last[0].y - r.y) <= 0.45 * Math.max(last[0].size, r.size)) last.push(r);
    else lines.push([r]);
  }
  // A page of a few lines has no room for running headers; its lines are content.
  if (lines.length <= 2 * MARGIN_LINES) return [];
  const line = (where: MarginLine['where'], l: TextRun[]): MarginLine => ({
    where,
    runs: l,
    text: normalised(
      [...l]
        .sort((a, b) => a.x - b.x)
        .map((r) => r.str)
        .join(' '),
    ),
  });
  // Text set sideways beside the upright text (a stamp down the page's edge: "jbell on DSKJLSW7X2PROD with PROPOSALS").
  const left = upright.reduce((m, r) => Math.min(m, r.x), Infinity);
  const right = upright.reduce((m, r) => Math.max(m, r.x + r.width), -Infinity);
  const side = runs
    .filter((r) => Math.abs(r.angle ?? 0) >= 1 && r.str.trim())
    .filter((r) => {
      const [x0, x1] = sidewaysGlyphsX(r);
      return x1 < left || x0 > right;
    })
    .map((r) => line('side', [r]));
  return [
    ...lines.slice(0, MARGIN_LINES).map((l) => line('top', l)),
    ...lines.slice(-MARGIN_LINES).map((l) => line('bottom', l)),
    ...side,
  ];
}
