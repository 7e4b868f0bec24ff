import { Stack } from '@rag/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { postJson, uploadFiles, waitForTasks } from '../http';
import { round } from '../stats';

type Grid = string[][];

const entities = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** The measure before 2026-12-04: white space collapsed, so "11,062 .6" (camelot's split of a number) and "11,062.6" differ. */
export const strictNorm = (s: string) => entities(s).replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Cell texts compared without white space and without dot leaders: camelot's own text puts spaces
 * inside numbers ("11,062 .6") and keeps the leader dots and line breaks of a label ("Total . .\n ."),
 * none of which says whether a value sits in the right cell.
 */
export const looseNorm = (s: string) =>
  entities(s)
    .replace(/(?:\s*\.){2,}/g, ' ')
    .replace(/\s+/g, '')
    .toLowerCase();

export interface ParsedTable {
  caption: string;
  head: Grid;
  rows: Grid;
}

/** Caption, header rows and all rows of every <table> in an HTML fragment (our own table_html output: no nesting). */
export function parseTables(html: string, norm: (s: string) => string = looseNorm): ParsedTable[] {
  const cells = (tr: string) =>
    [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
      norm(m[1].replace(/<br\s*\/?>/g, ' ').replace(/<[^>]+>/g, '')),
    );
  const tables: ParsedTable[] = [];
  for (const t of html.match(/<table[\s\S]*?<\/table>/g) ?? []) {
    const rows = (t.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map(cells);
    const head = (/<thead>([\s\S]*?)<\/thead>/.exec(t)?.[1].match(/<tr[\s\S]*?<\/tr>/g) ?? []).map(cells);
    const caption = norm(/<caption>([\s\S]*?)<\/caption>/.exec(t)?.[1] ?? '');
    if (rows.length) tables.push({ caption, head, rows });
  }
  return tables;
}

/**
 * A long table is stored as several chunks, each repeating its caption and header: consecutive
 * tables with the same caption and header are one table again (its header once). Chunks of a table
 * without a header row repeat its caption only: consecutive ones of the same width are one table.
 */
export function joinContinued(tables: ParsedTable[]): Grid[] {
  const out: ParsedTable[] = [];
  for (const t of tables) {
    const prev = out[out.length - 1];
    const same =
      prev &&
      prev.caption === t.caption &&
      (t.head.length > 0
        ? JSON.stringify(prev.head) === JSON.stringify(t.head)
        : prev.head.length === 0 && prev.rows[0]?.length === t.rows[0]?.length);
    if (same) prev.rows.push(...t.rows.slice(t.head.length));
    else out.push({ ...t, rows: [...t.rows] });
  }
  return out.map((t) => t.rows);
}

/** Expected grid without empty rows and columns (camelot leaves spanned cells empty). */
export function cleanExpected(rows: string[][], norm: (s: string) => string = looseNorm): Grid {
  const r = rows.map((row) => row.map(norm)).filter((row) => row.some((c) => c));
  const width = Math.max(0, ...r.map((row) => row.length));
  const keep = Array.from({ length: width }, (_, c) => r.some((row) => row[c]));
  return r.map((row) => row.filter((_, c) => keep[c]));
}

/**
 * Share of non-empty expected cells found at the right row and column of an extracted table.
 * Rows and columns are aligned first (each expected row/column to the extracted one sharing most
 * cell texts), so an extra header row or column does not zero the score.
 */
export function cellScore(expected: Grid, got: Grid): { found: number; total: number } {
  const total = expected.reduce((a, row) => a + row.filter((c) => c).length, 0);
  if (!got.length) return { found: 0, total };
  const rowMap = expected.map((row) => {
    let best = -1;
    let bestHits = 0;
    got.forEach((g, j) => {
      const set = new Set(g);
      const hits = row.filter((c) => c && set.has(c)).length;
      if (hits > bestHits) [best, bestHits] = [j, hits];
    });
    return best;
  });
  const width = Math.max(0, ...expected.map((r) => r.length));
  const colMap = Array.from({ length: width }, (_, c) => {
    const votes = new Map<number, number>();
    expected.forEach((row, i) => {
      const j = rowMap[i];
      if (j < 0 || !row[c]) return;
      const k = got[j].indexOf(row[c]);
      if (k >= 0) votes.set(k, (votes.get(k) ?? 0) + 1);
    });
    return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? -1;
  });
  let found = 0;
  expected.forEach((row, i) =>
    row.forEach((cell, c) => {
      if (cell && rowMap[i] >= 0 && colMap[c] >= 0 && got[rowMap[i]][colMap[c]] === cell) found++;
    }),
  );
  return { found, total };
}

function bestScore(expected: Grid, tables: Grid[]): { found: number; total: number } {
  return (
    tables.map((t) => cellScore(expected, t)).sort((a, b) => b.found - a.found)[0] ?? {
      found: 0,
      total: expected.flat().filter((c) => c).length,
    }
  );
}

interface TableRun {
  perFile: Array<Record<string, unknown>>;
  found: number;
  total: number;
  strictFound: number;
  failed: Array<{ filename: string; error?: string }>;
  pdfs: number;
}

/** Stage 5: table_html chunks of the table corpus against camelot's expected cells. */
export async function tableExtraction(ctx: BenchContext): Promise<void> {
  const section = 'Table extraction';
  const local = await measureTables(ctx, {});
  const { perFile, found, total, strictFound, failed, pdfs } = local;
  figure(ctx, {
    section,
    name: `expected cells found at the right row/column, ${perFile.length} expected tables in ${pdfs} PDFs (local partitioner)`,
    value: round((found / Math.max(1, total)) * 100, 1),
    unit: '%',
    floor: ctx.quick ? undefined : { op: '>=', value: 90, source: 'issue 19' },
    note: `${found} of ${total}; the measure before 2026-12-04 (every chunk a table of its own, white space inside cells compared): ${round((strictFound / Math.max(1, total)) * 100, 1)}%`,
  });
  figure(ctx, {
    section,
    name: 'expected tables with at least 80% of their cells found',
    value: perFile.filter((p) => (p.share as number) >= 0.8).length,
    unit: `of ${perFile.length}`,
    floor: ctx.quick ? undefined : { op: '>=', value: 35, source: 'issue 19' },
    note: `at least half: ${perFile.filter((p) => (p.share as number) >= 0.5).length}`,
  });
  figure(ctx, { section, name: 'table PDFs that failed to ingest', value: failed.length, unit: '' });
  ctx.details.tables = { perFile, failed };
  // The hosted partitioner, when it can be reached: the same files, the same measure.
  const url = process.env.UNSTRUCTURED_API_URL;
  const hosted = url
    ? await measureTables(ctx, {
        PARTITIONER: 'unstructured',
        UNSTRUCTURED_API_URL: url,
        ...(process.env.UNSTRUCTURED_API_KEY ? { UNSTRUCTURED_API_KEY: process.env.UNSTRUCTURED_API_KEY } : {}),
      })
    : null;
  figure(ctx, {
    section,
    name: 'expected cells found at the right row/column (Unstructured partitioner)',
    value: hosted ? round((hosted.found / Math.max(1, hosted.total)) * 100, 1) : null,
    unit: '%',
    note: hosted
      ? `${hosted.found} of ${hosted.total}; ${hosted.failed.length} files failed; ${url}`
      : 'not measured: UNSTRUCTURED_API_URL is not set (the Unstructured API cannot be reached from this machine)',
  });
  if (hosted) ctx.details.tablesUnstructured = { perFile: hosted.perFile, failed: hosted.failed };
}

async function measureTables(ctx: BenchContext, env: Record<string, string>): Promise<TableRun> {
  const dir = join(ctx.datasets, 'pdf-corpus/tables');
  const expectedFiles = readdirSync(join(dir, 'expected'))
    .filter((f) => f.startsWith('camelot_') && f.endsWith('.json'))
    .sort();
  const pdfs = [...new Set(expectedFiles.map((f) => `${f.split('.')[0]}.pdf`))].slice(0, ctx.quick ? 3 : undefined);
  const stack = new Stack({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', BUS_TIMEOUT_MS: '10000', ...env });
  try {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service')]);
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const taskIds: string[] = [];
    // Batches within the gateway's MAX_FILES_PER_UPLOAD.
    for (let i = 0; i < pdfs.length; i += 10) {
      const up = await uploadFiles(
        base,
        'tables',
        pdfs.slice(i, i + 10).map((p) => join(dir, p)),
      );
      if (up.status !== 202) throw new Error(`upload failed: ${JSON.stringify(up.body)}`);
      taskIds.push(...up.body.files.map((f: { taskId: string }) => f.taskId));
    }
    const tasks = await waitForTasks(base, taskIds, 10 * 60_000);
    const perFile: Array<Record<string, unknown>> = [];
    let found = 0;
    let total = 0;
    let strictFound = 0;
    for (const pdf of pdfs) {
      const hits = await postJson(`${base}/search`, {
        collectionId: 'tables',
        query: 'table',
        mode: 'vector',
        topK: 50,
        rerank: false,
        filters: { filenames: [pdf], dataTypes: ['table_html'] },
      });
      const chunks = ((hits.body.results ?? []) as Array<{ chunkIndex: number; text: string }>).sort(
        (a, b) => a.chunkIndex - b.chunkIndex,
      );
      const tables = joinContinued(chunks.flatMap((c) => parseTables(c.text)));
      // The measure before 2026-12-04: each chunk a table of its own, cells compared with white space.
      const strictTables = chunks.flatMap((c) => parseTables(c.text, strictNorm)).map((t) => t.rows);
      for (const ef of expectedFiles.filter((f) => f.startsWith(pdf.replace(/\.pdf$/, '.')))) {
        const raw = JSON.parse(readFileSync(join(dir, 'expected', ef), 'utf8')) as { rows?: string[][] };
        if (!raw.rows) continue; // ICDAR detection counts, not cells
        const expected = cleanExpected(raw.rows);
        const best = bestScore(expected, tables);
        const strict = bestScore(cleanExpected(raw.rows, strictNorm), strictTables);
        found += best.found;
        total += best.total;
        strictFound += strict.found;
        perFile.push({
          expected: ef,
          tablesExtracted: tables.length,
          found: best.found,
          total: best.total,
          share: round(best.total ? best.found / best.total : 0, 3),
          strictFound: strict.found,
        });
      }
    }
    const failed = [...tasks.values()]
      .filter((t) => t.state !== 'SUCCESS')
      .map((t) => ({ filename: t.filename, error: t.error }));
    return { perFile, found, total, strictFound, failed, pdfs: pdfs.length };
  } finally {
    await stack.stop();
  }
}
