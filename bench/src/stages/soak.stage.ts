import { Stack } from '@rag/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { postJson, uploadFiles, waitForTasks } from '../http';
import { round } from '../stats';

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
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
  const stack = new Stack({ RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn', BUS_TIMEOUT_MS: '10000', ...(process.env.SOAK_RETRIEVAL_ENV ? JSON.parse(process.env.SOAK_RETRIEVAL_ENV) : {}) });
  try {
    const retrieval = await stack.start('retrieval-service');
    await stack.start('ingest-service');
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const books = join(ctx.datasets, 'pubmedqa-books');
    const seed = await uploadFiles(base, 'soak', [join(books, 'pubmed-abstracts-vol01.pdf'), join(books, 'pubmed-abstracts-vol02.pdf')]);
    await waitForTasks(base, seed.body.files.map((f: { taskId: string }) => f.taskId), 5 * 60_000);
    const questions = readFileSync(join(books, 'queries.dev.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { question: string }).question);

    const until = Date.now() + seconds * 1000;
    const warmUntil = Date.now() + (seconds * 1000) / 5;
    const counts = { searches: 0, searchErrors: 0, writes: 0, deletes: 0, writeErrors: 0 };
    const samples: Array<{ t: number; mb: number }> = [];
    const sampler = setInterval(() => samples.push({ t: Date.now(), mb: rssMb(retrieval.proc.pid!) }), 2000);
    const searchLoop = async (k: number) => {
      for (let i = k; Date.now() < until; i += 4) {
        // Varied questions, so the reply cache does not answer most of them.
        const r = await postJson(`${base}/search`, { collectionId: 'soak', query: `${questions[i % questions.length]} ${i}` }).catch(() => ({ status: 0 }));
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
    const warm = samples.filter((s) => s.t >= warmUntil)[0]?.mb ?? samples[0].mb;
    const end = samples[samples.length - 1].mb;
    const peak = Math.max(...samples.map((s) => s.mb));
    figure(ctx, { section, name: `retrieval-service RSS after warm-up (${round(seconds / 5, 0)} s of mixed load)`, value: round(warm, 0), unit: 'MB' });
    figure(ctx, { section, name: `retrieval-service RSS at the end of ${seconds} s (peak ${round(peak, 0)} MB)`, value: round(end, 0), unit: 'MB' });
    figure(ctx, { section, name: 'RSS growth after warm-up, end / warm-up', value: round(end / warm, 2), unit: '×', floor: ctx.quick ? undefined : { op: '<=', value: 1.5, source: 'issue 16' } });
    figure(ctx, { section, name: 'searches answered / failed; documents written and deleted / failed', value: counts.searches, unit: 'searches', note: `${counts.searchErrors} failed searches; ${counts.writes} written, ${counts.deletes} deleted, ${counts.writeErrors} failed writes` });
    ctx.details.soak = { seconds, counts, samples: samples.map((s) => round(s.mb, 0)), env: process.env.SOAK_RETRIEVAL_ENV ?? null };
  } finally {
    await stack.stop();
  }
}
