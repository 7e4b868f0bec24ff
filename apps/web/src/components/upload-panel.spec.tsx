import type { Task } from '@rag/contracts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../api/api-client';
import { eta, UploadPanel } from './upload-panel';

const task = (taskId: string, patch: Partial<Task>): Task => ({
  taskId,
  collectionId: 'books',
  filename: 'a.pdf',
  state: 'PROCESSING',
  progress: { stage: 'partitioning', pagesDone: 3, pagesTotal: 10, percent: 30 },
  counts: {
    pages: 10,
    chunks: { text: 12, table_html: 1, image_summary: 0 },
    imagesSkipped: 0,
    pagesUnread: 0,
    repeatedLinesDropped: 0,
    pagesOcr: 0,
    ocrConfidence: null,
  },
  warnings: [],
  timing: { queuedAt: '', startedAt: null, finishedAt: null, durationMs: null },
  attempts: 1,
  documentId: null,
  deduplicated: false,
  error: null,
  ...patch,
});

afterEach(cleanup);

describe('UploadPanel', () => {
  it('shows one row per file with live progress, then the outcome or the failure reason', async () => {
    const polls: Record<string, Task[]> = {
      t1: [
        task('t1', {}),
        task('t1', { state: 'SUCCESS', progress: { stage: 'done', pagesDone: 10, pagesTotal: 10, percent: 100 } }),
      ],
      t2: [
        task('t2', {
          state: 'FAILURE',
          error: { code: 'DOCUMENT_UNREADABLE', message: 'PDF is encrypted and needs a password' },
        }),
      ],
    };
    const api = {
      upload: vi.fn(async () => ({
        collectionId: 'books',
        files: [
          { index: 0, filename: 'a.pdf', taskId: 't1', sizeBytes: 1 },
          { index: 1, filename: 'locked.pdf', taskId: 't2', sizeBytes: 1 },
        ],
        rejected: [],
      })),
      task: vi.fn(async (id: string) => (polls[id].length > 1 ? polls[id].shift()! : polls[id][0])),
    } as unknown as ApiClient;
    const onTaskDone = vi.fn();
    render(<UploadPanel api={api} collectionId="books" onTaskDone={onTaskDone} pollMs={5} />);
    const files = [new File(['%PDF-1.4'], 'a.pdf'), new File(['%PDF-1.4'], 'locked.pdf')];
    fireEvent.change(screen.getByTestId('file-input'), { target: { files } });
    expect(await screen.findByLabelText('a.pdf progress')).toBeTruthy();
    expect(await screen.findByText('done: 10 pages, 13 chunks')).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toBe('failed: PDF is encrypted and needs a password');
    expect(onTaskDone).toHaveBeenCalled();
  });

  it('shows a SUCCESS with unread pages as incomplete, naming the pages', async () => {
    const warnings = [
      {
        page: 4,
        code: 'PAGE_WITHOUT_TEXT' as const,
        message: 'page 4 is an image without a text layer: its text was not read (no OCR)',
      },
    ];
    const done = task('t1', {
      state: 'SUCCESS',
      warnings,
      counts: {
        pages: 10,
        chunks: { text: 9, table_html: 0, image_summary: 0 },
        imagesSkipped: 0,
        pagesUnread: 1,
        repeatedLinesDropped: 0,
        pagesOcr: 0,
        ocrConfidence: null,
      },
    });
    const api = {
      upload: vi.fn(async () => ({
        collectionId: 'books',
        files: [{ index: 0, filename: 'a.pdf', taskId: 't1', sizeBytes: 1 }],
        rejected: [],
      })),
      task: vi.fn(async () => done),
    } as unknown as ApiClient;
    render(<UploadPanel api={api} collectionId="books" onTaskDone={vi.fn()} pollMs={5} />);
    fireEvent.change(screen.getByTestId('file-input'), { target: { files: [new File(['%PDF-1.4'], 'a.pdf')] } });
    const status = await screen.findByRole('status');
    expect(status.textContent).toBe('1 page(s) not read: p. 4');
    expect(status.getAttribute('title')).toContain('no OCR');
  });

  it('marks only the rejected file of a batch, and follows the accepted one', async () => {
    const api = {
      upload: vi.fn(async () => ({
        collectionId: 'books',
        files: [{ index: 1, filename: 'a.pdf', taskId: 't1', sizeBytes: 8 }],
        rejected: [
          {
            index: 0,
            filename: 'notes.pptx',
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: 'notes.pptx: only .pdf, .docx, .txt, .md and .html files are accepted',
          },
        ],
      })),
      task: vi.fn(async () =>
        task('t1', { state: 'SUCCESS', progress: { stage: 'done', pagesDone: 10, pagesTotal: 10, percent: 100 } }),
      ),
    } as unknown as ApiClient;
    render(<UploadPanel api={api} collectionId="books" onTaskDone={vi.fn()} pollMs={5} />);
    const files = [new File(['PK'], 'notes.pptx'), new File(['%PDF-1.4'], 'a.pdf')];
    fireEvent.change(screen.getByTestId('file-input'), { target: { files } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/notes\.pptx: only \.pdf/);
    expect(await screen.findByText('done: 10 pages, 13 chunks')).toBeTruthy();
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });

  it('explains a rejected upload', async () => {
    const api = {
      upload: vi.fn(async () => Promise.reject(new ApiError(429, 'RATE_LIMITED', 'slow down', 30))),
    } as unknown as ApiClient;
    render(<UploadPanel api={api} collectionId="books" onTaskDone={vi.fn()} />);
    fireEvent.change(screen.getByTestId('file-input'), { target: { files: [new File(['x'], 'a.pdf')] } });
    expect((await screen.findByRole('alert')).textContent).toBe('Rate limited: try again in 30 s.');
  });
});

describe('eta', () => {
  it('tells the time left from the share done so far, once enough is done to tell', () => {
    expect(eta(0, 25, 10_000)).toBe(' · about 30 s left');
    expect(eta(0, 10, 60_000)).toBe(' · about 9 min left');
    expect(eta(0, 3, 60_000)).toBe('');
    expect(eta(0, 50, 1_000)).toBe('');
  });
});
