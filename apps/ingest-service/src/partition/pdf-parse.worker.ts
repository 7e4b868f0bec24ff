import { parentPort } from 'node:worker_threads';
import { DomainError } from '@rag/platform';
import { partitionPdf, PdfOptions } from './pdfjs.partitioner';

/** A one-page PDF with a word and a rule: parsing it loads pdf.js's parser code (~0.6 s of a thread's first document). */
const WARM_UP_PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj',
    '4 0 obj << /Length 60 >> stream',
    'BT /F1 12 Tf 20 100 Td (warm up) Tj ET 20 90 m 180 90 l S',
    'endstream endobj',
    '5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
  ].join('\n'),
);

/** A pooled pdf.js parser: one document at a time, in a thread the pool can terminate. */
if (parentPort) {
  const port = parentPort;
  void partitionPdf(WARM_UP_PDF, { countImages: false, textLayer: 'pdfjs' }, () => undefined).catch(() => undefined);
  port.postMessage({ type: 'ready' });
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
