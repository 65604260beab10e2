// Calendars over HTTP: any filter as an iCalendar subscription (/calendar/all.ics?…,
// /calendar/topics/{slug}.ics), and one event as a file to add to a calendar
// (/calendar/items/{id}.ics). Sent with strong validators, like the feeds, so a calendar client
// polling every hour mostly gets 304s.
import { Hono, type Context } from 'hono';
import { NotFoundError } from '../core/errors.ts';
import { buildCalendar } from '../publish/build-calendar.ts';
import { calendarName, createCalendarRenderer, type CalendarRendererOptions, type RenderedCalendar } from '../publish/calendar-renderer.ts';
import { strongEtag } from '../publish/feed-cache.ts';
import { CALENDAR_MEDIA_TYPE, renderCalendar } from '../publish/ical.ts';
import { getItem } from '../store/items-query.ts';
import type { AppEnv } from './app-env.ts';
import { cacheHeaders, respondCacheable, sendCacheable, type CacheHeaders } from './http-cache.ts';

export type CalendarRoutesDeps = CalendarRendererOptions;

const CALENDAR_MAX_AGE = 900;

export function createCalendarRoutes(deps: CalendarRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const renderer = createCalendarRenderer(deps);
  const headersOf = new WeakMap<RenderedCalendar, CacheHeaders>();

  const serve = async (c: Context<AppEnv>, kind: 'all' | 'topics', file: string) => {
    const name = calendarName(file);
    const calendar = await renderer.render({ kind, name, params: new URL(c.req.url).searchParams });
    let headers = headersOf.get(calendar);
    if (!headers) {
      headers = cacheHeaders(calendar, CALENDAR_MEDIA_TYPE, CALENDAR_MAX_AGE, {
        'Content-Disposition': `inline; filename="passerelle-${kind === 'all' ? 'events' : name}.ics"`,
        'Content-Location': calendar.selfUrl,
        'Access-Control-Allow-Origin': '*',
      });
      headersOf.set(calendar, headers);
    }
    return respondCacheable(c, calendar, headers);
  };

  app.get('/calendar/:file', (c) => serve(c, 'all', c.req.param('file')));
  app.get('/calendar/topics/:file', (c) => serve(c, 'topics', c.req.param('file')));

  // One event, for "Add to calendar": a file the browser hands to the calendar app.
  app.get('/calendar/items/:file', async (c) => {
    const raw = calendarName(c.req.param('file'));
    const item = /^\d{1,15}$/.test(raw) ? await getItem(deps.db, Number(raw)) : undefined;
    if (!item?.event) throw new NotFoundError(`no event ${raw}`);
    const selfUrl = `${deps.publicUrl}/calendar/items/${item.id}.ics`;
    const body = renderCalendar(
      buildCalendar({ limit: 1 }, [item], {
        publicUrl: deps.publicUrl, version: deps.version, topics: deps.topics, selfUrl, name: item.title,
        homeUrl: { en: `${deps.publicUrl}/en/items/${item.id}`, fr: `${deps.publicUrl}/fr/items/${item.id}` },
      }),
    );
    return sendCacheable(c, { body, etag: strongEtag(body), lastModified: item.updatedAt }, CALENDAR_MEDIA_TYPE, CALENDAR_MAX_AGE, {
      'Content-Disposition': `attachment; filename="event-${item.id}.ics"`,
      'Access-Control-Allow-Origin': '*',
    });
  });

  return app;
}
