import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import type { NetLab } from './net-lab';

export { freePort };

export const ROOT = resolve(__dirname, '../../../..');
export const DATASETS = resolve(ROOT, '../shared/datasets');

export type ServiceName = 'gateway' | 'ingest-service' | 'retrieval-service' | 'chat-service';

export interface RunningService {
  name: ServiceName;
  proc: ChildProcess;
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

/** One system instance: its own Redis key prefix, LanceDB and upload dirs; services are real processes. */
export class Stack {
  readonly prefix = uniquePrefix('e2e');
  readonly dir = mkdtempSync(join(tmpdir(), 'rag-e2e-'));
  readonly services: RunningService[] = [];

  constructor(private readonly baseEnv: Record<string, string> = {}) {}

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: this.prefix,
      LANCEDB_URI: join(this.dir, 'lancedb'),
      UPLOAD_DIR: join(this.dir, 'uploads'),
      LOG_LEVEL: 'warn',
      BUS_TIMEOUT_MS: '3000',
      JOB_BACKOFF_MS: '200',
      ...this.baseEnv,
      ...extra,
    };
  }

  /** Starts a service as a process here, or on a host of a NetLab (`on`), and waits until it answers /health. */
  async start(
    name: ServiceName,
    extra: Record<string, string> = {},
    on?: { lab: NetLab; host: string },
  ): Promise<RunningService> {
    const port = await freePort();
    const env = this.env({
      ...(name === 'gateway' ? { PORT: String(port), HOST: '127.0.0.1' } : { HEALTH_PORT: String(port) }),
      ...extra,
    });
    const main = join(ROOT, `dist/apps/${name}/apps/${name}/src/main.js`);
    const proc = on
      ? on.lab.spawn(on.host, process.execPath, [main], env)
      : spawn(process.execPath, [main], {
          env: { PATH: process.env.PATH ?? '', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    const health = async () =>
      on
        ? (await on.lab.fetch(on.host, `http://127.0.0.1:${port}/health`)).status === 200
        : (await fetch(`http://127.0.0.1:${port}/health`)).ok;
    const logs: string[] = [];
    proc.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
    proc.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    const svc: RunningService = {
      name,
      proc,
      port,
      logs,
      stop: () =>
        new Promise<void>((ok) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return ok();
          proc.once('exit', () => ok());
          proc.kill('SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 8000).unref();
        }),
    };
    this.services.push(svc);
    const until = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`${name} exited with ${proc.exitCode}: ${logs.join('')}`);
      try {
        if (await health()) return svc;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`${name} did not start: ${logs.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Fetch options of a JSON POST. */
export const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Test-side JSON reader: responses are checked field by field, so `any` is the honest type here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function getJson(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}

export async function waitForTask(
  base: string,
  taskId: string,
  timeoutMs = 60_000,
  headers: Record<string, string> = {},
): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const t = (await getJson(fetch(`${base}/tasks/${taskId}`, { headers }))) as Record<string, any>;
    if (t.state === 'SUCCESS' || t.state === 'FAILURE') return t;
    if (Date.now() > until) throw new Error(`task ${taskId} still ${t.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function upload(
  base: string,
  collection: string,
  files: Array<{ name: string; data: Buffer | string }>,
  headers: Record<string, string> = {},
) {
  const form = new FormData();
  for (const f of files)
    form.append('files', new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)]), f.name);
  const r = await fetch(`${base}/upload/${encodeURIComponent(collection)}`, { method: 'POST', body: form, headers });
  return { status: r.status, body: (await getJson(r)) as Record<string, any> };
}

/** Reads an SSE response event by event. */
export async function* sseEvents(res: Response): AsyncGenerator<{ event: string; data: any }> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += dec.decode(value, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      yield { event, data: data ? JSON.parse(data) : null };
    }
  }
}
