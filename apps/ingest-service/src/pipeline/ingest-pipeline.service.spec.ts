import { LocalHashEmbedder } from '@rag/ai';
import { Patterns } from '@rag/contracts';
import { AppLogger, BusClient, DomainError, REPLICA_LOST, UploadStorage } from '@rag/platform';
import { IngestConfig } from '../config/ingest.config';
import { Partitioner } from '../partition/element';
import { IngestJobPort } from './ingest-job';
import { IngestPipelineService } from './ingest-pipeline.service';

const partitioner: Partitioner = {
  partition: async () => ({
    pages: 1,
    elements: [{ kind: 'text', text: 'Take one tablet daily.', page: 1 }],
    imagesFound: 0,
    imagesSkipped: 0,
    images: [],
    warnings: [],
  }),
} as unknown as Partitioner;
const storage = {
  read: async () => Buffer.from('x'),
  delete: async () => undefined,
  put: async () => undefined,
  move: async () => undefined,
} as unknown as UploadStorage;
const logger = { warn: jest.fn(), error: jest.fn(), info: jest.fn() } as unknown as AppLogger;
const config = {
  chunking: { maxTokens: 350, overlapTokens: 40 },
  job: { storeTimeoutMs: 1000 },
} as unknown as IngestConfig;
const job: IngestJobPort = {
  data: { taskId: 't1', collectionId: 'c', filename: 'a.txt', storageKey: 'k', sourceType: 'txt', sizeBytes: 1 },
  attemptsMade: 0,
  maxAttempts: 3,
  reportProgress: async () => undefined,
  discard: () => undefined,
};

/** A bus whose document-replace calls fail as scripted, then succeed. */
function busFailingReplace(...failures: DomainError[]) {
  const replaces: unknown[] = [];
  const bus = {
    request: async (contract: { pattern: string }, payload: unknown) => {
      if (contract.pattern === Patterns.retrievalDocumentFind) return { document: null };
      replaces.push(payload);
      const f = failures.shift();
      if (f) throw f;
      return { replaced: true };
    },
  };
  return { bus: bus as unknown as BusClient, replaces };
}

describe('IngestPipelineService store step', () => {
  it('asks again at once when the retrieval replica storing the document died (the replace is idempotent)', async () => {
    const { bus, replaces } = busFailingReplace(
      new DomainError('SERVICE_UNAVAILABLE', 'the replica working on the request stopped', REPLICA_LOST),
    );
    const svc = new IngestPipelineService(partitioner, new LocalHashEmbedder(64), storage, config, logger, bus);
    await expect(svc.run(job)).resolves.toMatchObject({ pages: 1, deduplicated: false });
    expect(replaces).toHaveLength(2);
    expect(replaces[1]).toEqual(replaces[0]);
  });

  it("marks the chunks of OCR'd pages with their source and the page's word confidence", async () => {
    const scanned: Partitioner = {
      name: 'fake',
      partition: async (_input, progress) => {
        progress(1, 2, 'ocr');
        return {
          pages: 2,
          elements: [
            { kind: 'text', text: 'Take one tablet daily.', page: 1 },
            { kind: 'text', text: 'Store below 25 degrees.', page: 2 },
          ],
          imagesFound: 0,
          imagesSkipped: 0,
          ocr: { pages: [2], confidence: 91, pageConfidence: { 2: 91 } },
        };
      },
    };
    const { bus, replaces } = busFailingReplace();
    const reported: unknown[] = [];
    const svc = new IngestPipelineService(scanned, new LocalHashEmbedder(64), storage, config, logger, bus);
    const result = await svc.run({ ...job, reportProgress: async (p) => void reported.push({ ...p }) });
    const chunks = (replaces[0] as { chunks: Array<{ pageNumber: number; source?: string; ocrConfidence?: number }> })
      .chunks;
    expect(chunks.map((c) => [c.pageNumber, c.source ?? 'text', c.ocrConfidence ?? null])).toEqual([
      [1, 'text', null],
      [2, 'ocr', 91],
    ]);
    expect(result.ocr).toEqual({ pages: [2], confidence: 91 });
    expect(reported).toContainEqual(expect.objectContaining({ stage: 'ocr', ocrPagesDone: 1, ocrPagesTotal: 2 }));
  });

  it('logs one line per ingested document with the time each stage took', async () => {
    const info = jest.fn();
    const { bus } = busFailingReplace();
    const svc = new IngestPipelineService(
      partitioner,
      new LocalHashEmbedder(64),
      storage,
      config,
      { ...logger, info } as unknown as AppLogger,
      bus,
    );
    await svc.run(job);
    expect(info).toHaveBeenCalledTimes(1);
    const [fields, message] = info.mock.calls[0] as [
      { taskId: string; pages: number; timingsMs: Record<string, number> },
      string,
    ];
    expect(message).toBe('document ingested');
    expect(fields).toMatchObject({ taskId: 't1', pages: 1 });
    expect(Object.keys(fields.timingsMs)).toEqual(['prepare', 'partition', 'chunk', 'embed', 'store', 'finish']);
    expect(Object.values(fields.timingsMs).every((ms) => ms >= 0)).toBe(true);
  });

  it('does not repeat a store that timed out (it may still be running): the job fails and is retried by the queue', async () => {
    const { bus, replaces } = busFailingReplace(new DomainError('SERVICE_UNAVAILABLE', 'no reply within 1000 ms'));
    const svc = new IngestPipelineService(partitioner, new LocalHashEmbedder(64), storage, config, logger, bus);
    await expect(svc.run(job)).rejects.toThrow('[SERVICE_UNAVAILABLE] no reply within 1000 ms');
    expect(replaces).toHaveLength(1);
  });
});

/** Upload storage in memory: the keys a job reads, writes and deletes. */
function memoryStorage(files: Record<string, string>) {
  const m = new Map<string, Buffer>(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]));
  const storage = {
    read: async (k: string) => {
      const b = m.get(k);
      if (!b) throw new Error(`ENOENT: ${k}`);
      return b;
    },
    put: async (k: string, b: Buffer) => void m.set(k, b),
    delete: async (k: string) => void m.delete(k),
    move: async (from: string, to: string) => {
      m.set(to, m.get(from)!);
      m.delete(from);
    },
  };
  return { storage: storage as unknown as UploadStorage, keys: () => [...m.keys()].sort() };
}

describe('IngestPipelineService with two jobs for one upload (re-queued after Redis lost the first)', () => {
  it('ends the second as SUCCESS with the document the first stored, not FAILURE on the file the first removed', async () => {
    const { storage: store, keys } = memoryStorage({ k: 'Take one tablet daily.', 'k.task.json': '{}' });
    const { bus } = busFailingReplace();
    const svc = new IngestPipelineService(partitioner, new LocalHashEmbedder(64), store, config, logger, bus);
    const first = await svc.run(job);
    // The upload is gone; its result stays for a duplicate job, and the original is kept for the document's citations.
    expect(keys()).toEqual(['k.done.json', `originals/c/${first.documentId}`]);
    await expect(svc.run(job)).resolves.toMatchObject({ documentId: first.documentId, pages: 1, deduplicated: true });
  });

  it('still fails clearly when the file is gone and no job stored it', async () => {
    const { storage: store } = memoryStorage({});
    const { bus } = busFailingReplace();
    const svc = new IngestPipelineService(partitioner, new LocalHashEmbedder(64), store, config, logger, bus);
    await expect(svc.run(job)).rejects.toThrow(/\[NOT_FOUND\] uploaded file is gone from storage/);
  });
});

describe('IngestPipelineService shutdown', () => {
  it("closes the partitioner's parser threads and OCR workers when the application shuts down", async () => {
    const close = jest.fn(async () => undefined);
    const svc = new IngestPipelineService(
      { ...partitioner, close },
      new LocalHashEmbedder(64),
      storage,
      config,
      logger,
      busFailingReplace().bus,
    );
    await svc.onApplicationShutdown();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
