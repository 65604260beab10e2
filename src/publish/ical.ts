// iCalendar view (RFC 5545): events in, a VCALENDAR out, pure. Times are written in the event's
// own zone with a VTIMEZONE for each zone used (vtimezone.ts), not in UTC: a calendar then shows
// "1:00 p.m. Atlantic" for an event in Halifax, and the event stays at its local time if the zone's
// rules change after it was published. All-day events are DATE values with an exclusive DTEND.
// Lines end in CRLF and are folded at 75 octets; text is escaped (§3.3.11).
import { vtimezoneLines } from './vtimezone.ts';

export interface CalendarEvent {
  /** Globally unique and stable (§3.8.4.7). */
  uid: string;
  /** Bumped when the event's time or place changes (§3.8.7.4). */
  sequence: number;
  /** When we last changed this event (DTSTAMP and LAST-MODIFIED), and when we first had it. */
  modified: Date;
  created: Date;
  title: string;
  description: string;
  /** The item's language (LANGUAGE parameter of its text), when it is one we name. */
  language?: string;
  /** Local ISO times with offsets, or dates when all-day (end inclusive), as ItemEvent has them. */
  start: string;
  end?: string;
  allDay: boolean;
  timezone: string;
  location?: string;
  /** The original page. */
  url?: string;
  categories: string[];
}

export interface OutputCalendar {
  /** Product identifier (§3.7.3). */
  prodId: string;
  /** The calendar's name, in both languages. */
  name: string;
  description: string;
  /** This calendar's own URL (RFC 7986 SOURCE) and the page showing the same events. */
  selfUrl: string;
  homeUrl: string;
  /** How often a subscriber should poll. */
  refreshMinutes: number;
  events: CalendarEvent[];
}

export const CALENDAR_MEDIA_TYPE = 'text/calendar; charset=utf-8';

/** TEXT values (§3.3.11): backslash, semicolon, comma and line breaks escaped; other controls dropped. */
export function escapeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** A URI value: written as is, but never with a line break or a control character. */
function uri(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, '');
}

const encoder = new TextEncoder();

/**
 * Folds a content line at 75 octets (§3.1): each continuation starts with one space, which counts
 * in its 75. A character is never split, so a folded line stays valid UTF-8.
 */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const bytes = encoder.encode(ch).length;
    if (size + bytes > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74;
    }
    current += ch;
    size += bytes;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A UTC DATE-TIME ("20261214T180000Z"). */
export function utcStamp(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
}

/** "2026-12-14T13:00:00-05:00" → "20261214T130000": the wall time written there. */
function localStamp(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso);
  if (!m) throw new Error(`not a local time: ${iso}`);
  return `${m[1]}${m[2]}${m[3]}T${m[4]}${m[5]}${m[6] ?? '00'}`;
}

/** "2026-03-05" → "20260305", and the day after it for an exclusive end. */
function dateValue(iso: string, daysLater = 0): string {
  const d = new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + daysLater * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

function eventLines(e: CalendarEvent): string[] {
  const lang = e.language ? `;LANGUAGE=${e.language}` : '';
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${utcStamp(e.modified)}`,
    `CREATED:${utcStamp(e.created)}`,
    `LAST-MODIFIED:${utcStamp(e.modified)}`,
    `SEQUENCE:${e.sequence}`,
  ];
  if (e.allDay) {
    // DTEND of a DATE event is the day after its last (§3.6.1).
    lines.push(`DTSTART;VALUE=DATE:${dateValue(e.start)}`, `DTEND;VALUE=DATE:${dateValue(e.end ?? e.start, 1)}`);
  } else {
    lines.push(`DTSTART;TZID=${e.timezone}:${localStamp(e.start)}`);
    if (e.end) lines.push(`DTEND;TZID=${e.timezone}:${localStamp(e.end)}`);
  }
  lines.push(`SUMMARY${lang}:${escapeText(e.title)}`);
  if (e.description) lines.push(`DESCRIPTION${lang}:${escapeText(e.description)}`);
  if (e.location) lines.push(`LOCATION${lang}:${escapeText(e.location)}`);
  if (e.url) lines.push(`URL:${uri(e.url)}`);
  if (e.categories.length) lines.push(`CATEGORIES${lang}:${e.categories.map(escapeText).join(',')}`);
  lines.push('STATUS:CONFIRMED');
  // A conference over several days does not make its subscribers look busy all day.
  lines.push(`TRANSP:${e.allDay ? 'TRANSPARENT' : 'OPAQUE'}`);
  lines.push('END:VEVENT');
  return lines;
}

/** The years each zone's timed events fall in. */
function zoneYears(events: CalendarEvent[]): Map<string, [number, number]> {
  const years = new Map<string, [number, number]>();
  for (const e of events) {
    if (e.allDay) continue;
    for (const iso of [e.start, e.end]) {
      if (!iso) continue;
      const year = Number(iso.slice(0, 4));
      const span = years.get(e.timezone);
      years.set(e.timezone, span ? [Math.min(span[0], year), Math.max(span[1], year)] : [year, year]);
    }
  }
  return years;
}

export function renderCalendar(cal: OutputCalendar): string {
  const refresh = `PT${cal.refreshMinutes >= 60 && cal.refreshMinutes % 60 === 0 ? `${cal.refreshMinutes / 60}H` : `${cal.refreshMinutes}M`}`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${cal.prodId}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    // RFC 7986's names, and the X-WR- ones that Apple, Google and Outlook read.
    `NAME:${escapeText(cal.name)}`,
    `X-WR-CALNAME:${escapeText(cal.name)}`,
    `DESCRIPTION:${escapeText(cal.description)}`,
    `X-WR-CALDESC:${escapeText(cal.description)}`,
    `SOURCE;VALUE=URI:${uri(cal.selfUrl)}`,
    `URL:${uri(cal.homeUrl)}`,
    `REFRESH-INTERVAL;VALUE=DURATION:${refresh}`,
    `X-PUBLISHED-TTL:${refresh}`,
  ];
  for (const [zone, [first, last]] of [...zoneYears(cal.events)].sort(([a], [b]) => a.localeCompare(b))) lines.push(...vtimezoneLines(zone, first, last));
  for (const e of cal.events) lines.push(...eventLines(e));
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
