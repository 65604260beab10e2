// Events in the store, on both databases: written with their item, updated in place with a
// sequence number that follows their time and place, listed upcoming (soonest first, the running
// ones included) and past (latest first), with the river's filters, one copy per story, and read
// by walking the events' index.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item, ItemEvent } from '../../src/core/types.ts';
import type { Database } from '../../src/store/db.ts';
import { eventCursor, queryEvents, upcomingEvents } from '../../src/store/events-query.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getItem, queryItems } from '../../src/store/items-query.ts';
import { applyRetention } from '../../src/store/retention.ts';
import { items } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

const NOW = new Date('2026-12-10T15:00:00Z');
const log = { startedAt: NOW, durationMs: 5, outcome: 'ok' as const, httpStatus: 200 };

function eventItem(key: string, event: ItemEvent, extra: Partial<Item> = {}): Item {
  return item(key, { type: 'event', title: `Event ${key}`, event, publishedAt: new Date('2026-12-01T12:00:00Z'), ...extra });
}

const timed = (start: string, end?: string, extra: Partial<ItemEvent> = {}): ItemEvent => ({ start, ...(end ? { end } : {}), allDay: false, timezone: 'America/Toronto', online: false, ...extra });

describe.each(databaseKinds)('events in the store on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const ingest = async (slug: string, list: Item[]) =>
    commitIngest(database.db, { sourceId: (await getSourceBySlug(database.db, slug))!.id, owner: 't', historyLimit: 5, log, patch: {}, items: list });
  const titles = (rows: { title: string }[]) => rows.map((r) => r.title);
  const byKey = async (key: string) => {
    const [row] = await database.db.select({ id: items.id }).from(items).where(sql`key = ${key}`);
    return (await getItem(database.db, row.id))!;
  };

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [spec('hub-a', { languages: ['en', 'fr'] }), spec('hub-b')]);
    await ingest('hub-a', [
      eventItem('webinar', timed('2026-12-14T13:00:00-05:00', '2026-12-14T14:30:00-05:00', { online: true, registrationUrl: 'https://example.org/register' }), { topics: ['health'] }),
      eventItem('fair', { start: '2026-12-09', end: '2026-12-11', allDay: true, timezone: 'America/Halifax', online: false, place: { venue: 'Pier 21', city: 'Halifax', province: 'ns' } }, { topics: ['employment'] }),
      eventItem('atelier', timed('2026-12-12T10:00:00-05:00', undefined), { language: 'fr', topics: ['health'] }),
      eventItem('last-week', timed('2026-12-03T13:00:00-05:00', '2026-12-03T14:00:00-05:00'), { topics: ['health'] }),
      eventItem('last-month', timed('2026-11-05T13:00:00-05:00', '2026-11-05T14:00:00-05:00')),
      eventItem('next-year', { start: '2027-03-03', end: '2027-03-05', allDay: true, timezone: 'America/Moncton', online: false, place: { city: 'Moncton', province: 'nb' } }),
      item('news', { title: 'A news item', publishedAt: new Date('2026-12-09T12:00:00Z') }),
    ]);
  });
  afterAll(() => cleanup());

  it('keeps the event with its item: its local times, the instants it spans, its place and link', async () => {
    const webinar = await byKey('webinar');
    expect(webinar.event).toMatchObject({
      start: '2026-12-14T13:00:00-05:00', end: '2026-12-14T14:30:00-05:00', allDay: false, timezone: 'America/Toronto', online: true,
      registrationUrl: 'https://example.org/register', sequence: 0,
    });
    expect(webinar.event!.startAt.toISOString()).toBe('2026-12-14T18:00:00.000Z');
    expect(webinar.event!.endAt.toISOString()).toBe('2026-12-14T19:30:00.000Z');
    // An all-day event spans its days where it takes place, its last day included.
    const fair = await byKey('fair');
    expect(fair.event).toMatchObject({ start: '2026-12-09', end: '2026-12-11', allDay: true, place: { venue: 'Pier 21', city: 'Halifax', province: 'ns' } });
    expect(fair.event!.startAt.toISOString()).toBe('2026-12-09T04:00:00.000Z');
    expect(fair.event!.endAt.toISOString()).toBe('2026-12-12T04:00:00.000Z');
    // A start with no end is over at the end of its day.
    expect((await byKey('atelier')).event!.endAt.toISOString()).toBe('2026-12-13T05:00:00.000Z');
    expect((await byKey('news')).event).toBeUndefined();
    // The river's list carries it too.
    expect((await queryItems(database.db, { limit: 50 })).find((r) => r.title === 'Event webinar')!.event!.online).toBe(true);
  });

  it('lists upcoming events soonest first, one still running included, and past ones latest first', async () => {
    const upcoming = await queryEvents(database.db, { when: 'upcoming', at: NOW, limit: 50 });
    expect(titles(upcoming)).toEqual(['Event fair', 'Event atelier', 'Event webinar', 'Event next-year']);
    const past = await queryEvents(database.db, { when: 'past', at: NOW, limit: 50 });
    expect(titles(past)).toEqual(['Event last-week', 'Event last-month']);
    // A date range: the events starting before its end.
    expect(titles(await queryEvents(database.db, { when: 'upcoming', at: NOW, startsBefore: new Date('2027-01-01T05:00:00Z'), limit: 50 }))).toEqual([
      'Event fair', 'Event atelier', 'Event webinar',
    ]);
  });

  it('filters as the river does and pages by start', async () => {
    expect(titles(await upcomingEvents(database.db, { topics: ['health'], limit: 50 }, NOW))).toEqual(['Event atelier', 'Event webinar']);
    expect(titles(await upcomingEvents(database.db, { topics: ['health'], languages: ['fr'], limit: 50 }, NOW))).toEqual(['Event atelier']);
    const first = await upcomingEvents(database.db, { limit: 2 }, NOW);
    const second = await upcomingEvents(database.db, { limit: 2, after: eventCursor(first[1]) }, NOW);
    expect([...titles(first), ...titles(second)]).toEqual(['Event fair', 'Event atelier', 'Event webinar', 'Event next-year']);
    const pastFirst = await queryEvents(database.db, { when: 'past', at: NOW, limit: 1 });
    expect(titles(await queryEvents(database.db, { when: 'past', at: NOW, limit: 1, after: eventCursor(pastFirst[0]) }))).toEqual(['Event last-month']);
  });

  it('updates a moved event in place and bumps its sequence; a new link alone does not', async () => {
    const before = await byKey('webinar');
    // Same text, same content hash: only the event's dates changed (an ev:startdate edited in the feed).
    await ingest('hub-a', [eventItem('webinar', timed('2026-12-15T13:00:00-05:00', '2026-12-15T14:30:00-05:00', { online: true, registrationUrl: 'https://example.org/register' }), { topics: ['health'] })]);
    const moved = await byKey('webinar');
    expect(moved.id).toBe(before.id);
    expect(moved.event).toMatchObject({ start: '2026-12-15T13:00:00-05:00', sequence: 1 });
    expect(moved.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    await ingest('hub-a', [eventItem('webinar', timed('2026-12-15T13:00:00-05:00', '2026-12-15T14:30:00-05:00', { online: true, registrationUrl: 'https://example.org/register-here' }), { topics: ['health'] })]);
    expect((await byKey('webinar')).event).toMatchObject({ registrationUrl: 'https://example.org/register-here', sequence: 1 });
    // A new place is a change calendars must take.
    await ingest('hub-a', [eventItem('webinar', timed('2026-12-15T13:00:00-05:00', '2026-12-15T14:30:00-05:00', { online: false, place: { city: 'Ottawa', province: 'on' }, registrationUrl: 'https://example.org/register-here' }), { topics: ['health'] })]);
    expect((await byKey('webinar')).event).toMatchObject({ online: false, place: { city: 'Ottawa' }, sequence: 2 });
    // The same again changes nothing.
    const counts = await ingest('hub-a', [eventItem('webinar', timed('2026-12-15T13:00:00-05:00', '2026-12-15T14:30:00-05:00', { online: false, place: { city: 'Ottawa', province: 'on' }, registrationUrl: 'https://example.org/register-here' }), { topics: ['health'] })]);
    expect(counts.itemsUpdated).toBe(0);
    expect((await byKey('webinar')).event!.sequence).toBe(2);
  });

  it('shows a story cross-posted by two sources once, from the copy that has its date', async () => {
    const a = await ingest('hub-b', [item('story-undated', { title: 'Roundtable on rural housing', publishedAt: new Date('2026-12-02T12:00:00Z'), canonicalUrl: 'https://example.org/roundtable' })]);
    expect(a.itemsNew).toBe(1);
    await ingest('hub-a', [
      eventItem('story-dated', timed('2026-12-17T10:00:00-05:00'), { title: 'Roundtable on rural housing', publishedAt: new Date('2026-12-02T13:00:00Z'), canonicalUrl: 'https://example.org/roundtable' }),
      eventItem('story-dated-copy', timed('2026-12-17T10:00:00-05:00'), { title: 'Roundtable on rural housing', publishedAt: new Date('2026-12-02T14:00:00Z'), canonicalUrl: 'https://example.org/roundtable' }),
    ]);
    const rows = (await upcomingEvents(database.db, { limit: 50 }, NOW)).filter((r) => r.title === 'Roundtable on rural housing');
    expect(rows).toHaveLength(1);
    expect(rows[0].event!.start).toBe('2026-12-17T10:00:00-05:00');
    expect(rows[0].also.length).toBeGreaterThanOrEqual(1);
  });

  it('retention by age keeps an event posted long ago until it has taken place', async () => {
    const old = new Date('2026-01-05T12:00:00Z');
    await ingest('hub-b', [
      eventItem('posted-early', timed('2026-12-20T10:00:00-05:00', '2026-12-20T12:00:00-05:00'), { publishedAt: old }),
      eventItem('over-long-ago', timed('2026-01-20T10:00:00-05:00', '2026-01-20T12:00:00-05:00'), { publishedAt: old }),
      item('old-news', { title: 'Old news', publishedAt: old }),
    ]);
    await database.db.execute(sql`update items set first_seen_at = ${old.toISOString()}::timestamptz where key in ('posted-early', 'over-long-ago', 'old-news')`);
    const report = await applyRetention(database.db, { days: 90, maxItemsPerSource: 0, adminLogDays: 0 }, { now: NOW });
    expect(report.itemsByAge).toBeGreaterThanOrEqual(2);
    const left = (await database.db.select({ key: items.key }).from(items)).map((r) => r.key);
    expect(left).toContain('posted-early');
    expect(left).not.toContain('over-long-ago');
    expect(left).not.toContain('old-news');
  });

  it('finds upcoming events for a filter by walking the events index, not by sorting', async () => {
    // Years of events, so the planner weighs a real table.
    const source = (await getSourceBySlug(database.db, 'hub-b'))!.id;
    await database.db.execute(sql`insert into items (source_id, key, title, published_at, content_hash, type, language, event_start_at, event_end_at, event_start, event_all_day, event_timezone, event_online)
      select ${source}, 'bulk-' || n, 'Bulk event ' || n, timestamptz '2020-01-01' + n * interval '1 hour', 'h' || n, 'event', case when n % 3 = 0 then 'fr' else 'en' end,
        timestamptz '2020-01-02' + n * interval '1 hour', timestamptz '2020-01-02' + n * interval '1 hour' + interval '90 minutes', 'x', false, 'America/Toronto', true
      from generate_series(1, 20000) as n`);
    await database.db.execute(sql`analyze items`);
    const rows = await database.db.transaction(async (tx) => {
      const result = await tx.execute(sql`explain select id from items
        where event_start_at is not null and language = any(${'{fr,en}'}::text[]) and event_end_at > ${NOW.toISOString()}::timestamptz
          and event_start_at >= ${new Date(NOW.getTime() - 366 * 86_400_000).toISOString()}::timestamptz
        order by event_start_at, id limit 20`);
      return ((result as { rows?: unknown[] }).rows ?? (result as unknown as unknown[])) as Record<string, string>[];
    });
    const plan = rows.map((r) => Object.values(r)[0]).join('\n');
    expect(plan).toContain('items_event_start_idx');
    expect(plan).not.toMatch(/\bSort\b/);
  });
});
