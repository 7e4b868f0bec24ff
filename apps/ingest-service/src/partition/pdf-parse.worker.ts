import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '@rag/platform';
import { partitionPdf, PdfOptions } from './pdfjs.partitioner';

/** Runs pdf.js on one document inside a worker thread, so a pathological PDF can be killed. */
const input = workerData as { bytes: Uint8Array; opts: PdfOptions };
if (parentPort) {
  const port = parentPort;
  partitionPdf(Buffer.from(input.bytes), input.opts, (done, total) => port.postMessage({ type: 'progress', done, total })).then(
    (result) => port.postMessage({ type: 'result', result }),
    (err: unknown) =>
      port.postMessage({
        type: 'error',
        code: err instanceof DomainError ? err.code : 'DOCUMENT_UNREADABLE',
        message: err instanceof Error ? err.message : String(err),
      }),
  );
}
