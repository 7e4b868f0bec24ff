import { JobSnapshot } from '../queue/ingest-queue.adapter';
import { toTask } from './tasks.service';

const snap = (over: Partial<JobSnapshot>): JobSnapshot => ({
  id: 't1',
  data: { taskId: 't1', collectionId: 'c', filename: 'a.pdf', storageKey: 'c/a', sourceType: 'pdf', sizeBytes: 1 },
  state: 'waiting',
  progress: null,
  attemptsMade: 0,
  failedReason: null,
  result: null,
  queuedAt: 1_000,
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe('toTask', () => {
  it('counts attempts begun the same way in every state', () => {
    expect(toTask(snap({ state: 'waiting' })).attempts).toBe(0);
    expect(toTask(snap({ state: 'active', startedAt: 2_000 })).attempts).toBe(1);
    expect(
      toTask(
        snap({
          state: 'completed',
          startedAt: 2_000,
          finishedAt: 3_000,
          result: {
            documentId: 'd',
            pages: 2,
            chunks: { text: 3, table_html: 0, image_summary: 0 },
            imagesSkipped: 0,
            deduplicated: false,
          },
        }),
      ).attempts,
    ).toBe(1);
    expect(
      toTask(snap({ state: 'failed', attemptsMade: 1, failedReason: '[DOCUMENT_UNREADABLE] encrypted' })).attempts,
    ).toBe(1);
    // A retry waiting after one failure, then running: one and two attempts begun.
    expect(toTask(snap({ state: 'delayed', attemptsMade: 1 })).attempts).toBe(1);
    expect(toTask(snap({ state: 'active', attemptsMade: 1 })).attempts).toBe(2);
  });

  it('maps states, progress and failures', () => {
    const t = toTask(
      snap({ state: 'failed', attemptsMade: 3, failedReason: '[DOCUMENT_UNREADABLE] PDF is encrypted' }),
    );
    expect(t).toMatchObject({ state: 'FAILURE', error: { code: 'DOCUMENT_UNREADABLE', message: 'PDF is encrypted' } });
    const p = toTask(
      snap({
        state: 'active',
        progress: {
          stage: 'partitioning',
          pagesDone: 5,
          pagesTotal: 10,
          chunks: { text: 0, table_html: 0, image_summary: 0 },
          imagesSkipped: 0,
        },
      }),
    );
    expect(p).toMatchObject({
      state: 'PROCESSING',
      progress: { stage: 'partitioning', pagesDone: 5, pagesTotal: 10, percent: 18 },
    });
    const ocr = toTask(
      snap({
        state: 'active',
        progress: {
          stage: 'ocr',
          pagesDone: 12,
          pagesTotal: 12,
          ocrPagesDone: 3,
          ocrPagesTotal: 10,
          chunks: { text: 0, table_html: 0, image_summary: 0 },
          imagesSkipped: 0,
        },
      }),
    );
    // "ocr 3/10": the pages OCR'd count the progress while OCR runs, after the pages read (35%).
    expect(ocr.progress).toEqual({
      stage: 'ocr',
      pagesDone: 12,
      pagesTotal: 12,
      ocrPagesDone: 3,
      ocrPagesTotal: 10,
      percent: 46,
    });
    expect(toTask(snap({ state: 'failed', failedReason: 'job stalled more than allowable limit' })).error?.code).toBe(
      'INTERNAL',
    );
  });
});
