// The one place that runs fetch → parse → normalize → store for a source and records how it
// went. A failure is state on the source's row (last_error, error_count, backoff), never an
// exception that stops the tick or touches the other sources.
import { createHash } from 'node:crypto';
import type { FetchSettings, ScheduleSettings } from '../core/config.ts';
import { ParseError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { getMetrics, type Metrics } from '../core/metrics.ts';
import type { Item, ParsedFeed } from '../core/types.ts';
import { fetchFeed, type FetchDeps, type FetchFailed, type FetchResult } from '../fetch/fetch-feed.ts';
import { HostBlockedError, type HostLimiter } from '../fetch/host-limiter.ts';
import { normalizeItem } from '../normalize/normalize-item.ts';
import type { Taxonomy } from '../normalize/topics.ts';
import { hostOf } from '../normalize/urls.ts';
import { parseFeed } from '../parse/parse-feed.ts';
import type { Db } from '../store/db.ts';
import { churnWarning, commitIngest, type FetchLog, type SourcePatch } from '../store/ingest.ts';
import type { SourceRow } from '../store/schema.ts';
import { deferHost, releaseLease } from '../store/sources-repo.ts';
import { backoffMinutes, nextIntervalMinutes } from './next-fetch.ts';

export interface PipelineDeps {
  db: Db;
  fetch: FetchSettings;
  schedule: Pick<ScheduleSettings, 'minIntervalMinutes' | 'maxIntervalMinutes' | 'historyPerSource'>;
  limiter: HostLimiter;
  /** The topic taxonomy, compiled once (normalize/topics.ts). */
  taxonomy: Taxonomy;
  logger: Logger;
  now?: () => Date;
  /** Test seam for DNS (rebinding tests). */
  fetchDeps?: FetchDeps;
  /** Where fetch and ingest metrics go; this process's metrics by default. */
  metrics?: Metrics;
  /** Told after every commit that changed items, so output caches and WebSub can react. */
  onItemsChanged?: (change: { sourceId: number; slug: string; itemsNew: number; itemsUpdated: number }) => void;
}

export type Outcome = 'ok' | 'not-modified' | 'unchanged' | 'failed' | 'released';

export interface SourceOutcome {
  slug: string;
  outcome: Outcome;
  status?: number;
  error?: string;
  itemsNew: number;
  itemsUpdated: number;
  /** Items that came with a new GUID and were recognized by link and title (GUID churn). */
  itemsRekeyed?: number;
  durationMs: number;
  warnings: string[];
}

/** Consistent permanent redirects needed before the stored URL follows them (FAULTS 10). */
export const REDIRECT_SIGHTINGS = 2;

export async function ingestSource(deps: PipelineDeps, source: SourceRow, owner: string, signal?: AbortSignal): Promise<SourceOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const t0 = performance.now();
  const log = deps.logger.child({ source: source.slug });
  const metrics = deps.metrics ?? getMetrics();
  /** How long the HTTP part took, once it has run. */
  let fetchMs = 0;
  const done = (outcome: Outcome, extra: Partial<SourceOutcome> = {}): SourceOutcome => {
    metrics.recordFetch(outcome, fetchMs / 1000);
    return {
      slug: source.slug,
      outcome,
      itemsNew: 0,
      itemsUpdated: 0,
      warnings: [],
      durationMs: Math.round(performance.now() - t0),
      ...extra,
    };
  };
  const commit = async (c: Parameters<typeof commitIngest>[1]) => {
    const c0 = performance.now();
    try {
      return await commitIngest(deps.db, c);
    } finally {
      metrics.recordIngestCommit((performance.now() - c0) / 1000);
    }
  };

  // A host that asked us to wait (Retry-After) is not contacted: the source goes back, due then.
  const postpone = async (untilMs: number) => {
    await deferHost(deps.db, source.host, new Date(untilMs));
    await releaseLease(deps.db, source.id, owner);
    return done('released');
  };
  const blockedUntil = deps.limiter.blockedUntil(source.host);
  if (blockedUntil) return postpone(blockedUntil);

  let result: FetchResult;
  try {
    result = await deps.limiter.run(source.host, () =>
      fetchFeed({ url: source.url, etag: source.etag, lastModified: source.lastModified, signal }, deps.fetch, deps.fetchDeps),
    );
  } catch (err) {
    if (err instanceof HostBlockedError) return postpone(err.untilMs);
    result = {
      kind: 'failed',
      code: 'network',
      error: `fetch failed: ${(err as Error).message}`,
      url: source.url,
      redirects: [],
      warnings: [],
      durationMs: Math.round(performance.now() - t0),
      headers: {},
    };
  }
  fetchMs = result.durationMs;
  if (result.kind === 'failed' && result.code === 'aborted') {
    // Shutting down: give the source back untouched for another worker or the next start.
    await releaseLease(deps.db, source.id, owner).catch(() => {});
    return done('released');
  }

  const bounds = deps.schedule;
  const durationMs = () => Math.round(performance.now() - t0);
  const baseLog = (outcome: FetchLog['outcome'], status?: number, error?: string, bytes?: number): FetchLog => ({
    startedAt: started,
    durationMs: durationMs(),
    outcome,
    httpStatus: status,
    error,
    bytes,
  });
  const after = (minutes: number) => new Date(started.getTime() + minutes * 60_000);

  const recordFailure = async (failure: FetchFailed): Promise<SourceOutcome> => {
    const failures = source.errorCount + 1;
    let nextFetchAt = after(backoffMinutes(failures, bounds, source.slug));
    if (failure.retryAfterSeconds) {
      nextFetchAt = new Date(started.getTime() + failure.retryAfterSeconds * 1000);
      deps.limiter.blockHost(source.host, nextFetchAt.getTime());
      await deferHost(deps.db, source.host, nextFetchAt);
    }
    await commit({
      sourceId: source.id,
      owner,
      patch: {
        lastFetchAt: started,
        lastStatus: failure.status ?? null,
        lastError: failure.error,
        lastErrorAt: started,
        errorCount: failures,
        nextFetchAt,
        lastWarnings: failure.warnings,
        ...(failure.gone ? { status: 'gone' } : {}),
      },
      log: baseLog('failed', failure.status, failure.error),
      historyLimit: bounds.historyPerSource,
    });
    log.warn({ url: source.url, status: failure.status, code: failure.code, error: failure.error, failures }, 'fetch failed');
    return done('failed', { status: failure.status, error: failure.error, warnings: failure.warnings });
  };

  try {
    if (result.kind === 'failed') return await recordFailure(result);

    const currentInterval = source.intervalOverrideMinutes ?? source.intervalMinutes ?? nextIntervalMinutes({ itemDates: [] }, bounds);
    const okPatch: SourcePatch = {
      lastFetchAt: started,
      lastSuccessAt: started,
      lastStatus: result.status,
      lastError: null,
      lastErrorAt: null,
      errorCount: 0,
      etag: result.etag ?? source.etag,
      lastModified: result.lastModified ?? source.lastModified,
    };

    if (result.kind === 'not-modified') {
      await commit({
        sourceId: source.id,
        owner,
        patch: { ...okPatch, nextFetchAt: after(currentInterval), lastWarnings: result.warnings },
        log: baseLog('not-modified', 304),
        historyLimit: bounds.historyPerSource,
      });
      log.info({ url: result.url, status: 304, durationMs: durationMs() }, 'not modified');
      return done('not-modified', { status: 304 });
    }

    // Servers that ignore conditional requests (or change the ETag every time) still send the same bytes.
    const bodyHash = createHash('sha256').update(result.bytes).digest('base64url');
    if (bodyHash === source.bodyHash) {
      await commit({
        sourceId: source.id,
        owner,
        patch: { ...okPatch, nextFetchAt: after(currentInterval), lastWarnings: result.warnings },
        log: baseLog('unchanged', result.status, undefined, result.bytes.length),
        historyLimit: bounds.historyPerSource,
      });
      log.info({ url: result.url, status: result.status, durationMs: durationMs() }, 'unchanged');
      return done('unchanged', { status: result.status });
    }

    let feed: ParsedFeed;
    try {
      feed = await parseFeed(result.text, { contentType: result.contentType, url: result.url, maxItems: deps.fetch.maxItems });
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      return await recordFailure({ ...result, kind: 'failed', code: 'not-a-feed', error: err.message });
    }

    const warnings = [...result.warnings, ...feed.warnings];
    for (const [reason, count] of Object.entries(feed.dropped)) warnings.push(`${count} item(s) dropped: ${reason}`);
    const normalized: Item[] = [];
    const ctx = {
      now: started,
      fetchUrl: result.url,
      feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
      source: { languages: source.languages, region: source.region, province: source.province ?? undefined, topics: source.topics },
      taxonomy: deps.taxonomy,
    };
    for (const parsed of feed.items) {
      const out = normalizeItem(parsed, ctx);
      if ('dropped' in out) {
        warnings.push(`item dropped: ${out.dropped}`);
        continue;
      }
      normalized.push(out.item);
      warnings.push(...out.warnings);
    }

    const interval = nextIntervalMinutes(
      {
        itemDates: normalized.filter((i) => i.dateFromFeed).map((i) => i.publishedAt),
        ttlMinutes: feed.ttlMinutes,
        updatePeriodMinutes: feed.updatePeriodMinutes,
        cacheMaxAgeSeconds: result.cacheMaxAgeSeconds,
        overrideMinutes: source.intervalOverrideMinutes ?? undefined,
      },
      bounds,
    );

    const patch: SourcePatch = {
      ...okPatch,
      ...redirectPatch(source, result.permanentRedirect),
      bodyHash,
      feedTitle: feed.title ?? null,
      feedLink: feed.link ?? null,
      intervalMinutes: interval,
      nextFetchAt: after(interval),
      lastWarnings: dedupeWarnings(warnings),
    };
    const counts = await commit({
      sourceId: source.id,
      owner,
      items: normalized,
      patch,
      log: baseLog('ok', result.status, undefined, result.bytes.length),
      historyLimit: bounds.historyPerSource,
    });
    metrics.recordItems(counts.itemsNew, counts.itemsUpdated);
    if (counts.itemsNew || counts.itemsUpdated) {
      deps.onItemsChanged?.({ sourceId: source.id, slug: source.slug, itemsNew: counts.itemsNew, itemsUpdated: counts.itemsUpdated });
    }
    log.info(
      { url: result.url, status: result.status, durationMs: durationMs(), itemsNew: counts.itemsNew, itemsUpdated: counts.itemsUpdated, itemsRekeyed: counts.itemsRekeyed, items: normalized.length },
      'fetched',
    );
    const churn = counts.itemsRekeyed ? [churnWarning(counts.itemsRekeyed)] : [];
    return done('ok', {
      status: result.status,
      itemsNew: counts.itemsNew,
      itemsUpdated: counts.itemsUpdated,
      itemsRekeyed: counts.itemsRekeyed,
      warnings: [...dedupeWarnings(warnings), ...churn],
    });
  } catch (err) {
    // A bug or the database going away: nothing was committed, the lease will expire and the
    // next run redoes the work.
    log.error({ err }, 'ingest failed');
    return done('failed', { error: `internal error: ${(err as Error).message}` });
  }
}

function redirectPatch(source: SourceRow, target: string | undefined): SourcePatch {
  if (!target || target === source.url) return { redirectTo: null, redirectSeen: 0 };
  const seen = source.redirectTo === target ? source.redirectSeen + 1 : 1;
  if (seen < REDIRECT_SIGHTINGS) return { redirectTo: target, redirectSeen: seen };
  return {
    url: target,
    host: hostOf(target),
    aliases: [...new Set([...source.aliases, source.url])],
    redirectTo: null,
    redirectSeen: 0,
  };
}

function dedupeWarnings(warnings: string[]): string[] {
  const counts = new Map<string, number>();
  for (const w of warnings) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].slice(0, 50).map(([w, n]) => (n > 1 ? `${w} (×${n})` : w));
}
