import type { Citation } from '@rag/contracts';
import { useEffect, useRef, useState } from 'react';
import { sanitizeTableHtml } from '../lib/sanitize-table';
import { Dialog } from './dialog';

/**
 * The cited chunk in a dialog; tables shown as tables (sanitised); the file at the cited page: the
 * copy uploaded in this browser session, or the original the server keeps (fetched with the key).
 */
export function CitationView(props: {
  citation: Citation;
  fileUrl?: string;
  openOriginal?: (c: Citation) => Promise<string>;
  onClose: () => void;
}) {
  const { citation: c, fileUrl, openOriginal, onClose } = props;
  const closeButton = useRef<HTMLButtonElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => closeButton.current?.focus(), []);
  const open = async () => {
    // A tab opened before the fetch: browsers block a window.open that follows an await.
    const tab = window.open('', '_blank');
    try {
      const url = await openOriginal!(c);
      if (tab) tab.location.href = `${url}#page=${c.pageNumber}`;
    } catch (err) {
      tab?.close();
      setFailed((err as Error).message);
    }
  };
  return (
    <Dialog labelledBy="citation-title" onClose={onClose}>
      <h3 id="citation-title">
        [{c.n}] {c.filename}, page {c.pageNumber}
        {c.pageEnd > c.pageNumber ? `–${c.pageEnd}` : ''}
      </h3>
      {c.source === 'ocr' && (
        <p className="muted">
          Read from a page image by OCR (word confidence {c.ocrConfidence ?? '?'}%): check the original page.
        </p>
      )}
      {c.dataType === 'table_html' ? (
        <div className="chunk table" dangerouslySetInnerHTML={{ __html: sanitizeTableHtml(c.text) }} />
      ) : (
        <p className="chunk">{c.text}</p>
      )}
      <p>
        {fileUrl ? (
          <a href={`${fileUrl}#page=${c.pageNumber}`} target="_blank" rel="noreferrer">
            Open {c.filename} at page {c.pageNumber}
          </a>
        ) : openOriginal ? (
          <button type="button" className="secondary" onClick={() => void open()}>
            Open {c.filename} at page {c.pageNumber}
          </button>
        ) : null}
      </p>
      {failed && (
        <p className="error" role="alert">
          {failed}
        </p>
      )}
      <button ref={closeButton} onClick={onClose}>
        Close
      </button>
    </Dialog>
  );
}
