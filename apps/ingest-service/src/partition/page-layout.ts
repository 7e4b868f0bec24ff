import { Box, Element, unionBox } from './element';

/** A positioned text run (PDF user space: y grows upwards). */
export interface TextRun {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
  /** Direction of the text in degrees, counter-clockwise (0 = upright). */
  angle?: number;
}

/** A straight stroke the page paints (a ruling line, a cell border, the edge of a filled cell), in PDF user space. */
export interface Rule {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Piece {
  x0: number;
  x1: number;
  text: string;
  /** The type size of the text run it came from. */
  size: number;
  /** Set on text set at 90 or 270 degrees, taken into a ruled grid of upright text. */
  sideways?: boolean;
}

interface Segment {
  x0: number;
  x1: number;
  text: string;
  /** The largest glyph's size: what lines are grouped and columns found by. */
  size: number;
  /** The text runs the segment was joined from (table columns are found from these). */
  pieces: Piece[];
}

interface Line {
  y: number;
  size: number;
  segments: Segment[];
}

/**
 * C1 control characters never are text: a PDF font that maps its bullet glyphs to them (a patient
 * brochure's list markers come out as U+008A) means a bullet, and reads as one.
 */
const C1_CONTROLS = /[\u0080-\u009f]/g;

/**
 * C0 controls (tab and line breaks aside) are no text either: one set apart before a word is a
 * bullet too (a journal's list markers come out as U+000F); one inside a word, or drawn over the
 * next glyph (InDesign's end-of-nested-style marker, U+0007, gives no advance), is dropped.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const C0_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** The text without its C0 control characters. */
export const withoutC0 = (s: string): string => s.replace(C0_CONTROLS, '');

function withoutControls(runs: TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  for (const r of runs) {
    let str = r.str.replace(C1_CONTROLS, '•');
    const text = withoutC0(str);
    if (text !== str) {
      const alone = !text.trim();
      // A lone marker another glyph on its line starts over: zero-width, no bullet.
      const overdrawn =
        alone &&
        runs.some(
          (o) =>
            o !== r &&
            withoutC0(o.str).trim() &&
            Math.abs(o.y - r.y) < 0.3 * r.size &&
            o.x >= r.x - 0.5 &&
            o.x < r.x + r.width,
        );
      if (overdrawn) continue;
      str = str.replace(C0_CONTROLS, (_c, at: number) => (alone || /\s/.test(str[at + 1] ?? '') ? '•' : ''));
    }
    out.push(str === r.str ? r : { ...r, str });
  }
  return out;
}

const BULLET = /^\s*([•●○◦▪■\-–*]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+/;

/**
 * The type size most of a document's upright letters are set in (to 0.1 pt): the body size a page's
 * headings are told against when that page is mostly other type (a table, notes, a figure's labels).
 */
export function documentBodySize(pages: TextRun[][]): number | undefined {
  const letters = new Map<number, number>();
  for (const runs of pages)
    for (const r of runs) {
      if (quarterOf(r) !== 0) continue;
      const size = Math.round(r.size * 10) / 10;
      letters.set(size, (letters.get(size) ?? 0) + r.str.length);
    }
  let best: number | undefined;
  for (const [size, n] of letters) if (best === undefined || n > letters.get(best)!) best = size;
  return best;
}

/**
 * Reading-order layout of one page from positioned text runs. Runs are joined into line fragments,
 * and the page is cut recursively (XY-cut): at a white gutter that runs through the whole region
 * (columns, read left to right), otherwise at the widest horizontal gap that is clearly wider than
 * the line spacing (title, body, footnotes). Each leaf is a block: its lines become tables (only
 * where the rows and short cells justify one), headings, list items and paragraphs. A line is a
 * heading only in type larger than both the page's own body and `bodySize` (`documentBodySize`).
 */
export function layoutPage(runs: TextRun[], page: number, rules: Rule[] = [], bodySize?: number): Element[] {
  const clean = withoutControls(runs);
  // Upright text first, with the sideways runs its ruled tables take into their cells (column headers set vertically).
  const claimed = new Set<TextRun>();
  const upright = layoutUpright(
    clean.filter((r) => quarterOf(r) === 0),
    page,
    rules,
    clean.filter((r) => quarterOf(r) % 2 === 1),
    claimed,
    bodySize,
  );
  // Other text set at 90/180/270 degrees (margin stamps, rotated tables) after it, each in its own frame, with the rules turned into it.
  const groups = byQuarter(clean.filter((r) => quarterOf(r) !== 0 && !claimed.has(r)));
  return [
    ...upright,
    ...[...groups.keys()]
      .sort((a, b) => a - b)
      .flatMap((q) =>
        layoutUpright(
          groups.get(q)!,
          page,
          rules.map((r) => ruleInTextFrame(r, q)),
          // Laid out in a turned frame: its coordinates are not the page's.
        ).map(({ box: _turned, ...e }) => e),
      ),
  ];
}

const quarterOf = (r: TextRun) => ((Math.round((r.angle ?? 0) / 90) % 4) + 4) % 4;

/**
 * Across the page, where the glyphs of a run set at 90 or 270 degrees lie: its origin is on its
 * baseline, and the glyphs rise to the left of it when it is turned anticlockwise, to the right when clockwise.
 */
export function sidewaysGlyphsX(r: TextRun): [number, number] {
  return quarterOf(r) === 1 ? [r.x - 0.82 * r.size, r.x + 0.23 * r.size] : [r.x - 0.23 * r.size, r.x + 0.82 * r.size];
}

/** A run set at 90 or 270 degrees as an upright fragment covering its glyphs, so a ruled grid can place it in the cell it stands in. */
function sidewaysFragment(r: TextRun): Fragment {
  const [x0, x1] = sidewaysGlyphsX(r);
  const middle = quarterOf(r) === 1 ? r.y + r.width / 2 : r.y - r.width / 2;
  const text = r.str.trim();
  return {
    y: middle - 0.3 * r.size,
    size: r.size,
    seg: { x0, x1, text, size: r.size, pieces: [{ x0, x1, text, size: r.size, sideways: true }] },
  };
}

/** Runs by their direction in quarter turns, each in the frame where it reads left to right. */
function byQuarter(runs: TextRun[]): Map<number, TextRun[]> {
  const groups = new Map<number, TextRun[]>();
  for (const r of runs) {
    const quarter = quarterOf(r);
    const list = groups.get(quarter) ?? [];
    list.push(quarter === 0 ? r : toTextFrame(r, quarter));
    groups.set(quarter, list);
  }
  return groups;
}

/** Whether a page may hold a table (three or more lines of separate cells, in any direction), so its rulings are worth reading. */
export function mayHoldTable(runs: TextRun[]): boolean {
  for (const group of byQuarter(runs).values()) {
    let multi = 0;
    for (const l of toLines(group)) if (l.segments.length >= 2 && ++multi >= 3) return true;
  }
  return false;
}

/** A rule in the frame of text turned by quarter * 90 degrees (the same turn as `toTextFrame`). */
function ruleInTextFrame(r: Rule, quarter: number): Rule {
  const a = toTextFrame({ str: '', x: r.x0, y: r.y0, width: 0, size: 0 }, quarter);
  const b = toTextFrame({ str: '', x: r.x1, y: r.y1, width: 0, size: 0 }, quarter);
  return { x0: Math.min(a.x, b.x), y0: Math.min(a.y, b.y), x1: Math.max(a.x, b.x), y1: Math.max(a.y, b.y) };
}

/** A run rotated by quarter * 90 degrees, in coordinates where its text reads left to right. */
function toTextFrame(r: TextRun, quarter: number): TextRun {
  const t = (quarter * Math.PI) / 2;
  const cos = Math.round(Math.cos(t));
  const sin = Math.round(Math.sin(t));
  return { ...r, x: r.x * cos + r.y * sin, y: -r.x * sin + r.y * cos, angle: 0 };
}

function layoutUpright(
  runs: TextRun[],
  page: number,
  rules: Rule[],
  sideways: TextRun[] = [],
  claimed = new Set<TextRun>(),
  bodySize?: number,
): Element[] {
  const lines = toLines(runs);
  if (lines.length === 0) return [];
  const body = medianSize(lines);
  const headingBody = Math.max(body, bodySize ?? 0);
  let frags: Fragment[] = [];
  for (const l of lines) for (const seg of l.segments) frags.push({ y: l.y, size: seg.size, seg });
  const sidewaysOf = new Map(
    sideways.filter((r) => r.str.trim()).map((r) => [sidewaysFragment(r), r] as [Fragment, TextRun]),
  );
  // Ruled grids become tables, each in one place of the reading order; other ruled regions (a page
  // frame, a call-out box) stay in the flow.
  const zones = ruledZones(rules, frags, page, [...sidewaysOf.keys()]);
  for (const z of zones) for (const f of z.frags) if (sidewaysOf.has(f)) claimed.add(sidewaysOf.get(f)!);
  for (const z of zones) {
    const mine = new Set(z.frags);
    frags = frags.filter((f) => !mine.has(f));
  }
  frags.push(...zones.map((z) => z.marker));
  const out: Element[] = [];
  for (const block of xyCut(frags, body)) {
    const markers = block.filter((f) => f.zone);
    let rest = block.filter((f) => !f.zone);
    for (const m of markers.sort((a, b) => top(b) - top(a))) {
      const above = rest.filter((f) => top(f) > top(m));
      if (above.length) out.push(...layoutBlock(regroup(above), page, headingBody));
      rest = rest.filter((f) => top(f) <= top(m));
      const z = m.zone!;
      out.push({ ...z.table, box: [z.x0, z.y0, z.x1, z.y1] });
    }
    if (rest.length) out.push(...layoutBlock(regroup(rest), page, headingBody));
  }
  return out;
}

interface Zone {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Distinct x of the vertical rules inside, and y of the horizontal ones. */
  xs: number[];
  ys: number[];
  frags: Fragment[];
  table: Element;
  /** Stands for the zone in the XY-cut. */
  marker: Fragment;
}

const TOL = 2;

/**
 * Ruled grids that hold a table: connected sets of horizontal and vertical strokes whose rules
 * make rows and columns of text.
 */
function ruledZones(rules: Rule[], frags: Fragment[], page: number, sideways: Fragment[] = []): Zone[] {
  const h = rules.filter((r) => r.y1 - r.y0 <= 1.5 && r.x1 - r.x0 >= 6);
  const v = rules.filter((r) => r.x1 - r.x0 <= 1.5 && r.y1 - r.y0 >= 6);
  if (!h.length || h.length + v.length > 20000) return [];
  const all = [...h, ...v];
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const touch = (a: Rule, b: Rule) =>
    a.x0 <= b.x1 + TOL && b.x0 <= a.x1 + TOL && a.y0 <= b.y1 + TOL && b.y0 <= a.y1 + TOL;
  // Sorted by x0, a rule can only touch the ones that start before it ends.
  const order = all.map((_, i) => i).sort((a, b) => all[a].x0 - all[b].x0);
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length && all[order[j]].x0 <= all[order[i]].x1 + TOL; j++) {
      if (touch(all[order[i]], all[order[j]])) parent[find(order[i])] = find(order[j]);
    }
  }
  const groups = new Map<number, Rule[]>();
  all.forEach((r, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), r]));
  const boxes = [...groups.values()]
    .filter((g) => g.some((r) => r.y1 - r.y0 <= 1.5) && g.some((r) => r.x1 - r.x0 <= 1.5))
    .map((g) => ({
      x0: Math.min(...g.map((r) => r.x0)),
      y0: Math.min(...g.map((r) => r.y0)),
      x1: Math.max(...g.map((r) => r.x1)),
      y1: Math.max(...g.map((r) => r.y1)),
    }))
    .filter((b) => b.x1 - b.x0 >= 30 && b.y1 - b.y0 >= 12);
  const inside = (b: { x0: number; y0: number; x1: number; y1: number }, x: number, y: number) =>
    x >= b.x0 - TOL && x <= b.x1 + TOL && y >= b.y0 - TOL && y <= b.y1 + TOL;
  const zones: Zone[] = [];
  // The fragments the zones found so far hold.
  const claimed = new Set<Fragment>();
  // Largest first: a table's outer border wins over its cells; a region that is no table (a page
  // frame, a call-out box) leaves the ones inside it to be tried.
  for (const b of boxes.sort((p, q) => (q.x1 - q.x0) * (q.y1 - q.y0) - (p.x1 - p.x0) * (p.y1 - p.y0))) {
    if (zones.some((z) => inside(z, b.x0, b.y0) && inside(z, b.x1, b.y1))) continue;
    const freeInside = (f: Fragment) => inside(b, (f.seg.x0 + f.seg.x1) / 2, f.y + 0.3 * f.size) && !claimed.has(f);
    const mine = frags.filter(freeInside);
    if (!mine.length) continue;
    // Sideways text in a grid of upright text (headers set vertically over narrow columns) is read in its cell; a grid of mostly sideways text is a table turned, read in its own frame.
    const turned = sideways.filter(freeInside);
    if (turned.length <= mine.length) mine.push(...turned);
    const within = (r: Rule) => r.x0 >= b.x0 - TOL && r.x1 <= b.x1 + TOL && r.y0 >= b.y0 - TOL && r.y1 <= b.y1 + TOL;
    // Around other ruled regions (a page frame, a box around a table), only rules that run through
    // most of the region separate its columns: the frame's sides do, the borders inside it do not.
    const frame = boxes.some((o) => o !== b && inside(b, o.x0, o.y0) && inside(b, o.x1, o.y1));
    // The region's own edges bound its outer columns, ruled or not (an open-sided table rules only between column groups).
    const xs = distinct([b.x0, b.x1, ...v.filter(within).map((r) => (r.x0 + r.x1) / 2)]).filter(
      (x) =>
        !frame ||
        x <= b.x0 + TOL ||
        x >= b.x1 - TOL ||
        covered(v.filter((r) => within(r) && Math.abs((r.x0 + r.x1) / 2 - x) <= TOL)) >= 0.5 * (b.y1 - b.y0),
    );
    const ys = distinct(h.filter(within).map((r) => (r.y0 + r.y1) / 2));
    const hWithin = h.filter(within);
    const ruledAcross = (y: number, x: number) =>
      hWithin.some((r) => Math.abs((r.y0 + r.y1) / 2 - y) <= TOL && r.x0 <= x + TOL && r.x1 >= x - TOL);
    const own = new Set(mine);
    const labels = rowLabels(
      b,
      ys,
      mine,
      frags.filter((f) => f.seg.x1 <= b.x0 + TOL && !claimed.has(f) && !own.has(f)),
    );
    const box = labels.length ? { ...b, x0: Math.min(...labels.map((f) => f.seg.x0)) - 1 } : b;
    const cols = labels.length ? [box.x0, ...xs] : xs;
    mine.push(...labels);
    const table = gridTable(regroup(mine), cols, ys, page, ruledAcross);
    if (!table) continue;
    zones.push(zoneOf(box, cols, ys, mine, table));
    for (const f of mine) claimed.add(f);
  }
  const rows = ruledRowZones(h, frags, claimed, zones, page);
  return [...zones.filter((z) => !rows.absorbed.has(z)), ...rows.zones];
}

/**
 * Row labels set unruled left of a ruled grid (a township before each row of votes): short names,
 * one beside each of most rows, and nothing else beside the grid (a column of prose is no labels).
 */
function rowLabels(
  b: { x0: number; y0: number; y1: number },
  ys: number[],
  cells: Fragment[],
  free: Fragment[],
): Fragment[] {
  const middle = (f: Fragment) => f.y + 0.3 * f.size;
  const bandOfFrag = (f: Fragment) => bandOf(ys, middle(f));
  const beside = free.filter((f) => f.seg.x1 <= b.x0 + TOL && middle(f) > b.y0 && middle(f) < b.y1);
  // Lines of a sentence run on (lower case after the first, a stop at its end); labels are names.
  const prose = (t: string) => t.length > 40 || t.split(' ').length > 5 || /^\p{Ll}/u.test(t) || /[.,;:]$/.test(t);
  if (beside.length < 3 || beside.some((f) => prose(f.seg.text))) return [];
  const bands = new Set(beside.map(bandOfFrag));
  // Of the rows from the first label to the last, most have one.
  const [first, last] = [Math.min(...bands), Math.max(...bands)];
  const rows = new Set(cells.map(bandOfFrag).filter((k) => k >= first && k <= last));
  return bands.size === beside.length && bands.size >= 0.8 * rows.size ? beside : [];
}

/**
 * Tables ruled between rows only: three or more horizontal rules of the same extent, whose bands
 * hold one row each (a line or two, never paragraphs), with columns found from the text. The grids
 * of some of its rows ruled into columns too are absorbed into it.
 */
function ruledRowZones(
  h: Rule[],
  all: Fragment[],
  claimed: Set<Fragment>,
  grids: Zone[],
  page: number,
): { zones: Zone[]; absorbed: Set<Zone> } {
  const absorbed = new Set<Zone>();
  const frags = all.filter((f) => !claimed.has(f));
  // Collinear pieces of one rule (cell by cell) joined first.
  const joined: Rule[] = [];
  for (const r of [...h].sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0)) {
    const last = joined.find((j) => Math.abs(j.y0 - r.y0) <= TOL && r.x0 <= j.x1 + TOL && j.x0 <= r.x1 + TOL);
    if (last) {
      last.x0 = Math.min(last.x0, r.x0);
      last.x1 = Math.max(last.x1, r.x1);
    } else joined.push({ ...r });
  }
  const stacks: Rule[][] = [];
  for (const r of joined) {
    const stack = stacks.find((st) => Math.abs(st[0].x0 - r.x0) <= 3 && Math.abs(st[0].x1 - r.x1) <= 3);
    if (stack) stack.push(r);
    else stacks.push([r]);
  }
  const zones: Zone[] = [];
  for (const st of stacks) {
    const ys = distinct(st.map((r) => (r.y0 + r.y1) / 2));
    if (ys.length < 3) continue;
    const b = {
      x0: Math.min(...st.map((r) => r.x0)),
      y0: ys[0],
      x1: Math.max(...st.map((r) => r.x1)),
      y1: ys[ys.length - 1],
    };
    const within = (f: Fragment) => {
      const x = (f.seg.x0 + f.seg.x1) / 2;
      const y = f.y + 0.3 * f.size;
      return x >= b.x0 - TOL && x <= b.x1 + TOL && y >= b.y0 && y <= b.y1;
    };
    // Rows ruled into columns between rows that are not (shaded rows whose cells are parted by white rules):
    // all one table, in the columns those rows rule, however many lines a row holds.
    const striped = grids.filter(
      (z) => Math.abs(z.x0 - b.x0) <= 3 && Math.abs(z.x1 - b.x1) <= 3 && z.y0 >= b.y0 - TOL && z.y1 <= b.y1 + TOL,
    );
    const stripeXs =
      striped.length >= 2 &&
      striped[0].xs.length >= 3 &&
      striped.every(
        (z) => z.xs.length === striped[0].xs.length && z.xs.every((x, i) => Math.abs(x - striped[0].xs[i]) <= 3),
      )
        ? striped[0].xs
        : null;
    if (stripeXs) {
      const own = new Set(striped.flatMap((z) => z.frags));
      const cells = all.filter((f) => within(f) && (!claimed.has(f) || own.has(f)));
      const table = gridTable(regroup(cells), stripeXs, ys, page, undefined, true);
      if (table) {
        zones.push(zoneOf(b, stripeXs, ys, cells, table));
        for (const z of striped) absorbed.add(z);
        continue;
      }
    }
    const mine = frags.filter(within);
    // The header row usually sits above the top rule: a line of two cells or more within one row's height.
    const rowHeight = (b.y1 - b.y0) / (ys.length - 1);
    const above = regroup(
      frags.filter((f) => {
        const x = (f.seg.x0 + f.seg.x1) / 2;
        const y = f.y + 0.3 * f.size;
        return x >= b.x0 - TOL && x <= b.x1 + TOL && y > b.y1 && y <= b.y1 + 1.2 * rowHeight;
      }),
    );
    const header = above.length ? above[above.length - 1] : null;
    if (header && header.segments.length >= 2)
      mine.push(...frags.filter((f) => f.y === header.y && header.segments.includes(f.seg)));
    const lines = regroup(mine);
    const bands = new Set(lines.map((l) => bandOf(ys, l.y)));
    if (bands.size < 2) continue;
    const cols = columnsOf(lines);
    if (cols.length < 2) continue;
    // Bands of a line or two are rows; taller bands (groups of rows, as in booktabs tables) only
    // when three columns or more run through them, most lines hold several cells and the cells are
    // short: columns of prose between a page's rules hold long lines in long bands.
    const segs = lines.flatMap((l) => l.segments.map((x) => x.text.length)).sort((a, b) => a - b);
    const grouped =
      cols.length >= 3 &&
      lines.length <= 12 * bands.size &&
      segs[Math.floor(segs.length / 2)] <= 40 &&
      lines.filter((l) => l.segments.length >= 2).length >= 0.5 * lines.length;
    if (lines.length > 3 * bands.size && !grouped && !valueRows(lines, cols, ys)) continue;
    const xs = [b.x0, ...cols.slice(1).map(([a], i) => (cols[i][1] + a) / 2), b.x1];
    const table = gridTable(lines, xs, ys, page);
    if (table) zones.push(zoneOf(b, xs, ys, mine, table));
  }
  return { zones, absorbed };
}

/**
 * Rows ruled apart whose first cell wraps over several lines beside short values (ticks, doses,
 * dates) in the other columns: every band holds text in two columns or more and six lines at
 * most. Prose between rules fills its columns with long lines instead.
 */
function valueRows(lines: Line[], cols: Array<[number, number]>, ys: number[]): boolean {
  const bands = new Map<number, { lines: number; cols: Set<number> }>();
  const values: number[] = [];
  for (const l of lines) {
    const key = bandOf(ys, l.y);
    const band = bands.get(key) ?? { lines: 0, cols: new Set<number>() };
    band.lines++;
    for (const s of l.segments) {
      const c = columnIndex(cols, (s.x0 + s.x1) / 2);
      band.cols.add(c);
      if (c > 0) values.push(s.text.length);
    }
    bands.set(key, band);
  }
  values.sort((a, b) => a - b);
  return (
    values.length > 0 &&
    values[Math.floor(values.length / 2)] <= MAX_VALUE_CHARS &&
    [...bands.values()].every((b) => b.lines <= 6 && b.cols.size >= 2)
  );
}

/** Characters of the median cell beside a wrapped first column for the rows to be read as values. */
const MAX_VALUE_CHARS = 20;

/** The band of a ruled region that y lies in: how many of its horizontal rules lie above it. */
function bandOf(ys: number[], y: number): number {
  return ys.filter((ry) => ry > y).length;
}

/** A ruled zone with its stand-in fragment for the XY-cut, as tall and wide as the zone. */
function zoneOf(
  b: { x0: number; y0: number; x1: number; y1: number },
  xs: number[],
  ys: number[],
  frags: Fragment[],
  table: Element,
): Zone {
  const size = (b.y1 - b.y0) / 1.05;
  const marker: Fragment = { y: b.y0 + 0.25 * size, size, seg: { x0: b.x0, x1: b.x1, text: '', size, pieces: [] } };
  const zone: Zone = { ...b, xs, ys, frags, table, marker };
  marker.zone = zone;
  return zone;
}

/** Length of the union of vertical rules along y. */
function covered(rules: Rule[]): number {
  let total = 0;
  let end = -Infinity;
  for (const r of [...rules].sort((a, b) => a.y0 - b.y0)) {
    if (r.y1 <= end) continue;
    total += r.y1 - Math.max(r.y0, end);
    end = r.y1;
  }
  return total;
}

/** Sorted values with those within TOL of each other merged. */
function distinct(values: number[]): number[] {
  const out: number[] = [];
  for (const x of values.sort((a, b) => a - b)) if (!out.length || x - out[out.length - 1] > TOL) out.push(x);
  return out;
}

/**
 * The lines of a ruled region as a table, when its rules make at least two rows and two columns
 * that hold text (rows are the bands between horizontal rules; inside a band, a line that fills two
 * cells or more from the row's first one starts a new row), else null.
 */
function gridTable(
  lines: Line[],
  xs: number[],
  ys: number[],
  page: number,
  ruledAcross?: (y: number, x: number) => boolean,
  rowPerBand = false,
): Element | null {
  const cols: Array<[number, number]> = [];
  // Only a region its rules already part into columns is split further; a box ruled at its sides alone may frame prose.
  for (let i = 0; i + 1 < xs.length; i++)
    cols.push(...(xs.length >= 3 ? subColumns(lines, xs[i], xs[i + 1]) : [[xs[i], xs[i + 1]] as [number, number]]));
  if (cols.length < 2 || ys.length < 2) return null;
  const rows: string[][][] = [];
  const rowBands: number[] = [];
  // Sideways text (headers set vertically) makes one row of its band, after the band's upright lines.
  const turned = new Map<number, string[][]>();
  let lastBand = -1;
  for (const l of lines) {
    const cells = cols.map(() => [] as string[]);
    const band = bandOf(ys, l.y);
    for (const seg of l.segments) {
      let prev: { piece: Piece; col: number } | null = null;
      for (const p of seg.pieces) {
        const col = columnIndex(cols, (p.x0 + p.x1) / 2);
        const cell = cells[col];
        // Runs that touch are one word ("2. p" + "ersons"): joined as the segment joined them, without a space.
        const touches =
          prev !== null &&
          !prev.piece.sideways &&
          prev.col === col &&
          cell.length > 0 &&
          p.x0 - prev.piece.x1 <= WORD_SPACE * p.size;
        prev = { piece: p, col };
        if (!p.sideways && touches) cell[cell.length - 1] += p.text.trim();
        else if (!p.sideways) cell.push(p.text.trim());
        else {
          if (!turned.has(band))
            turned.set(
              band,
              cols.map(() => []),
            );
          turned.get(band)![col].push(p.text.trim());
        }
      }
    }
    if (!cells.some((c) => c.length)) continue;
    const first = cells.findIndex((c) => c.some(Boolean));
    const cur = rows[rows.length - 1];
    const filled = cells.filter((c) => c.some(Boolean)).length;
    // A line that fills two or more cells, starting where the row started, is a row of its own; other lines wrap,
    // and so does a line whose first cell is a parenthesis alone: the name above it goes on ("Varicella" / "(VAR)").
    if (
      !cur ||
      band !== lastBand ||
      (!rowPerBand &&
        filled >= 2 &&
        cur[first]?.some(Boolean) &&
        first === cur.findIndex((c) => c.some(Boolean)) &&
        !PARENTHESIS.test(cells[first].join(' ')))
    ) {
      rows.push(cells);
      rowBands.push(band);
    } else cells.forEach((c, i) => cur[i].push(...c));
    lastBand = band;
  }
  for (const band of [...turned.keys()].sort((a, b) => b - a)) {
    const at = rowBands.filter((b) => b <= band).length;
    rows.splice(at, 0, turned.get(band)!);
    rowBands.splice(at, 0, band);
  }
  const text = rows.map((r) => r.map((c) => c.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim()));
  if (ruledAcross)
    fillSpans(
      text,
      rowBands,
      cols,
      [...ys].sort((a, b) => b - a),
      ruledAcross,
    );
  const used = cols.map((_, i) => text.some((r) => r[i]));
  const kept = text
    .map((r, i) => ({ cells: r.filter((_, c) => used[c]), band: rowBands[i] }))
    .filter((r) => r.cells.some(Boolean));
  const table = kept.map((r) => r.cells);
  // Rows of two cells or more: a box set beside a paragraph (a "left blank" panel) has one at most.
  const fullRows = table.filter((r) => r.filter(Boolean).length >= 2).length;
  // Header lines between the same rules are one header typeset over several lines; rules part header rows of their own (a group over its columns).
  const firstBand = kept.findIndex((r) => r.band !== kept[0]?.band);
  return table.length >= 2 && fullRows >= 2 && used.filter(Boolean).length >= 2
    ? tableFromRows(mergeHeaderLines(table, firstBand < 0 ? table.length : firstBand), page)
    : null;
}

const PARENTHESIS = /^\([^()]*\)$/;

/**
 * Cells spanning rows: where no rule parts two bands in a column, the bands are one cell of that
 * column, and its text (the one non-empty cell among them) is given to every row it spans, so
 * each row reads whole ("Sacramento" beside each of its four plans).
 */
function fillSpans(
  text: string[][],
  rowBands: number[],
  cols: Array<[number, number]>,
  rulesDown: number[],
  ruledAcross: (y: number, x: number) => boolean,
): void {
  cols.forEach(([a, b], c) => {
    // A column no rule crosses (row labels set beside the grid) has no ruled cells to span.
    if (!rulesDown.some((y) => ruledAcross(y, (a + b) / 2))) return;
    let start = 0;
    for (let i = 1; i <= text.length; i++) {
      // Band k and the next are parted by the k-th rule from the top.
      const joined =
        i < text.length && rowBands[i] - rowBands[i - 1] === 1 && !ruledAcross(rulesDown[rowBands[i - 1]], (a + b) / 2);
      const sameBand = i < text.length && rowBands[i] === rowBands[i - 1];
      if (joined || sameBand) continue;
      const run = text.slice(start, i);
      const values = run.map((r) => r[c]).filter(Boolean);
      // Only rows that each fill a band of their own (rows ruled apart in the other columns); lines of prose between rules are no rows.
      if (run.length > 1 && values.length === 1 && new Set(rowBands.slice(start, i)).size === run.length)
        for (const r of run) r[c] = values[0];
      start = i;
    }
  });
}

/**
 * The columns inside one ruled column: rules may part only groups of columns (Total | Male |
 * Female, each of three unruled columns), so a ruled column is split at its own white rivers
 * where its text alone would make a table (short or numeric cells in most rows).
 */
function subColumns(lines: Line[], x0: number, x1: number): Array<[number, number]> {
  // Runs set apart inside the column are its cells here (the segments of a tightly set table join them).
  const inside = lines
    .map((l) => ({
      ...l,
      segments: l.segments
        .flatMap((seg) => seg.pieces)
        .filter((p) => (p.x0 + p.x1) / 2 >= x0 && (p.x0 + p.x1) / 2 <= x1)
        .map((p) => ({ x0: p.x0, x1: p.x1, text: p.text.trim(), size: l.size, pieces: [p] })),
    }))
    .filter((l) => l.segments.length);
  const multi = inside.filter((l) => l.segments.length >= 2).length;
  if (multi < 3 || multi < 0.5 * inside.length) return [[x0, x1]];
  const found = columnsOf(inside);
  if (found.length < 2 || !isTable(inside, found)) return [[x0, x1]];
  const bounds = [x0, ...found.slice(1).map(([a], i) => (found[i][1] + a) / 2), x1];
  return bounds.slice(1).map((b, i) => [bounds[i], b] as [number, number]);
}

/** One line fragment: a segment with the baseline of its line. */
interface Fragment {
  y: number;
  size: number;
  seg: Segment;
  /** Set on the stand-in of a ruled zone. */
  zone?: Zone;
}

const top = (f: Fragment) => f.y + 0.8 * f.size;
const bottom = (f: Fragment) => f.y - 0.25 * f.size;

/** Blocks of fragments in reading order. Iterative, so a page of thousands of lines cannot overflow the stack. */
function xyCut(frags: Fragment[], body: number): Fragment[][] {
  const out: Fragment[][] = [];
  const stack: Fragment[][] = [frags];
  while (stack.length) {
    const region = stack.pop()!;
    const parts = cutColumns(region, body) ?? cutRows(region, body);
    if (!parts) {
      out.push(region);
      continue;
    }
    // Reversed onto the stack so the first part is taken next.
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
  }
  return out;
}

/** Splits at white gutters through the whole region (at least one em wide), or null. */
function cutColumns(region: Fragment[], body: number): Fragment[][] | null {
  if (region.length < 2) return null;
  const minGutter = Math.max(3, 0.9 * body);
  const parts = splitAtGutters(region, minGutter) ?? splitAtBridgedGutter(region, minGutter);
  if (!parts) return null;
  // Cells of a table share gutters too: a region whose parts line up row by row stays whole, for
  // the table test (a small group of three columns or more, two rows of a field dictionary, on two rows).
  const { aligned, rows } = alignedRows(parts);
  if (aligned >= (parts.length >= 3 && rows <= 4 ? 2 : 3) && shortCells(region)) return null;
  return parts;
}

/** The region's fragments in columns parted by white gutters at least `minGutter` wide, or null when there is none. */
function splitAtGutters(region: Fragment[], minGutter: number): Fragment[][] | null {
  const sorted = [...region].sort((a, b) => a.seg.x0 - b.seg.x0);
  const parts: Fragment[][] = [[sorted[0]]];
  let reach = sorted[0].seg.x1;
  for (let i = 1; i < sorted.length; i++) {
    const f = sorted[i];
    if (f.seg.x0 - reach >= minGutter) parts.push([f]);
    else parts[parts.length - 1].push(f);
    reach = Math.max(reach, f.seg.x1);
  }
  return parts.length < 2 ? null : parts;
}

/** Rows a region needs before a gutter a fragment or two bridge is believed: on fewer, word spaces can line up. */
const BRIDGED_GUTTER_ROWS = 8;

/**
 * Columns parted by a gutter that no run crosses but a line or two bridge: the last word of a
 * paragraph set one word space from the next column's text joins that line's two fragments (a
 * Federal Register page, gutters of 0.7 em). Only on a region of many rows, where at most one
 * fragment in twenty bridges the gutter; those are parted at it.
 */
function splitAtBridgedGutter(region: Fragment[], minGutter: number): Fragment[][] | null {
  const rows = new Set(region.map((f) => Math.round(f.y))).size;
  if (rows < BRIDGED_GUTTER_ROWS) return null;
  const pieces = region.flatMap((f) => f.seg.pieces).sort((a, b) => a.x0 - b.x0);
  if (!pieces.length) return null;
  let reach = pieces[0].x1;
  for (const p of pieces.slice(1)) {
    if (p.x0 - reach >= minGutter) {
      const at = (reach + p.x0) / 2;
      const bridging = region.filter((f) => f.seg.x0 < at && f.seg.x1 > at);
      const parts = (f: Fragment) => f.seg.pieces.some((q) => q.x1 <= at) && f.seg.pieces.some((q) => q.x0 >= at);
      // A ruled zone's stand-in, or a line held together by a tab, is no bridge to part.
      if (bridging.length <= Math.max(1, 0.05 * rows) && bridging.every(parts))
        return splitAtGutters(
          region.flatMap((f) => (bridging.includes(f) ? partAt(f, at) : [f])),
          minGutter,
        );
    }
    reach = Math.max(reach, p.x1);
  }
  return null;
}

/** A fragment whose runs lie both sides of `x` as two, one each side. */
function partAt(f: Fragment, x: number): Fragment[] {
  const sides = [f.seg.pieces.filter((p) => p.x1 <= x), f.seg.pieces.filter((p) => p.x0 >= x)];
  return sides.map((pieces) => ({
    y: f.y,
    size: f.size,
    seg: {
      x0: pieces[0].x0,
      x1: Math.max(...pieces.map((p) => p.x1)),
      // As the segment was joined: a space where the runs stand apart, none inside a word.
      text: pieces
        .reduce((t, p, i) => t + (i && p.x0 - pieces[i - 1].x1 > WORD_SPACE * p.size ? ' ' : '') + p.text, '')
        .replace(/\s+/g, ' ')
        .trim(),
      size: Math.max(...pieces.map((p) => p.size)),
      pieces,
    },
  }));
}

/** Splits at the widest horizontal gap that is wider than line spacing, or null. */
function cutRows(region: Fragment[], body: number): Fragment[][] | null {
  if (region.length < 2) return null;
  const sorted = [...region].sort((a, b) => top(b) - top(a));
  let floor = bottom(sorted[0]);
  let best = -1;
  let bestGap = 0.7 * body;
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const gap = floor - top(sorted[i]);
    if (gap > 0) gaps.push(gap);
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
    floor = Math.min(floor, bottom(sorted[i]));
  }
  if (best < 0) return null;
  // Evenly spaced lines (the rows of a loosely set table) have no gap wider than their own spacing;
  // of a few lines, all gaps must be alike (one line wrapping inside a row makes a small one).
  gaps.sort((a, b) => a - b);
  const spacing = gaps.length >= 4 ? gaps[Math.floor(gaps.length / 2)] : gaps[0];
  if (gaps.length >= 2 && bestGap < 1.3 * spacing) return null;
  return [sorted.slice(0, best), sorted.slice(best)];
}

/** Rows (fragments whose baselines are within a third of their size) in which at least two of the parts have a fragment, and all rows. */
function alignedRows(parts: Fragment[][]): { aligned: number; rows: number } {
  const items = parts.flatMap((part, pi) => part.map((f) => ({ y: f.y, size: f.size, pi }))).sort((a, b) => a.y - b.y);
  let aligned = 0;
  let rows = 0;
  for (let i = 0; i < items.length;) {
    const first = items[i];
    const inRow = new Set<number>();
    for (; i < items.length && items[i].y - first.y <= 0.3 * Math.min(first.size, items[i].size); i++)
      inRow.add(items[i].pi);
    rows++;
    if (inRow.size >= 2) aligned++;
  }
  return { aligned, rows };
}

/** Table cells are short or numeric; prose lines are long. */
function shortCells(frags: Fragment[]): boolean {
  const lens = frags.map((f) => f.seg.text.length).sort((a, b) => a - b);
  const median = lens[Math.floor(lens.length / 2)] ?? 0;
  const numeric = frags.filter((f) => NUMERIC_CELL.test(f.seg.text)).length / Math.max(1, frags.length);
  return median <= 24 || numeric >= 0.3;
}

/** A cell that is a number, a percentage or a measure, optionally with an interval: "12", "<1%", "2.3 (1.2-4.6)". */
const NUMERIC_CELL = /^[<>≤≥~±+\-–(]*[$€£]?\s?\d[\d.,]*\s*(%|[a-zA-Z/]{0,6}|[$€£])?\)?(\s*[([][^)\]]{0,20}[)\]])?$/;

/** Fragments of one block back into lines, top to bottom. */
function regroup(block: Fragment[]): Line[] {
  const sorted = [...block].sort((a, b) => b.y - a.y || a.seg.x0 - b.seg.x0);
  return byBaseline(
    sorted,
    (f) => f.y,
    (f) => f.size,
  ).map((l) => ({ y: l.y, size: l.size, segments: l.items.map((f) => f.seg).sort((a, b) => a.x0 - b.x0) }));
}

/** `body`: the type size headings are told against. */
function layoutBlock(lines: Line[], page: number, body: number): Element[] {
  const out: Element[] = [];
  let i = 0;
  let pending: Line[] = [];
  const flush = () => {
    out.push(...paragraphs(pending, page, body));
    pending = [];
  };
  while (i < lines.length) {
    const region = multiSegmentRun(lines, i);
    if (region.length >= 3 && isContents(region)) {
      // A table of contents reads as its entries, each with its page number.
      for (const l of region) pending.push(l.segments.length < 2 ? l : { ...l, segments: [joinSegments(l.segments)] });
      i += region.length;
      continue;
    }
    if (region.length >= 2) {
      const cols = columnsOf(region);
      // Two rows are enough for a table of three columns or more (a group of a field dictionary).
      if (cols.length >= 2 && (region.length >= 3 || (cols.length >= 3 && isTable(region, cols)))) {
        flush();
        if (isTable(region, cols)) {
          out.push(tableElement(region, cols, page));
        } else {
          // Not a table: side-by-side text, read column by column.
          // Every segment goes to exactly one column (the nearest), so none is lost between them.
          const colOf = (seg: Segment) => columnIndex(cols, (seg.x0 + seg.x1) / 2);
          cols.forEach((_, ci) => {
            const col = region.map((l) => ({ ...l, segments: l.segments.filter((seg) => colOf(seg) === ci) }));
            out.push(
              ...paragraphs(
                col.filter((l) => l.segments.length),
                page,
                body,
              ),
            );
          });
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

/** Entries whose last cell is a page number that never decreases down the list: a table of contents, not a table. */
function isContents(region: Line[]): boolean {
  const multi = region.filter((l) => l.segments.length >= 2);
  if (multi.length < 0.8 * region.length || multi.some((l) => l.segments.length > 2)) return false;
  let last = 0;
  for (const l of multi) {
    const [entry, number] = l.segments;
    if (!/^\d{1,4}$/.test(number.text) || !/\p{L}{2}/u.test(entry.text) || Number(number.text) < last) return false;
    last = Number(number.text);
  }
  return true;
}

function joinSegments(segs: Segment[]): Segment {
  return {
    x0: segs[0].x0,
    x1: segs[segs.length - 1].x1,
    text: segs.map((x) => x.text).join(' '),
    size: Math.max(...segs.map((x) => x.size)),
    pieces: segs.flatMap((x) => x.pieces),
  };
}

/**
 * A candidate table must be justified: most of its rows have cells in two or more columns, and
 * its cells are short or numeric. Side-by-side prose (columns of long lines) never is one.
 */
function isTable(region: Line[], cols: Array<[number, number]>): boolean {
  const multiLines = region.filter((l) => l.segments.length >= 2);
  const multi = multiLines.length;
  // Group headings between the rows (a price list's sections) are single lines: rows that end in a number make up for them.
  const numericRows = multiLines.filter((l) => NUMERIC_CELL.test(l.segments[l.segments.length - 1].text)).length;
  const share = numericRows >= 0.8 * multi ? 0.45 : 0.6;
  if (multi < (cols.length >= 3 ? 2 : 3) || multi < share * region.length) return false;
  const frags = region.flatMap((l) => l.segments.map((seg) => ({ y: l.y, size: l.size, seg })));
  if (!shortCells(frags)) {
    // Wide description columns are fine when at least two other columns are short (a field dictionary).
    if (cols.length < 3) return false;
    const shortCols = cols.filter(([a, b]) => {
      const inCol = frags.filter((f) => (f.seg.x0 + f.seg.x1) / 2 >= a - 1 && (f.seg.x0 + f.seg.x1) / 2 <= b + 1);
      return inCol.length > 0 && shortCells(inCol);
    }).length;
    if (shortCols < 2) return false;
  }
  return true;
}

function toLines(runs: TextRun[]): Line[] {
  // White-space runs stay: a tab (a table of contents' leader) says what it separates belongs together.
  const items = runs
    .filter((r) => r.str.trim().length > 0 || (r.str.length > 0 && r.width > 0))
    .sort((a, b) => b.y - a.y || a.x - b.x);
  return byBaseline(
    items,
    (r) => r.y,
    (r) => r.size,
  ).map((l) => ({ y: l.y, size: l.size, segments: toSegments(l.items.sort((a, b) => a.x - b.x)) }));
}

/**
 * Items (sorted top to bottom) into lines: an item joins the line above it when its baseline is
 * within 0.45 of the larger font size of the two.
 */
function byBaseline<T>(
  sorted: T[],
  y: (t: T) => number,
  size: (t: T) => number,
): Array<{ y: number; size: number; items: T[] }> {
  const lines: Array<{ y: number; size: number; items: T[] }> = [];
  for (const t of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - y(t)) <= 0.45 * Math.max(last.size, size(t))) {
      last.items.push(t);
      last.size = Math.max(last.size, size(t));
    } else {
      lines.push({ y: y(t), size: size(t), items: [t] });
    }
  }
  return lines;
}

const LIST_MARKER = /^\s*([•●○◦▪■–*]|\(?\d{1,3}[.)]|\[\d{1,3}\])\s*$/;
const PAGE_NUMBER = /^(\d{1,4}|[ivxlcdm]{1,6})$/i;

/** Ems of white space between two runs that make a word space (less: the runs are one word, kerned apart). */
const WORD_SPACE = 0.15;

function toSegments(runs: TextRun[]): Segment[] {
  const segs: Segment[] = [];
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i];
    const last = segs[segs.length - 1];
    const gap = last ? r.x - last.x1 : Infinity;
    if (!r.str.trim()) {
      // A tab the PDF itself typesets before a line's closing page number (a table of contents
      // entry) joins the entry to its number; white space between table cells separates them.
      const next = runs[i + 1];
      if (
        last &&
        gap < 1.5 * Math.max(r.size, last.size) &&
        i + 2 === runs.length &&
        PAGE_NUMBER.test(next.str.trim())
      ) {
        last.x1 = Math.max(last.x1, r.x + r.width);
        last.text += ' ';
      }
      continue;
    }
    // Wider than ~1.5 em of white space separates cells or columns; a smaller gap is a word space,
    // unless it parts two long stretches of text: lines of two columns with a narrow gutter (~1.4 em).
    // The text after the gap is all of it up to the next wide gap: a justified line can come one run per word.
    const em = Math.max(r.size, last?.size ?? 0);
    const gutter =
      last !== undefined && gap >= em && last.text.length >= 25 && textUpToGap(runs, i, 1.5 * em).length >= 25;
    // A list marker set apart from its text (a hanging indent: "2.   Franco L, et al") belongs to it.
    const marker = last?.pieces.length === 1 && LIST_MARKER.test(last.text) && gap < 3 * em && /^\s*\p{L}/u.test(r.str);
    if (last && ((gap < 1.5 * em && !gutter) || marker)) {
      const space = gap > WORD_SPACE * r.size && !last.text.endsWith(' ') && !r.str.startsWith(' ') ? ' ' : '';
      last.text += space + r.str;
      last.x1 = Math.max(last.x1, r.x + r.width);
      last.pieces.push({ x0: r.x, x1: r.x + r.width, text: r.str, size: r.size });
    } else {
      segs.push({
        x0: r.x,
        x1: r.x + r.width,
        text: r.str,
        size: r.size,
        pieces: [{ x0: r.x, x1: r.x + r.width, text: r.str, size: r.size }],
      });
    }
  }
  for (const s of segs) s.text = s.text.replace(/\s+/g, ' ').trim();
  return segs.filter((s) => s.text.length > 0);
}

/** The text of `runs` from the `from`th on, up to the first gap of `maxGap` or more. */
function textUpToGap(runs: TextRun[], from: number, maxGap: number): string {
  let text = runs[from].str.trim();
  for (let i = from + 1; i < runs.length && runs[i].x - (runs[i - 1].x + runs[i - 1].width) < maxGap; i++)
    text += ` ${runs[i].str.trim()}`;
  return text;
}

/** How many letters and digits a text holds. */
export const alphanumerics = (text: string) => text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;

/** The item at the weighted median of `value` (each item counting `weight`), or undefined when none weighs anything. */
export function weightedMedian<T>(items: T[], value: (t: T) => number, weight: (t: T) => number): T | undefined {
  const sorted = items.filter((t) => weight(t) > 0).sort((a, b) => value(a) - value(b));
  const half = sorted.reduce((n, t) => n + weight(t), 0) / 2;
  let seen = 0;
  for (const t of sorted) if ((seen += weight(t)) >= half) return t;
  return sorted.at(-1);
}

/**
 * The type size most of a line's letters are set in, counted run by run: a line's `size` is its
 * largest glyph's (a bullet's, a word with a taller quote mark), and so is a segment's.
 */
function letterSize(l: Line): number {
  const pieces = l.segments.flatMap((s) => s.pieces);
  return (
    weightedMedian(
      pieces,
      (p) => p.size,
      (p) => alphanumerics(p.text),
    )?.size ?? l.size
  );
}

function medianSize(lines: Line[]): number {
  const sizes: number[] = [];
  for (const l of lines)
    for (const s of l.segments) for (let k = 0; k < Math.min(s.text.length, 200); k += 10) sizes.push(s.size);
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)] ?? 10;
}

/** Consecutive lines with two or more segments, allowing single-segment lines inside (wrapped cells, one line at the left edge). */
function multiSegmentRun(lines: Line[], start: number): Line[] {
  if (lines[start].segments.length < 2) return [];
  let end = start;
  let singles = 0;
  const left = lines[start].segments[0].x0;
  while (end + 1 < lines.length) {
    const next = lines[end + 1];
    const gap = lines[end].y - next.y;
    if (gap > 3 * Math.max(next.size, lines[end].size)) break;
    if (next.segments.length >= 2) {
      singles = 0;
    } else if (next.segments[0].x0 > left + 2 * next.size) {
      // A line that starts right of the first column: a wrapped cell, however many lines it takes.
    } else if (++singles > 1) {
      break;
    }
    end++;
  }
  while (end > start && lines[end].segments.length < 2 && lines[end].segments[0].x0 <= left + 2 * lines[end].size)
    end--;
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
    for (const s of line.segments)
      for (const p of s.pieces)
        row.fill(1, Math.max(0, Math.floor(p.x0) - minX), Math.min(width, Math.ceil(p.x1) - minX));
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
  const spans = region
    .flatMap((l) => l.segments.map((s) => [s.x0, s.x1] as [number, number]))
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of spans) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 2) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

function tableElement(region: Line[], cols: Array<[number, number]>, page: number): Element {
  const rows = region.map((l) => {
    const cells = cols.map(() => [] as string[]);
    for (const s of l.segments) {
      for (const p of s.pieces) {
        cells[columnIndex(cols, (p.x0 + p.x1) / 2)].push(p.text.trim());
      }
    }
    return cells.map((c) => c.filter(Boolean).join(' ').replace(/\s+/g, ' ').trim());
  });
  return { ...tableFromRows(mergeHeaderLines(joinWrappedCells(rows)), page), box: linesBox(region) };
}

/** The region lines cover: their segments across, their baselines less a descent up to their type size. */
function linesBox(lines: Line[]): Box | undefined {
  return unionBox(
    lines.flatMap((l) => l.segments.map((s): Box => [s.x0, l.y - 0.25 * l.size, s.x1, l.y + 0.9 * l.size])),
  );
}

/**
 * A cell that wraps: a line holding text only in one column after the first, under a row that
 * fills that column and at least one other, where that row's text in it runs on (no sentence end),
 * is the rest of that cell. A line with text in the first column only is a group heading, kept.
 */
export function joinWrappedCells(rows: string[][]): string[][] {
  const out: string[][] = [];
  for (const r of rows) {
    const prev = out[out.length - 1];
    const filled = r.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
    const c = filled[0];
    if (
      prev &&
      filled.length === 1 &&
      c > 0 &&
      prev[c] &&
      prev.filter(Boolean).length >= 2 &&
      !/[.:;!?)]$/.test(prev[c]) &&
      /^[\p{Ll}(\d]/u.test(r[c])
    ) {
      prev[c] = `${prev[c]} ${r[c]}`;
    } else out.push([...r]);
  }
  return out;
}

/**
 * A header typeset over several lines ("Awareness of" / "PrEP" / "no. (%)") becomes one header
 * row: the leading rows of a table of numbers that hold no number and fill two or more cells.
 */
export function mergeHeaderLines(rows: string[][], maxDepth = 4): string[][] {
  const isHeaderLine = (r: string[]) => r.filter(Boolean).length >= 2 && !r.some((c) => NUMERIC_CELL.test(c));
  let depth = 0;
  while (depth < Math.min(4, maxDepth, rows.length - 1) && isHeaderLine(rows[depth])) depth++;
  if (depth < 2 || !rows.slice(depth).some((r) => r.some((c) => NUMERIC_CELL.test(c)))) return rows;
  const header = rows[0].map((_, i) =>
    rows
      .slice(0, depth)
      .map((r) => r[i] ?? '')
      .filter(Boolean)
      .join(' '),
  );
  return [header, ...rows.slice(depth)];
}

/** The column holding x, else the nearest one. */
function columnIndex(cols: Array<[number, number]>, x: number): number {
  const inside = cols.findIndex(([a, b]) => x >= a - 1 && x <= b + 1);
  return inside >= 0 ? inside : nearest(cols, x);
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

/** A sentence's end: a full stop, ? or !, a colon or semicolon, then closing quotes or brackets. */
const SENTENCE_END = /[.!?:;]["”’)\]]*$/;

function paragraphs(lines: Line[], page: number, body: number): Element[] {
  const out: Element[] = [];
  // Declared wide: assigned in the loop, read before that in the next line's turn.
  let cur = null as { kind: Element['kind']; lines: string[]; lastY: number; size: number; from: Line[] } | null;
  const push = () => {
    if (cur) {
      const text = cur.lines.join(' ').replace(/\s+/g, ' ').trim();
      // Several lines of large type are a lead paragraph, not a heading; a long title set far larger
      // than the body (an article's, on its first page) still is one.
      const lead = text.length > (cur.size >= 1.6 * body ? 300 : 200);
      const kind = cur.kind === 'title' && lead ? 'text' : cur.kind;
      const box = linesBox(cur.from);
      out.push(
        kind === 'title' ? { kind, text, page, size: Math.round(cur.size * 10) / 10, box } : { kind, text, page, box },
      );
    }
    cur = null;
  };
  for (const l of lines) {
    const text = l.segments.map((s) => s.text).join(' ');
    // A line that goes on with a sentence left open above it is no heading, however large its letters
    // measure (OCR'd lines: a line of tall glyphs and brackets reads a size larger than its neighbours').
    const above: string | undefined = cur?.kind === 'text' ? cur.lines[cur.lines.length - 1] : undefined;
    const goesOn = above !== undefined && /^\p{Ll}/u.test(text) && !SENTENCE_END.test(above);
    const heading = !goesOn && letterSize(l) >= body * 1.15 && text.length < 200;
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
      cur = {
        kind: heading ? 'title' : bullet ? 'list_item' : 'text',
        lines: [text],
        lastY: l.y,
        size: l.size,
        from: [l],
      };
    } else {
      cur!.from.push(l);
      const prev = cur!.lines[cur!.lines.length - 1];
      // Re-join words hyphenated across a line break; a hyphen beside a digit or a capital is the
      // word's own ("COVID-19", "9-ANM-Seattle"), kept with no space.
      if (/[a-z]-$/.test(prev) && /^[a-z]/.test(text)) cur!.lines[cur!.lines.length - 1] = prev.slice(0, -1) + text;
      else if (/[\p{L}\p{N}]-$/u.test(prev) && /^[\p{L}\p{N}]/u.test(text))
        cur!.lines[cur!.lines.length - 1] = prev + text;
      else cur!.lines.push(text);
      cur!.lastY = l.y;
    }
  }
  push();
  return out;
}

/**
 * A table element from rows of cell texts. The first row is the header, unless it holds measures (a
 * table without one), and so are the rows after it that hold names, not numbers, above a body of
 * numbers (a group header over its sub-headers: "Governor" over "Brian Calley | Jim Hines").
 */
export function tableFromRows(rows: string[][], page: number): Element {
  const numbers = (r: string[]) => r.some((c) => NUMERIC_CELL.test(c));
  // A first row of measures ("Mumps | 870 (8) | 12.5%") is data: the table has no header row (years and column numbers may head one).
  const measure = (c: string) => NUMERIC_CELL.test(c) && !/^(?:1[89]|20)\d\d$/.test(c) && !/^\d{1,2}$/.test(c);
  const values = rows[0].slice(1).filter(Boolean);
  const headless =
    values.length >= Math.min(2, rows[0].length - 1) && values.filter(measure).length >= (2 / 3) * values.length;
  let depth = headless ? 0 : 1;
  while (
    depth > 0 &&
    depth < Math.min(3, rows.length - 1) &&
    rows[depth].filter(Boolean).length >= 2 &&
    !looksLikeData(rows[depth]) &&
    rows.slice(depth + 1).some(numbers)
  )
    depth++;
  const line = (r: string[], tag: 'th' | 'td') =>
    '<tr>' + r.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('') + '</tr>';
  const html =
    '<table>' +
    (depth
      ? '<thead>' +
        rows
          .slice(0, depth)
          .map((r) => line(r, 'th'))
          .join('') +
        '</thead>'
      : '') +
    '<tbody>' +
    rows
      .slice(depth)
      .map((r) => line(r, 'td'))
      .join('') +
    '</tbody></table>';
  return { kind: 'table', text: rows.map((r) => r.join(' | ')).join('\n'), html, page, rows, headerRows: depth };
}

/**
 * A table continued keeps its header: a table right after another with as many columns, whose first
 * row reads as data where the other's reads as a header, is its continuation. On the same page the
 * two are one table; on the next page it gets the header back.
 */
export function continueTables(elements: Element[]): Element[] {
  const out: Element[] = [];
  for (const e of elements) {
    const prev = out[out.length - 1];
    const before = out[out.length - 2];
    // A group label between two parts of one table ("Class B" between two key/value blocks of the same columns) is a row of it.
    const grouped =
      e.kind === 'table' &&
      !!e.rows &&
      before?.kind === 'table' &&
      !!before.rows &&
      prev?.kind === 'text' &&
      before.page === e.page &&
      prev.page === e.page &&
      e.rows[0].length === before.rows[0].length &&
      looksLikeData(e.rows[0]) &&
      looksLikeData(before.rows[before.rows.length - 1]) &&
      isGroupLabel(prev.text);
    if (grouped) {
      out.splice(-2, 2, {
        ...tableFromRows([...before.rows!, [prev.text, ...before.rows![0].slice(1).map(() => '')], ...e.rows!], e.page),
        box: unionBox([before.box, prev.box, e.box]),
      });
      continue;
    }
    const continues =
      e.kind === 'table' &&
      prev?.kind === 'table' &&
      !!e.rows &&
      !!prev.rows &&
      (prev.page === e.page || prev.page === e.page - 1) &&
      e.rows[0].length === prev.rows[0].length &&
      looksLikeData(e.rows[0]) &&
      !looksLikeData(prev.rows[0]);
    // The next section of one list ("Les Rosés | 12,5 CL" after the whites), set apart by white space only: rows of the same table.
    const section =
      e.kind === 'table' &&
      prev?.kind === 'table' &&
      !!e.rows &&
      !!prev.rows &&
      prev.page === e.page &&
      e.rows[0].length === prev.rows[0].length &&
      [e.rows[0][0], prev.rows[0][0]].every((c) => /\p{L}/u.test(c) && isGroupLabel(c)) &&
      looksLikeData(e.rows[0]) === looksLikeData(prev.rows[0]);
    if (!continues && !section) out.push(e);
    else if (prev.page === e.page)
      out[out.length - 1] = { ...tableFromRows([...prev.rows!, ...e.rows!], e.page), box: unionBox([prev.box, e.box]) };
    else out.push({ ...tableFromRows([...prev.rows!.slice(0, prev.headerRows ?? 1), ...e.rows!], e.page), box: e.box });
  }
  return out;
}

/** A short label without a sentence end or a number of its own: "Class B", "Total for the Fund", not "Table 2 Results of the survey". */
const isGroupLabel = (text: string) => {
  // A footnote mark set after the label ("Investment result per unit 2") is not a number of its own.
  const label = text.replace(/\s\d$/, '');
  return (
    label.split(/\s+/).length <= 6 &&
    label.length <= 60 &&
    !/[.:;!?]$/.test(label) &&
    !/\d/.test(label) &&
    !/^(table|figure|fig\.?|source|note)\b/i.test(label)
  );
};

/**
 * A row of values, not of column names: a long cell, a number, a lone dash (none, zero, as
 * financial and clinical tables print it) or a sentence (names do not end in a full stop).
 */
const looksLikeData = (row: string[]) =>
  row.some(
    (c) => c.length > 40 || NUMERIC_CELL.test(c) || /^[-–—]$/.test(c) || (/\.$/.test(c) && c.split(' ').length >= 3),
  );

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
