// What one fetch means for its source, decided without doing anything: the new state of the row
// (validators, health, when to fetch next, a moved URL, gone), the fetch log entry, the items to
// store and the warnings to show. ingestSource() does the I/O around it; every decision is here,
// where a table of cases tests it.
import type { FetchOutcome, Item, PageProblem, ParsedFeed, SourceError, Warning } from '../core/types.ts';
import type { FetchFailed, FetchOk, FetchResult } from '../fetch/fetch-feed.ts';
import { hostOf } from '../normalize/urls.ts';
import type { FetchLog, SourcePatch } from '../store/ingest.ts';
import type { SourceRow } from '../store/schema.ts';
import { backoffMinutes, firstFetchRetryMinutes, nextIntervalMinutes, type IntervalBounds } from './next-fetch.ts';

/** What the plan reads of the source as it was leased. */
export type PlannedSource = Pick<
  SourceRow,
  'slug' | 'url' | 'aliases' | 'etag' | 'lastModified' | 'bodyHash' | 'errorCount' | 'lastSuccessAt' | 'intervalMinutes' | 'intervalOverrideMinutes' | 'redirectTo' | 'redirectSeen'
>;

/**
 * What parsing and normalizing made of a new body: a feed and its items, or why it is not one. A
 * page source's page that cannot be read with its selectors says why as a page problem.
 */
export type FeedReading =
  | { kind: 'feed'; feed: Pick<ParsedFeed, 'title' | 'link' | 'ttlMinutes' | 'updatePeriodMinutes'>; items: Item[]; warnings: Warning[] }
  | { kind: 'unreadable'; detail: string; problem?: PageProblem };

/** The source's new state; commitIngest writes every field it carries. */
export type PlanPatch = SourcePatch & Partial<Pick<SourceRow, 'lastItemsFound'>>;

export interface PlanContext {
  /** When the fetch started: every time in the plan counts from it. */
  now: Date;
  /** How long the fetch and the reading took. */
  durationMs: number;
  bounds: IntervalBounds;
}

export interface IngestPlan {
  outcome: FetchOutcome;
  patch: PlanPatch;
  log: FetchLog;
  /** Items to store; only an 'ok' outcome has any. */
  items: Item[];
  warnings: Warning[];
  /** Set when the outcome is 'failed'. */
  error?: SourceError;
  /** A Retry-After: no source of this host is contacted before then. */
  hostWaitUntil?: Date;
}

/** Consistent permanent redirects needed before the stored URL follows them. */
export const REDIRECT_SIGHTINGS = 2;

/** Warnings kept per fetch: a feed with a thousand broken items says so in one line per kind. */
const MAX_WARNINGS = 50;

/**
 * Whether a body must be read: servers that ignore conditional requests (or change the ETag every
 * time) still send the same bytes, and those need no parse.
 */
export function isNewBody(source: Pick<PlannedSource, 'bodyHash'>, fetched: FetchOk): boolean {
  return fetched.bodyHash !== source.bodyHash;
}

/**
 * The plan for one fetch. `reading` is what parse and normalize made of the body, given when
 * isNewBody() said to read it.
 */
export function planIngest(source: PlannedSource, fetched: FetchResult, reading: FeedReading | undefined, ctx: PlanContext): IngestPlan {
  if (fetched.kind === 'failed') return planFailure(source, fetched, ctx);
  const after = (minutes: number) => new Date(ctx.now.getTime() + minutes * 60_000);
  const health: SourcePatch = {
    lastFetchAt: ctx.now,
    lastSuccessAt: ctx.now,
    lastStatus: fetched.status,
    lastErrorCode: null,
    lastErrorParams: null,
    lastError: null,
    lastErrorAt: null,
    errorCount: 0,
    // RFC 9111 §4.3.4: a response without validators leaves the stored ones standing.
    etag: fetched.etag ?? source.etag,
    lastModified: fetched.lastModified ?? source.lastModified,
  };
  const log = (outcome: FetchOutcome, bytes?: number): FetchLog => ({
    startedAt: ctx.now,
    durationMs: ctx.durationMs,
    outcome,
    httpStatus: fetched.status,
    ...(bytes === undefined ? {} : { bytes }),
  });

  if (fetched.kind === 'not-modified' || !isNewBody(source, fetched)) {
    // Nothing new to read: the interval found from the last items stands. A permanent redirect
    // counts as seen: a 304 to our validators, or the very bytes read last time, is the same
    // document at its new address.
    const interval = source.intervalOverrideMinutes ?? source.intervalMinutes ?? nextIntervalMinutes({ itemDates: [] }, ctx.bounds);
    const outcome = fetched.kind === 'not-modified' ? 'not-modified' : 'unchanged';
    return {
      outcome,
      patch: { ...health, ...redirectPatch(source, fetched.permanentRedirect), nextFetchAt: after(interval), lastWarnings: fetched.warnings },
      log: log(outcome, fetched.kind === 'ok' ? fetched.bytes.length : undefined),
      items: [],
      warnings: fetched.warnings,
    };
  }

  if (!reading) throw new Error('planIngest: a new body must be read before it is planned');
  if (reading.kind === 'unreadable') {
    const contentType = fetched.contentType?.split(';')[0].trim().toLowerCase().slice(0, 60);
    // The Content-Type says whether the address now answers with a web page, the usual way a feed goes missing.
    const failure: Failure = reading.problem
      ? { code: reading.problem.code, params: reading.problem.params, error: reading.detail, status: fetched.status, warnings: fetched.warnings }
      : { code: 'not-a-feed', params: contentType ? { contentType } : {}, error: reading.detail, status: fetched.status, warnings: fetched.warnings };
    return planFailure(source, failure, ctx);
  }

  const interval = nextIntervalMinutes(
    {
      itemDates: reading.items.filter((i) => i.dateFromFeed).map((i) => i.publishedAt),
      ttlMinutes: reading.feed.ttlMinutes,
      updatePeriodMinutes: reading.feed.updatePeriodMinutes,
      cacheMaxAgeSeconds: fetched.cacheMaxAgeSeconds,
      overrideMinutes: source.intervalOverrideMinutes ?? undefined,
    },
    ctx.bounds,
  );
  const warnings = collapseWarnings([...fetched.warnings, ...reading.warnings]);
  return {
    outcome: 'ok',
    patch: {
      ...health,
      ...redirectPatch(source, fetched.permanentRedirect),
      bodyHash: fetched.bodyHash,
      feedTitle: reading.feed.title ?? null,
      feedLink: reading.feed.link ?? null,
      lastItemsFound: reading.items.length,
      intervalMinutes: interval,
      nextFetchAt: after(interval),
      lastWarnings: warnings,
    },
    log: log('ok', fetched.bytes.length),
    items: reading.items,
    warnings,
  };
}

type Failure = Pick<FetchFailed, 'code' | 'params' | 'error' | 'status' | 'warnings' | 'retryAfterSeconds' | 'gone'>;

/**
 * A failure: counted, backed off (or deferred as the server asked), and 410 marks the source gone.
 * A source never read yet is retried within minutes rather than backed off.
 */
function planFailure(source: PlannedSource, failure: Failure, ctx: PlanContext): IngestPlan {
  const failures = source.errorCount + 1;
  const wait = source.lastSuccessAt ? backoffMinutes : firstFetchRetryMinutes;
  const nextFetchAt = failure.retryAfterSeconds
    ? new Date(ctx.now.getTime() + failure.retryAfterSeconds * 1000)
    : new Date(ctx.now.getTime() + wait(failures, ctx.bounds, source.slug) * 60_000);
  const error: SourceError = { code: failure.code, params: failure.params, detail: failure.error };
  return {
    outcome: 'failed',
    patch: {
      lastFetchAt: ctx.now,
      lastStatus: failure.status ?? null,
      lastErrorCode: error.code,
      lastErrorParams: error.params,
      lastError: error.detail,
      lastErrorAt: ctx.now,
      errorCount: failures,
      nextFetchAt,
      lastWarnings: failure.warnings,
      ...(failure.gone ? { status: 'gone' as const } : {}),
    },
    log: {
      startedAt: ctx.now,
      durationMs: ctx.durationMs,
      outcome: 'failed',
      ...(failure.status === undefined ? {} : { httpStatus: failure.status }),
      errorCode: failure.code,
      errorParams: failure.params,
      error: failure.error,
    },
    items: [],
    warnings: failure.warnings,
    error,
    ...(failure.retryAfterSeconds ? { hostWaitUntil: nextFetchAt } : {}),
  };
}

/**
 * A permanent redirect is followed for good only once it has been seen REDIRECT_SIGHTINGS times in
 * a row to the same target, so one misconfigured response cannot move a source; the old URL stays
 * as an alias.
 */
function redirectPatch(source: PlannedSource, target: string | undefined): SourcePatch {
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

/** The same warning once, with how many times it came; at most MAX_WARNINGS kinds. */
export function collapseWarnings(warnings: Warning[]): Warning[] {
  const byKey = new Map<string, Warning>();
  for (const w of warnings) {
    const key = JSON.stringify([w.code, w.params ?? {}]);
    const seen = byKey.get(key);
    if (seen) seen.repeated = (seen.repeated ?? 1) + (w.repeated ?? 1);
    else byKey.set(key, { ...w });
  }
  return [...byKey.values()].slice(0, MAX_WARNINGS);
}
