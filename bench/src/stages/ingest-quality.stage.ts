import { Stack } from '@rag/testing';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { bigPdf } from '../big-pdf';
import { postJson, uploadFiles, uploadStreamed, waitForTasks } from '../http';
import { rawPdfJsExtraction } from '../pdf-baseline';
import { percentiles, round } from '../stats';

interface Query {
  id: string;
  question: string;
  filename: string;
  page: number;
}

/**
 * Stages 1 and 2: ingest the PubMedQA books through POST /upload (pages/s, against raw pdf.js on
 * the same files in this run), then every question through POST /search in three modes and
 * through POST /chat.
 */
export async function ingestAndQuality(ctx: BenchContext): Promise<void> {
  const dir = join(ctx.datasets, 'pubmedqa-books');
  const books = readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .sort()
    .slice(0, ctx.quick ? 2 : undefined);
  const section = 'Ingest';

  ctx.log(`raw pdf.js extraction of ${books.length} books`);
  const raw = await rawPdfJsExtraction(books.map((b) => join(dir, b)));
  const rawPagesPerSec = raw.pages / (raw.ms / 1000);
  const vocab = [...raw.words.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20_000);
  ctx.details.vocabPath = join(ctx.workDir, 'vocab.json');
  writeFileSync(ctx.details.vocabPath as string, JSON.stringify(vocab));

  const stack = new Stack({
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    BUS_TIMEOUT_MS: '10000',
    ...(process.env.BENCH_QUERY_EXPANSION ? { QUERY_EXPANSION: process.env.BENCH_QUERY_EXPANSION } : {}),
  });
  try {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;

    // Upload path alone: a large PDF must be accepted without being held in memory or parsed first.
    const size = ctx.quick ? 2 * 2 ** 20 : 20 * 2 ** 20;
    const big = bigPdf(size);
    const uploadMs: number[] = [];
    const bigTasks: string[] = [];
    // Two warm-up uploads (a fresh gateway's first multipart parse runs unoptimised code), then nine
    // measured: single uploads on this shared VM vary by 2-3x, so the median of more samples.
    const warmUp = 2;
    const measured = ctx.quick ? 3 : 9;
    // Each copy differs in its last bytes, so none is deduplicated. All written before timing starts.
    const bigPaths = Array.from({ length: warmUp + measured }, (_, i) => {
      const path = join(ctx.workDir, `big-${i}.pdf`);
      writeFileSync(path, Buffer.concat([big, Buffer.from(`%${i}\n`)]));
      return path;
    });
    for (const [i, path] of bigPaths.entries()) {
      const r = await uploadStreamed(base, 'uploads', path, `big-${i}.pdf`);
      if (r.status !== 202) throw new Error(`upload failed: ${JSON.stringify(r.body)}`);
      if (i >= warmUp) uploadMs.push(r.ms);
      bigTasks.push(r.body.files[0].taskId);
      // Each upload is timed on an otherwise idle system: the previous file's ingest job has finished.
      const done = await waitForTasks(base, [r.body.files[0].taskId], 5 * 60_000);
      if ([...done.values()].some((t) => t.state !== 'SUCCESS')) throw new Error('a large upload did not ingest');
    }
    const up = percentiles(uploadMs);
    figure(ctx, {
      section,
      name: `POST /upload of a ${Math.round(size / 2 ** 20)} MB PDF until task ids return, p50 of ${measured} after ${warmUp} warm-up uploads`,
      value: up.p50,
      unit: 'ms',
      floor: ctx.quick ? undefined : { op: '<=', value: 100, source: 'issue 3' },
    });
    figure(ctx, { section, name: 'same uploads: slowest', value: round(Math.max(...uploadMs)), unit: 'ms' });

    const t0 = performance.now();
    const res = await uploadFiles(
      base,
      'books',
      books.map((b) => join(dir, b)),
    );
    if (res.status !== 202) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
    const ids: string[] = res.body.files.map((f: { taskId: string }) => f.taskId);
    const tasks = await waitForTasks(base, ids, 30 * 60_000);
    const wallMs = Math.max(...[...tasks.values()].map((t) => t.seenAt)) - t0;
    const failed = [...tasks.values()].filter((t) => t.state !== 'SUCCESS');
    if (failed.length || tasks.size !== ids.length)
      throw new Error(`ingest did not succeed: ${JSON.stringify(failed.map((t) => t.error))}`);
    const pages = [...tasks.values()].reduce((a, t) => a + t.counts.pages, 0);
    const pagesPerSec = pages / (wallMs / 1000);
    figure(ctx, {
      section,
      name: `end to end: ${books.length} PDFs, ${pages} pages, POST /upload until every task is SUCCESS`,
      value: round(pagesPerSec, 1),
      unit: 'pages/s',
      floor: { op: '>=', value: 100, source: 'issue 3' },
    });
    figure(ctx, {
      section,
      name: 'baseline: raw pdf.js getTextContent of the same files, one process',
      value: round(rawPagesPerSec, 1),
      unit: 'pages/s',
    });
    figure(ctx, {
      section,
      name: 'ratio end to end / raw pdf.js',
      value: round(pagesPerSec / rawPagesPerSec, 2),
      unit: '×',
      floor: { op: '>=', value: 0.5, source: 'issue 3' },
    });
    ctx.details.ingest = {
      wallMs: Math.round(wallMs),
      rawMs: Math.round(raw.ms),
      tasks: [...tasks.values()].map((t) => ({
        filename: t.filename,
        pages: t.counts.pages,
        chunks: t.counts.chunks,
        durationMs: t.timing.durationMs,
      })),
      uploadMs: uploadMs.map((x) => round(x)),
    };

    await quality(ctx, base, books);
  } finally {
    await stack.stop();
  }
}

async function quality(ctx: BenchContext, base: string, books: string[]): Promise<void> {
  const section = 'Retrieval quality';
  const all = readFileSync(join(ctx.datasets, 'pubmedqa-books/queries.dev.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Query);
  const queries = all.filter((q) => books.includes(q.filename)).slice(0, ctx.quick ? 60 : undefined);
  const byMode: Record<string, { r1: number; r5: number; mrr: number }> = {};
  const misses: Record<string, string[]> = {};
  for (const mode of ['vector', 'fts', 'hybrid'] as const) {
    let r1 = 0;
    let r5 = 0;
    let mrr = 0;
    misses[mode] = [];
    for (const q of queries) {
      const r = await postJson(`${base}/search`, { collectionId: 'books', query: q.question, mode, topK: 5 });
      if (r.status !== 200) throw new Error(`search failed: ${JSON.stringify(r.body)}`);
      const rank = r.body.results.findIndex(
        (h: { filename: string; pageNumber: number; pageEnd: number }) =>
          h.filename === q.filename && h.pageNumber <= q.page && q.page <= h.pageEnd,
      );
      if (rank === 0) r1++;
      if (rank >= 0) {
        r5++;
        mrr += 1 / (rank + 1);
      } else misses[mode].push(q.id);
    }
    byMode[mode] = { r1: r1 / queries.length, r5: r5 / queries.length, mrr: mrr / queries.length };
  }
  const best1 = Math.max(byMode.vector.r1, byMode.fts.r1);
  for (const mode of ['vector', 'fts', 'hybrid'] as const) {
    const m = byMode[mode];
    const isHybrid = mode === 'hybrid';
    figure(ctx, {
      section,
      name: `${mode}: Recall@1 (${queries.length} questions, gold file+page)`,
      value: round(m.r1 * 100, 1),
      unit: '%',
      floor: isHybrid ? { op: '>=', value: 95, source: 'issue 4' } : undefined,
    });
    figure(ctx, {
      section,
      name: `${mode}: Recall@5`,
      value: round(m.r5 * 100, 1),
      unit: '%',
      floor: isHybrid ? { op: '>=', value: 98, source: 'issue 4' } : undefined,
    });
    figure(ctx, { section, name: `${mode}: MRR@5`, value: round(m.mrr, 3), unit: '' });
  }
  figure(ctx, {
    section,
    name: 'hybrid Recall@1 minus the better of vector and fts',
    value: round((byMode.hybrid.r1 - best1) * 100, 1),
    unit: 'points',
    floor: { op: '>=', value: 0, source: 'issue 4' },
  });

  let cited = 0;
  const chatMs: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    const r = await postJson(`${base}/chat`, { collectionId: 'books', question: q.question });
    chatMs.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`chat failed: ${JSON.stringify(r.body)}`);
    const used: number[] = r.body.citationsUsed;
    if (
      used.some((n) => r.body.sources[n - 1]?.filename === q.filename && r.body.sources[n - 1]?.pageNumber === q.page)
    )
      cited++;
  }
  figure(ctx, {
    section,
    name: 'POST /chat (extractive): answers citing the gold page',
    value: round((cited / queries.length) * 100, 1),
    unit: '%',
  });
  figure(ctx, {
    section,
    name: 'POST /chat (extractive) latency p50, 1000 pages ingested',
    value: percentiles(chatMs).p50,
    unit: 'ms',
  });
  ctx.details.quality = { questions: queries.length, byMode, missesByMode: misses };
}
