import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, ErrorCodes, IngestSubmitRequest, Task, TaskState } from '@rag/contracts';
import { DomainError, RequestContext, UPLOAD_STORAGE, UploadStorage } from '@rag/platform';
import { randomUUID } from 'node:crypto';
import { IngestQueueAdapter, JobSnapshot } from '../queue/ingest-queue.adapter';
import { TaskIndexRepository } from './task-index.repository';
import { manifestKey, UploadManifest } from './upload-manifest';

/** Ingest tasks: a task is a queued job; its id is the job id. */
@Injectable()
export class TasksService {
  constructor(
    private readonly queue: IngestQueueAdapter,
    private readonly index: TaskIndexRepository,
    @Inject(UPLOAD_STORAGE) private readonly storage: UploadStorage,
  ) {}

  async submit(req: IngestSubmitRequest): Promise<{ taskId: string; state: TaskState }> {
    const taskId = randomUUID();
    // Beside the file, before the job: if Redis loses the job, the reconciler queues it again from this.
    const caller = RequestContext.identity();
    const manifest: UploadManifest = { ...req, taskId, submittedAt: Date.now(), ...(caller ? { caller } : {}) };
    await this.storage.put(manifestKey(req.storageKey), Buffer.from(JSON.stringify(manifest)));
    await this.enqueue(manifest);
    return { taskId, state: 'PENDING' };
  }

  /** Queues the job of a task (again); Bull ignores a job id it already has, so this is idempotent. */
  async enqueue(manifest: UploadManifest): Promise<void> {
    const { submittedAt, ...data } = manifest;
    await this.queue.add(data);
    // Entries older than any job Bull still keeps can only point at removed jobs: trimmed here, so a
    // collection's index stays bounded even if nobody lists it.
    const keepSince = Date.now() - IngestQueueAdapter.retentionSeconds * 1000;
    await this.index.add(data.collectionId, data.taskId, submittedAt, keepSince);
  }

  async get(taskId: string): Promise<Task> {
    const snap = await this.queue.get(taskId);
    if (!snap) throw new DomainError('NOT_FOUND', `no task ${taskId}`);
    return toTask(snap);
  }

  async list(collectionId: string, limit: number): Promise<Task[]> {
    const ids = await this.index.latest(collectionId, limit);
    const snaps = await Promise.all(ids.map((id) => this.queue.get(id)));
    await this.index.remove(
      collectionId,
      ids.filter((_, i) => !snaps[i]),
    );
    return snaps.filter((s): s is JobSnapshot => s !== null).map(toTask);
  }
}

export function toTask(s: JobSnapshot): Task {
  const state: TaskState =
    s.state === 'completed'
      ? 'SUCCESS'
      : s.state === 'failed'
        ? 'FAILURE'
        : s.state === 'active'
          ? 'PROCESSING'
          : 'PENDING';
  const p = s.progress;
  const r = s.result;
  const pagesTotal = r?.pages ?? p?.pagesTotal ?? 0;
  const pagesDone = state === 'SUCCESS' ? pagesTotal : (p?.pagesDone ?? 0);
  const stage = state === 'SUCCESS' ? 'done' : (p?.stage ?? 'queued');
  const stageWeight = { queued: 0, partitioning: 0, ocr: 0, chunking: 0.7, embedding: 0.75, storing: 0.9, done: 1 }[
    stage
  ];
  const ocr = stage === 'ocr' && p?.ocrPagesTotal ? { done: p.ocrPagesDone ?? 0, total: p.ocrPagesTotal } : null;
  // Reading the pages takes the first half of partitioning's 70%, OCR (when pages need it) the second: the bar never goes back.
  const percent =
    state === 'SUCCESS'
      ? 100
      : ocr
        ? Math.round(35 + (35 * ocr.done) / ocr.total)
        : stage === 'partitioning' && pagesTotal
          ? Math.round((35 * pagesDone) / pagesTotal)
          : Math.round(stageWeight * 100);
  return {
    taskId: s.id,
    collectionId: s.data.collectionId,
    filename: s.data.filename,
    state,
    progress: {
      stage,
      pagesDone,
      pagesTotal,
      ...(ocr && { ocrPagesDone: ocr.done, ocrPagesTotal: ocr.total }),
      percent,
    },
    counts: {
      pages: pagesTotal,
      chunks: r?.chunks ?? p?.chunks ?? { text: 0, table_html: 0, image_summary: 0 },
      imagesSkipped: r?.imagesSkipped ?? p?.imagesSkipped ?? 0,
      pagesUnread: r?.warnings?.length ?? 0,
      repeatedLinesDropped: r?.repeatedLinesDropped ?? 0,
      pagesOcr: r?.ocr?.pages.length ?? 0,
      ocrConfidence: r?.ocr?.pages.length ? r.ocr.confidence : null,
    },
    warnings: r?.warnings ?? [],
    timing: {
      queuedAt: new Date(s.queuedAt).toISOString(),
      startedAt: s.startedAt ? new Date(s.startedAt).toISOString() : null,
      finishedAt: s.finishedAt ? new Date(s.finishedAt).toISOString() : null,
      durationMs: s.startedAt && s.finishedAt ? s.finishedAt - s.startedAt : null,
    },
    // Bull counts failed attempts only: the running or successful attempt is added, so 1 means one try in every state.
    attempts: state === 'SUCCESS' || state === 'PROCESSING' ? s.attemptsMade + 1 : s.attemptsMade,
    documentId: r?.documentId ?? null,
    deduplicated: r?.deduplicated ?? false,
    error: state === 'FAILURE' ? parseFailure(s.failedReason) : null,
  };
}

/** Failures are stored by Bull as text; the pipeline prefixes them with their code: "[CODE] message". */
function parseFailure(reason: string | null): { code: ErrorCode; message: string } {
  const m = /^\[([A-Z_]+)\] ([\s\S]*)$/.exec(reason ?? '');
  if (m && (ErrorCodes as readonly string[]).includes(m[1])) return { code: m[1] as ErrorCode, message: m[2] };
  if (/timed out/i.test(reason ?? '')) return { code: 'TIMEOUT', message: reason! };
  return { code: 'INTERNAL', message: reason || 'unknown failure' };
}
