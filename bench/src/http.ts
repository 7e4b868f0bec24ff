import { upload } from '@rag/testing';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { basename } from 'node:path';

export const postJson = async (url: string, body: unknown): Promise<{ status: number; body: any }> => {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

/** Uploads files (paths or in-memory) in one multipart request, through the test harness's client. */
export function uploadFiles(
  base: string,
  collection: string,
  files: Array<string | { name: string; data: Buffer }>,
): Promise<{ status: number; body: any }> {
  return upload(
    base,
    collection,
    files.map((f) => (typeof f === 'string' ? { name: basename(f), data: readFileSync(f) } : f)),
  );
}

/** Polls tasks until each is SUCCESS or FAILURE, or the deadline passes (those are returned as still running). */
export async function waitForTasks(
  base: string,
  taskIds: string[],
  deadlineMs: number,
  pollMs = 50,
): Promise<Map<string, any>> {
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

/**
 * Uploads one file from disk as a streamed multipart body (node:http, no copy of the file in
 * memory), the way curl or a browser sends it; returns the time until the JSON reply.
 */
export function uploadStreamed(
  base: string,
  collection: string,
  path: string,
  name: string,
): Promise<{ status: number; body: any; ms: number }> {
  const boundary = `----bench${Date.now().toString(16)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = statSync(path).size;
  const url = new URL(`${base}/upload/${collection}`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
        },
      },
      (res) => {
        let raw = '';
        res.on('data', (d: Buffer) => (raw += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(raw), ms: performance.now() - t0 }),
        );
      },
    );
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    file.on('error', reject);
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
}
