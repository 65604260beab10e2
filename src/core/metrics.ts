// Prometheus metrics (prom-client), one registry per process. Every stage may record through the
// functions here; tests create their own Metrics with createMetrics() (or call resetMetrics()) so
// counters never leak from one test into another.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const FETCH_OUTCOMES = ['ok', 'not-modified', 'unchanged', 'failed', 'released'] as const;
export type FetchOutcomeLabel = (typeof FETCH_OUTCOMES)[number];

export type WebsubDeliveryOutcome = 'delivered' | 'retrying' | 'dropped' | 'gone';

export type DigestOutcome = 'sent' | 'failed' | 'bounced' | 'suspended';
export type ConfirmationOutcome = 'sent' | 'failed' | 'bounced';

export interface SourceHealthCounts {
  /** Sources per status (active, paused, gone). */
  byStatus: Record<string, number>;
  /** Sources whose last fetch failed (error_count > 0). */
  failing: number;
}

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  recordFetch(outcome: FetchOutcomeLabel, durationSeconds: number): void;
  recordIngestCommit(durationSeconds: number): void;
  recordItems(itemsNew: number, itemsUpdated: number): void;
  recordHttpRequest(method: string, route: string, status: number, durationSeconds: number): void;
  recordWebsubDelivery(outcome: WebsubDeliveryOutcome): void;
  recordAuthFailure(reason: 'missing' | 'invalid' | 'throttled'): void;
  recordDigest(outcome: DigestOutcome): void;
  recordConfirmation(outcome: ConfirmationOutcome): void;
  setSourceHealth(counts: SourceHealthCounts): void;
  /** The exposition text for a scrape. */
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** process_* and nodejs_* metrics (CPU, memory, event loop, GC); off in most tests. */
  defaultMetrics?: boolean;
}

const SOURCE_STATUSES = ['active', 'paused', 'gone'];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });

  const fetches = new Counter({
    name: 'passerelle_fetches_total',
    help: 'Source fetches by outcome (ok, not-modified, unchanged, failed, released).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const fetchDuration = new Histogram({
    name: 'passerelle_fetch_duration_seconds',
    help: 'Time spent fetching one feed over HTTP (all redirects, headers and body).',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
    registers: [registry],
  });
  const ingestDuration = new Histogram({
    name: 'passerelle_ingest_commit_duration_seconds',
    help: "Time spent committing one fetch's items and source state to the database.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const itemsIngested = new Counter({
    name: 'passerelle_items_ingested_total',
    help: 'Items stored by ingests, new or updated in place.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const sourcesByStatus = new Gauge({
    name: 'passerelle_sources',
    help: 'Registered sources by status (read from the database at scrape time).',
    labelNames: ['status'],
    registers: [registry],
  });
  const sourcesFailing = new Gauge({
    name: 'passerelle_sources_failing',
    help: 'Sources whose last fetch failed (error_count > 0), read from the database at scrape time.',
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'passerelle_http_request_duration_seconds',
    help: 'HTTP requests by method, matched route pattern and status, with their durations.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const websubDeliveries = new Counter({
    name: 'passerelle_websub_deliveries_total',
    help: 'WebSub content distributions to subscribers, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'passerelle_auth_failures_total',
    help: 'Admin API requests refused for a missing or wrong token, or throttled after repeated failures.',
    labelNames: ['reason'],
    registers: [registry],
  });

  const digests = new Counter({
    name: 'passerelle_digests_total',
    help: 'Email digest messages by outcome (sent, failed and retried, bounced by the address server, suspended after repeated bounces).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const confirmations = new Counter({
    name: 'passerelle_digest_confirmations_total',
    help: 'Confirmation messages for email digest subscriptions, by outcome (sent, failed, bounced).',
    labelNames: ['outcome'],
    registers: [registry],
  });

  // Series that exist from the start read 0 instead of being absent, which keeps rate() and
  // alerting rules simple.
  for (const outcome of FETCH_OUTCOMES) fetches.labels(outcome).inc(0);
  for (const kind of ['new', 'updated']) itemsIngested.labels(kind).inc(0);
  for (const status of SOURCE_STATUSES) sourcesByStatus.labels(status).set(0);
  for (const outcome of ['sent', 'failed', 'bounced', 'suspended']) digests.labels(outcome).inc(0);
  for (const outcome of ['sent', 'failed', 'bounced']) confirmations.labels(outcome).inc(0);

  return {
    registry,
    contentType: registry.contentType,
    recordFetch(outcome, seconds) {
      fetches.labels(outcome).inc();
      if (outcome !== 'released') fetchDuration.labels(outcome).observe(seconds);
    },
    recordIngestCommit(seconds) {
      ingestDuration.observe(seconds);
    },
    recordItems(itemsNew, itemsUpdated) {
      if (itemsNew) itemsIngested.labels('new').inc(itemsNew);
      if (itemsUpdated) itemsIngested.labels('updated').inc(itemsUpdated);
    },
    recordHttpRequest(method, route, status, seconds) {
      httpDuration.labels(method, route, String(status)).observe(seconds);
    },
    recordWebsubDelivery(outcome) {
      websubDeliveries.labels(outcome).inc();
    },
    recordAuthFailure(reason) {
      authFailures.labels(reason).inc();
    },
    recordDigest(outcome) {
      digests.labels(outcome).inc();
    },
    recordConfirmation(outcome) {
      confirmations.labels(outcome).inc();
    },
    setSourceHealth(counts) {
      sourcesByStatus.reset();
      for (const status of new Set([...SOURCE_STATUSES, ...Object.keys(counts.byStatus)])) {
        sourcesByStatus.labels(status).set(counts.byStatus[status] ?? 0);
      }
      sourcesFailing.set(counts.failing);
    },
    render: () => registry.metrics(),
  };
}

let processMetrics: Metrics | undefined;

/** This process's metrics, created on first use with the default process metrics. */
export function getMetrics(): Metrics {
  processMetrics ??= createMetrics({ defaultMetrics: true });
  return processMetrics;
}

/** Starts this process's metrics afresh (tests). */
export function resetMetrics(metrics: Metrics = createMetrics()): Metrics {
  processMetrics = metrics;
  return metrics;
}

/** Records one WebSub delivery attempt's outcome in this process's metrics. */
export function recordWebsubDelivery(outcome: WebsubDeliveryOutcome): void {
  getMetrics().recordWebsubDelivery(outcome);
}
