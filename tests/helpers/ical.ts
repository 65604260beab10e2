// Reads an iCalendar document the way calendar applications do, with ical.js (a full RFC 5545
// parser), after checking what RFC 5545 requires of its bytes and structure: CRLF line ends, lines
// of at most 75 octets, VERSION and PRODID, UID, DTSTAMP and DTSTART on each event, and a
// VTIMEZONE for every TZID used. Event times come back as instants, computed by ical.js from the
// document's own VTIMEZONEs.
import ICAL from 'ical.js';

export interface ReadEvent {
  uid: string;
  sequence: number;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  categories: string[];
  allDay: boolean;
  /** Instants (ms) for timed events; for all-day events, the dates ("2026-12-09") as written. */
  start: number | string;
  end?: number | string;
  tzid?: string;
  dtstamp: string;
}

export interface ReadCalendar {
  name: string;
  props: Record<string, string>;
  timezones: string[];
  events: ReadEvent[];
}

/** The problems RFC 5545 would see in a document; empty when there are none. */
export function calendarProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\r\n')) problems.push('does not end with CRLF');
  if (/[^\r]\n/.test(text) || /\r(?!\n)/.test(text)) problems.push('a line ends with something other than CRLF');
  const lines = text.split('\r\n').slice(0, -1);
  lines.forEach((line, i) => {
    const octets = Buffer.byteLength(line, 'utf8');
    if (octets > 75) problems.push(`line ${i + 1} has ${octets} octets: ${line.slice(0, 40)}…`);
  });
  const unfolded = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  if (unfolded[0] !== 'BEGIN:VCALENDAR' || unfolded.at(-2) !== 'END:VCALENDAR') problems.push('not one VCALENDAR');
  return problems;
}

export function readCalendar(text: string): ReadCalendar {
  const problems = calendarProblems(text);
  if (problems.length) throw new Error(`not valid iCalendar:\n${problems.join('\n')}`);
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const need = (comp: InstanceType<typeof ICAL.Component>, names: string[], what: string) => {
    for (const name of names) if (!comp.hasProperty(name)) throw new Error(`${what} has no ${name.toUpperCase()}`);
  };
  need(root, ['version', 'prodid'], 'VCALENDAR');
  if (root.getFirstPropertyValue('version') !== '2.0') throw new Error('VERSION is not 2.0');
  const timezones: string[] = [];
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    need(vtz, ['tzid'], 'VTIMEZONE');
    const observances = [...vtz.getAllSubcomponents('standard'), ...vtz.getAllSubcomponents('daylight')];
    if (!observances.length) throw new Error('VTIMEZONE with no STANDARD or DAYLIGHT');
    for (const o of observances) need(o, ['dtstart', 'tzoffsetfrom', 'tzoffsetto'], 'observance');
    const tzid = String(vtz.getFirstPropertyValue('tzid'));
    // Registered under its name, replacing any earlier definition: this document's is the one read.
    if (ICAL.TimezoneService.has(tzid)) ICAL.TimezoneService.remove(tzid);
    ICAL.TimezoneService.register(vtz);
    timezones.push(tzid);
  }
  const props: Record<string, string> = {};
  for (const p of root.getAllProperties()) props[p.name] = String(p.getFirstValue());
  const events = root.getAllSubcomponents('vevent').map((vevent): ReadEvent => {
    need(vevent, ['uid', 'dtstamp', 'dtstart'], 'VEVENT');
    const tzid = vevent.getFirstProperty('dtstart')!.getParameter('tzid') as string | undefined;
    const endTzid = vevent.getFirstProperty('dtend')?.getParameter('tzid') as string | undefined;
    for (const z of [tzid, endTzid]) if (z && !timezones.includes(z)) throw new Error(`TZID ${z} has no VTIMEZONE`);
    const event = new ICAL.Event(vevent);
    const allDay = event.startDate.isDate;
    const when = (t: InstanceType<typeof ICAL.Time> | null) => (t ? (allDay ? t.toString() : t.toUnixTime() * 1000) : undefined);
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      description: event.description ?? undefined,
      location: event.location ?? undefined,
      url: (vevent.getFirstPropertyValue('url') as string | null) ?? undefined,
      categories: vevent.getAllProperties('categories').flatMap((p) => p.getValues().map(String)),
      allDay,
      start: when(event.startDate)!,
      end: vevent.hasProperty('dtend') ? when(event.endDate) : undefined,
      tzid,
      dtstamp: String(vevent.getFirstPropertyValue('dtstamp')),
    };
  });
  return { name: props['x-wr-calname'] ?? '', props, timezones, events };
}
