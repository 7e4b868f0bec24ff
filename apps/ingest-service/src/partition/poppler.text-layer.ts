import { spawn, spawnSync } from 'node:child_process';
import { decodeXML } from 'entities';
import { alphanumerics, TextRun, weightedMedian, withoutC0 } from './page-layout';
import { LineDirection, lineDirection, resolveDirections, WordBox } from './word-direction';

/** One page of poppler's text layer: runs in PDF-like space (y grows upwards from the page's foot). */
export interface TextLayerPage {
  height: number;
  /** In the displayed page's frame (page rotation applied), measured up from `height`. */
  runs: TextRun[];
}

/** Why poppler gave no text layer: the caller reads the document with pdf.js instead. */
export interface TextLayerFailure {
  reason: string;
}

const PAGE = /<page width="[\d.]+" height="([\d.]+)">([\s\S]*?)<\/page>/g;
const LINE = /<line xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([\s\S]*?)<\/line>/g;
const WORD = /<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)<\/word>/g;

/**
 * The text layer of a PDF from poppler (`pdftotext -bbox-layout`, Debian `poppler-utils`): words
 * with their boxes, grouped into lines by poppler. It reads text 5–8× faster than pdf.js's
 * getTextContent and is the reference the text-fidelity measure compares with. Only this file
 * runs poppler. Returns a failure (never throws) when poppler is missing, refuses the file
 * (encrypted, copy-protected, damaged) or overruns its deadline, so the caller can fall back.
 */
export async function readTextLayer(bytes: Buffer, timeoutMs: number): Promise<TextLayerPage[] | TextLayerFailure> {
  let out: string;
  try {
    // The crop box is the frame pdf.js draws in (and places its ruling lines in); poppler's default is the media box.
    out = (await run('pdftotext', ['-enc', 'UTF-8', '-cropbox', '-bbox-layout', '-', '-'], bytes, timeoutMs)).toString(
      'utf8',
    );
  } catch (err) {
    return { reason: (err as Error).message };
  }
  const pages = parseBboxLayout(out);
  return pages.length ? pages : { reason: 'pdftotext found no pages' };
}

/**
 * One page drawn as a gray PNG at `dpi` (`pdftoppm`, crop box, page rotation applied): the image
 * to OCR of a page whose text is drawn as shapes, or whose scan is an image mask pdf.js gives no
 * pixels for. Throws when poppler refuses the page or overruns its deadline.
 */
export function renderPage(bytes: Buffer, page: number, dpi: number, timeoutMs: number): Promise<Buffer> {
  const p = String(page);
  return run('pdftoppm', ['-f', p, '-l', p, '-r', String(dpi), '-gray', '-png', '-cropbox', '-'], bytes, timeoutMs);
}

/** Whether `pdftotext` (poppler-utils) can be run here. */
export function popplerInstalled(): boolean {
  const r = spawnSync('pdftotext', ['-v'], { stdio: 'ignore', timeout: 10_000 });
  return !r.error && r.status === 0;
}

/** Poppler's bbox-layout XHTML (a fixed, machine-written schema) into pages of runs; a regex scan is ~40× faster than parse5 on it. */
export function parseBboxLayout(xhtml: string): TextLayerPage[] {
  const pages: TextLayerPage[] = [];
  for (const p of xhtml.matchAll(PAGE)) {
    const height = Number(p[1]);
    const lines: PopplerLine[] = [];
    for (const l of p[2].matchAll(LINE)) {
      const words = [...l[5].matchAll(WORD)].map((w) => ({
        x0: Number(w[1]),
        y0: Number(w[2]),
        x1: Number(w[3]),
        y1: Number(w[4]),
        text: decodeXML(w[5]),
      }));
      if (words.length) lines.push({ words, dir: lineDirection(words) });
    }
    dropOverdrawnControls(lines);
    const dirs = resolveDirections(lines.map((l) => l.dir));
    const runs = lines.flatMap((l, i) => lineRuns(l.words, dirs[i], height));
    pages.push({ height, runs });
  }
  return pages;
}

/**
 * A word of control characters alone that another word's first glyph is drawn over (InDesign's
 * end-of-nested-style marker, U+0007, has no advance: poppler sets the "R" of "Recommended" on a
 * line of its own) is no text and would part the word in two; it is dropped. One set apart is a
 * list marker, read as a bullet by the layout.
 */
function dropOverdrawnControls(lines: PopplerLine[]): void {
  const controlsOnly = (w: WordBox) => w.text.length > 0 && !withoutC0(w.text);
  const marks = lines.flatMap((l) => l.words.filter(controlsOnly));
  if (!marks.length) return;
  const overdrawn = new Set(
    marks.filter((m) =>
      lines.some((l) =>
        l.words.some(
          (w) => w !== m && !controlsOnly(w) && w.x0 >= m.x0 - 0.5 && w.x0 < m.x1 && w.y0 < m.y1 && m.y0 < w.y1,
        ),
      ),
    ),
  );
  for (const l of lines) l.words = l.words.filter((w) => !overdrawn.has(w));
  lines.splice(0, lines.length, ...lines.filter((l) => l.words.length));
}

interface PopplerLine {
  words: WordBox[];
  dir: LineDirection;
}

/** Glyph box height per point of font size, and the baseline's place in the box, as measured against pdf.js on the corpora. */
const BOX_PER_SIZE = 1.05;
const BASELINE_IN_BOX = 0.22;

/**
 * A poppler line as text runs: words closer than about half an em join one run (a word space),
 * wider gaps start a new one, so table cells and columns stay apart as they do in pdf.js runs.
 * Vertical lines (a margin stamp, a table set sideways) become runs at 90 or 270 degrees, with
 * their origin and length along the text, as pdf.js gives them.
 */
function lineRuns(words: WordBox[], dir: 0 | 90 | 270, pageHeight: number): TextRun[] {
  // Along the text: x for upright lines, y (down the page) for vertical ones.
  const along = (w: WordBox): [number, number] =>
    dir === 0 ? [w.x0, w.x1] : dir === 270 ? [w.y0, w.y1] : [-w.y1, -w.y0];
  const thick = (w: WordBox) => (dir === 0 ? w.y1 - w.y0 : w.x1 - w.x0);
  const runs: TextRun[] = [];
  let cur: WordBox | null = null;
  let members: WordBox[] = [];
  const flush = () => {
    if (!cur) return;
    // Size and baseline from the run's least tall word: a word holding one glyph of a taller font
    // (a "×" from a symbol font, a curly quote from a fallback font) has a taller box though its
    // letters are the run's type, and would make a body line read as a heading.
    const words = members.filter((w) => alphanumerics(w.text) >= 2);
    const typical = words.length
      ? words.reduce((a, b) => (thick(b) < thick(a) ? b : a))
      : (weightedMedian(members, thick, (w) => w.text.length) ?? cur);
    const t = thick(typical);
    const size = t / BOX_PER_SIZE;
    if (dir === 0)
      runs.push({
        str: cur.text,
        x: cur.x0,
        y: pageHeight - typical.y1 + BASELINE_IN_BOX * t,
        width: cur.x1 - cur.x0,
        size,
        angle: 0,
      });
    else if (dir === 90)
      runs.push({
        str: cur.text,
        x: typical.x1 - BASELINE_IN_BOX * t,
        y: pageHeight - cur.y1,
        width: cur.y1 - cur.y0,
        size,
        angle: 90,
      });
    else
      runs.push({
        str: cur.text,
        x: typical.x0 + BASELINE_IN_BOX * t,
        y: pageHeight - cur.y0,
        width: cur.y1 - cur.y0,
        size,
        angle: 270,
      });
  };
  const ordered = dir === 0 ? words : [...words].sort((p, q) => along(p)[0] - along(q)[0]);
  for (const word of ordered) {
    const em = thick(word) / BOX_PER_SIZE;
    if (cur && along(word)[0] - along(cur)[1] <= 0.5 * em) {
      cur = {
        x0: Math.min(cur.x0, word.x0),
        y0: Math.min(cur.y0, word.y0),
        x1: Math.max(cur.x1, word.x1),
        y1: Math.max(cur.y1, word.y1),
        text: `${cur.text} ${word.text}`,
      };
      members.push(word);
    } else {
      flush();
      cur = { ...word };
      members = [word];
    }
  }
  flush();
  return runs;
}

/** Whether coreutils' `timeout` can be run (Debian always has it). */
let timeoutTool: boolean | undefined;
const haveTimeoutTool = () =>
  (timeoutTool ??= spawnSync('timeout', ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0);

/**
 * Runs a command with `input` on stdin and returns stdout, or throws with its exit status and first
 * error line. The deadline is also given to coreutils' `timeout`, which kills the command even when
 * this thread is gone (a worker terminated by its pool leaves its children running otherwise).
 */
function run(cmd: string, args: string[], input: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const bounded = haveTimeoutTool();
    const child = bounded
      ? spawn('timeout', ['-s', 'KILL', `${(timeoutMs / 1000).toFixed(3)}s`, cmd, ...args], {
          stdio: ['pipe', 'pipe', 'pipe'],
        })
      : spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => {
      // `timeout` passes SIGTERM on to the command; a SIGKILL would stop only `timeout` itself.
      child.kill(bounded ? 'SIGTERM' : 'SIGKILL');
      reject(new Error(`${cmd} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 2000) err += d.toString();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not be run: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else if (bounded && (code === 124 || code === 137)) reject(new Error(`${cmd} took longer than ${timeoutMs} ms`));
      else if (bounded && code === 127) reject(new Error(`${cmd} could not be run: not installed`));
      else reject(new Error(`${cmd} exited with ${code}${err ? `: ${err.split('\n')[0]}` : ''}`));
    });
    // A child that exits before reading all of stdin (a file it refuses) must not crash the worker.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
