import type { Citation } from '@rag/contracts';
import { useEffect, useRef } from 'react';
import { sanitizeTableHtml } from '../lib/sanitize-table';
import { Dialog } from './dialog';

/** The cited chunk in a dialog; tables shown as tables (sanitised); a link to the PDF page when the file is at hand. */
export function CitationView(props: { citation: Citation; fileUrl?: string; onClose: () => void }) {
  const { citation: c, fileUrl, onClose } = props;
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), []);
  return (
    <Dialog labelledBy="citation-title" onClose={onClose}>
      <h3 id="citation-title">
        [{c.n}] {c.filename}, page {c.pageNumber}
        {c.pageEnd > c.pageNumber ? `–${c.pageEnd}` : ''}
      </h3>
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
        ) : (
          <span className="muted">The PDF itself is not kept by the server; files uploaded in this browser session open here.</span>
        )}
      </p>
      <button ref={closeButton} onClick={onClose}>
        Close
      </button>
    </Dialog>
  );
}
