import { Injectable } from '@nestjs/common';
import { IngestHealth } from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30];

/**
 * Prometheus metrics of this gateway replica (prom-client is used only here). Request metrics are
 * per replica, as Prometheus expects; queue depth and job outcomes are cluster-wide figures that the
 * ingest service reports from Redis at scrape time.
 */
@Injectable()
export class MetricsService {
  private readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'rag_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'rag_http_request_duration_seconds',
    help: 'HTTP request latency by method and route (for SSE: until the stream ends)',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly search = new Histogram({
    name: 'rag_search_duration_seconds',
    help: 'Search time inside the retrieval service, by mode and whether its reply cache answered',
    labelNames: ['mode', 'cache'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly queue = new Gauge({
    name: 'rag_ingest_queue_jobs',
    help: 'Ingest jobs in the Bull queue by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly jobs = new Gauge({
    name: 'rag_ingest_job_outcomes',
    help: 'Ingest job outcomes counted in Redis since its data began (succeeded, deduplicated, failed, retried); monotonic',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly pages = new Gauge({
    name: 'rag_ingest_pages',
    help: 'Pages ingested by successful jobs, counted in Redis; monotonic',
    registers: [this.registry],
  });
  private readonly pagesUnread = new Gauge({
    name: 'rag_ingest_pages_unread',
    help: 'Pages of successful jobs whose text could not be read (unreadable, or images without a text layer); monotonic',
    registers: [this.registry],
  });
  private readonly ingestUp = new Gauge({
    name: 'rag_ingest_service_up',
    help: '1 when the ingest service answered the last scrape',
    registers: [this.registry],
  });

  constructor(private readonly bus: BusClient) {
    collectDefaultMetrics({ register: this.registry, prefix: 'rag_gateway_' });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.duration.observe({ method, route }, seconds);
  }

  observeSearch(mode: string, cached: boolean, ms: number): void {
    this.search.observe({ mode, cache: cached ? 'hit' : 'miss' }, ms / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async render(): Promise<string> {
    try {
      const health = await this.bus.request(IngestHealth, {}, { timeoutMs: 1500 });
      const details = (health.details ?? {}) as { queue?: Record<string, number>; jobs?: Record<string, number> };
      for (const [state, n] of Object.entries(details.queue ?? {})) this.queue.set({ state }, n);
      const { pages, pagesUnread, ...outcomes } = details.jobs ?? {};
      for (const [outcome, n] of Object.entries(outcomes)) this.jobs.set({ outcome }, n);
      if (pages !== undefined) this.pages.set(pages);
      if (pagesUnread !== undefined) this.pagesUnread.set(pagesUnread);
      this.ingestUp.set(1);
    } catch {
      this.ingestUp.set(0);
    }
    return this.registry.metrics();
  }
}
