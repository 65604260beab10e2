// GET /api/events: the events of any filter, soonest first (or, with when=past, latest first),
// each item with its `event`, paged by `next`. The upcoming-events widget reads it; a date range
// (from and to, or month) is read as days in `tz` (Eastern by default).
import { Hono } from 'hono';
import type { Topic } from '../core/types.ts';
import { EVENT_PARAMS, eventWindow, nextEventCursor, parseEventCursor, parseEventParams, parseWhen } from '../publish/event-query.ts';
import type { FeedCache } from '../publish/feed-cache.ts';
import { parseFeedQuery, QUERY_PARAMS } from '../publish/feed-query.ts';
import { sourceSlugsOf } from '../publish/feed-renderer.ts';
import type { SearchTerms } from '../publish/bilingual-search.ts';
import type { Db } from '../store/db.ts';
import { queryEvents } from '../store/events-query.ts';
import type { AppEnv } from './app-env.ts';
import { itemJson } from './json-views.ts';

/** As on /api/items. */
const API_EVENT_LIMITS = { defaultLimit: 20, maxLimit: 200 };

export interface EventsApiDeps {
  db: Db;
  topics: Topic[];
  feedCache: FeedCache;
  now?: () => number;
  searchTerms?: SearchTerms;
}

export function createEventsApiRoutes(deps: EventsApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  app.get('/api/events', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const query = parseFeedQuery(
      params,
      { sourceSlugs: await sourceSlugsOf(deps.db, deps.feedCache), topicSlugs: deps.topics.map((t) => t.slug), searchTerms: deps.searchTerms },
      { ...API_EVENT_LIMITS, known: [...QUERY_PARAMS, ...EVENT_PARAMS, 'when', 'after'] },
    );
    const range = parseEventParams(params);
    const when = parseWhen(params);
    const after = parseEventCursor(params);
    const at = new Date(now());
    const { before: _b, offset: _o, order: _r, ...filter } = query;
    const rows = await queryEvents(deps.db, { ...filter, ...eventWindow(when, range, at), after });
    return c.json({ events: rows.map(itemJson), next: nextEventCursor(rows, query.limit) ?? null });
  });
  return app;
}
