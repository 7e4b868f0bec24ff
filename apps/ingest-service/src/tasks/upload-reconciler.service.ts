import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppLogger, isOriginalKey, LOGGER, UPLOAD_STORAGE, UploadStorage } from '@rag/platform';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';
import { IngestQueueAdapter } from '../queue/ingest-queue.adapter';
import { TasksService } from './tasks.service';
import { DONE_SUFFIX, MANIFEST_SUFFIX, manifestKey, UploadManifest } from './upload-manifest';

export interface ReconcileReport {
  requeued: number;
  finishedRemoved: number;
  orphansRemoved: number;
}

/**
 * No accepted upload is lost, whatever happens to Redis: every accepted file has a manifest beside
 * it (written before its job), and this pass compares the stored files with the jobs Bull knows.
 * A manifest without a job (Redis restarted without its data, or was flushed) is queued again under
 * the same task id, so the id the client holds comes back. A file whose job has ended but which is
 * still stored is removed; a file without a manifest older than the grace period was never accepted
 * (the gateway answers 202 only after the submit) and is removed. Runs at start-up and every
 * `intervalMs` on every replica; re-queuing is idempotent (Bull keeps one job per id).
 */
@Injectable()
export class UploadReconcilerService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
    private readonly queue: IngestQueueAdapter,
    private readonly tasks: TasksService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.reconcile()
        .catch((err: Error) => this.logger.error({ err }, 'upload reconciliation failed'))
        .finally(() => {
          if (this.timer && this.config.reconcile.intervalMs > 0) this.schedule(this.config.reconcile.intervalMs);
        });
    }, delayMs);
  }

  async reconcile(now = Date.now()): Promise<ReconcileReport> {
    const report: ReconcileReport = { requeued: 0, finishedRemoved: 0, orphansRemoved: 0 };
    const stored = await this.storage.list();
    const keys = new Set(stored.map((s) => s.key));
    for (const { key, modifiedAt } of stored) {
      // Originals of indexed documents are no uploads: they go with their document.
      if (isOriginalKey(key)) continue;
      if (key.endsWith(MANIFEST_SUFFIX)) {
        const manifest = JSON.parse((await this.storage.read(key)).toString('utf8')) as UploadManifest;
        if (!keys.has(manifest.storageKey)) {
          await this.storage.delete(key);
          continue;
        }
        const job = await this.queue.get(manifest.taskId);
        if (!job) {
          await this.tasks.enqueue(manifest);
          report.requeued++;
          this.logger.warn(
            { taskId: manifest.taskId, filename: manifest.filename, collectionId: manifest.collectionId },
            'accepted upload had no job (Redis lost it): queued again',
          );
        } else if (job.state === 'completed' || job.state === 'failed') {
          await this.storage.delete(manifest.storageKey);
          await this.storage.delete(key);
          report.finishedRemoved++;
        }
      } else if (key.endsWith(DONE_SUFFIX)) {
        if (now - modifiedAt > this.config.reconcile.graceMs) await this.storage.delete(key);
      } else if (!keys.has(manifestKey(key)) && now - modifiedAt > this.config.reconcile.graceMs) {
        await this.storage.delete(key);
        report.orphansRemoved++;
        this.logger.warn({ storageKey: key }, 'removed an upload that was never accepted (no manifest)');
      }
    }
    return report;
  }
}
