// Runs normalizeItem over the labelled event set (tests/fixtures/events/) and measures the event
// it finds against the labels: start day, time, end, zone, all-day, place, online and
// registration link; and checks that no non-event gets an event, there and on the general
// labelled set (tests/fixtures/eval/ and its held-out part).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ItemEvent, ParsedItem, SourceSpec } from '../../src/core/types.ts';
import { parseFeedDate } from '../../src/normalize/dates.ts';
import { instantOf } from '../../src/normalize/event-zone.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy, type Taxonomy } from '../../src/normalize/topics.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';
import { EVAL_DIR, FEEDS_FILE, HOLDOUT_DIR, loadEvalSet, loadYamlSet } from './evaluate.ts';

export const EVENTS_DIR = new URL('../fixtures/events/', import.meta.url);
/** Event items written after tuning and never tuned on: reported apart. */
export const EVENTS_HOLDOUT_DIR = new URL('../fixtures/events-holdout/', import.meta.url);

const localTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2})?$/);
const expectEvent = z.strictObject({
  start: localTime,
  end: localTime.optional(),
  tz: z.string(),
  online: z.boolean().optional(),
  city: z.string().optional(),
  province: z.string().optional(),
  registration: z.string().url().optional(),
});
const eventItemSchema = z.strictObject({
  id: z.string().min(1),
  source: z.string().min(1),
  url: z.string().url(),
  title: z.string().min(1),
  summary: z.string().optional(),
  html: z.string().optional(),
  categories: z.array(z.string()).default([]),
  published: z.string().min(1),
  fetched: z.string().datetime({ offset: true }).optional(),
  event: z.record(z.string(), z.string()).optional(),
  enclosure: z.strictObject({ url: z.string().url(), type: z.string() }).optional(),
  expect: z.union([expectEvent, z.strictObject({ none: z.literal(true) })]),
});
export type EventEvalItem = z.infer<typeof eventItemSchema> & { file: string };
type Expected = z.infer<typeof expectEvent>;

export async function loadEventSet(dir: URL = EVENTS_DIR): Promise<EventEvalItem[]> {
  return loadYamlSet(dir, eventItemSchema);
}

export interface Rate {
  right: number;
  of: number;
  rate: number;
}

export interface EventMiss {
  id: string;
  what: string;
  expected: string;
  got: string;
}

export interface EventReport {
  items: number;
  events: number;
  english: number;
  french: number;
  /** Start date right to the day, over the events (all of which state one). */
  startDay: Rate;
  /** Start time right (the same instant), over the events that state a time. */
  startTime: Rate;
  end: Rate;
  allDay: Rate;
  zone: Rate;
  online: Rate;
  place: Rate;
  registration: Rate;
  /** Events found where the label says there is none. */
  nonEvents: { of: number; invented: string[] };
  misses: EventMiss[];
}

export async function evaluateEvents(options: { dir?: URL; feedsFile?: URL } = {}): Promise<EventReport> {
  const { sources, taxonomy } = await loadSources(options.feedsFile);
  const items = await loadEventSet(options.dir);
  const counts = { startDay: [0, 0], startTime: [0, 0], end: [0, 0], allDay: [0, 0], zone: [0, 0], online: [0, 0], place: [0, 0], registration: [0, 0] };
  const tally = (key: keyof typeof counts, ok: boolean) => {
    counts[key][1]++;
    if (ok) counts[key][0]++;
  };
  const misses: EventMiss[] = [];
  const invented: string[] = [];
  let nonEvents = 0;
  for (const item of items) {
    const source = sources.get(item.source);
    if (!source) throw new Error(`${item.id}: unknown source ${item.source}`);
    const event = runItem(item, source, taxonomy);
    if ('none' in item.expect) {
      nonEvents++;
      if (event) invented.push(`${item.id} (${event.start})`);
      continue;
    }
    const expected = item.expect;
    const miss = (what: string, want: unknown, got: unknown) => misses.push({ id: item.id, what, expected: String(want), got: String(got) });
    const startDayOk = event?.start.slice(0, 10) === expected.start.slice(0, 10);
    tally('startDay', startDayOk);
    if (!startDayOk) miss('start day', expected.start.slice(0, 10), event?.start ?? 'no event');
    if (!event) continue;
    const timed = expected.start.includes('T');
    tally('allDay', event.allDay === !timed);
    if (event.allDay === timed) miss('all day', !timed, event.allDay);
    if (timed) {
      const ok = !event.allDay && Date.parse(event.start) === instantOfLocal(expected.start, expected.tz);
      tally('startTime', ok);
      if (!ok) miss('start time', `${expected.start} ${expected.tz}`, `${event.start} ${event.timezone}`);
      tally('zone', event.timezone === expected.tz);
      if (event.timezone !== expected.tz) miss('zone', expected.tz, event.timezone);
    }
    if (expected.end) {
      const ok = timed ? !!event.end && Date.parse(event.end) === instantOfLocal(expected.end, expected.tz) : event.end === expected.end;
      tally('end', ok);
      if (!ok) miss('end', expected.end, event.end ?? 'none');
    }
    if (expected.online !== undefined) {
      tally('online', event.online === expected.online);
      if (event.online !== expected.online) miss('online', expected.online, event.online);
    }
    const placeOk = fold(event.place?.city) === fold(expected.city) && (expected.province === undefined || event.place?.province === expected.province);
    tally('place', placeOk);
    if (!placeOk) miss('place', `${expected.city ?? '-'}/${expected.province ?? '-'}`, `${event.place?.city ?? '-'}/${event.place?.province ?? '-'}`);
    if (expected.registration) {
      tally('registration', event.registrationUrl === expected.registration);
      if (event.registrationUrl !== expected.registration) miss('registration', expected.registration, event.registrationUrl ?? 'none');
    }
  }
  const rate = ([right, of]: number[]): Rate => ({ right, of, rate: of ? right / of : 1 });
  const events = items.filter((i) => !('none' in i.expect));
  return {
    items: items.length,
    events: events.length,
    english: events.filter((i) => /-en-/.test(i.id)).length,
    french: events.filter((i) => /-fr-/.test(i.id)).length,
    startDay: rate(counts.startDay),
    startTime: rate(counts.startTime),
    end: rate(counts.end),
    allDay: rate(counts.allDay),
    zone: rate(counts.zone),
    online: rate(counts.online),
    place: rate(counts.place),
    registration: rate(counts.registration),
    nonEvents: { of: nonEvents, invented },
    misses,
  };
}

/** Items of the general labelled set that are not events and still got an event. */
export async function eventsOnGeneralSet(options: { feedsFile?: URL } = {}): Promise<{ nonEvents: number; invented: string[] }> {
  const { sources, taxonomy } = await loadSources(options.feedsFile);
  const items = [...(await loadEvalSet(EVAL_DIR)), ...(await loadEvalSet(HOLDOUT_DIR))];
  const invented: string[] = [];
  let nonEvents = 0;
  for (const item of items) {
    if (item.expect.type === 'event') continue;
    nonEvents++;
    const source = sources.get(item.source)!;
    const parsed: ParsedItem = {
      guid: item.id, link: item.url, title: item.title, summaryHtml: `<p>${escapeHtml(item.summary)}</p>`,
      categories: item.categories, language: item.declaredLanguage, published: item.publishedAt,
    };
    const outcome = normalizeItem(parsed, contextFor(source, taxonomy, item.url, new Date(Date.parse(item.publishedAt) + 2 * 3600_000)));
    if ('item' in outcome && outcome.item.event) invented.push(`${item.id} (${outcome.item.event.start})`);
  }
  return { nonEvents, invented };
}

function runItem(item: EventEvalItem, source: SourceSpec, taxonomy: Taxonomy): ItemEvent | undefined {
  const outcome = normalizeItem(parsedItemOf(item), contextFor(source, taxonomy, item.url, fetchTimeOf(item)));
  if (!('item' in outcome)) throw new Error(`${item.id}: dropped (${outcome.dropped})`);
  return outcome.item.event;
}

/** A labelled item as a feed would have given it: a plain-text summary escaped into HTML. */
export function parsedItemOf(item: EventEvalItem, guid = item.id): ParsedItem {
  return {
    guid,
    link: item.url,
    title: item.title,
    contentHtml: item.html,
    summaryHtml: item.summary !== undefined ? `<p>${escapeHtml(item.summary)}</p>` : undefined,
    categories: item.categories,
    published: item.published,
    event: item.event,
    enclosure: item.enclosure,
  };
}

/** When the hub read the item: as labelled, else two hours after its feed date. */
export function fetchTimeOf(item: EventEvalItem): Date {
  return item.fetched ? new Date(item.fetched) : new Date((parseFeedDate(item.published)?.getTime() ?? 0) + 2 * 3600_000);
}

async function loadSources(feedsFile?: URL): Promise<{ sources: Map<string, SourceSpec>; taxonomy: Taxonomy }> {
  const feeds = parseFeedsFile(await readFile(feedsFile ?? FEEDS_FILE, 'utf8'));
  return { sources: new Map(feeds.sources.map((s) => [s.slug, s])), taxonomy: compileTaxonomy(feeds.topics) };
}

function contextFor(source: SourceSpec, taxonomy: Taxonomy, url: string, now: Date): NormalizeContext {
  return {
    now,
    fetchUrl: url,
    feed: { language: source.languages.length === 1 ? source.languages[0] : undefined },
    source: { languages: source.languages, region: source.region, province: source.province, topics: source.topics },
    taxonomy,
  };
}

/** The instant of a label's local "2026-12-14T13:00" in its zone. */
function instantOfLocal(local: string, zone: string): number {
  const [date, time] = local.split('T');
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  return instantOf({ year, month, day, hour, minute }, zone);
}

function fold(name: string | undefined): string {
  return (name ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’']/g, "'").trim();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
