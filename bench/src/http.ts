import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export const postJson = async (url: string, body: unknown): Promise<{ status: number; body: any }> => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
};

export async function uploadFiles(base: string, collection: string, files: Array<string | { name: string; data: Buffer }>): Promise<{ status: number; body: any; ms: number }> {
  const form = new FormData();
  for (const f of files) {
    const { name, data } = typeof f === 'string' ? { name: basename(f), data: readFileSync(f) } : f;
    form.append('files', new Blob([new Uint8Array(data)]), name);
  }
  const t0 = performance.now();
  const r = await fetch(`${base}/upload/${collection}`, { method: 'POST', body: form });
  const body = await r.json();
  return { status: r.status, body, ms: performance.now() - t0 };
}

/** Polls tasks until each is SUCCESS or FAILURE, or the deadline passes (those are returned as still running). */
export async function waitForTasks(base: string, taskIds: string[], deadlineMs: number, pollMs = 50): Promise<Map<string, any>> {
  const done = new Map<string, any>();
  const until = Date.now() + deadlineMs;
  while (done.size < taskIds.length && Date.now() < until) {
    await Promise.all(
      taskIds
        .filter((id) => !done.has(id))
        .map(async (id) => {
          const t = (await (await fetch(`${base}/tasks/${id}`)).json()) as any;
          if (t.state === 'SUCCESS' || t.state === 'FAILURE') done.set(id, { ...t, seenAt: performance.now() });
        }),
    );
    if (done.size < taskIds.length) await new Promise((r) => setTimeout(r, pollMs));
  }
  return done;
}
