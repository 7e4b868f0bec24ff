import type { Task } from '@rag/contracts';
import { useEffect, useRef, useState } from 'react';
import { ApiClient, ApiError } from '../api/api-client';

interface Row {
  key: string;
  filename: string;
  taskId?: string;
  task?: Task;
  error?: string;
  /** When the upload began (ms): with the share done, how long the rest should take. */
  startedAt: number;
}

const ACCEPT = '.pdf,.docx,.txt,.md,.html';

/** Drag-and-drop (or pick) files; one row per file with live progress until SUCCESS or FAILURE. */
export function UploadPanel(props: { api: ApiClient; collectionId: string; onTaskDone: () => void; pollMs?: number }) {
  const { api, collectionId, onTaskDone, pollMs = 500 } = props;
  const [rows, setRows] = useState<Row[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // The parent's latest callback, without restarting the polling whenever the parent renders.
  const taskDone = useRef(onTaskDone);
  useEffect(() => {
    taskDone.current = onTaskDone;
  }, [onTaskDone]);

  useEffect(() => {
    const pending = rows.filter(
      (r) => r.taskId && !r.error && r.task?.state !== 'SUCCESS' && r.task?.state !== 'FAILURE',
    );
    if (!pending.length) return;
    const timer = setTimeout(async () => {
      const updates = await Promise.all(
        pending.map(async (r) => {
          try {
            return { key: r.key, task: await api.task(r.taskId!) };
          } catch (err) {
            return { key: r.key, error: err instanceof ApiError ? err.explanation : String(err) };
          }
        }),
      );
      setRows((prev) =>
        prev.map((r) => {
          const u = updates.find((x) => x.key === r.key);
          return u ? { ...r, ...u } : r;
        }),
      );
      if (updates.some((u) => u.task?.state === 'SUCCESS' || u.task?.state === 'FAILURE')) taskDone.current();
    }, pollMs);
    return () => clearTimeout(timer);
  }, [rows, api, pollMs]);

  async function send(files: File[]) {
    if (!files.length) return;
    const now = Date.now();
    const batch = files.map((f, i) => ({ key: `${now}-${i}-${f.name}`, filename: f.name, startedAt: now }));
    setRows((prev) => [...batch, ...prev]);
    try {
      const reply = await api.upload(collectionId, files);
      // Each file was accepted or rejected on its own: rows are matched by their place in the upload.
      setRows((prev) =>
        prev.map((r) => {
          const i = batch.findIndex((b) => b.key === r.key);
          if (i < 0) return r;
          const accepted = reply.files.find((f) => f.index === i);
          const rejected = reply.rejected?.find((f) => f.index === i);
          if (accepted) return { ...r, filename: accepted.filename, taskId: accepted.taskId };
          return { ...r, error: rejected?.message ?? 'not accepted by the server' };
        }),
      );
    } catch (err) {
      const message = err instanceof ApiError ? err.explanation : String(err);
      setRows((prev) => prev.map((r) => (batch.some((b) => b.key === r.key) ? { ...r, error: message } : r)));
    }
  }

  return (
    <section aria-labelledby="upload-title" className="panel">
      <h2 id="upload-title">Upload</h2>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        role="button"
        tabIndex={0}
        aria-label={`Drop PDF, Word, text, Markdown or HTML files here, or press Enter to choose files for ${collectionId}`}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), input.current?.click())}
        onDragOver={(e) => (e.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void send(Array.from(e.dataTransfer.files));
        }}
      >
        Drop files here or choose files (PDF, Word .docx, .txt, .md, .html)
      </div>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        hidden
        aria-label="Choose files to upload"
        data-testid="file-input"
        onChange={(e) => {
          void send(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      {rows.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {rows.map((r) => (
            <li key={r.key} data-state={r.error ? 'FAILURE' : (r.task?.state ?? 'PENDING')}>
              <span className="filename">{r.filename}</span> <UploadStatus row={r} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function UploadStatus({ row }: { row: Row }) {
  if (row.error)
    return (
      <span className="error" role="alert">
        {row.error}
      </span>
    );
  const t = row.task;
  if (!t) return <span className="muted">{row.taskId ? 'queued' : 'uploading…'}</span>;
  if (t.state === 'FAILURE')
    return (
      <span className="error" role="alert">
        failed: {t.error?.message ?? 'unknown reason'}
      </span>
    );
  if (t.state === 'SUCCESS') {
    const chunks = Object.values(t.counts.chunks).reduce((a, b) => a + b, 0);
    const ocr = t.counts.pagesOcr ? `, ${t.counts.pagesOcr} by OCR (confidence ${t.counts.ocrConfidence}%)` : '';
    const done = (
      <span className="ok">
        {t.deduplicated ? 'already ingested' : `done: ${t.counts.pages} pages, ${chunks} chunks${ocr}`}
      </span>
    );
    if (!t.counts.pagesUnread) return done;
    return (
      <>
        {done}{' '}
        <span className="warning" role="status" title={t.warnings.map((w) => w.message).join('\n')}>
          {t.counts.pagesUnread} page(s) not read: p. {t.warnings.map((w) => w.page).join(', ')}
        </span>
      </>
    );
  }
  const { stage, pagesDone, pagesTotal, ocrPagesDone, ocrPagesTotal, percent } = t.progress;
  const [done, total] = stage === 'ocr' ? [ocrPagesDone ?? 0, ocrPagesTotal ?? 0] : [pagesDone, pagesTotal];
  return (
    <span>
      <progress max={100} value={percent} aria-label={`${row.filename} progress`} /> {stage}
      {total > 0 ? ` ${done}/${total} pages` : ''}
      {eta(row.startedAt, percent)}
    </span>
  );
}

/** "· about 40 s left", once enough is done to tell (a rate from the first few percent says little). */
export function eta(startedAt: number, percent: number, now = Date.now()): string {
  const elapsed = (now - startedAt) / 1000;
  if (percent < 5 || percent >= 100 || elapsed < 2) return '';
  const left = (elapsed * (100 - percent)) / percent;
  return left < 60 ? ` · about ${Math.max(1, Math.round(left))} s left` : ` · about ${Math.round(left / 60)} min left`;
}
