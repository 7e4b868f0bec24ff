import { parentPort } from 'node:worker_threads';
import { DomainError } from '@rag/platform';
import { partitionPdf, PdfOptions } from './pdfjs.partitioner';

/** A pooled pdf.js parser: one document at a time, in a thread the pool can terminate. */
if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: { id: number; bytes: Uint8Array; opts: PdfOptions }) => {
    const { id } = msg;
    partitionPdf(Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength), msg.opts, (done, total) =>
      port.postMessage({ id, type: 'progress', done, total }),
    ).then(
      (result) => port.postMessage({ id, type: 'result', result }),
      (err: unknown) =>
        port.postMessage({
          id,
          type: 'error',
          code: err instanceof DomainError ? err.code : 'DOCUMENT_UNREADABLE',
          message: err instanceof Error ? err.message : String(err),
        }),
    );
  });
}
