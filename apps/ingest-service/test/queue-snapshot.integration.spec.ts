import Bull from 'bull';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { IngestJobData } from '../src/pipeline/ingest-job';
import { IngestQueueAdapter } from '../src/queue/ingest-queue.adapter';

const data = (n: number): IngestJobData => ({
  taskId: `t${n}`,
  collectionId: 'c',
  filename: `f${n}.pdf`,
  storageKey: `c/${n}`,
  sourceType: 'pdf',
  sizeBytes: 1,
});

/** Job snapshots read in one MULTI must say what Bull's own getState and fields say, in every state. */
describe('IngestQueueAdapter.get on a real Bull queue', () => {
  const queue = new Bull<IngestJobData>('snapshot', testRedisUrl(), { prefix: uniquePrefix('bull') });
  const adapter = new IngestQueueAdapter(queue, {} as never, {} as never, {} as never);
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  // Job ids that are not Bull's own key names (a job 'paused' would be the paused list's key).
  it('reports waiting, delayed, paused, active, completed and failed jobs as Bull does, with their fields', async () => {
    await queue.add(data(1), { jobId: 'job-a' });
    await queue.add(data(2), { jobId: 'job-b', delay: 60_000 });
    const expectLikeBull = async (id: string) => {
      const snap = await adapter.get(id);
      const job = (await queue.getJob(id))!;
      expect(snap).toMatchObject({
        id,
        state: await job.getState(),
        data: job.data,
        attemptsMade: job.attemptsMade,
        queuedAt: job.timestamp,
      });
      return snap!;
    };
    expect((await expectLikeBull('job-a')).state).toBe('waiting');
    expect((await expectLikeBull('job-b')).state).toBe('delayed');

    // Take the waiting job by hand: active, with progress; then finish it, and fail another.
    const active = (await queue.getNextJob()) as Bull.Job<IngestJobData>;
    expect(active.id).toBe('job-a');
    await active.progress({ stage: 'partitioning', pagesDone: 3, pagesTotal: 9 });
    const snap = await expectLikeBull('job-a');
    expect(snap).toMatchObject({ state: 'active', progress: { stage: 'partitioning', pagesDone: 3 } });
    expect(snap.startedAt).toEqual(expect.any(Number));
    await active.moveToCompleted(JSON.stringify({ documentId: 'd', pages: 9 }) as never, true);
    const done = await expectLikeBull('job-a');
    expect(done.state).toBe('completed');
    expect(done.finishedAt).toEqual(expect.any(Number));

    await queue.add(data(3), { jobId: 'job-c' });
    const failing = (await queue.getNextJob()) as Bull.Job<IngestJobData>;
    await failing.moveToFailed({ message: '[DOCUMENT_UNREADABLE] no page could be read' }, true);
    const failed = await expectLikeBull('job-c');
    expect(failed).toMatchObject({ state: 'failed', failedReason: '[DOCUMENT_UNREADABLE] no page could be read' });

    await queue.pause();
    await queue.add(data(4), { jobId: 'job-d' });
    expect((await expectLikeBull('job-d')).state).toBe('paused');
    await queue.resume();

    expect(await adapter.get('no-such-job')).toBeNull();
  }, 30_000);
});
