import { Stack } from '@rag/testing';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { uploadFiles, waitForTasks } from '../http';

/**
 * Stage 6: every PDF of the robustness corpus through POST /upload. Each must end as SUCCESS or a
 * FAILURE with a reason; a task still running at the deadline counts as a hang, a service process
 * that exited as a crash.
 */
export async function robustness(ctx: BenchContext): Promise<void> {
  const section = 'Robustness';
  const dir = join(ctx.datasets, 'pdf-corpus/robustness');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pdf'))
    .sort()
    .slice(0, ctx.quick ? 6 : undefined);
  const partitionTimeoutMs = 60_000;
  const stack = new Stack({
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    BUS_TIMEOUT_MS: '10000',
    PARTITION_TIMEOUT_MS: String(partitionTimeoutMs),
    JOB_ATTEMPTS: '1',
  });
  try {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const taskOf = new Map<string, string>();
    const rejected: Array<{ file: string; status: number; code: string; message: string }> = [];
    for (const f of files) {
      const r = await uploadFiles(base, 'robustness', [join(dir, f)]);
      if (r.status === 202) taskOf.set(r.body.files[0].taskId, f);
      else rejected.push({ file: f, status: r.status, code: r.body.code, message: r.body.message });
    }
    const t0 = performance.now();
    // Scanned files are OCR'd (seconds per page, one page at a time per replica): room for that, still bounded.
    const done = await waitForTasks(base, [...taskOf.keys()], partitionTimeoutMs * 2 + 5 * 60_000, 200);
    const perFile = [...taskOf.entries()].map(([id, file]) => {
      const t = done.get(id);
      return t
        ? { file, state: t.state, error: t.error, pages: t.counts.pages }
        : { file, state: 'HANG', error: null, pages: 0 };
    });
    const crashed = stack.services
      .filter((s) => s.proc.exitCode !== null || s.proc.signalCode !== null)
      .map((s) => s.name);
    const success = perFile.filter((p) => p.state === 'SUCCESS').length;
    // A failure is clear when it names the problem: a domain code other than INTERNAL and a message.
    const isClear = (p: (typeof perFile)[number]) =>
      p.state === 'FAILURE' && Boolean(p.error?.message) && p.error?.code !== 'INTERNAL';
    const clearFailure = perFile.filter(isClear).length + rejected.length;
    const hangs = perFile.filter((p) => p.state === 'HANG').length;
    const unclear = perFile.filter((p) => p.state === 'FAILURE' && !isClear(p)).length;
    figure(ctx, {
      section,
      name: `${files.length} PDFs of pdf-corpus/robustness: SUCCESS`,
      value: success,
      unit: 'files',
    });
    figure(ctx, { section, name: 'clear FAILURE (reason given) or 4xx at upload', value: clearFailure, unit: 'files' });
    figure(ctx, {
      section,
      name: 'hung (not finished in time), unclear failures, crashed services',
      value: hangs + unclear + crashed.length,
      unit: '',
      floor: { op: '<=', value: 0, source: 'issue 7' },
    });
    figure(ctx, {
      section,
      name: 'time until the last task finished',
      value: Math.round((performance.now() - t0) / 100) / 10,
      unit: 's',
    });
    ctx.details.robustness = { perFile, rejected, crashed };
  } finally {
    await stack.stop();
  }
}
