import { originalKey, UploadStorage } from '@rag/platform';
import { IngestQueueAdapter, JobSnapshot } from '../queue/ingest-queue.adapter';
import { TasksService } from './tasks.service';
import { manifestKey, UploadManifest } from './upload-manifest';
import { UploadReconcilerService } from './upload-reconciler.service';

/** An in-memory upload store: the port's fake. */
class MemoryStorage {
  readonly files = new Map<string, { data: Buffer; modifiedAt: number }>();
  async put(key: string, data: Buffer) {
    this.files.set(key, { data, modifiedAt: 0 });
  }
  async read(key: string) {
    return this.files.get(key)!.data;
  }
  async delete(key: string) {
    this.files.delete(key);
  }
  async list() {
    return [...this.files.entries()].map(([key, f]) => ({ key, modifiedAt: f.modifiedAt }));
  }
}

const manifest = (taskId: string, storageKey: string): UploadManifest => ({
  taskId,
  storageKey,
  collectionId: 'c',
  filename: `${taskId}.pdf`,
  sourceType: 'pdf',
  sizeBytes: 1,
  submittedAt: 5,
});

describe('UploadReconcilerService', () => {
  it('queues lost jobs again under their task id, removes finished and never-accepted files, and spares recent ones', async () => {
    const storage = new MemoryStorage();
    const jobs: Record<string, JobSnapshot['state']> = { running: 'active', done: 'completed' };
    for (const [id, key] of [
      ['lost', 'c/a.pdf'],
      ['running', 'c/b.pdf'],
      ['done', 'c/d.pdf'],
    ]) {
      await storage.put(key, Buffer.from('%PDF-'));
      await storage.put(manifestKey(key), Buffer.from(JSON.stringify(manifest(id, key))));
    }
    await storage.put(manifestKey('c/gone.pdf'), Buffer.from(JSON.stringify(manifest('gone', 'c/gone.pdf'))));
    storage.files.set('c/orphan-old.pdf', { data: Buffer.from('x'), modifiedAt: 0 });
    storage.files.set('c/orphan-new.pdf', { data: Buffer.from('x'), modifiedAt: 999_000 });
    // Results left by finished jobs: an old one is removed quietly, a recent one stays for a duplicate job.
    storage.files.set('c/old.pdf.done.json', { data: Buffer.from('{}'), modifiedAt: 0 });
    storage.files.set('c/new.pdf.done.json', { data: Buffer.from('{}'), modifiedAt: 999_000 });
    // An indexed document's original, however old, is no upload; an old upload never accepted into a collection named "originals" is one.
    storage.files.set(originalKey('c', 'a'.repeat(32)), { data: Buffer.from('%PDF-'), modifiedAt: 0 });
    storage.files.set('originals/orphan-old.pdf', { data: Buffer.from('x'), modifiedAt: 0 });
    const queue = { get: async (id: string) => (jobs[id] ? ({ id, state: jobs[id] } as JobSnapshot) : null) };
    const enqueued: string[] = [];
    const tasks = { enqueue: async (m: UploadManifest) => void enqueued.push(m.taskId) };
    const logger = { warn: () => undefined, error: () => undefined };
    const r = new UploadReconcilerService(
      storage as unknown as UploadStorage,
      { reconcile: { intervalMs: 0, graceMs: 120_000 } } as never,
      logger as never,
      queue as unknown as IngestQueueAdapter,
      tasks as unknown as TasksService,
    );
    const report = await r.reconcile(1_000_000);
    expect(enqueued).toEqual(['lost']);
    expect(report).toEqual({ requeued: 1, finishedRemoved: 1, orphansRemoved: 2 });
    expect([...storage.files.keys()].sort()).toEqual(
      [
        'c/a.pdf',
        manifestKey('c/a.pdf'),
        'c/b.pdf',
        manifestKey('c/b.pdf'),
        'c/orphan-new.pdf',
        'c/new.pdf.done.json',
        originalKey('c', 'a'.repeat(32)),
      ].sort(),
    );
  });
});
