import { Stack } from '@rag/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { postJson, uploadFiles, waitForTasks } from '../http';
import { round } from '../stats';

type Grid = string[][];

const norm = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/** Rows and cells of every <table> in an HTML fragment (our own table_html output: no nesting). */
export function parseTables(html: string): Grid[] {
  const tables: Grid[] = [];
  for (const t of html.match(/<table[\s\S]*?<\/table>/g) ?? []) {
    const rows: Grid = [];
    for (const tr of t.match(/<tr[\s\S]*?<\/tr>/g) ?? []) {
      rows.push([...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => norm(m[1].replace(/<br\s*\/?>/g, ' ').replace(/<[^>]+>/g, ''))));
    }
    if (rows.length) tables.push(rows);
  }
  return tables;
}

/** Expected grid without empty rows and columns (camelot leaves spanned cells empty). */
export function cleanExpected(rows: string[][]): Grid {
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

/** Stage 5: table_html chunks of the table corpus against camelot's expected cells. */
export async function tableExtraction(ctx: BenchContext): Promise<void> {
  const section = 'Table extraction';
  const dir = join(ctx.datasets, 'pdf-corpus/tables');
  const expectedFiles = readdirSync(join(dir, 'expected'))
    .filter((f) => f.startsWith('camelot_') && f.endsWith('.json'))
    .sort();
  const pdfs = [...new Set(expectedFiles.map((f) => `${f.split('.')[0]}.pdf`))].slice(0, ctx.quick ? 3 : undefined);
  const stack = new Stack({ LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', BUS_TIMEOUT_MS: '10000' });
  try {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service')]);
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const taskIds: string[] = [];
    // Batches within the gateway's MAX_FILES_PER_UPLOAD.
    for (let i = 0; i < pdfs.length; i += 10) {
      const up = await uploadFiles(base, 'tables', pdfs.slice(i, i + 10).map((p) => join(dir, p)));
      if (up.status !== 202) throw new Error(`upload failed: ${JSON.stringify(up.body)}`);
      taskIds.push(...up.body.files.map((f: { taskId: string }) => f.taskId));
    }
    const tasks = await waitForTasks(base, taskIds, 10 * 60_000);
    const perFile: Array<Record<string, unknown>> = [];
    let found = 0;
    let total = 0;
    for (const pdf of pdfs) {
      const hits = await postJson(`${base}/search`, { collectionId: 'tables', query: 'table', mode: 'vector', topK: 50, rerank: false, filters: { filenames: [pdf], dataTypes: ['table_html'] } });
      const chunks = (hits.body.results ?? []) as Array<{ chunkIndex: number; text: string }>;
      // Long tables are split by rows with the header repeated: join them back in chunk order.
      const tables = chunks.sort((a, b) => a.chunkIndex - b.chunkIndex).flatMap((c) => parseTables(c.text));
      for (const ef of expectedFiles.filter((f) => f.startsWith(pdf.replace(/\.pdf$/, '.')))) {
        const raw = JSON.parse(readFileSync(join(dir, 'expected', ef), 'utf8')) as { rows?: string[][] };
        if (!raw.rows) continue; // ICDAR detection counts, not cells
        const expected = cleanExpected(raw.rows);
        const best = tables.map((t) => cellScore(expected, t)).sort((a, b) => b.found - a.found)[0] ?? { found: 0, total: expected.flat().filter((c) => c).length };
        found += best.found;
        total += best.total;
        perFile.push({ expected: ef, tablesExtracted: tables.length, found: best.found, total: best.total, share: round(best.total ? best.found / best.total : 0, 3) });
      }
    }
    const failed = [...tasks.values()].filter((t) => t.state !== 'SUCCESS').map((t) => ({ filename: t.filename, error: t.error }));
    figure(ctx, { section, name: `expected cells found at the right row/column, ${perFile.length} expected tables in ${pdfs.length} PDFs (local partitioner)`, value: round((found / Math.max(1, total)) * 100, 1), unit: '%' });
    figure(ctx, { section, name: 'expected tables with at least half their cells found', value: perFile.filter((p) => (p.share as number) >= 0.5).length, unit: `of ${perFile.length}` });
    figure(ctx, { section, name: 'table PDFs that failed to ingest', value: failed.length, unit: '' });
    ctx.details.tables = { perFile, failed };
  } finally {
    await stack.stop();
  }
}
