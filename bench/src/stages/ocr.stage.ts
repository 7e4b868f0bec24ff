import { plainChunkText } from '@rag/ai';
import { Stack } from '@rag/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { uploadFiles, waitForTasks } from '../http';
import { round } from '../stats';

/** Pages of the scans that are not upright (real-docs README): rotated 90° and skewed 3°. */
const SPECIAL: Record<string, Record<number, 'rotated' | 'skewed'>> = {
  'cdc_mmwr_2021_prep_awareness_disparities_23_urban_areas_scanned.pdf': { 2: 'rotated' },
  'cdc_understanding_your_hiv_test_results_patient_brochure_scanned.pdf': { 3: 'skewed' },
};

/** Lowercase letters and digits of each word. */
const words = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .split(/\s+/)
    .map((w) => w.replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);

/** Words sorted: reading order (columns, tables) does not count, characters do. */
export function wordBag(text: string | string[]): string {
  return (Array.isArray(text) ? text : words(text)).sort().join(' ');
}

/**
 * The truth's words with words broken at a line-end hyphen ("struc-" "tured", or a URL over three
 * lines) joined where the output holds the whole word: the layout joins hyphenated line ends by
 * design, and split halves would otherwise count as errors in the sorted-word comparison. Only
 * pieces the truth has are joined, into a word the output has, so no misread is forgiven.
 */
export function mendHyphenation(truthText: string, got: string[]): string[] {
  const raw = truthText.toLowerCase().normalize('NFKD').split(/\s+/).filter(Boolean);
  const norm = (w: string) => w.replace(/[^a-z0-9]/g, '');
  const all = new Map<string, number>();
  const stems = new Map<string, number>();
  const add = (m: Map<string, number>, w: string, n: number) => m.set(w, (m.get(w) ?? 0) + n);
  for (const w of raw) {
    if (!norm(w)) continue;
    add(all, norm(w), 1);
    if (/[a-z0-9]-$/.test(w)) add(stems, norm(w), 1);
  }
  // The pieces (all but the last a hyphenated stem) that spell `rest`, at most four.
  const spell = (rest: string, depth: number): string[] | null => {
    if (depth < 4 && (all.get(rest) ?? 0) > 0) return [rest];
    if (depth >= 3) return null;
    for (let k = 1; k < rest.length; k++) {
      const stem = rest.slice(0, k);
      if ((stems.get(stem) ?? 0) <= 0) continue;
      const tail = spell(rest.slice(k), depth + 1);
      if (tail) return [stem, ...tail];
    }
    return null;
  };
  const gotCount = new Map<string, number>();
  for (const g of got) add(gotCount, g, 1);
  for (const [g, n] of gotCount) {
    for (let i = 0; i < n - (all.get(g) ?? 0); i++) {
      const pieces = spell(g, 0);
      if (!pieces || pieces.length < 2) break;
      for (const p of pieces) {
        add(all, p, -1);
        if (stems.has(p)) add(stems, p, -1);
      }
      add(all, g, 1);
    }
  }
  return [...all].flatMap(([w, n]) => Array<string>(Math.max(0, n)).fill(w));
}

/**
 * The words of a document's chunks in order, each without what it repeats from the one before: the
 * heading or table caption and header it starts with (a common start of two or more words, or its
 * first line), and the overlap (a paragraph's tail, or the unfinished sentence a page carries over,
 * five words or more found in one of the three chunks before).
 */
export function chunkWordLists(texts: string[]): string[][] {
  const out: string[][] = [];
  let prev: string[] = [];
  const recent: string[] = [];
  let heading = '';
  for (const t of texts) {
    const [first, ...rest] = t.split('\n');
    const repeated = first === heading && rest.length > 0;
    heading = first;
    let w = words(repeated ? rest.join('\n') : t);
    const whole = words(t);
    let common = 0;
    while (common < Math.min(prev.length, whole.length) && prev[common] === whole[common]) common++;
    if (common >= 2 && common > whole.length - w.length) w = whole.slice(common);
    let n = Math.min(prev.length, w.length, 200);
    while (n > 0 && prev.slice(-n).join(' ') !== w.slice(0, n).join(' ')) n--;
    // A sentence carried over from the page before may come from the middle of one of its last chunks (a column's end).
    let carried = Math.min(w.length, 200);
    while (carried >= 5 && !recent.some((r) => r.includes(` ${w.slice(0, carried).join(' ')} `))) carried--;
    out.push(w.slice(Math.max(n, carried >= 5 ? carried : 0)));
    prev = whole;
    recent.push(` ${whole.join(' ')} `);
    if (recent.length > 3) recent.shift();
  }
  return out;
}

/** The words of consecutive chunks, without what each repeats from the one before. */
export function chunkWords(texts: string[]): string[] {
  return chunkWordLists(texts).flat();
}

/**
 * Character errors between two bags of words, reading order aside: equal words pair first, then
 * the most alike remaining pairs (edit distance at most half the longer word), each costing its
 * edit distance; what is left of either side costs as two unrelated strings do, the longer one's
 * length. A word misread in its first letter costs that letter, not its whole length twice (as it
 * did between sorted word lists, where it moves to another place).
 */
export function bagErrors(truth: string[], got: string[]): number {
  const left = new Map<string, number>();
  for (const w of truth) left.set(w, (left.get(w) ?? 0) + 1);
  const rest: string[] = [];
  for (const w of got) {
    const n = left.get(w) ?? 0;
    if (n > 0) left.set(w, n - 1);
    else rest.push(w);
  }
  const t = [...left].flatMap(([w, n]) => Array<string>(n).fill(w));
  const pairs: Array<[number, number, number]> = [];
  for (let i = 0; i < t.length; i++)
    for (let j = 0; j < rest.length; j++) {
      const longer = Math.max(t[i].length, rest[j].length);
      if (Math.abs(t[i].length - rest[j].length) > longer / 2) continue;
      const d = editDistance(t[i], rest[j]);
      if (d <= longer / 2) pairs.push([d / longer, i, j]);
    }
  pairs.sort((a, b) => a[0] - b[0]);
  const usedT = new Set<number>();
  const usedG = new Set<number>();
  let errors = 0;
  for (const [, i, j] of pairs) {
    if (usedT.has(i) || usedG.has(j)) continue;
    usedT.add(i);
    usedG.add(j);
    errors += editDistance(t[i], rest[j]);
  }
  const chars = (ws: string[], used: Set<number>) => ws.reduce((sum, w, i) => sum + (used.has(i) ? 0 : w.length), 0);
  return errors + Math.max(chars(t, usedT), chars(rest, usedG));
}

/** Levenshtein distance, two rows of memory. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * OCR: the three real-docs scans through POST /upload (OCR=auto), their stored chunks per page
 * against the born-digital truth text of that page (the overlap a chunk repeats from the one before
 * left out, the truth's hyphenated line ends joined where the output has the word). The character
 * error rate compares the two as bags of words (`bagErrors`, over the truth's characters), so the
 * truth's two-column interleaving (`pdftotext -layout`) is not counted as an error; running headers
 * the partitioner drops as repeated are. The earlier measure (edit distance between the sorted word
 * lists) is reported beside it. Pages per second from the tasks' durations, one OCR worker.
 */
type Sums = Record<
  'upright' | 'rotated' | 'skewed',
  { errors: number; chars: number; sortedErrors: number; sortedChars: number; pages: number }
>;

export async function ocrQuality(ctx: BenchContext): Promise<void> {
  const section = 'OCR (real-docs scans)';
  const dir = join(ctx.datasets, 'real-docs');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('_scanned.pdf'))
    .sort()
    .slice(0, ctx.quick ? 1 : undefined);
  const main = await measureOcr(dir, files, { OCR_CONCURRENCY: '1' });
  const { sums, ocrPages, ocrMs } = main;
  const cer = (x: Sums, k: keyof Sums) => round((100 * x[k].errors) / Math.max(1, x[k].chars), 2);
  const sortedCer = (k: keyof Sums) => round((100 * sums[k].sortedErrors) / Math.max(1, sums[k].sortedChars), 2);
  figure(ctx, {
    section,
    name: `character error rate, upright pages (${sums.upright.pages}; bags of words against the truth text)`,
    value: cer(sums, 'upright'),
    unit: '%',
    floor: { op: '<=', value: 3, source: 'issue 18' },
    note: `between sorted word lists (the measure before 2026-12-03): ${sortedCer('upright')}%`,
  });
  if (sums.rotated.pages)
    figure(ctx, {
      section,
      name: 'character error rate, the page rotated 90°',
      value: cer(sums, 'rotated'),
      unit: '%',
      note: `sorted word lists: ${sortedCer('rotated')}%`,
    });
  if (sums.skewed.pages)
    figure(ctx, {
      section,
      name: 'character error rate, the page skewed 3°',
      value: cer(sums, 'skewed'),
      unit: '%',
      note: `sorted word lists: ${sortedCer('skewed')}%`,
    });
  figure(ctx, {
    section,
    name: `OCR'd pages per second, upload to SUCCESS, one OCR worker (${ocrPages} pages)`,
    value: round(ocrPages / Math.max(0.001, ocrMs / 1000), 3),
    unit: 'pages/s',
    floor: { op: '>=', value: 2, source: 'issue 18: per core' },
  });
  ctx.details.ocr = { perPage: main.perPage, failed: main.failed };
  if (ctx.quick) return;
  // The default: as many pages of a document at once as there are cores.
  const cores = availableParallelism();
  const all = await measureOcr(dir, files, { OCR_CONCURRENCY: String(cores) });
  const perSecond = (m: { ocrPages: number; ocrMs: number }) => m.ocrPages / Math.max(0.001, m.ocrMs / 1000);
  figure(ctx, {
    section,
    name: `OCR'd pages per second, upload to SUCCESS, ${cores} OCR workers (the default, one per core)`,
    value: round(perSecond(all), 3),
    unit: 'pages/s',
    note: `${round(perSecond(all) / perSecond(main), 2)}× one worker, same run`,
  });
  // Same-run baseline: the WASM build alone (OCR_ENGINE=wasm), the engine before the native one.
  // The scans' own resolution (150 dpi): faster, and decimal points lost ("97.9" read "979").
  const low = await measureOcr(dir, files, { OCR_DPI: '150', OCR_CONCURRENCY: '1' });
  figure(ctx, {
    section,
    name: "pages drawn at 150 dpi for OCR (OCR_DPI=150, the scans' own resolution): character error rate, upright / rotated / skewed",
    value: cer(low.sums, 'upright'),
    unit: '%',
    note: `rotated ${cer(low.sums, 'rotated')}%, skewed ${cer(low.sums, 'skewed')}%; ${round(perSecond(low), 3)} pages/s with one worker, ${round(perSecond(low) / perSecond(main), 2)}× the default's`,
  });
  const wasm = await measureOcr(dir, files, { OCR_ENGINE: 'wasm', OCR_CONCURRENCY: '1' });
  figure(ctx, {
    section,
    name: 'tesseract.js alone (OCR_ENGINE=wasm): character error rate, upright / rotated / skewed',
    value: cer(wasm.sums, 'upright'),
    unit: '%',
    note: `rotated ${cer(wasm.sums, 'rotated')}%, skewed ${cer(wasm.sums, 'skewed')}%; ${round(wasm.ocrPages / Math.max(0.001, wasm.ocrMs / 1000), 3)} pages/s`,
  });
  ctx.details.ocrWasm = { perPage: wasm.perPage, failed: wasm.failed };
}

/** The scans through a stack with `env`, and their character errors per page kind. */
async function measureOcr(dir: string, files: string[], env: Record<string, string>) {
  const stack = new Stack({
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    BUS_TIMEOUT_MS: '10000',
    INGEST_CONCURRENCY: '1',
    ...env,
  });
  try {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service')]);
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const res = await uploadFiles(
      base,
      'ocr',
      files.map((f) => join(dir, f)),
    );
    if (res.status !== 202) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
    const tasks = await waitForTasks(
      base,
      (res.body.files as Array<{ taskId: string }>).map((f) => f.taskId),
      20 * 60_000,
    );
    const sums: Sums = {
      upright: { errors: 0, chars: 0, sortedErrors: 0, sortedChars: 0, pages: 0 },
      rotated: { errors: 0, chars: 0, sortedErrors: 0, sortedChars: 0, pages: 0 },
      skewed: { errors: 0, chars: 0, sortedErrors: 0, sortedChars: 0, pages: 0 },
    };
    const perPage: Array<Record<string, unknown>> = [];
    let ocrMs = 0;
    let ocrPages = 0;
    for (const file of files) {
      const task = [...tasks.values()].find((t) => t.filename === file);
      const truthDir = join(dir, file.replace(/\.pdf$/, '.truth'));
      const chunks: Array<{ text: string; dataType: string; pageNumber: number }> = [];
      if (task?.state === 'SUCCESS') {
        const r = await fetch(`${base}/collections/ocr/documents/${task.documentId}/chunks?limit=1000`);
        chunks.push(...((await r.json()) as { chunks: typeof chunks }).chunks);
        ocrMs += task.timing.durationMs ?? 0;
        ocrPages += task.counts.pagesOcr ?? 0;
      }
      // In document order, so what a page's first chunk repeats from the page before is left out too.
      const lists = chunkWordLists(chunks.map((c) => plainChunkText(c)));
      for (const name of readdirSync(truthDir).filter((n) => /^page-\d+\.txt$/.test(n))) {
        const page = Number(/\d+/.exec(name)![0]);
        const gotWords = chunks.flatMap((c, i) => (c.pageNumber === page ? lists[i] : []));
        const truthWords = mendHyphenation(readFileSync(join(truthDir, name), 'utf8'), gotWords);
        const chars = truthWords.join('').length;
        const errors = Math.min(chars, bagErrors(truthWords, gotWords));
        // The earlier measure, edit distance between the sorted word lists, for comparison with earlier runs.
        const [truthSorted, gotSorted] = [wordBag([...truthWords]), wordBag([...gotWords])];
        const sortedErrors = Math.min(truthSorted.length, editDistance(truthSorted, gotSorted));
        const kind = SPECIAL[file]?.[page] ?? 'upright';
        sums[kind].errors += errors;
        sums[kind].chars += chars;
        sums[kind].sortedErrors += sortedErrors;
        sums[kind].sortedChars += truthSorted.length;
        sums[kind].pages++;
        perPage.push({
          file,
          page,
          kind,
          cer: round(chars ? errors / chars : 0, 4),
          sortedCer: round(truthSorted.length ? sortedErrors / truthSorted.length : 0, 4),
          confidence: task?.counts.ocrConfidence ?? null,
        });
      }
    }
    const failed = [...tasks.values()]
      .filter((t) => t.state !== 'SUCCESS')
      .map((t) => ({ filename: t.filename, error: t.error }));
    return { sums, perPage, ocrMs, ocrPages, failed };
  } finally {
    await stack.stop();
  }
}
