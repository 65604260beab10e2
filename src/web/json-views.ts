// The public JSON shapes of items and sources (the API is a contract: add fields, never rename).
import { canonicalSelectors } from '../core/page-selectors.ts';
import type { Warning } from '../core/types.ts';
import type { SourceOutcome } from '../pipeline/ingest-source.ts';
import type { ItemRef, ItemView } from '../store/items-query.ts';
import { errorWords, publicWarning, warningLine } from './error-words.ts';
import type { SourceView } from './source-views.ts';
import type { StoredEvent } from '../store/stored-event.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function itemJson(item: ItemView) {
  return {
    id: item.id,
    title: item.title,
    url: item.url,
    published: iso(item.publishedAt),
    modified: iso(item.modifiedAt),
    dateFromFeed: item.dateFromFeed,
    source: item.source.slug,
    organization: item.source.organization,
    region: item.source.region,
    province: item.province,
    regions: item.regions,
    language: item.language,
    type: item.type,
    topics: item.topics,
    author: item.author,
    categories: item.categories,
    summary: item.summary,
    content: item.contentHtml,
    enclosure: item.enclosure,
    also: item.also.map(refJson),
    translation: item.translation ? refJson(item.translation) : null,
    event: item.event ? eventJson(item.event) : null,
  };
}

/** An event as the API gives it: local times with their offset (or dates, all-day, end inclusive) and its zone. */
export function eventJson(e: StoredEvent) {
  return {
    start: e.start,
    end: e.end ?? null,
    allDay: e.allDay,
    timezone: e.timezone,
    place: e.place ? { venue: e.place.venue ?? null, city: e.place.city ?? null, province: e.place.province ?? null } : null,
    online: e.online,
    registrationUrl: e.registrationUrl ?? null,
  };
}

function refJson(r: ItemRef) {
  return { id: r.id, title: r.title, url: r.url, language: r.language, source: r.source, organization: r.organization };
}

/**
 * A source and its health. Anyone sees the error in general words (the address is not public, the
 * name could not be found) with its code; an operator ('admin') sees the fetcher's own detail
 * instead, with the resolved address or the looked-up name, and the facts behind the code.
 */
export function sourceJsonFor(s: SourceView, audience: 'public' | 'admin') {
  const error =
    audience === 'admin'
      ? { lastError: s.lastError, lastErrorCode: s.lastErrorCode, lastErrorParams: s.lastErrorParams }
      : { lastError: s.lastErrorCode ? errorWords(s.lastErrorCode, s.lastErrorParams, 'en') : null, lastErrorCode: s.lastErrorCode };
  return {
    slug: s.slug,
    title: s.title,
    organization: s.organization,
    url: s.url,
    siteUrl: s.siteUrl,
    region: s.region,
    province: s.province,
    languages: s.languages,
    topics: s.topics,
    status: s.status,
    origin: s.origin,
    kind: s.kind,
    selectors: s.selectors ? canonicalSelectors(s.selectors) : null,
    health: {
      lastFetch: iso(s.lastFetchAt),
      lastSuccess: iso(s.lastSuccessAt),
      httpStatus: s.lastStatus,
      ...error,
      lastErrorAt: iso(s.lastErrorAt),
      consecutiveFailures: s.errorCount,
      itemCount: s.itemCount,
      nextFetch: iso(s.nextFetchAt),
      intervalMinutes: s.intervalOverrideMinutes ?? s.intervalMinutes,
      ...warningsJson(audience === 'admin' ? (s.lastWarnings ?? []) : (s.lastWarnings ?? []).map(publicWarning)),
    },
  };
}

/** A source as anyone may see it (GET /api/sources). */
export function sourceJson(s: SourceView) {
  return sourceJsonFor(s, 'public');
}

/** Warnings as English lines (what the API always gave), and their codes beside them. */
function warningsJson(warnings: Warning[]) {
  return { warnings: warnings.map((w) => warningLine(w, 'en')), warningCodes: warnings.map((w) => w.code) };
}

/** What a fetch run now did, for the admin API. */
export function outcomeJson(o: SourceOutcome) {
  return { ...o, ...warningsJson(o.warnings) };
}
