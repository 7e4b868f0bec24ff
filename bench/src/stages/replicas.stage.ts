import { Stack } from '@rag/testing';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { postJson, uploadFiles, waitForTasks } from '../http';
import { procStatusKb, round } from '../stats';

interface Layout {
  ingest: number;
  retrieval: number;
}

const LAYOUTS: Layout[] = [
  { ingest: 1, retrieval: 1 },
  { ingest: 2, retrieval: 1 },
  { ingest: 1, retrieval: 2 },
  { ingest: 2, retrieval: 2 },
];

/**
 * What a second replica buys: the same PDFs ingested end to end (upload until every task is SUCCESS)
 * by 1 or 2 ingest replicas writing through 1 or 2 retrieval replicas, each layout on a fresh system,
 * all in one run so the ratios compare like with like. On this machine every replica shares the
 * same two cores, so this measures the software's limits (the LanceDB write lock, the bus), not
 * what a second machine would add.
 */
export async function replicaScaling(ctx: BenchContext): Promise<void> {
  const section = 'Scaling with replicas';
  const dir = join(ctx.datasets, 'pubmedqa-books');
  const books = readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .sort()
    .slice(0, ctx.quick ? 2 : undefined)
    .map((b) => join(dir, b));
  const results: Array<
    Layout & { pages: number; ms: number; pagesPerSec: number; lockHeldMs: number; lockWaitMs: number }
  > = [];
  for (const layout of LAYOUTS) {
    ctx.log(`ingest with ${layout.ingest} ingest and ${layout.retrieval} retrieval replica(s)`);
    const stack = new Stack({ RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn', BUS_TIMEOUT_MS: '10000' });
    try {
      const starts: Promise<unknown>[] = [];
      for (let i = 0; i < layout.retrieval; i++) starts.push(stack.start('retrieval-service'));
      for (let i = 0; i < layout.ingest; i++) starts.push(stack.start('ingest-service'));
      if (layout === LAYOUTS[0]) starts.push(stack.start('chat-service'));
      await Promise.all(starts);
      const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
      const t0 = performance.now();
      const res = await uploadFiles(base, 'books', books);
      if (res.status !== 202) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
      const ids: string[] = res.body.files.map((f: { taskId: string }) => f.taskId);
      const tasks = await waitForTasks(base, ids, 30 * 60_000);
      const failed = [...tasks.values()].filter((t) => t.state !== 'SUCCESS');
      if (failed.length) throw new Error(`ingest did not succeed: ${JSON.stringify(failed.map((t) => t.error))}`);
      const ms = Math.max(...[...tasks.values()].map((t) => t.seenAt)) - t0;
      const pages = [...tasks.values()].reduce((a, t) => a + t.counts.pages, 0);
      // Every replica's own writes; the lock is one for all, so their held times never overlap.
      const writes = await Promise.all(
        stack.services
          .filter((s) => s.name === 'retrieval-service')
          .map(async (s) => {
            const health = (await (await fetch(`http://127.0.0.1:${s.port}/health`)).json()) as {
              details: { writes: { heldMs: number; waitMs: number } };
            };
            return health.details.writes;
          }),
      );
      if (layout === LAYOUTS[0]) {
        // What each service holds after this ingest and a few answers (the 1 × 1 system only).
        for (const question of ['What was studied?', 'Which outcome improved?', 'How many patients took part?'])
          await postJson(`${base}/chat`, { collectionId: 'books', question });
        for (const svc of stack.services)
          figure(ctx, {
            section,
            name: `${svc.name} resident memory (VmRSS) after ingesting the ${books.length} PDFs and three answers, peak ${Math.round(procStatusKb(svc.proc.pid!, 'VmHWM') / 1024)} MB`,
            value: Math.round(procStatusKb(svc.proc.pid!, 'VmRSS') / 1024),
            unit: 'MB',
          });
      }
      results.push({
        ...layout,
        pages,
        ms: Math.round(ms),
        pagesPerSec: round(pages / (ms / 1000), 1),
        lockHeldMs: writes.reduce((a, w) => a + w.heldMs, 0),
        lockWaitMs: writes.reduce((a, w) => a + w.waitMs, 0),
      });
    } finally {
      await stack.stop();
    }
  }
  const one = results[0];
  for (const r of results) {
    figure(ctx, {
      section,
      name: `${r.ingest} ingest × ${r.retrieval} retrieval replica(s): ${books.length} PDFs, ${r.pages} pages, upload until every task is SUCCESS`,
      value: r.pagesPerSec,
      unit: 'pages/s',
    });
    figure(ctx, {
      section,
      name: `${r.ingest} × ${r.retrieval}: time the LanceDB write lock was held (all replicas' commits), share of that ingest's wall time — writes waited ${round(r.lockWaitMs / 1000, 1)} s for it in all`,
      value: round((100 * r.lockHeldMs) / r.ms, 1),
      unit: '%',
    });
    if (r !== one)
      figure(ctx, {
        section,
        name: `${r.ingest} ingest × ${r.retrieval} retrieval against 1 × 1, same run`,
        value: round(r.pagesPerSec / one.pagesPerSec, 2),
        unit: '×',
      });
  }
  ctx.details.replicas = results;
}
