import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { QueueNames } from '@rag/contracts';
import { REDIS_KEYS, RedisKeys } from '@rag/platform';
import * as bull from 'bull';
import type { Job, JobStatus, Queue } from 'bull';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';
import { IngestJobData, IngestProgress, IngestResult } from '../pipeline/ingest-job';
import { IngestPipelineService } from '../pipeline/ingest-pipeline.service';

/** Bull's own parser of a job's stored fields (untyped in its declarations). */
const BullJob = (bull as unknown as { Job: unknown }).Job as {
  fromJSON(queue: Queue, fields: Record<string, string>, id: string): Job<IngestJobData>;
};

type JobOutcome = 'succeeded' | 'deduplicated' | 'failed' | 'retried';

export interface JobSnapshot {
  id: string;
  data: IngestJobData;
  state: JobStatus | 'stuck';
  progress: IngestProgress | null;
  attemptsMade: number;
  failedReason: string | null;
  result: IngestResult | null;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/**
 * The only code that talks to Bull. Jobs live in Redis: any replica may take any job, each job runs
 * on one replica at a time (Bull's lock), stalled jobs of a dead replica are picked up again, and
 * failed attempts are retried with exponential backoff.
 */
@Injectable()
export class IngestQueueAdapter implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @InjectQueue(QueueNames.ingest) private readonly queue: Queue<IngestJobData>,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    private readonly pipeline: IngestPipelineService,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(this.config.concurrency, async (job: Job<IngestJobData>) => {
      let discarded = false;
      try {
        const result = await this.pipeline.run({
          data: job.data,
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
          reportProgress: (p) => job.progress(p),
          discard: () => {
            discarded = true;
            void job.discard();
          },
        });
        await this.countOutcome(
          result.deduplicated ? 'deduplicated' : 'succeeded',
          result.deduplicated ? 0 : result.pages,
          result.warnings?.length ?? 0,
        );
        return result;
      } catch (err) {
        const final = discarded || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        await this.countOutcome(final ? 'failed' : 'retried', 0, 0);
        throw err;
      }
    });
  }

  /**
   * Job outcome counters in one Redis hash shared by all replicas, so /metrics shows monotonic
   * totals whichever replica ran the job (Bull's own counts shrink as old jobs are removed).
   */
  private async countOutcome(outcome: JobOutcome, pages: number, pagesUnread: number): Promise<void> {
    const key = this.statsKey();
    await this.queue.client
      .multi()
      .hincrby(key, outcome, 1)
      .hincrby(key, 'pages', pages)
      .hincrby(key, 'pagesUnread', pagesUnread)
      .exec()
      .catch(() => undefined);
  }

  async outcomes(): Promise<Record<string, number>> {
    const raw = await this.queue.client.hgetall(this.statsKey());
    const out: Record<string, number> = {
      succeeded: 0,
      deduplicated: 0,
      failed: 0,
      retried: 0,
      pages: 0,
      pagesUnread: 0,
    };
    for (const [k, v] of Object.entries(raw)) out[k] = Number(v);
    return out;
  }

  private statsKey(): string {
    return this.keys.ingestJobStats;
  }

  async onModuleDestroy(): Promise<void> {
    // Finish the jobs in hand; Bull hands unfinished ones to another replica if this one dies instead.
    await this.queue.close();
  }

  /** Jobs are kept at most this long (failed ones; completed ones a week), so task indices need no older entries. */
  static readonly retentionSeconds = 30 * 24 * 3600;

  async add(data: IngestJobData): Promise<void> {
    const { job } = this.config;
    await this.queue.add(data, {
      jobId: data.taskId,
      attempts: job.attempts,
      backoff: { type: 'exponential', delay: job.backoffMs },
      timeout: job.timeoutMs,
      removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
      removeOnFail: { age: IngestQueueAdapter.retentionSeconds, count: 50_000 },
    });
  }

  /**
   * A job and its state in one atomic read (MULTI): Bull's getState asks up to six times, one after
   * another, and reading the job's fields apart from its state could pair a finished state with the
   * fields from before (a FAILURE without its reason). Task polling is this service's busiest request.
   */
  async get(id: string): Promise<JobSnapshot | null> {
    const key = (name: string) => this.queue.toKey(name);
    const places: Array<[JobStatus, 'z' | 'l']> = [
      ['completed', 'z'],
      ['failed', 'z'],
      ['delayed', 'z'],
      ['active', 'l'],
      ['waiting', 'l'],
      ['paused', 'l'],
    ];
    const tx = this.queue.client.multi().hgetall(key(id));
    for (const [state, kind] of places) {
      const list = key(state === 'waiting' ? 'wait' : state);
      if (kind === 'z') tx.zscore(list, id);
      else tx.lpos(list, id);
    }
    const replies = (await tx.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
    const fields = replies[0][1] as Record<string, string>;
    if (!fields || Object.keys(fields).length === 0) return null;
    const at = places.findIndex((_, i) => replies[i + 1][1] !== null);
    const job = BullJob.fromJSON(this.queue, fields, id);
    const progress = job.progress() as unknown;
    return {
      id: String(job.id),
      data: job.data,
      state: at >= 0 ? places[at][0] : 'stuck',
      progress: progress && typeof progress === 'object' ? (progress as IngestProgress) : null,
      attemptsMade: job.attemptsMade,
      failedReason: job.failedReason ?? null,
      result: (job.returnvalue as IngestResult | null) ?? null,
      queuedAt: job.timestamp,
      startedAt: job.processedOn ?? null,
      finishedAt: job.finishedOn ?? null,
    };
  }

  async depth(): Promise<Record<string, number>> {
    return { ...(await this.queue.getJobCounts()) };
  }
}
