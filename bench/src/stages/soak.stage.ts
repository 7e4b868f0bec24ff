import { Stack } from '@rag/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { postJson, uploadFiles, waitForTasks } from '../http';
import { percentiles, procStatusKb, round } from '../stats';

/** One sample of the retrieval service: RSS, and what its /health says of its JS heap, external memory and reply cache. */
interface Sample {
  t: number;
  mb: number;
  cacheMb?: number;
  heapMb?: number;
  externalMb?: number;
}

/**
 * Soak: searches from four loops while a writer uploads and deletes small documents, so the
 * LanceDB table version keeps moving (the load that grew retrieval RSS without bound), for five
 * minutes (20 s with --quick). RSS of the retrieval service is sampled; growth is measured from the
 * end of a warm-up (a fifth of the run) to the end.
 */
export async function soak(ctx: BenchContext): Promise<void> {
  const section = 'Soak';
  const seconds = ctx.quick ? 20 : 300;
  const stack = new Stack({
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    BUS_TIMEOUT_MS: '10000',
    ...(process.env.SOAK_RETRIEVAL_ENV ? JSON.parse(process.env.SOAK_RETRIEVAL_ENV) : {}),
  });
  try {
    const retrieval = await stack.start('retrieval-service');
    await stack.start('ingest-service');
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const books = join(ctx.datasets, 'pubmedqa-books');
    const seed = await uploadFiles(base, 'soak', [
      join(books, 'pubmed-abstracts-vol01.pdf'),
      join(books, 'pubmed-abstracts-vol02.pdf'),
    ]);
    await waitForTasks(
      base,
      seed.body.files.map((f: { taskId: string }) => f.taskId),
      5 * 60_000,
    );
    const questions = readFileSync(join(books, 'queries.dev.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { question: string }).question);

    const until = Date.now() + seconds * 1000;
    const warmUntil = Date.now() + (seconds * 1000) / 5;
    const counts = { searches: 0, searchErrors: 0, writes: 0, deletes: 0, writeErrors: 0 };
    const samples: Sample[] = [];
    const health = `http://127.0.0.1:${retrieval.port}/health`;
    // The JS heap and the reply cache beside the RSS: which part of the growth they hold.
    const sampler = setInterval(() => {
      const s: Sample = { t: Date.now(), mb: procStatusKb(retrieval.proc.pid!, 'VmRSS') / 1024 };
      samples.push(s);
      void fetch(health)
        .then(
          (r) =>
            r.json() as Promise<{
              details?: { searchCache?: { bytes: number }; memoryMb?: { heapUsed: number; external: number } };
            }>,
        )
        .then((h) => {
          s.cacheMb = Math.round((h.details?.searchCache?.bytes ?? 0) / 2 ** 20);
          s.heapMb = h.details?.memoryMb?.heapUsed;
          s.externalMb = h.details?.memoryMb?.external;
        })
        .catch(() => undefined);
    }, 2000);
    const searchLoop = async (k: number) => {
      for (let i = k; Date.now() < until; i += 4) {
        // Varied questions, so the reply cache does not answer most of them.
        const r = await postJson(`${base}/search`, {
          collectionId: 'soak',
          query: `${questions[i % questions.length]} ${i}`,
        }).catch(() => ({ status: 0 }));
        if (r.status === 200) counts.searches++;
        else counts.searchErrors++;
      }
    };
    const writeLoop = async () => {
      for (let i = 0; Date.now() < until; i++) {
        const name = `note-${i}.txt`;
        const text = `Soak note ${i}: ${questions[(i * 7) % questions.length]} ${questions[(i * 13) % questions.length]}`;
        const up = await uploadFiles(base, 'soak', [{ name, data: Buffer.from(text) }]);
        const done = up.status === 202 ? await waitForTasks(base, [up.body.files[0].taskId], 60_000) : new Map();
        const task = [...done.values()][0];
        if (task?.state !== 'SUCCESS') {
          counts.writeErrors++;
          continue;
        }
        counts.writes++;
        const del = await fetch(`${base}/embeddings/soak/${task.documentId}`, { method: 'DELETE' });
        if (del.status === 200) counts.deletes++;
        else counts.writeErrors++;
      }
    };
    await Promise.all([searchLoop(0), searchLoop(1), searchLoop(2), searchLoop(3), writeLoop()]);
    clearInterval(sampler);
    // Medians over 30 s windows: one sample can land on a JS heap peak just before a collection (heap 80 -> 250 MB within seconds).
    const windowMs = Math.min(30_000, (seconds * 1000) / 5);
    const median = (xs: Array<number | undefined>) => percentiles(xs.filter((x): x is number => x !== undefined)).p50;
    const warmWindow = samples.filter((s) => s.t >= warmUntil && s.t < warmUntil + windowMs);
    const endWindow = samples.filter((s) => s.t >= until - windowMs);
    const describe = (w: Sample[]) =>
      `median of ${w.length} samples; JS heap ${median(w.map((s) => s.heapMb))} MB, external ${median(w.map((s) => s.externalMb))} MB, reply cache ${median(w.map((s) => s.cacheMb))} MB (its estimate)`;
    const [warm, end] = [median(warmWindow.map((s) => s.mb)), median(endWindow.map((s) => s.mb))];
    const single = { warm: (warmWindow[0] ?? samples[0]).mb, end: samples[samples.length - 1].mb };
    const peak = Math.max(...samples.map((s) => s.mb));
    figure(ctx, {
      section,
      name: `retrieval-service RSS after warm-up (${round(seconds / 5, 0)} s of mixed load, the next ${round(windowMs / 1000, 0)} s)`,
      value: round(warm, 0),
      unit: 'MB',
      note: describe(warmWindow),
    });
    figure(ctx, {
      section,
      name: `retrieval-service RSS in the last ${round(windowMs / 1000, 0)} s of ${seconds} s (peak ${round(peak, 0)} MB)`,
      value: round(end, 0),
      unit: 'MB',
      note: describe(endWindow),
    });
    figure(ctx, {
      section,
      name: 'RSS growth after warm-up, end / warm-up',
      value: round(end / warm, 2),
      unit: '×',
      floor: ctx.quick ? undefined : { op: '<=', value: 1.5, source: 'issue 16' },
      note: `single samples (the measure before 2026-12-04): ${round(single.warm, 0)} -> ${round(single.end, 0)} MB, ${round(single.end / single.warm, 2)}×`,
    });
    figure(ctx, {
      section,
      name: 'searches answered / failed; documents written and deleted / failed',
      value: counts.searches,
      unit: 'searches',
      note: `${counts.searchErrors} failed searches; ${counts.writes} written, ${counts.deletes} deleted, ${counts.writeErrors} failed writes`,
    });
    ctx.details.soak = {
      seconds,
      counts,
      samples: samples.map((s) => round(s.mb, 0)),
      heapMb: samples.map((s) => s.heapMb ?? null),
      externalMb: samples.map((s) => s.externalMb ?? null),
      replyCacheMb: samples.map((s) => s.cacheMb ?? null),
      env: process.env.SOAK_RETRIEVAL_ENV ?? null,
    };
  } finally {
    await stack.stop();
  }
}
