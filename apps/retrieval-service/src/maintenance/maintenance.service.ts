import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppLogger, LOGGER } from '@rag/platform';
import { RETRIEVAL_CONFIG, RetrievalConfig } from '../config/retrieval.config';
import { DocumentsService } from '../documents/documents.service';
import { LanceRepository } from '../storage/lance.repository';
import { VectorCalibrationService } from './vector-calibration.service';

/** A refresh waits at most this many refresh delays behind the first write it has to fold in. */
const MAX_DELAYS = 10;

/**
 * Periodic table care, off the request path: compaction and index refresh (under the write lock,
 * so it never races a write), and a one-time vector index build once the table is large enough
 * (searches keep running on the flat scan meanwhile), then a measurement of the probes it needs.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private running = false;
  private dirtySince?: number;
  private stopped = false;
  private inFlight: Promise<boolean> | null = null;
  private warming: Promise<void> | null = null;
  private held = 0;

  constructor(
    private readonly repo: LanceRepository,
    private readonly documents: DocumentsService,
    private readonly calibration: VectorCalibrationService,
    @Inject(RETRIEVAL_CONFIG) private readonly config: RetrievalConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.maintenanceIntervalMs);
    this.timer.unref();
    // Rows written since the last index update are still found (LanceDB scans them), but slowly:
    // refresh the indices shortly after each burst of writes rather than only on the interval.
    this.documents.onWrite(() => this.scheduleSoon());
    this.warming = this.warmMemorySearch(false);
  }

  /** Stops scheduling and waits for a tick in progress, so the table is not touched after shutdown. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.inFlight;
    await this.warming;
  }

  /**
   * Collections searched from memory get their snapshot now, not at their next search (which reads
   * LanceDB): all of them at start, after a refresh those already searched.
   */
  private async warmMemorySearch(searchedOnly: boolean): Promise<void> {
    try {
      const held = await this.repo.warmMemorySearchAll({ searchedOnly });
      if (held !== this.held) this.logger.info({ collections: held }, 'collections held in memory for search');
      this.held = held;
    } catch (err) {
      this.logger.warn({ err }, 'memory search snapshots not built; searches read LanceDB');
    }
  }

  /**
   * The refresh runs once writes have been quiet for the delay (it holds the write lock, so one
   * in the middle of a burst of uploads stalls their stores), and during a long stream of writes
   * at least every ten delays.
   */
  private scheduleSoon(): void {
    if (this.stopped) return;
    this.dirtySince ??= Date.now();
    clearTimeout(this.soon);
    const delay = this.config.indexRefreshDelayMs;
    const wait = Math.max(0, Math.min(delay, this.dirtySince + MAX_DELAYS * delay - Date.now()));
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.dirtySince = undefined;
      void this.tick().then((ran) => {
        // A refresh skipped because another was running: go again.
        if (!ran && !this.soon) this.scheduleSoon();
      });
    }, wait);
    this.soon.unref();
  }

  /** Returns false when another tick was already running here (or the service is stopping). */
  tick(): Promise<boolean> {
    if (this.running || this.stopped) return Promise.resolve(false);
    this.running = true;
    this.inFlight = this.runTick();
    return this.inFlight;
  }

  private async runTick(): Promise<boolean> {
    try {
      const ran = await this.documents.ifMaintenanceFree(async () => {
        await this.documents.withWriteLock(() => this.repo.optimize(), { notify: false });
        if (await this.repo.ensureScalarIndices()) this.logger.info('scalar indices built');
        if (await this.repo.ensureVectorIndex(this.config.vectorIndexMinRows)) this.logger.info('vector index built');
        for (const measured of await this.calibration.calibrateIfNeeded())
          this.logger.info({ ...measured }, 'vector search probes measured for the recall target');
      });
      // Another replica is maintaining: still learn of the indices and measurements it made.
      if (!ran) await this.repo.refreshIndexState();
      if (!this.stopped) await this.warmMemorySearch(true);
    } catch (err) {
      this.logger.warn({ err }, 'table maintenance failed; will retry next interval');
    } finally {
      this.running = false;
    }
    return true;
  }
}
