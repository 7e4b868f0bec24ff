import type { DocumentSummary, StoredChunk } from '@rag/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-client';
import { sanitizeTableHtml } from '../lib/sanitize-table';
import { Dialog } from './dialog';

const PAGE = 50;

/** What was extracted from a document: its chunks in order, with pages, type and heading path, 50 at a time. */
export function ChunkBrowser(props: {
  api: ApiClient;
  collectionId: string;
  document: DocumentSummary;
  onClose: () => void;
}) {
  const { api, collectionId, document: doc, onClose } = props;
  const [chunks, setChunks] = useState<StoredChunk[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [next, setNext] = useState<number | null>(0);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const closeButton = useRef<HTMLButtonElement>(null);

  const load = useCallback(
    async (offset: number) => {
      setLoading(true);
      try {
        const page = await api.chunks(collectionId, doc.documentId, offset, PAGE);
        setChunks((prev) => (offset === 0 ? page.chunks : [...prev, ...page.chunks]));
        setTotal(page.total ?? null);
        setNext(page.nextOffset ?? null);
        setError(null);
      } catch (err) {
        setError(err instanceof ApiError ? err.explanation : (err as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [api, collectionId, doc.documentId],
  );

  useEffect(() => closeButton.current?.focus(), []);
  useEffect(() => {
    void load(0);
  }, [load]);

  return (
    <Dialog labelledBy="chunks-title" wide onClose={onClose}>
      <h3 id="chunks-title">
        Chunks of {doc.filename}
        {total !== null ? ` (${chunks.length} of ${total})` : ''}
      </h3>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ol className="chunks" aria-label={`Chunks of ${doc.filename}`}>
        {chunks.map((c) => (
          <li key={c.chunkId} className="chunk-item">
            <p className="muted">
              #{c.chunkIndex} · page {c.pageNumber}
              {c.pageEnd > c.pageNumber ? `–${c.pageEnd}` : ''} · {c.dataType}
              {c.source === 'ocr' ? ` · OCR ${c.ocrConfidence ?? '?'}%` : ''}
              {c.headingPath.length ? ` · ${c.headingPath.join(' › ')}` : ''}
            </p>
            {c.dataType === 'table_html' ? (
              <div className="chunk table" dangerouslySetInnerHTML={{ __html: sanitizeTableHtml(c.text) }} />
            ) : (
              <p className="chunk">{c.text}</p>
            )}
          </li>
        ))}
      </ol>
      {next !== null && (
        <button type="button" disabled={loading} onClick={() => void load(next)}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
      <button ref={closeButton} type="button" onClick={onClose}>
        Close
      </button>
    </Dialog>
  );
}
