import { ErrorCode } from '@rag/contracts';
import { DomainError } from '@rag/platform';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PageProgress, PartitionResult } from './element';
import { PdfOptions } from './pdfjs.partitioner';

type WorkerMessage =
  | { type: 'ready' }
  | { id: number; type: 'progress'; done: number; total: number }
  | { id: number; type: 'result'; result: PartitionResult }
  | { id: number; type: 'error'; code: ErrorCode; message: string };

interface Job {
  id: number;
  timeoutMs: number;
  bytes: Buffer;
  opts: PdfOptions;
  progress: PageProgress;
  resolve: (r: PartitionResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Its modules are loaded: a job's deadline never pays for a thread's start-up. */
  ready: boolean;
  job: Job | null;
  timer?: NodeJS.Timeout;
  jobsDone: number;
}

export interface PdfPoolOptions {
  /** Worker threads kept warm; parses beyond this wait for a free one. */
  size: number;
  timeoutMs: number;
  maxHeapMb: number;
  /** A worker is replaced after this many documents, so slow leaks in pdf.js cannot accumulate. */
  recycleAfter?: number;
}

/**
 * Long-lived worker threads that parse PDFs with pdf.js. Warm workers skip pdf.js start-up and
 * keep the JIT's work (a cold parse of a 100-page book costs about three times a warm one). pdf.js
 * can spin synchronously on crafted files: a parse that passes its deadline gets its worker
 * terminated (no timer inside that thread could stop it) and a fresh worker takes the slot.
 */
export class PdfWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: PdfPoolOptions) {}

  /** Workers started so far (a replaced or recycled worker counts again). */
  spawned = 0;

  parse(
    bytes: Buffer,
    opts: PdfOptions,
    progress: PageProgress,
    timeoutMs = this.opts.timeoutMs,
  ): Promise<PartitionResult> {
    if (this.closed) return Promise.reject(new DomainError('SERVICE_UNAVAILABLE', 'PDF parser pool is shut down'));
    return new Promise((resolvePromise, reject) => {
      this.queue.push({
        id: this.nextId++,
        timeoutMs,
        bytes,
        opts: { ...opts, textLayerTimeoutMs: timeoutMs },
        progress,
        resolve: resolvePromise,
        reject,
      });
      this.dispatch();
    });
  }

  /** Starts every worker now, so the first documents do not wait for a thread to load pdf.js. */
  warm(): void {
    while (!this.closed && this.slots.length < this.opts.size) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.reject(new DomainError('SERVICE_UNAVAILABLE', 'PDF parser pool is shut down'));
    await Promise.all(
      this.slots
        .splice(0)
        .map((s) => this.retire(s, new DomainError('SERVICE_UNAVAILABLE', 'PDF parser pool is shut down'))),
    );
  }

  private dispatch(): void {
    for (let slot; this.queue.length && (slot = this.slots.find((s) => s.ready && !s.job));)
      this.start(slot, this.queue.shift()!);
    // Threads still starting will take the next documents; start more only for the rest.
    const booting = this.slots.filter((s) => !s.ready).length;
    for (let n = booting; n < this.queue.length && this.slots.length < this.opts.size; n++) this.spawn();
  }

  private spawn(): Slot {
    const fromSource = __filename.endsWith('.ts');
    const file = join(__dirname, `pdf-parse.worker.${fromSource ? 'ts' : 'js'}`);
    const resourceLimits = { maxOldGenerationSizeMb: this.opts.maxHeapMb };
    // Tests run from TypeScript sources: the worker compiles its own imports on the fly.
    const worker = fromSource
      ? new Worker(`require('@swc-node/register'); require(${JSON.stringify(file)});`, {
          eval: true,
          resourceLimits,
          env: { ...process.env, TS_NODE_PROJECT: resolve(__dirname, '../../../../tsconfig.base.json') },
        })
      : new Worker(file, { resourceLimits });
    const slot: Slot = { worker, ready: false, job: null, jobsDone: 0 };
    this.spawned++;
    // Idle workers never hold the process open; a busy one does until its job ends.
    worker.unref();
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        slot.ready = true;
        return this.dispatch();
      }
      const job = slot.job;
      if (!job || m.id !== job.id) return;
      if (m.type === 'progress') job.progress(m.done, m.total);
      else if (m.type === 'result') this.finish(slot, () => job.resolve(m.result));
      else this.finish(slot, () => job.reject(new DomainError(m.code, m.message)));
    });
    const died = (reason: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      clearTimeout(slot.timer);
      const job = slot.job;
      slot.job = null;
      const failed = new DomainError('DOCUMENT_UNREADABLE', `PDF parser ${reason}`);
      job?.reject(failed);
      // A thread that cannot even start fails the next document instead of being respawned forever.
      if (!slot.ready) this.queue.shift()?.reject(failed);
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (err) => died(`crashed: ${err.message}`));
    worker.on('exit', (code) => died(`exited (code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      void this.retire(
        slot,
        new DomainError('DOCUMENT_UNREADABLE', `PDF parsing exceeded ${job.timeoutMs} ms and was stopped`),
      );
    }, job.timeoutMs);
    slot.worker.postMessage({ id: job.id, bytes: job.bytes, opts: job.opts });
  }

  private finish(slot: Slot, settle: () => void): void {
    clearTimeout(slot.timer);
    slot.job = null;
    slot.jobsDone++;
    slot.worker.unref();
    settle();
    if (slot.jobsDone >= (this.opts.recycleAfter ?? 200)) void this.retire(slot, null);
    else this.dispatch();
  }

  /** Terminates a slot's worker, failing its job (if any) with `reason`. */
  private async retire(slot: Slot, reason: DomainError | null): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = null;
    if (job) job.reject(reason ?? new DomainError('DOCUMENT_UNREADABLE', 'PDF parser stopped'));
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => undefined);
    await slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}
