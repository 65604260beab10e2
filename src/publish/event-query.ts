// The parameters that lists of events add to the filter vocabulary (feed-query.ts): the reader's
// time zone (tz) and a date range (from and to, or month), read as days in that zone. Every
// problem is a 400 naming the parameter, as for the rest of the vocabulary.
import { BadRequestError } from '../core/errors.ts';
import { EVENT_TIME_ZONES, type EventTimeZone } from '../core/words.ts';
import { addDays, DEFAULT_EVENT_ZONE, startOfDayIn, wallTimeAt } from '../normalize/event-zone.ts';
import { eventCursor } from '../store/events-query.ts';
import type { ItemView } from '../store/items-query.ts';
import { quoted } from './feed-query.ts';

export const EVENT_PARAMS = ['tz', 'from', 'to', 'month'] as const;

export const EVENT_ZONES = Object.keys(EVENT_TIME_ZONES) as EventTimeZone[];

/** Where most readers are: the day and the times they see unless they choose another zone. */
export const DEFAULT_READER_ZONE: EventTimeZone = DEFAULT_EVENT_ZONE as EventTimeZone;

export interface EventRange {
  /** The first day shown ("2026-12-01"), and the instant it starts in the reader's zone. */
  fromDate?: string;
  from?: Date;
  /** The last day shown, and the instant after it ends (exclusive). */
  toDate?: string;
  to?: Date;
}

export interface EventParams extends EventRange {
  tz: EventTimeZone;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
/** Events are read up to five years from their posting: a range far beyond that finds none, and is refused as a typo. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

function calendarDay(name: string, raw: string): { year: number; month: number; day: number } {
  const m = DATE.exec(raw);
  if (!m) throw new BadRequestError(`${name}: must be a date such as 2026-12-14`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) {
    throw new BadRequestError(`${name}: ${quoted(raw)} is not a date of the calendar`);
  }
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new BadRequestError(`${name}: must fall between the years ${FIRST_YEAR} and ${LAST_YEAR}`);
  return { year, month, day };
}

const iso = (d: { year: number; month: number; day: number }) => `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Midnight at the start of a day in `zone`. */
export function startOfDay(day: string, zone: string): Date {
  return new Date(startOfDayIn(day, zone));
}

/** The day after an ISO date (or `days` after it). */
export function dayAfter(day: string, days = 1): string {
  return addDays(day, days);
}

/** The calendar day in `zone` at an instant, as an ISO date. */
export function dayIn(at: number, zone: string): string {
  return iso(wallTimeAt(at, zone));
}

export function parseTimeZone(params: URLSearchParams): EventTimeZone {
  const raw = params.get('tz');
  if (raw === null || raw === '') return DEFAULT_READER_ZONE;
  if (!(EVENT_ZONES as string[]).includes(raw)) throw new BadRequestError(`tz: unknown value ${quoted(raw)}; accepted: ${EVENT_ZONES.join(', ')}`);
  return raw as EventTimeZone;
}

/** tz, and a range of days from `from` to `to` (both included) or a `month`, in that zone. */
export function parseEventParams(params: URLSearchParams): EventParams {
  const tz = parseTimeZone(params);
  const month = params.get('month') || undefined;
  const fromRaw = params.get('from') || undefined;
  const toRaw = params.get('to') || undefined;
  if (month !== undefined) {
    if (fromRaw !== undefined || toRaw !== undefined) throw new BadRequestError('month: give a month, or from and to, not both');
    const m = MONTH.exec(month);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new BadRequestError('month: must be a month such as 2026-12');
    const first = calendarDay('month', `${month}-01`);
    const next = first.month === 12 ? { year: first.year + 1, month: 1, day: 1 } : { year: first.year, month: first.month + 1, day: 1 };
    const fromDate = iso(first);
    return { tz, fromDate, from: startOfDay(fromDate, tz), toDate: dayAfter(iso(next), -1), to: startOfDay(iso(next), tz) };
  }
  const range: EventParams = { tz };
  if (fromRaw !== undefined) {
    range.fromDate = iso(calendarDay('from', fromRaw));
    range.from = startOfDay(range.fromDate, tz);
  }
  if (toRaw !== undefined) {
    range.toDate = iso(calendarDay('to', toRaw));
    range.to = startOfDay(dayAfter(range.toDate), tz);
  }
  if (range.fromDate && range.toDate && range.toDate < range.fromDate) throw new BadRequestError('to: must not be before from');
  return range;
}

/** The event parameters as a canonical query string (tz only when it is not the default). */
export function canonicalEventParams(p: EventParams): string {
  const entries: [string, string][] = [];
  if (p.fromDate) entries.push(['from', p.fromDate]);
  if (p.toDate) entries.push(['to', p.toDate]);
  if (p.tz !== DEFAULT_READER_ZONE) entries.push(['tz', p.tz]);
  return new URLSearchParams(entries).toString();
}

/** Opaque cursor for the next page of a list of events: the last event's start and id. */
export function encodeEventCursor(at: { startAt: Date; id: number }): string {
  return Buffer.from(`e:${at.startAt.getTime()}:${at.id}`).toString('base64url');
}

/** The cursor of the page after `rows`, undefined when they do not fill a page. */
export function nextEventCursor(rows: readonly ItemView[], limit: number): string | undefined {
  const last = rows.at(-1);
  return last && rows.length === limit ? encodeEventCursor(eventCursor(last)) : undefined;
}

/** The `after` parameter, when a page after the first is asked for. */
export function parseEventCursor(params: URLSearchParams): { startAt: Date; id: number } | undefined {
  const raw = params.get('after');
  if (!raw) return undefined;
  const refuse = () => new BadRequestError('after: not a cursor given by this hub; follow the link to the next page');
  if (raw.length > 64 || !/^[A-Za-z0-9_-]+=*$/.test(raw)) throw refuse();
  const m = /^e:(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(raw, 'base64url').toString());
  if (!m) throw refuse();
  const startAt = Number(m[1]);
  const id = Number(m[2]);
  if (!Number.isSafeInteger(id) || id < 1 || Math.abs(startAt) > 8.64e15) throw refuse();
  return { startAt: new Date(startAt), id };
}

/** Which events a list shows: those to come (and running), or those over. */
export function parseWhen(params: URLSearchParams): 'upcoming' | 'past' {
  const raw = params.get('when');
  if (raw === null || raw === '' || raw === 'upcoming') return 'upcoming';
  if (raw === 'past') return 'past';
  throw new BadRequestError(`when: unknown value ${quoted(raw)}; accepted: upcoming, past`);
}

/**
 * Which events a list holds, as bounds on their start and end: upcoming ones not over at `from`
 * (the range's first day, or the moment given, whichever is later), past ones over by then; both
 * within the range. One rule for the page, the API and the widget.
 */
export function eventWindow(when: 'upcoming' | 'past', range: EventRange, at: Date): { when: 'upcoming' | 'past'; at: Date; startsFrom?: Date; startsBefore?: Date } {
  return {
    when,
    at: when === 'upcoming' && range.from && range.from > at ? range.from : at,
    startsFrom: when === 'past' ? range.from : undefined,
    startsBefore: range.to,
  };
}
