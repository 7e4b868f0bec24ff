import { DomainError } from '@rag/platform';
import { Element, PageProgress, PartitionResult } from './element';
import { layoutPage, TextRun } from './page-layout';

// pdf.js looks for a canvas to polyfill these rendering classes and logs a warning without one;
// text extraction never renders, so inert stand-ins keep the logs clean.
const g = globalThis as Record<string, unknown>;
g.DOMMatrix ??= class DOMMatrix {};
g.Path2D ??= class Path2D {};
// pdf.js 3 ships a CommonJS build; only this file loads it.
const pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as typeof import('pdfjs-dist');

const IMAGE_OPS = new Set([pdfjs.OPS.paintImageXObject, pdfjs.OPS.paintInlineImageXObject, pdfjs.OPS.paintImageMaskXObject, pdfjs.OPS.paintImageXObjectRepeat]);

export interface PdfOptions {
  password?: string;
  countImages: boolean;
}

/** PDF → elements with pdf.js: positioned text per page, laid out by `layoutPage`. */
export async function partitionPdf(bytes: Buffer, opts: PdfOptions, progress: PageProgress): Promise<PartitionResult> {
  if (bytes.length < 5 || bytes.subarray(0, 1024).indexOf('%PDF-') < 0) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'file is not a PDF (no %PDF- header)');
  }
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    password: opts.password,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: false,
  });
  // No deadline here: pdf.js can spin synchronously, so the caller runs this in a worker it can kill.
  try {
    return await read(task, opts, progress);
  } catch (err) {
    throw toDomainError(err);
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

async function read(task: ReturnType<typeof pdfjs.getDocument>, opts: PdfOptions, progress: PageProgress): Promise<PartitionResult> {
  const doc = await task.promise;
  const total = doc.numPages;
  if (total === 0) throw new DomainError('DOCUMENT_UNREADABLE', 'PDF has no pages');
  const elements: Element[] = [];
  let imagesFound = 0;
  let failedPages = 0;
  let lastError = '';
  for (let p = 1; p <= total; p++) {
    try {
      const page = await doc.getPage(p);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const runs: TextRun[] = [];
      for (const item of content.items) {
        if (!('str' in item) || !item.str) continue;
        const [a, b, c, d, e, f] = item.transform as number[];
        runs.push({ str: item.str, x: e, y: f, width: item.width || Math.abs(a) * item.str.length * 0.5, size: Math.hypot(c, d) || Math.hypot(a, b) || 10 });
      }
      const pageElements = layoutPage(runs, p, viewport.width);
      if (pageElements.length && elements.length) {
        const prev = elements[elements.length - 1];
        const first = pageElements[0];
        if (prev.kind === 'text' && first.kind === 'text' && !/[.!?:;)"”]$/.test(prev.text)) first.continued = true;
      }
      elements.push(...pageElements);
      if (opts.countImages) {
        const ops = await page.getOperatorList();
        for (const fn of ops.fnArray) if (IMAGE_OPS.has(fn)) imagesFound++;
      }
      page.cleanup();
    } catch (err) {
      failedPages++;
      lastError = (err as Error).message;
    }
    if (p % 5 === 0 || p === total) progress(p, total);
  }
  if (failedPages === total) throw new DomainError('DOCUMENT_UNREADABLE', `no page of the PDF could be read: ${lastError}`);
  if (elements.length === 0) {
    throw new DomainError(
      'DOCUMENT_UNREADABLE',
      `no extractable text on any of ${total} page(s): scanned pages need OCR (PARTITIONER=unstructured with hi_res)`,
    );
  }
  return { pages: total, elements, imagesFound, imagesSkipped: 0 };
}

function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const e = err as { name?: string; message?: string; code?: number };
  switch (e?.name) {
    case 'PasswordException':
      return new DomainError('DOCUMENT_UNREADABLE', e.code === 2 ? 'PDF password is incorrect' : 'PDF is encrypted and needs a password');
    case 'InvalidPDFException':
      return new DomainError('DOCUMENT_UNREADABLE', `invalid or corrupted PDF: ${e.message}`);
    case 'MissingPDFException':
      return new DomainError('DOCUMENT_UNREADABLE', 'PDF is empty or missing');
    default:
      return new DomainError('DOCUMENT_UNREADABLE', `PDF could not be parsed: ${e?.message ?? String(err)}`);
  }
}
