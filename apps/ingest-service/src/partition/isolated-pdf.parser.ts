import { ErrorCode } from '@rag/contracts';
import { DomainError } from '@rag/platform';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PageProgress, PartitionResult } from './element';
import { PdfOptions } from './pdfjs.partitioner';

type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; result: PartitionResult }
  | { type: 'error'; code: ErrorCode; message: string };

/**
 * Parses a PDF in a worker thread with a deadline and a heap cap. pdf.js can spin synchronously on
 * crafted files; no timer in the same thread could stop that, terminating the worker does.
 */
export function parsePdfIsolated(bytes: Buffer, opts: PdfOptions & { timeoutMs: number; maxHeapMb: number }, progress: PageProgress): Promise<PartitionResult> {
  const fromSource = __filename.endsWith('.ts');
  const file = join(__dirname, `pdf-parse.worker.${fromSource ? 'ts' : 'js'}`);
  const workerData = { bytes, opts: { countImages: opts.countImages, password: opts.password } satisfies PdfOptions };
  const resourceLimits = { maxOldGenerationSizeMb: opts.maxHeapMb };
  // Tests run from TypeScript sources: the worker compiles its own imports on the fly.
  const worker = fromSource
    ? new Worker(`require('@swc-node/register'); require(${JSON.stringify(file)});`, {
        eval: true,
        workerData,
        resourceLimits,
        env: { ...process.env, TS_NODE_PROJECT: resolve(__dirname, '../../../../tsconfig.base.json') },
      })
    : new Worker(file, { workerData, resourceLimits });
  return new Promise<PartitionResult>((resolvePromise, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new DomainError('DOCUMENT_UNREADABLE', `PDF parsing exceeded ${opts.timeoutMs} ms and was stopped`))),
      opts.timeoutMs,
    );
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') progress(m.done, m.total);
      else if (m.type === 'result') finish(() => resolvePromise(m.result));
      else finish(() => reject(new DomainError(m.code, m.message)));
    });
    worker.on('error', (err) => finish(() => reject(new DomainError('DOCUMENT_UNREADABLE', `PDF parser crashed: ${err.message}`))));
    worker.on('exit', (code) => finish(() => reject(new DomainError('DOCUMENT_UNREADABLE', `PDF parser exited (code ${code})`))));
  });
}
