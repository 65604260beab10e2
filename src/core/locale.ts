// How dates, times and numbers are written in each language, for people in Canada: one locale per
// language and one time zone. Eastern time, where most readers are, decides the day; where an
// operator may be anywhere (the admin pages' stamps), the zone is named.
import type { Language } from './types.ts';

export const TIME_ZONE = 'America/Toronto';
export const LOCALES: Record<Language, string> = { en: 'en-CA', fr: 'fr-CA' };

// Intl formatters are costly to build and cheap to use: one of each per language, built once.
const perLanguage = <T>(make: (locale: string, ui: Language) => T): Record<Language, T> => ({ en: make(LOCALES.en, 'en'), fr: make(LOCALES.fr, 'fr') });

const dates = perLanguage((locale, ui) => new Intl.DateTimeFormat(locale, { dateStyle: ui === 'fr' ? 'long' : 'medium', timeZone: TIME_ZONE }));
const shortDays = perLanguage((locale) => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: TIME_ZONE }));
const shortDates = perLanguage((locale) => new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: TIME_ZONE }));
const years = new Intl.DateTimeFormat('en-CA', { year: 'numeric', timeZone: TIME_ZONE });
const relatives = perLanguage((locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
const numericDates = perLanguage((locale) => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: TIME_ZONE }));
const clockTimes = perLanguage((locale) => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: TIME_ZONE }));
const decimals = perLanguage((locale) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }));
const collators = perLanguage((locale) => new Intl.Collator(locale));

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "May 3, 2025" / "3 mai 2025" */
export function formatDate(date: Date, ui: Language): string {
  return dates[ui].format(date);
}

/** ["2025-05-03", "2:05 p.m. EDT"] / ["2025-05-03", "14 h 05 HAE"]: short enough for a table cell, on one line or two. */
export function formatStamp(date: Date, ui: Language): [string, string] {
  return [numericDates[ui].format(date), clockTimes[ui].format(date)];
}

/** A span of time in the largest of minutes, hours and days that fits it (at least one minute). */
function span(ms: number): [number, Intl.RelativeTimeFormatUnit] {
  if (ms < HOUR) return [Math.max(1, Math.round(ms / MINUTE)), 'minute'];
  if (ms < DAY) return [Math.round(ms / HOUR), 'hour'];
  return [Math.round(ms / DAY), 'day'];
}

/** "3 hours ago" / "il y a 3 heures" within a week, the date beyond (and for dates to come). */
export function formatRecent(date: Date, now: number, ui: Language): string {
  const ago = now - date.getTime();
  if (ago < -MINUTE || ago >= 7 * DAY) return formatDate(date, ui);
  const [n, unit] = span(ago);
  return relatives[ui].format(-n, unit);
}

/** "in 12 minutes" / "dans 12 minutes" for a time to come; undefined when it has come (due now). */
export function formatUpcoming(date: Date, now: number, ui: Language): string | undefined {
  const ahead = date.getTime() - now;
  if (ahead <= 30_000) return undefined;
  const [n, unit] = span(ahead);
  return relatives[ui].format(n, unit);
}

/** The calendar day of an instant in Eastern time, as a day count: what "today" means on a page. */
export function dayNumber(at: number): number {
  return Math.round(Date.parse(`${numericDates.en.format(at)}T00:00:00Z`) / DAY);
}

/** "today", "yesterday", "3 days ago" within a week, the date beyond: changes only at midnight. */
export function formatDay(date: Date, now: number, ui: Language): string {
  const days = dayNumber(now) - dayNumber(date.getTime());
  if (days < 0 || days >= 7) return formatDate(date, ui);
  return relatives[ui].format(-days, 'day');
}

/** "Dec 4" / "4 déc." this year, "Dec 4, 2023" / "4 déc. 2023" another year. */
export function formatShortDate(date: Date, now: number, ui: Language): string {
  return (years.format(date) === years.format(now) ? shortDays : shortDates)[ui].format(date);
}

/**
 * What the river says of an item's day: "3 days ago · Dec 4" / "il y a 3 jours · 4 déc." within a
 * week (how long ago, and which day it was), the short date beyond.
 */
export function formatDayAndDate(date: Date, now: number, ui: Language): string {
  const days = dayNumber(now) - dayNumber(date.getTime());
  const short = formatShortDate(date, now, ui);
  if (days < 0 || days >= 7) return short;
  return `${relatives[ui].format(-days, 'day')} · ${short}`;
}

/** "15 min", "2 h", "1 h 30 min": the same in both languages. */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes}\u00a0min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h}\u00a0h\u00a0${m}\u00a0min` : `${h}\u00a0h`;
}

/** "120 ms", "2.4 s" / "2,4 s" */
export function formatDuration(ms: number, ui: Language): string {
  if (ms < 1000) return `${ms}\u00a0ms`;
  return `${decimals[ui].format(ms / 1000)}\u00a0s`;
}

const BYTE_UNITS: Record<Language, [string, string, string]> = { en: ['B', 'KB', 'MB'], fr: ['o', 'ko', 'Mo'] };

/** "812 B", "14.2 KB" / "14,2 ko" */
export function formatBytes(bytes: number, ui: Language): string {
  const [b, kb, mb] = BYTE_UNITS[ui];
  if (bytes < 1024) return `${bytes}\u00a0${b}`;
  if (bytes < 1024 * 1024) return `${decimals[ui].format(bytes / 1024)}\u00a0${kb}`;
  return `${decimals[ui].format(bytes / 1024 / 1024)}\u00a0${mb}`;
}

/** Alphabetical order as the language sorts it (accents beside their letter): for sort(). */
export function compareText(ui: Language): (a: string, b: string) => number {
  return collators[ui].compare;
}

// Events: dates and times in the zone a reader chose, a formatter per language, zone and shape.
const eventFormats = new Map<string, Intl.DateTimeFormat>();

function eventFormat(ui: Language, zone: string, withTime: boolean, withYear: boolean): Intl.DateTimeFormat {
  const key = `${ui}|${zone}|${withTime}|${withYear}`;
  let format = eventFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[ui], {
      weekday: 'short', month: 'short', day: 'numeric', ...(withYear ? { year: 'numeric' } : {}),
      ...(withTime ? { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' } : {}),
      timeZone: zone,
    });
    eventFormats.set(key, format);
  }
  return format;
}

/** The shape of an event these need: its instants, and its days when it is all-day. */
export interface EventTimes {
  start: string;
  end?: string;
  allDay: boolean;
  startAt: Date;
  /** When it is over (for a timed event without an end, that is not shown: its start alone is). */
  endAt: Date;
}

/**
 * "Mon, Dec 14, 1:00–2:30 p.m. EST" / "lun. 14 déc., 13 h 00 – 14 h 30 HNE" in `zone`; an all-day
 * event's days as it gives them ("Wed, Mar 3–Fri, Mar 5"), whatever the zone. The year is shown
 * when it is not the current one.
 */
export function formatEventWhen(event: EventTimes, ui: Language, zone: string, now: number): string {
  const year = (ms: number) => new Date(ms).getUTCFullYear();
  if (event.allDay) {
    const first = Date.parse(`${event.start}T12:00:00Z`);
    const last = Date.parse(`${event.end ?? event.start}T12:00:00Z`);
    const format = eventFormat(ui, 'UTC', false, year(first) !== year(now) || year(last) !== year(now));
    return last > first ? format.formatRange(first, last) : format.format(first);
  }
  const start = event.startAt.getTime();
  const format = eventFormat(ui, zone, true, year(start) !== year(now));
  return event.end ? format.formatRange(start, Date.parse(event.end)) : format.format(start);
}

const weekDays = perLanguage((locale) => new Intl.DateTimeFormat(locale, { month: 'long', day: 'numeric', timeZone: 'UTC' }));

/** "December 14" / "14 décembre": a day given as an ISO date. */
export function formatDayOfMonth(day: string, ui: Language): string {
  return weekDays[ui].format(Date.parse(`${day}T12:00:00Z`));
}
