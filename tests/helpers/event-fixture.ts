// Events for web tests, dated from the real clock so they stay upcoming: timed ones in several
// Canadian zones (St. John's' half hour included), an all-day event over three days, one running
// now, past ones, and a French one whose text needs escaping and folding in a calendar.
//
//   const ids = await seedEvents(db);   // ids.webinar, ids.fair, ids.atelier …
import type { Item, ItemEvent } from '../../src/core/types.ts';
import { isoDate, isoWithOffset, wallTimeAt } from '../../src/normalize/event-zone.ts';
import type { Db } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { items } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { item, spec } from './items.ts';
import { eq } from 'drizzle-orm';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A timed event `daysAhead` from now at `hour`:00 local in `zone`, lasting `minutes`. */
export function timedEvent(now: number, daysAhead: number, hour: number, zone: string, minutes?: number, extra: Partial<ItemEvent> = {}): ItemEvent {
  const day = wallTimeAt(now + daysAhead * DAY, zone);
  const wall = { ...day, hour, minute: 0 };
  const start = isoWithOffset(wall, zone);
  let end: string | undefined;
  if (minutes) {
    const endMs = Date.parse(start) + minutes * 60_000;
    end = isoWithOffset(wallTimeAt(endMs, zone), zone);
  }
  return { start, ...(end ? { end } : {}), allDay: false, timezone: zone, online: false, ...extra };
}

/** An all-day event from `daysAhead` for `days` days, where `zone` is. */
export function allDayEvent(now: number, daysAhead: number, days: number, zone: string, extra: Partial<ItemEvent> = {}): ItemEvent {
  const first = isoDate(wallTimeAt(now + daysAhead * DAY, zone));
  const last = isoDate(wallTimeAt(now + (daysAhead + days - 1) * DAY, zone));
  return { start: first, ...(days > 1 ? { end: last } : {}), allDay: true, timezone: zone, online: false, ...extra };
}

export const EVENT_TITLES = {
  webinar: 'Webinar: mental health first aid for settlement workers',
  fair: 'Atlantic newcomer job fair',
  atelier: 'Atelier : santé mentale, logement; et droits des locataires',
  stjohns: 'Newcomer employment roundtable in St. John’s',
  regina: 'Rural settlement community of practice',
  running: 'Welcome week for international students',
  past: 'Housing webinar that took place last week',
  old: 'Conference held two months ago',
  news: 'Annual report of the settlement council',
} as const;

export type EventName = keyof typeof EVENT_TITLES;

/** Sources and event items; returns item ids by name. */
export async function seedEvents(db: Db, now = Date.now()): Promise<Record<EventName, number>> {
  await syncSources(db, [
    spec('ev-atlantic', { organization: 'Harbourview Newcomer Centre', region: 'atlantic', province: 'ns', languages: ['en', 'fr'] }),
    spec('ev-national', { organization: 'National Settlement Council', region: 'national' }),
  ]);
  const published = new Date(now - 3 * DAY);
  const event = (key: EventName, ev: ItemEvent, extra: Partial<Item> = {}): Item =>
    item(key, { title: EVENT_TITLES[key], type: 'event', event: ev, publishedAt: published, url: `https://events.example.ca/${key}`, ...extra });
  const atlantic: Item[] = [
    event('webinar', timedEvent(now, 5, 13, 'America/Toronto', 90, { online: true, registrationUrl: 'https://events.example.ca/register/webinar' }), { topics: ['health'], summary: 'A free webinar for frontline staff.' }),
    event('fair', allDayEvent(now, 9, 3, 'America/Halifax', { place: { venue: 'Pier 21', city: 'Halifax', province: 'ns' } }), { topics: ['employment'], regions: ['atlantic'], province: 'ns' }),
    event('atelier', timedEvent(now, 12, 10, 'America/Toronto', 120, { online: true }), {
      language: 'fr', topics: ['health', 'housing'],
      summary: `Un atelier gratuit, en français : droits des locataires; santé mentale, logement et « bien-être ». ${'Places limitées, inscription obligatoire. '.repeat(4)}`,
    }),
    event('stjohns', timedEvent(now, 15, 9, 'America/St_Johns', 60, { place: { city: 'St. John’s', province: 'nl' } }), { topics: ['employment'], regions: ['atlantic'], province: 'nl' }),
    event('past', timedEvent(now, -7, 13, 'America/Toronto', 60, { online: true }), { topics: ['housing'] }),
  ];
  const national: Item[] = [
    event('regina', timedEvent(now, 20, 14, 'America/Regina', 90), { topics: ['rural'] }),
    event('running', allDayEvent(now, -1, 5, 'America/Toronto'), { topics: ['international-students'] }),
    event('old', allDayEvent(now, -60, 2, 'America/Vancouver'), { topics: ['employment'] }),
    item('news', { title: EVENT_TITLES.news, publishedAt: new Date(now - DAY) }),
  ];
  const log = { startedAt: new Date(now), durationMs: 1, outcome: 'ok' as const };
  for (const [slug, list] of [['ev-atlantic', atlantic], ['ev-national', national]] as const) {
    await commitIngest(db, { sourceId: (await getSourceBySlug(db, slug))!.id, owner: 't', historyLimit: 5, log, patch: {}, items: list });
  }
  const ids = {} as Record<EventName, number>;
  for (const key of Object.keys(EVENT_TITLES) as EventName[]) {
    const [row] = await db.select({ id: items.id }).from(items).where(eq(items.key, key));
    ids[key] = row.id;
  }
  return ids;
}
