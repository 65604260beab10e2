// Calendars, the events API and the events in feeds, over HTTP on both databases: every .ics
// served reads back with ical.js with its times in place, a filter selects its events, SEQUENCE
// follows a moved event, polls get 304s, and bad parameters get a 400 naming them. The RSS
// carries the event module's elements and still reads cleanly in Python's feedparser.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getItem } from '../../src/store/items-query.ts';
import { getSourceBySlug } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { EVENT_TITLES, seedEvents, timedEvent, type EventName } from '../helpers/event-fixture.ts';
import { readCalendar } from '../helpers/ical.ts';
import { item } from '../helpers/items.ts';

const PUBLIC = 'https://hub.example.ca';
const tmp = mkdtempSync(path.join(tmpdir(), 'passerelle-cal-'));

describe.each(databaseKinds)('calendars and the events API on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let ids: Record<EventName, number>;
  const now = Date.now();
  const ics = async (p: string) => {
    const res = await app.request(p);
    expect(res.status, p).toBe(200);
    return { res, cal: readCalendar(await res.text()) };
  };
  const titleOf = (uid: string) => Object.entries(ids).find(([, id]) => uid === `passerelle-item-${id}@hub.example.ca`)?.[0];

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const { topics } = await loadFeedsFile('feeds.yaml');
    ids = await seedEvents(database.db, now);
    app = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: '9.9.9', topics });
  });
  afterAll(() => cleanup());

  it('serves every event to come and of the past month as iCalendar that reads back with its times', async () => {
    const { res, cal } = await ics('/calendar/all.ics');
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(cal.name).toBe('Passerelle events / Événements Passerelle');
    expect(cal.props['refresh-interval']).toBe('PT1H');
    // Past week's event first, then the rest by start; the one two months ago and the news item are not there.
    expect(cal.events.map((e) => titleOf(e.uid))).toEqual(['past', 'running', 'webinar', 'fair', 'atelier', 'stjohns', 'regina']);
    expect(cal.timezones.sort()).toEqual(['America/Regina', 'America/St_Johns', 'America/Toronto']);
    for (const e of cal.events) {
      const stored = (await getItem(database.db, ids[titleOf(e.uid) as EventName]))!.event!;
      if (e.allDay) {
        expect(e.start).toBe(stored.start);
        expect(Date.parse(`${e.end}T00:00:00Z`) - Date.parse(`${(stored.end ?? stored.start)}T00:00:00Z`)).toBe(86_400_000);
      } else {
        expect(e.start, e.summary).toBe(stored.startAt.getTime());
        if (stored.end) expect(e.end, e.summary).toBe(Date.parse(stored.end));
        expect(e.tzid).toBe(stored.timezone);
      }
      expect(e.sequence).toBe(0);
    }
    const webinar = cal.events.find((e) => titleOf(e.uid) === 'webinar')!;
    expect(webinar).toMatchObject({ summary: EVENT_TITLES.webinar, url: 'https://events.example.ca/webinar', location: 'Online' });
    expect(webinar.description).toContain('Registration: https://events.example.ca/register/webinar');
    expect(webinar.description).toContain(`On Passerelle: ${PUBLIC}/en/items/${ids.webinar}`);
    const atelier = cal.events.find((e) => titleOf(e.uid) === 'atelier')!;
    expect(atelier.summary).toBe(EVENT_TITLES.atelier);
    expect(atelier.location).toBe('En ligne');
    expect(atelier.description).toContain(`Sur Passerelle\u00a0: ${PUBLIC}/fr/items/${ids.atelier}`);
    expect(cal.events.find((e) => titleOf(e.uid) === 'fair')!.location).toBe('Pier 21, Halifax, Nova Scotia');
  });

  it('selects with the feeds’ filters, by topic path too, and names what it holds in both languages', async () => {
    const { cal } = await ics('/calendar/all.ics?lang=fr');
    expect(cal.events.map((e) => titleOf(e.uid))).toEqual(['atelier']);
    expect(cal.name).toBe('Passerelle events: French / Événements Passerelle\u00a0: Français');
    const health = await ics('/calendar/topics/health.ics');
    expect(health.cal.events.map((e) => titleOf(e.uid))).toEqual(['webinar', 'atelier']);
    expect(health.cal.name).toMatch(/^Passerelle events: Health.* \/ Événements Passerelle\u00a0: Santé/);
    expect(health.cal.props.source).toBe(`${PUBLIC}/calendar/topics/health.ics`);
    const province = await ics('/calendar/all.ics?province=nl');
    expect(province.cal.events.map((e) => titleOf(e.uid))).toEqual(['stjohns']);
  });

  it('takes a date range as days in the reader’s zone', async () => {
    const { cal } = await ics('/calendar/all.ics?from=2000-01-01&to=2000-12-31');
    expect(cal.events).toEqual([]);
    const month = await ics(`/calendar/all.ics?month=${new Date(now).toISOString().slice(0, 7)}`);
    expect(month.cal.events.length).toBeGreaterThan(0);
  });

  it('answers a poll with 304, and bumps SEQUENCE when an event moves, under the same UID', async () => {
    const first = await app.request('/calendar/all.ics');
    const etag = first.headers.get('etag')!;
    expect((await app.request('/calendar/all.ics', { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await app.request('/calendar/all.ics', { headers: { 'If-Modified-Since': first.headers.get('last-modified')! } })).status).toBe(304);
    const source = (await getSourceBySlug(database.db, 'ev-atlantic'))!;
    const moved = timedEvent(now, 6, 15, 'America/Toronto', 90, { online: true, registrationUrl: 'https://events.example.ca/register/webinar' });
    await commitIngest(database.db, {
      sourceId: source.id, owner: 't', historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' }, patch: {},
      items: [item('webinar', { title: EVENT_TITLES.webinar, type: 'event', event: moved, publishedAt: new Date(now - 3 * 86_400_000), url: 'https://events.example.ca/webinar', topics: ['health'], summary: 'A free webinar for frontline staff.' })],
    });
    // The cache sees the change at its next look at the data.
    await new Promise((r) => setTimeout(r, 1100));
    const res = await app.request('/calendar/all.ics', { headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(200);
    const webinar = readCalendar(await res.text()).events.find((e) => titleOf(e.uid) === 'webinar')!;
    expect(webinar.sequence).toBe(1);
    expect(webinar.start).toBe(Date.parse(moved.start));
  });

  it('gives one event as a file to add to a calendar, and 404 for an item that is not one', async () => {
    const res = await app.request(`/calendar/items/${ids.fair}.ics`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="event-${ids.fair}.ics"`);
    const cal = readCalendar(await res.text());
    expect(cal.name).toBe(EVENT_TITLES.fair);
    expect(cal.events).toHaveLength(1);
    expect(cal.events[0].allDay).toBe(true);
    expect((await app.request(`/calendar/items/${ids.news}.ics`)).status).toBe(404);
  });

  it.each([
    ['/calendar/all.ics?topic=nope', /^topic: unknown value "nope"/],
    ['/calendar/all.ics?month=2026-13', /^month: must be a month/],
    ['/calendar/all.ics?from=2027-02-30', /^from: "2027-02-30" is not a date of the calendar/],
    ['/calendar/all.ics?from=2027-03-05&to=2027-03-01', /^to: must not be before from/],
    ['/calendar/all.ics?month=2027-03&from=2027-03-01', /^month: give a month, or from and to/],
    ['/calendar/all.ics?limit=0', /^limit: /],
    ['/calendar/all.ics?tz=Europe/Paris', /^tz: unknown value "Europe\/Paris"; accepted: America\/Vancouver/],
    ['/calendar/all.rss', /^format: unknown "rss"; accepted: ics/],
    ['/calendar/topics/nope.ics', /^topic: unknown value "nope"/],
  ])('%s is a 400 naming the parameter', async (p, message) => {
    const res = await app.request(p);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('the API gives each item its event, and lists events soonest first, or the past ones', async () => {
    const body = (await (await app.request('/api/items?type=event&limit=50')).json()) as { items: { title: string; event: Record<string, unknown> | null }[] };
    const fair = body.items.find((i) => i.title === EVENT_TITLES.fair)!;
    expect(fair.event).toEqual({ start: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), end: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), allDay: true, timezone: 'America/Halifax', place: { venue: 'Pier 21', city: 'Halifax', province: 'ns' }, online: false, registrationUrl: null });
    const news = (await (await app.request('/api/items?limit=50')).json()) as { items: { title: string; event: unknown }[] };
    expect(news.items.find((i) => i.title === EVENT_TITLES.news)!.event).toBeNull();

    const upcoming = (await (await app.request('/api/events?limit=3')).json()) as { events: { title: string }[]; next: string };
    expect(upcoming.events.map((e) => e.title)).toEqual([EVENT_TITLES.running, EVENT_TITLES.webinar, EVENT_TITLES.fair]);
    const more = (await (await app.request(`/api/events?limit=3&after=${upcoming.next}`)).json()) as { events: { title: string }[] };
    expect(more.events.map((e) => e.title)).toEqual([EVENT_TITLES.atelier, EVENT_TITLES.stjohns, EVENT_TITLES.regina]);
    const past = (await (await app.request('/api/events?when=past')).json()) as { events: { title: string }[] };
    expect(past.events.map((e) => e.title)).toEqual([EVENT_TITLES.past, EVENT_TITLES.old]);
    expect((await app.request('/api/events?when=later')).status).toBe(400);
    expect((await app.request('/api/events?after=xyz')).status).toBe(400);
  });

  it('RSS carries the event module’s dates and place, declared, and still reads cleanly in feedparser; JSON Feed has _event', async () => {
    const rss = await (await app.request('/feeds/all.rss?type=event')).text();
    expect(rss).toContain('xmlns:ev="http://purl.org/rss/1.0/modules/event/"');
    const fairItem = rss.split('<item>').find((part) => part.includes(EVENT_TITLES.fair))!;
    expect(fairItem).toMatch(/<ev:startdate>\d{4}-\d{2}-\d{2}<\/ev:startdate>\n<ev:enddate>\d{4}-\d{2}-\d{2}<\/ev:enddate>\n<ev:location>Pier 21, Halifax, Nova Scotia<\/ev:location>/);
    const file = path.join(tmp, `${kind}-events.rss`);
    writeFileSync(file, rss);
    const parsed = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', 'import feedparser, json, sys\nd = feedparser.parse(sys.argv[1])\nprint(json.dumps({"bozo": bool(d.bozo), "exc": str(d.get("bozo_exception", "")), "n": len(d.entries)}))', file], { encoding: 'utf8' }),
    ) as { bozo: boolean; exc: string; n: number };
    expect(parsed).toMatchObject({ bozo: false, exc: '' });
    expect(parsed.n).toBeGreaterThanOrEqual(7);
    const json = (await (await app.request('/feeds/all.json?type=event')).json()) as { items: { title: string; _event?: Record<string, unknown> }[] };
    expect(json.items.find((i) => i.title === EVENT_TITLES.webinar)!._event).toMatchObject({ all_day: false, timezone: 'America/Toronto', online: true, location: 'Online', registration_url: 'https://events.example.ca/register/webinar' });
  });
});
