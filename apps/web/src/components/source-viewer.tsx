import type { Citation } from '@rag/contracts';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import { sanitizeTableHtml } from '../lib/sanitize-table';
import { Dialog } from './dialog';
import { openPdf, PdfPageView } from './pdf-page-view';

/**
 * A cited source: the PDF the server keeps, drawn in the page at the cited page with the quoted
 * passages highlighted and the chunk's regions outlined (other pages a click away), and the cited chunk as text (tables as tables,
 * sanitised). A file that is no PDF, or one that cannot be fetched, shows the chunk alone.
 */
export function SourceViewer(props: {
  citation: Citation;
  /** What the answer quoted from this source; the chunk's text when it quoted nothing. */
  quotes: string[];
  loadFile: () => Promise<Blob>;
  onClose: () => void;
  /** pdf.js by default; tests give their own. */
  open?: (data: ArrayBuffer) => Promise<PDFDocumentProxy>;
}) {
  const { citation: c, quotes, loadFile, onClose, open = openPdf } = props;
  const closeButton = useRef<HTMLButtonElement>(null);
  const isPdf = c.filename.toLowerCase().endsWith('.pdf');
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [fileUrl, setFileUrl] = useState<string | null>(null);
  const [page, setPage] = useState(c.pageNumber);
  const [failed, setFailed] = useState<string | null>(null);
  const [placed, setPlaced] = useState<number | null>(null);

  // The file is fetched once per document, whatever the caller's functions are from render to render.
  const load = useRef({ loadFile, open });
  useEffect(() => {
    closeButton.current?.focus();
  }, []);
  useEffect(() => {
    if (!isPdf) return;
    const { loadFile, open } = load.current;
    let cancelled = false;
    let url: string | null = null;
    let doc: PDFDocumentProxy | null = null;
    Promise.resolve()
      .then(loadFile)
      .then(async (blob) => {
        if (cancelled) return;
        url = URL.createObjectURL(blob);
        setFileUrl(url);
        doc = await open(await blob.arrayBuffer());
        if (cancelled) void doc.destroy();
        else setPdf(doc);
      })
      .catch((err: unknown) => !cancelled && setFailed((err as Error).message));
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
      void doc?.destroy();
    };
  }, [isPdf, c.documentId]);

  const cited = page >= c.pageNumber && page <= c.pageEnd;
  return (
    <Dialog labelledBy="source-title" wide onClose={onClose}>
      <div className="viewer-head">
        <h3 id="source-title">
          [{c.n}] {c.filename}, page {c.pageNumber}
          {c.pageEnd > c.pageNumber ? `–${c.pageEnd}` : ''}
        </h3>
        <button ref={closeButton} onClick={onClose}>
          Close
        </button>
      </div>
      {c.source === 'ocr' && (
        <p className="muted">
          Read from a page image by OCR (word confidence {c.ocrConfidence ?? '?'}%): check the original page.
        </p>
      )}
      {pdf && (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous page
          </button>
          <span aria-live="polite">
            Page {page} of {pdf.numPages}
          </span>
          <button type="button" className="secondary" disabled={page >= pdf.numPages} onClick={() => setPage(page + 1)}>
            Next page
          </button>
          {!cited && (
            <button type="button" className="secondary" onClick={() => setPage(c.pageNumber)}>
              Back to page {c.pageNumber}
            </button>
          )}
        </nav>
      )}
      {pdf && (
        <PdfPageView
          pdf={pdf}
          page={page}
          quotes={cited ? quotes : []}
          regions={page === c.pageNumber ? c.regions : []}
          onRendered={(n) => setPlaced(n)}
        />
      )}
      {pdf && cited && placed === 0 && (
        <p className="muted">The quoted words could not be placed on this page; the cited passage is below.</p>
      )}
      {isPdf && !pdf && !failed && <p className="muted">Loading {c.filename}…</p>}
      {failed && (
        <p className="error" role="alert">
          Could not open the original: {failed}
        </p>
      )}
      <h4>Cited passage</h4>
      {c.dataType === 'table_html' ? (
        <div className="chunk table" dangerouslySetInnerHTML={{ __html: sanitizeTableHtml(c.text) }} />
      ) : (
        <p className="chunk">{c.text}</p>
      )}
      {fileUrl && (
        <p>
          <a href={`${fileUrl}#page=${page}`} target="_blank" rel="noreferrer">
            Open {c.filename} at page {page}
          </a>
        </p>
      )}
    </Dialog>
  );
}
