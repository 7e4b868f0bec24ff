import { plainChunkText } from '@rag/ai';
import { Stack } from '@rag/testing';
import { readdirSync, readFileSync } from 'node:fs';
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
 * The words of consecutive chunks, without what each chunk repeats from the one before: the
 * heading it starts with (its first line) and the overlap.
 */
export function chunkWords(texts: string[]): string[] {
  const out: string[] = [];
  let prev: string[] = [];
  let heading = '';
  for (const t of texts) {
    const [first, ...rest] = t.split('\n');
    const repeated = first === heading && rest.length > 0;
    heading = first;
    const w = words(repeated ? rest.join('\n') : t);
    let n = Math.min(prev.length, w.length, 200);
    while (n > 0 && prev.slice(-n).join(' ') !== w.slice(0, n).join(' ')) n--;
    out.push(...w.slice(n));
    prev = w;
  }
  return out;
}

/** Levenshtein distance, two rows of memory. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * OCR: the three real-docs scans through POST /upload (OCR=auto), their stored chunks per page
 * against the born-digital truth text of that page (the overlap a chunk repeats from the one before
 * left out). The character error rate compares the sorted words of both (edit distance over the
 * truth's characters), so the truth's two-column
 * interleaving (`pdftotext -layout`) is not counted as an error; running headers the partitioner
 * drops as repeated are. Pages per second from the tasks' durations, one OCR worker.
 */
export async function ocrQuality(ctx: BenchContext): Promise<void> {
  const section = 'OCR (real-docs scans)';
  const dir = join(ctx.datasets, 'real-docs');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('_scanned.pdf'))
    .sort()
    .slice(0, ctx.quick ? 1 : undefined);
  const stack = new Stack({ RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn', BUS_TIMEOUT_MS: '10000', INGEST_CONCURRENCY: '1' });
  try {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service')]);
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const res = await uploadFiles(base, 'ocr', files.map((f) => join(dir, f)));
    if (res.status !== 202) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
    const tasks = await waitForTasks(base, (res.body.files as Array<{ taskId: string }>).map((f) => f.taskId), 20 * 60_000);
    const sums: Record<'upright' | 'rotated' | 'skewed', { errors: number; chars: number; pages: number }> = {
      upright: { errors: 0, chars: 0, pages: 0 },
      rotated: { errors: 0, chars: 0, pages: 0 },
      skewed: { errors: 0, chars: 0, pages: 0 },
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
      for (const name of readdirSync(truthDir).filter((n) => /^page-\d+\.txt$/.test(n))) {
        const page = Number(/\d+/.exec(name)![0]);
        const truth = wordBag(readFileSync(join(truthDir, name), 'utf8'));
        const got = wordBag(chunkWords(chunks.filter((c) => c.pageNumber === page).map((c) => plainChunkText(c))));
        const errors = Math.min(truth.length, editDistance(truth, got));
        const kind = SPECIAL[file]?.[page] ?? 'upright';
        sums[kind].errors += errors;
        sums[kind].chars += truth.length;
        sums[kind].pages++;
        perPage.push({ file, page, kind, cer: round(truth.length ? errors / truth.length : 0, 4), confidence: task?.counts.ocrConfidence ?? null });
      }
    }
    const cer = (k: keyof typeof sums) => round((100 * sums[k].errors) / Math.max(1, sums[k].chars), 2);
    figure(ctx, { section, name: `character error rate, upright pages (${sums.upright.pages}; sorted words against the truth text)`, value: cer('upright'), unit: '%', floor: { op: '<=', value: 3, source: 'issue 18' } });
    if (sums.rotated.pages) figure(ctx, { section, name: 'character error rate, the page rotated 90°', value: cer('rotated'), unit: '%' });
    if (sums.skewed.pages) figure(ctx, { section, name: 'character error rate, the page skewed 3°', value: cer('skewed'), unit: '%' });
    figure(ctx, { section, name: `OCR'd pages per second, upload to SUCCESS, one OCR worker (${ocrPages} pages)`, value: round(ocrPages / Math.max(0.001, ocrMs / 1000), 3), unit: 'pages/s', floor: { op: '>=', value: 2, source: 'issue 18: per core' } });
    ctx.details.ocr = { perPage, failed: [...tasks.values()].filter((t) => t.state !== 'SUCCESS').map((t) => ({ filename: t.filename, error: t.error })) };
  } finally {
    await stack.stop();
  }
}
