// The one place that runs fetch → parse → normalize → store for a source. What the fetch means
// for the source is decided by planIngest(); this file does the I/O around it. A failure is state
// on the source's row (its error code, error count, backoff), never an exception that stops the
// tick or touches the other sources.
import type { FetchSettings, ScheduleSettings } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { getMetrics, type Metrics } from '../core/metrics.ts';
import type { SourceErrorCode, Warning } from '../core/types.ts';
import { fetchFeed, type FetchDeps, type FetchOk, type FetchResult } from '../fetch/fetch-feed.ts';
import { HostBlockedError, type HostLimiter } from '../fetch/host-limiter.ts';
import type { Lexicon } from '../normalize/lexicon.ts';
import type { Taxonomy } from '../normalize/topics.ts';
import type { Db } from '../store/db.ts';
import { churnWarning, commitIngest, type IngestCounts } from '../store/ingest.ts';
import type { SourceRow } from '../store/schema.ts';
import { deferHost, releaseLease } from '../store/sources-repo.ts';
import type { NetworkWatch } from './network-watch.ts';
import { isNewBody, planIngest, type IngestPlan } from './plan-ingest.ts';
import type { ReadInput } from './read-feed.ts';
import { pageReadInput } from './read-page-body.ts';
import { inProcessReader, type BodyReader } from './read-pool.ts';

export interface PipelineDeps {
  db: Db;
  fetch: FetchSettings;
  schedule: Pick<ScheduleSettings, 'minIntervalMinutes' | 'maxIntervalMinutes' | 'historyPerSource'>;
  limiter: HostLimiter;
  /** The topic taxonomy, compiled once (normalize/topics.ts). */
  taxonomy: Taxonomy;
  /** Where new bodies are read: the hub's worker pool; on the calling thread when unset. */
  reader?: BodyReader;
  /** The English–French lexicon (built-in and feeds.yaml's), compiled once, for twins; the built-in one when not given. */
  lexicon?: Lexicon;
  logger: Logger;
  now?: () => Date;
  /** Test seam for DNS (rebinding tests). */
  fetchDeps?: FetchDeps;
  /** Where fetch and ingest metrics go; this process's metrics by default. */
  metrics?: Metrics;
  /** Tells a hub without a network from sources that fail, in the log; without it each failure is logged. */
  network?: NetworkWatch;
  /** Told after every commit that changed items, so output caches and WebSub can react. */
  onItemsChanged?: (change: { sourceId: number; slug: string; itemsNew: number; itemsUpdated: number }) => void;
}

export type Outcome = 'ok' | 'not-modified' | 'unchanged' | 'failed' | 'released';

export interface SourceOutcome {
  slug: string;
  outcome: Outcome;
  status?: number;
  /** Why it failed, in English (for the command line and logs); `errorCode` says it as data. */
  error?: string;
  errorCode?: SourceErrorCode;
  itemsNew: number;
  itemsUpdated: number;
  /** Items that came with a new GUID and were recognized by link and title (GUID churn). */
  itemsRekeyed?: number;
  durationMs: number;
  warnings: Warning[];
}

export async function ingestSource(deps: PipelineDeps, source: SourceRow, owner: string, signal?: AbortSignal): Promise<SourceOutcome> {
  const started = (deps.now ?? (() => new Date()))();
  const t0 = performance.now();
  const elapsedMs = () => Math.round(performance.now() - t0);
  const log = deps.logger.child({ source: source.slug });
  const metrics = deps.metrics ?? getMetrics();
  let fetchSeconds = 0;
  const done = (outcome: Outcome, extra: Partial<SourceOutcome> = {}): SourceOutcome => {
    metrics.recordFetch(outcome, fetchSeconds);
    return { slug: source.slug, outcome, itemsNew: 0, itemsUpdated: 0, warnings: [], durationMs: elapsedMs(), ...extra };
  };
  const giveBack = async () => {
    await releaseLease(deps.db, source.id, owner);
    return done('released');
  };

  try {
    // A host that asked us to wait (Retry-After) is not contacted: the source goes back, due then.
    const waitUntil = deps.limiter.blockedUntil(source.host);
    if (waitUntil) {
      await deferHost(deps.db, source.host, new Date(waitUntil));
      return await giveBack();
    }
    let fetched: FetchResult;
    try {
      fetched = await deps.limiter.run(source.host, () =>
        fetchFeed({ url: source.url, etag: source.etag, lastModified: source.lastModified, signal }, deps.fetch, deps.fetchDeps),
      );
    } catch (err) {
      if (!(err instanceof HostBlockedError)) throw err;
      await deferHost(deps.db, source.host, new Date(err.untilMs));
      return await giveBack();
    }
    fetchSeconds = fetched.durationMs / 1000;
    if (fetched.kind === 'failed' && fetched.code === 'aborted') {
      // Shutting down: the source goes back untouched, for another worker or the next start.
      await releaseLease(deps.db, source.id, owner).catch(() => {});
      return done('released');
    }

    const reader = deps.reader ?? inProcessReader(deps.taxonomy);
    const reading =
      fetched.kind === 'ok' && isNewBody(source, fetched)
        ? await (source.kind === 'page' ? reader.readPage(pageReadInput(readInput(deps, source, fetched, started), source, fetched)) : reader.readFeed(readInput(deps, source, fetched, started)))
        : undefined;
    const plan = planIngest(source, fetched, reading, { now: started, durationMs: elapsedMs(), bounds: deps.schedule });
    if (plan.hostWaitUntil) {
      deps.limiter.blockHost(source.host, plan.hostWaitUntil.getTime());
      await deferHost(deps.db, source.host, plan.hostWaitUntil);
    }
    const counts = await commit(deps, metrics, source, owner, plan);
    if (plan.outcome === 'ok') metrics.recordItems(counts.itemsNew, counts.itemsUpdated);
    if (counts.itemsNew || counts.itemsUpdated) {
      deps.onItemsChanged?.({ sourceId: source.id, slug: source.slug, itemsNew: counts.itemsNew, itemsUpdated: counts.itemsUpdated });
    }

    const status = plan.log.httpStatus;
    if (plan.error) {
      const fields = { url: source.url, status, code: plan.error.code, error: plan.error.detail, failures: plan.patch.errorCount };
      if (deps.network) deps.network.failed({ log, fields, host: source.host, at: started, code: plan.error.code });
      else log.warn(fields, 'fetch failed');
      return done('failed', { status, error: plan.error.detail, errorCode: plan.error.code, warnings: plan.warnings });
    }
    deps.network?.reached(source.host, started);
    const url = fetched.url;
    if (plan.outcome !== 'ok') {
      log.info({ url, status, durationMs: elapsedMs() }, plan.outcome === 'not-modified' ? 'not modified' : 'unchanged');
      return done(plan.outcome, { status });
    }
    log.info({ url, status, durationMs: elapsedMs(), ...counts, items: plan.items.length }, 'fetched');
    return done('ok', {
      status,
      ...counts,
      warnings: counts.itemsRekeyed ? [...plan.warnings, churnWarning(counts.itemsRekeyed)] : plan.warnings,
    });
  } catch (err) {
    // A bug or the database going away: nothing was committed, the lease will expire and the
    // next run redoes the work.
    log.error({ err }, 'ingest failed');
    return done('failed', { error: `internal error: ${(err as Error).message}` });
  }
}

function readInput(deps: PipelineDeps, source: SourceRow, fetched: FetchOk, now: Date): ReadInput {
  return {
    text: fetched.text,
    contentType: fetched.contentType,
    url: fetched.url,
    now,
    maxItems: deps.fetch.maxItems,
    source: { languages: source.languages, region: source.region, province: source.province ?? undefined, topics: source.topics },
  };
}

async function commit(deps: PipelineDeps, metrics: Metrics, source: SourceRow, owner: string, plan: IngestPlan): Promise<IngestCounts> {
  const c0 = performance.now();
  try {
    return await commitIngest(deps.db, {
      sourceId: source.id,
      owner,
      items: plan.items,
      patch: plan.patch,
      log: plan.log,
      historyLimit: deps.schedule.historyPerSource,
      lexicon: deps.lexicon,
    });
  } finally {
    metrics.recordIngestCommit((performance.now() - c0) / 1000);
  }
}
