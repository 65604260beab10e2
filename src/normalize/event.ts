// An item's own event — start and end (date, time, zone, all-day or not), place or online, and
// registration link — from the most reliable source it has: structured data (the entry's ev:,
// xCal or gd:when elements; JSON-LD, microformats, microdata, an iCalendar block or a Drupal date
// field in its body), then a start the event plugins put in <pubDate>, then the text.
//
// Only events get one: items typed event, or whose structured data says they are one. A date
// that cannot exist, an end before the start, a start years away or a zone we do not know
// leaves the block out, with a warning. Pure: the clock comes in as `now`.
import type { EventPlace, Item, ItemEvent, ItemType, ParsedItem, Province, Warning } from '../core/types.ts';
import { parseFeedDate } from './dates.ts';
import { attendanceOf, isOnlineLocation, namesLocatedPlace, placeIn, registrationLink } from './event-place.ts';
import { readStructuredEvent, type StructuredEvent } from './event-structured.ts';
import { bestMention, findDateMentions, hasLabelledDateAndTime, scoreMentions, type ClockTime, type DateMention, type DayDate } from './event-text.ts';
import {
  adjustZoneForProvince, DEFAULT_EVENT_ZONE, instantOf, isoDate, isoWithOffset, offsetAt, PROVINCE_ZONE, wallTimeAt, zoneFromName, type WallTime,
} from './event-zone.ts';
import { htmlToText } from './text.ts';

export type EventWarningCode = 'event-date-impossible' | 'event-end-before-start' | 'event-date-far' | 'event-zone-unknown';

export interface EventWarning {
  code: EventWarningCode;
  /** What was read, for the admin to find it. */
  detail: string;
}

export interface EventFinding {
  /** The item's type: event when structured data says so, else as classified. */
  type: ItemType;
  event?: ItemEvent;
  warnings: EventWarning[];
}

/** A warning as normalize's other warnings are stored: the code, and what was read. */
export function eventWarning(warning: EventWarning): Warning {
  return { code: warning.code, params: { value: warning.detail.slice(0, 60) } };
}

/** An event more than this far from the item's date is a typo, not a plan. */
const MAX_YEARS_AWAY = 5;
/** A <pubDate> this far after the fetch can only be the start The Events Calendar and Events Manager put there. */
const FUTURE_PUBDATE_MS = 12 * 3600_000;
/** Notices give the date near the top: the rest of a long body is not read for it. */
const TEXT_CHARS = 3000;
/** Pages of event listing platforms: the item is the event's own page. */
const EVENT_LISTING = /^https?:\/\/(?:[\w-]+\.)*(?:eventbrite\.[a-z.]+\/e\/|meetup\.com\/[^/]+\/events\/|zoom\.us\/webinar\/register\/)/i;
const LABEL_HINT = /(?:date|when|quand)\s*:/i;
const CANADIAN_ZONES = ['America/Toronto', 'America/Vancouver', 'America/Halifax', 'America/Winnipeg', 'America/Edmonton', 'America/Regina', 'America/St_Johns'];

/** A moment as a source gave it: a wall time (in the event's zone, or a named one), or an instant. */
interface When {
  date: DayDate & { year: number };
  time?: ClockTime;
  /** Set when the source fixed the instant (an offset, Z, an RFC 822 date). */
  instant?: number;
  zone?: string;
}

type Reading = { when: When; end?: When; allDay: boolean; zone?: string } | { warning: EventWarning } | undefined;

export function findItemEvent(parsed: ParsedItem, item: Item, now: Date): EventFinding {
  const rawHtml = parsed.contentHtml || parsed.summaryHtml || '';
  const structured = readStructuredEvent(parsed.event, rawHtml);
  // A Drupal date field could be a posting date: it dates events, it does not make one.
  const declared =
    (structured && structured.source !== 'drupal') ||
    !!parsed.event?.calendarUrl ||
    /^text\/calendar/i.test(parsed.enclosure?.type ?? '') ||
    (item.url !== undefined && EVENT_LISTING.test(item.url));
  const language = item.language === 'fr' ? 'fr' : 'en';
  let text: string | undefined;
  let type: ItemType = declared ? 'event' : item.type;
  if (type !== 'event' && item.type !== 'job' && item.type !== 'funding' && LABEL_HINT.test(rawHtml)) {
    // "Date: … Time: …" in a notice's text is a form's fields: an event, whatever its words.
    text = textOf(item);
    if (hasLabelledDateAndTime(findDateMentions(text, language), text)) type = 'event';
  }
  if (type !== 'event') return { type, warnings: [] };
  text ??= textOf(item);
  const where = findWhere(item, text, structured);
  const zone = where.place?.province ? PROVINCE_ZONE[where.place.province] : item.province ? PROVINCE_ZONE[item.province] : DEFAULT_EVENT_ZONE;
  const province = where.place?.province ?? item.province;
  const reference = item.publishedAt.getTime();

  let reading: Reading;
  if (structured) reading = readStructured(structured, zone, province, language, reference);
  if (!reading) reading = readFuturePubDate(parsed, now, text, language, zone, province, reference);
  if (!reading) reading = readText(text, item.title.length, language, zone, province, reference);
  if (!reading) return { type, warnings: [] };
  if ('warning' in reading) return { type, warnings: [reading.warning] };

  const built = buildEvent(reading, reading.zone ?? zone, reference);
  if ('warning' in built) return { type, warnings: [built.warning] };
  const registrationUrl = (structured?.url && /^https?:\/\//.test(structured.url) ? structured.url : undefined) ?? registrationLink(item.contentHtml) ??
    (item.url && /^https?:\/\/(?:[\w-]+\.)*eventbrite\.[a-z.]+\/e\//.test(item.url) ? item.url : undefined);
  const event: ItemEvent = { ...built.event, online: where.online };
  if (where.place) event.place = where.place;
  if (registrationUrl) event.registrationUrl = registrationUrl;
  return { type, event, warnings: [] };
}

function textOf(item: Item): string {
  return `${item.title}. ${htmlToText(item.contentHtml).slice(0, TEXT_CHARS)}`;
}

/** Place and attendance: the structured location first, then the text. */
function findWhere(item: Item, text: string, structured: StructuredEvent | undefined): { place?: EventPlace; online: boolean } {
  const located = namesLocatedPlace(text);
  const attendance = attendanceOf(item.title, text, located);
  const location = structured?.location;
  if (location || structured?.attendance) {
    const online = structured?.attendance ? structured.attendance !== 'offline' : isOnlineLocation(location!) || attendance.online;
    const inPerson = structured?.attendance ? structured.attendance !== 'online' : !isOnlineLocation(location!);
    const place = location && inPerson ? placeIn(location) : undefined;
    const venue = location && inPerson ? location.split(',')[0].trim().slice(0, 200) : undefined;
    if (place || venue) {
      const withVenue: EventPlace = { ...place };
      if (venue && venue !== place?.city) withVenue.venue = venue;
      return { place: withVenue, online };
    }
    if (!inPerson) return { online: true };
  }
  if (attendance.online && !attendance.hybrid) return { online: true };
  return { place: placeIn(text, item.title.length), online: attendance.online };
}

// ---- structured dates ----

function readStructured(s: StructuredEvent, zone: string, province: Province | undefined, language: 'en' | 'fr', reference: number): Reading {
  let named: string | undefined;
  if (s.timezone) {
    named = zoneFromName(s.timezone);
    if (!named) return { warning: { code: 'event-zone-unknown', detail: s.timezone } };
  }
  const start = readDateValue(s.start, s.source, language, reference);
  if (!start) return undefined;
  if ('warning' in start) return start;
  const end = s.end ? readDateValue(s.end, s.source, language, reference) : undefined;
  if (end && 'warning' in end) return end;
  const startWhen = start.when;
  const endWhen = end?.when;
  if (named) {
    startWhen.zone ??= named;
    if (endWhen) endWhen.zone ??= named;
  }
  const chosenZone = startWhen.zone ? adjustZoneForProvince(startWhen.zone, province) : zoneForInstant(startWhen, zone);
  return { when: startWhen, end: endWhen, allDay: start.dateOnly && (!end || end.dateOnly), zone: chosenZone };
}

/**
 * One structured date value: ISO 8601 (extended or basic, with or without a zone, date only),
 * RFC 822, or a date written for people (The Events Calendar's "December 14, 2026 @ 1:00 pm").
 */
function readDateValue(
  value: string,
  source: StructuredEvent['source'],
  language: 'en' | 'fr',
  reference: number,
): { when: When; dateOnly: boolean } | { warning: EventWarning } | undefined {
  const v = value.trim();
  const iso =
    /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(v);
  if (iso) {
    const date = { year: +iso[1], month: +iso[2], day: +iso[3] };
    if (!dateExists(date)) return { warning: { code: 'event-date-impossible', detail: v } };
    if (iso[4] === undefined) return { when: { date }, dateOnly: true };
    const time = { hour: +iso[4], minute: +iso[5] };
    if (time.hour > 23 || time.minute > 59) return { warning: { code: 'event-date-impossible', detail: v } };
    // Drupal writes a date-only field as noon UTC.
    if (source === 'drupal' && /^12:00(?::00)?Z$/i.test(`${iso[4]}:${iso[5]}${iso[6] ? `:${iso[6]}` : ''}${iso[7] ?? ''}`)) return { when: { date }, dateOnly: true };
    const when: When = { date, time };
    if (iso[7]) when.instant = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute) - offsetMinutes(iso[7]) * 60_000;
    return { when, dateOnly: false };
  }
  if (/^[a-z]{3},?\s+\d{1,2}\s+[a-z]{3,}\.?\s+\d{4}\s+\d{1,2}:\d{2}/i.test(v)) {
    const date = parseFeedDate(v);
    if (date) {
      // RFC 822 states its offset or zone: the wall time is the one written there.
      const offset = /([+-]\d{2}):?(\d{2})\s*$/.exec(v);
      const named = /\s([A-Z]{2,4})\s*$/.exec(v)?.[1];
      const when = instantWhen(date.getTime(), offset ? offsetMinutes(`${offset[1]}${offset[2]}`) : 0);
      if (named && !offset) when.zone = zoneFromName(named);
      return { when, dateOnly: false };
    }
  }
  const mention = findDateMentions(v, language)[0] ?? findDateMentions(v, language === 'fr' ? 'en' : 'fr')[0];
  if (!mention) return undefined;
  const resolved = resolveMention(mention, reference);
  if ('warning' in resolved) return resolved;
  if (mention.unknownZone) return { warning: { code: 'event-zone-unknown', detail: v } };
  return { when: { ...resolved.when, zone: mention.zone }, dateOnly: !mention.startTime };
}

function offsetMinutes(zone: string): number {
  if (/^z$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function instantWhen(ms: number, offset: number): When {
  const w = wallTimeAt(ms + offset * 60_000, 'UTC');
  return { date: { year: w.year, month: w.month, day: w.day }, time: { hour: w.hour, minute: w.minute }, instant: ms };
}

/** For an instant: the event's zone if its offset then matches the source's, else a Canadian zone whose does. */
function zoneForInstant(when: When, zone: string): string {
  if (when.instant === undefined || when.time === undefined) return zone;
  const stated = Date.UTC(when.date.year, when.date.month - 1, when.date.day, when.time.hour, when.time.minute) - when.instant;
  if (stated === 0) return zone; // UTC: the data fixes the instant, not the zone
  const minutes = stated / 60_000;
  for (const candidate of [zone, ...CANADIAN_ZONES]) if (offsetAt(when.instant, candidate) === minutes) return candidate;
  return zone;
}

// ---- The Events Calendar / Events Manager <pubDate> ----

function readFuturePubDate(
  parsed: ParsedItem,
  now: Date,
  text: string,
  language: 'en' | 'fr',
  zone: string,
  province: Province | undefined,
  reference: number,
): Reading {
  const published = parseFeedDate(parsed.published);
  if (!published || published.getTime() < now.getTime() + FUTURE_PUBDATE_MS) return undefined;
  const ms = published.getTime();
  const local = wallTimeAt(ms, zone);
  // The text on the same day says more (the end, the zone): take it when it agrees.
  const fromText = readText(text, 0, language, zone, province, reference);
  if (fromText && !('warning' in fromText)) {
    const d = fromText.when.date;
    if (d.year === local.year && d.month === local.month && d.day === local.day) return fromText;
  }
  const when: When = { date: { year: local.year, month: local.month, day: local.day }, time: { hour: local.hour, minute: local.minute }, instant: ms };
  // An all-day event starts at midnight, local.
  if (local.hour === 0 && local.minute === 0) return { when: { date: when.date }, allDay: true };
  return { when, allDay: false };
}

// ---- text ----

function readText(text: string, titleEnd: number, language: 'en' | 'fr', zone: string, province: Province | undefined, reference: number): Reading {
  const mentions = findDateMentions(text, language);
  if (!mentions.length) return undefined;
  const dated: { mention: DateMention; resolved: ReturnType<typeof resolveMention> }[] = [];
  for (const mention of mentions) {
    const resolved = resolveMention(mention, reference);
    // A date before the item was posted is about something past.
    if (!('warning' in resolved) && resolved.when.date.year !== undefined && dayNumber(resolved.when.date) < dayNumber(dateAt(reference, zone)) - 1) continue;
    dated.push({ mention, resolved });
  }
  const mentionsLeft = dated.map((d) => d.mention);
  scoreMentions(mentionsLeft, text, titleEnd);
  const resolvedOf = (m: DateMention) => dated.find((d) => d.mention === m)!.resolved;
  const best = bestMention(mentionsLeft, (outer, inner) => {
    const o = resolvedOf(outer);
    const i = resolvedOf(inner);
    if ('warning' in o || 'warning' in i || !o.end) return false;
    const day = dayNumber(i.when.date);
    return day >= dayNumber(o.when.date) && day <= dayNumber(o.end.date);
  });
  if (!best) return undefined;
  const resolved = resolvedOf(best);
  if ('warning' in resolved) return resolved;
  if (best.unknownZone) return { warning: { code: 'event-zone-unknown', detail: best.unknownZone } };
  const chosenZone = best.zone ? adjustZoneForProvince(best.zone, province) : zone;
  return { when: resolved.when, end: resolved.end, allDay: !best.startTime, zone: chosenZone };
}

/** A mention's dates with years: one left out is the next occurrence on or after the item's date. */
function resolveMention(m: DateMention, reference: number): { when: When; end?: When } | { warning: EventWarning } {
  const ref = dateAt(reference, 'UTC');
  const year = m.start.year ?? nextOccurrenceYear(m.start, ref);
  const start = { year, month: m.start.month, day: m.start.day };
  if (!dateExists(start)) return { warning: { code: 'event-date-impossible', detail: `${start.year}-${start.month}-${start.day}` } };
  const when: When = { date: start, time: m.startTime };
  let end: When | undefined;
  if (m.endDate || m.endTime) {
    const e = m.endDate ?? m.start;
    let endYear = e.year ?? year;
    if (e.year === undefined && (e.month < start.month || (e.month === start.month && e.day < start.day)) && m.endDate) endYear = year + 1;
    const endDate = { year: endYear, month: e.month, day: e.day };
    if (!dateExists(endDate)) return { warning: { code: 'event-date-impossible', detail: `${endDate.year}-${endDate.month}-${endDate.day}` } };
    end = { date: endDate, time: m.endTime ?? (m.endDate ? undefined : undefined) };
  }
  return { when, end };
}

function nextOccurrenceYear(d: DayDate, ref: { year: number; month: number; day: number }): number {
  // A day or two of slack: a notice posted the evening after still means this year's date.
  const refDay = dayNumber(ref) - 2;
  return dayNumber({ year: ref.year, month: d.month, day: Math.min(d.day, 28) }) >= refDay ? ref.year : ref.year + 1;
}

// ---- building and checking ----

function buildEvent(r: Exclude<Reading, undefined | { warning: EventWarning }>, zone: string, reference: number): { event: Omit<ItemEvent, 'online'> } | { warning: EventWarning } {
  const start = wallOf(r.when, zone);
  let end = r.end ? wallOf(r.end, zone, start) : undefined;
  const allDay = r.allDay || start.time === undefined;
  if (end && !allDay && end.time === undefined) end = undefined;
  if (allDay) {
    const startDate = isoDate(start.date);
    const endDate = end ? isoDate(end.date) : undefined;
    if (endDate && endDate < startDate) return { warning: { code: 'event-end-before-start', detail: `${startDate} – ${endDate}` } };
    const far = tooFar(Date.UTC(start.date.year, start.date.month - 1, start.date.day), reference, startDate);
    if (far) return far;
    return { event: { start: startDate, ...(endDate && endDate !== startDate ? { end: endDate } : {}), allDay: true, timezone: zone } };
  }
  const startWall = { ...start.date, ...start.time! } as WallTime;
  const startMs = instantOf(startWall, zone);
  const far = tooFar(startMs, reference, isoDate(start.date));
  if (far) return far;
  let endIso: string | undefined;
  if (end) {
    let endWall = { ...end.date, ...end.time! } as WallTime;
    let endMs = instantOf(endWall, zone);
    // "10 p.m. – 1 a.m.": an end in the small hours on the same day is the next morning.
    if (endMs < startMs && isoDate(end.date) === isoDate(start.date) && endWall.hour < 6) {
      const next = new Date(Date.UTC(endWall.year, endWall.month - 1, endWall.day + 1));
      endWall = { ...endWall, year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
      endMs = instantOf(endWall, zone);
    }
    if (endMs < startMs) return { warning: { code: 'event-end-before-start', detail: `${isoWithOffset(startWall, zone)} – ${isoWithOffset(endWall, zone)}` } };
    if (endMs > startMs) endIso = isoWithOffset(endWall, zone);
  }
  return { event: { start: isoWithOffset(startWall, zone), ...(endIso ? { end: endIso } : {}), allDay: false, timezone: zone } };
}

/** The wall date and time in the event's zone: converted when the source fixed an instant. */
function wallOf(when: When, zone: string, start?: { date: DayDate & { year: number } }): { date: DayDate & { year: number }; time?: ClockTime } {
  if (when.instant !== undefined && when.time) {
    const w = wallTimeAt(when.instant, zone);
    return { date: { year: w.year, month: w.month, day: w.day }, time: { hour: w.hour, minute: w.minute } };
  }
  if (when.zone && when.time && when.zone !== zone) {
    const w = wallTimeAt(instantOf({ ...when.date, ...when.time }, when.zone), zone);
    return { date: { year: w.year, month: w.month, day: w.day }, time: { hour: w.hour, minute: w.minute } };
  }
  void start;
  return { date: when.date, time: when.time };
}

function tooFar(ms: number, reference: number, detail: string): { warning: EventWarning } | undefined {
  const years = Math.abs(ms - reference) / (365.25 * 86_400_000);
  return years > MAX_YEARS_AWAY ? { warning: { code: 'event-date-far', detail } } : undefined;
}

function dateExists(d: { year: number; month: number; day: number }): boolean {
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  return d.day <= new Date(Date.UTC(d.year, d.month, 0)).getUTCDate();
}

function dayNumber(d: { year: number; month: number; day: number }): number {
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / 86_400_000);
}

function dateAt(ms: number, zone: string): { year: number; month: number; day: number } {
  const w = wallTimeAt(ms, zone);
  return { year: w.year, month: w.month, day: w.day };
}
