// Calendar subscriptions: {PUBLIC_URL}/calendar/all.ics?{filter} and /calendar/topics/{slug}.ics,
// rendered from the same filter vocabulary as the feeds (feed-query.ts) plus a date range
// (event-query.ts). Without a range a calendar holds the events to come and those of the past
// PAST_DAYS, so a subscriber's calendar keeps last week's. Documents live in the feed cache under
// their canonical URL and the day, since what is "to come" changes with the day.
import { BadRequestError } from '../core/errors.ts';
import type { Topic } from '../core/types.ts';
import { dayNumber } from '../core/locale.ts';
import type { Db } from '../store/db.ts';
import { queryEvents } from '../store/events-query.ts';
import type { ItemView } from '../store/items-query.ts';
import { compileSearchTerms, type SearchTerms } from './bilingual-search.ts';
import { buildCalendar } from './build-calendar.ts';
import type { FeedCache, Rendered } from './feed-cache.ts';
import { canonicalFilter, FILTER_PARAMS, parseFeedQuery, quoted, type FeedQuery } from './feed-query.ts';
import { sourceSlugsOf } from './feed-renderer.ts';
import { canonicalEventParams, EVENT_PARAMS, parseEventParams, type EventParams } from './event-query.ts';
import { renderCalendar } from './ical.ts';

/** Events in a calendar without ?limit=, and the most it may ask for. */
export const CALENDAR_LIMITS = { defaultLimit: 200, maxLimit: 500 };
/** Past events a calendar keeps showing, for this many days. */
export const PAST_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Everything a calendar URL may carry; others are ignored, as by the feeds. `tz` is read only to be
 * checked: a calendar's times carry their own zone, and the range's days are read in the one given.
 */
export const CALENDAR_PARAMS: readonly string[] = [...FILTER_PARAMS, ...EVENT_PARAMS, 'limit', 'prefer'];

export interface CalendarAddress {
  /** "all", or a topic's slug. */
  kind: 'all' | 'topics';
  name: string;
  params: URLSearchParams;
}

export interface RenderedCalendar extends Rendered {
  selfUrl: string;
}

export interface CalendarRendererOptions {
  db: Db;
  topics: Topic[];
  publicUrl: string;
  version: string;
  cache: FeedCache;
  now?: () => number;
  /** How searches are read in both languages (by default, from the taxonomy alone). */
  searchTerms?: SearchTerms;
}

/** "housing.ics" → "housing", with a 400 for any other extension. */
export function calendarName(file: string): string {
  const m = /^(.+)\.([a-z0-9]+)$/i.exec(file);
  if (!m) throw new BadRequestError('format: missing; add .ics to the path');
  if (m[2].toLowerCase() !== 'ics') throw new BadRequestError(`format: unknown ${quoted(m[2])}; accepted: ics`);
  return m[1];
}

export function createCalendarRenderer(options: CalendarRendererOptions) {
  const { db, cache, publicUrl, topics } = options;
  const now = options.now ?? Date.now;
  const topicSlugs = topics.map((tp) => tp.slug);
  const searchTerms = options.searchTerms ?? compileSearchTerms(topics);

  async function resolve(address: CalendarAddress): Promise<{ query: FeedQuery; range: EventParams; selfUrl: string; homeQuery: string }> {
    const params = address.params;
    const query = parseFeedQuery(params, { topicSlugs, sourceSlugs: await sourceSlugsOf(db, cache), searchTerms }, { ...CALENDAR_LIMITS, known: CALENDAR_PARAMS });
    const range = parseEventParams(params);
    let path = '/calendar/all';
    if (address.kind === 'topics') {
      if (!topicSlugs.includes(address.name)) throw new BadRequestError(`topic: unknown value ${quoted(address.name)}; accepted: ${topicSlugs.join(', ')}`);
      query.topics = [address.name];
      path = `/calendar/topics/${address.name}`;
    } else if (address.name !== 'all') {
      throw new BadRequestError(`calendar: no calendar ${quoted(address.name)}; use /calendar/all.ics with filters or /calendar/topics/{slug}.ics`);
    }
    const own = canonicalFilter(address.kind === 'topics' ? { ...query, topics: undefined } : query);
    const selfQuery = [own, canonicalEventParams(range), query.limit !== CALENDAR_LIMITS.defaultLimit ? `limit=${query.limit}` : '', query.prefer ? `prefer=${query.prefer}` : ''].filter(Boolean).join('&');
    const homeQuery = [canonicalFilter(query), canonicalEventParams(range)].filter(Boolean).join('&');
    return { query, range, selfUrl: `${publicUrl}${path}.ics${selfQuery ? `?${selfQuery}` : ''}`, homeQuery };
  }

  async function select(query: FeedQuery, range: EventParams, at: number): Promise<ItemView[]> {
    const filter = { ...query, before: undefined, offset: undefined };
    if (range.from || range.to) {
      return queryEvents(db, { ...filter, when: 'upcoming', at: range.from ?? new Date(at), startsBefore: range.to });
    }
    const past = await queryEvents(db, { ...filter, when: 'past', at: new Date(at), startsFrom: new Date(at - PAST_DAYS * DAY_MS), limit: Math.min(query.limit, 100) });
    const upcoming = await queryEvents(db, { ...filter, when: 'upcoming', at: new Date(at) });
    return [...past.reverse(), ...upcoming];
  }

  return {
    /** The calendar at `address` (rendered once per day and data generation). */
    async render(address: CalendarAddress): Promise<RenderedCalendar> {
      const { query, range, selfUrl, homeQuery } = await resolve(address);
      const at = now();
      return cache.get<{ selfUrl: string }>(`${selfUrl}\u0000${dayNumber(at)}`, async () => {
        const rows = await select(query, range, at);
        const calendar = buildCalendar(query, rows, {
          publicUrl, version: options.version, topics, selfUrl,
          homeUrl: { en: `${publicUrl}/en/events${homeQuery ? `?${homeQuery}` : ''}`, fr: `${publicUrl}/fr/evenements${homeQuery ? `?${homeQuery}` : ''}` },
        });
        const lastModified = rows.reduce((max, r) => (r.updatedAt > max ? r.updatedAt : max), new Date(0));
        return { body: renderCalendar(calendar), lastModified, selfUrl };
      });
    },
  };
}

export type CalendarRenderer = ReturnType<typeof createCalendarRenderer>;
