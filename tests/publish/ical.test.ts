// The iCalendar view alone: each Canadian zone's VTIMEZONE gives, read by ical.js, the same UTC
// offset as the runtime's zone data at every hour of the years it covers (DST changes included);
// text is escaped and folded so that it reads back exactly; all-day events end the day after.
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { wallTimeAt } from '../../src/normalize/event-zone.ts';
import { foldLine, renderCalendar, type CalendarEvent, type OutputCalendar } from '../../src/publish/ical.ts';
import { vtimezoneLines } from '../../src/publish/vtimezone.ts';
import { calendarProblems, readCalendar } from '../helpers/ical.ts';

const ZONES = ['America/St_Johns', 'America/Halifax', 'America/Moncton', 'America/Toronto', 'America/Winnipeg', 'America/Regina', 'America/Edmonton', 'America/Vancouver', 'America/Whitehorse', 'America/Iqaluit'];

function calendar(events: CalendarEvent[]): OutputCalendar {
  return { prodId: '-//Passerelle//Test//EN', name: 'Test / Essai', description: 'd', selfUrl: 'https://hub.example.ca/calendar/all.ics', homeUrl: 'https://hub.example.ca/en/events', refreshMinutes: 60, events };
}

function event(extra: Partial<CalendarEvent>): CalendarEvent {
  const at = new Date('2026-11-20T12:00:00Z');
  return { uid: 'u1@hub.example.ca', sequence: 0, modified: at, created: at, title: 'T', description: '', start: '2026-12-14T13:00:00-05:00', allDay: false, timezone: 'America/Toronto', categories: [], ...extra };
}

describe('VTIMEZONE', () => {
  it.each(ZONES)('%s: the offset ical.js reads from it gives every wall time of 2026 to 2028 the instant the zone does', (zone) => {
    const text = `${['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN', ...vtimezoneLines(zone, 2026, 2028), 'END:VCALENDAR'].map(foldLine).join('\r\n')}\r\n`;
    const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
    const tz = new ICAL.Timezone(root.getFirstSubcomponent('vtimezone')!);
    const mismatches: string[] = [];
    // Every wall time of those years, read in the zone by ical.js, is the instant it is there. (The
    // hour that happens twice in the fall is skipped: either reading of it is right.)
    for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2029, 0, 1); at += 1800_000) {
      const wall = wallTimeAt(at, zone);
      const same = (other: number) => JSON.stringify(wallTimeAt(other, zone)) === JSON.stringify(wall);
      if (same(at - 3600_000) || same(at + 3600_000)) continue;
      const local = new ICAL.Time({ year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: 0, isDate: false }, tz);
      const read = local.toUnixTime() * 1000;
      if (read !== at) mismatches.push(`${new Date(at).toISOString()} (${JSON.stringify(wall)}): read as ${new Date(read).toISOString()}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('writes the yearly rule Outlook expects where there is one, and one standard time where there is none', () => {
    const toronto = vtimezoneLines('America/Toronto', 2026, 2027).join('\n');
    expect(toronto).toContain('BEGIN:DAYLIGHT\nDTSTART:20250309T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nTZNAME:EDT\nEND:DAYLIGHT');
    expect(toronto).toContain('BEGIN:STANDARD\nDTSTART:20251102T020000\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nTZNAME:EST\nEND:STANDARD');
    expect(vtimezoneLines('America/St_Johns', 2026, 2026).join('\n')).toContain('TZOFFSETFROM:-0330\nTZOFFSETTO:-0230\nTZNAME:NDT');
    const regina = vtimezoneLines('America/Regina', 2026, 2027);
    expect(regina.filter((l) => l.startsWith('BEGIN:'))).toEqual(['BEGIN:VTIMEZONE', 'BEGIN:STANDARD']);
    expect(regina).toContain('TZOFFSETTO:-0600');
  });
});

describe('iCalendar text', () => {
  it('escapes and folds text so it reads back exactly, with CRLF and lines of 75 octets at most', () => {
    const title = 'Rent, leases; and a \\ backslash — « séance d’information » sur le logement';
    const description = `${'Une séance gratuite pour les familles nouvellement arrivées à Montréal, '.repeat(6)}\nInscription : https://example.org/a,b;c\n\nÀ bientôt 🎉`;
    const text = renderCalendar(calendar([event({ title, description, location: 'Pier 21, Halifax, Nova Scotia', categories: ['Housing, rent', 'Logement'], language: 'fr' })]));
    expect(calendarProblems(text)).toEqual([]);
    const [read] = readCalendar(text).events;
    expect(read.summary).toBe(title);
    expect(read.description).toBe(description);
    expect(read.location).toBe('Pier 21, Halifax, Nova Scotia');
    expect(read.categories).toEqual(['Housing, rent', 'Logement']);
    expect(text).toContain('SUMMARY;LANGUAGE=fr:Rent\\, leases\\; and a \\\\ backslash');
  });

  it('never splits a character when folding', () => {
    const line = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
  });

  it('writes all-day events as dates ending the day after their last, and timed ones in their zone', () => {
    const text = renderCalendar(
      calendar([
        event({ uid: 'a', start: '2027-03-03', end: '2027-03-05', allDay: true, timezone: 'America/Moncton' }),
        event({ uid: 'b', start: '2027-03-14T13:00:00-03:00', end: '2027-03-14T14:30:00-03:00', timezone: 'America/Halifax' }),
        event({ uid: 'c', start: '2027-06-01', allDay: true }),
      ]),
    );
    expect(text).toContain('DTSTART;VALUE=DATE:20270303\r\nDTEND;VALUE=DATE:20270306\r\n');
    expect(text).toContain('DTSTART;TZID=America/Halifax:20270314T130000\r\nDTEND;TZID=America/Halifax:20270314T143000\r\n');
    const read = readCalendar(text);
    expect(read.timezones).toEqual(['America/Halifax']);
    const [a, b, c] = read.events;
    expect([a.allDay, a.start, a.end]).toEqual([true, '2027-03-03', '2027-03-06']);
    // The day after DST began in Halifax: -03:00.
    expect(new Date(b.start as number).toISOString()).toBe('2027-03-14T16:00:00.000Z');
    expect(new Date(b.end as number).toISOString()).toBe('2027-03-14T17:30:00.000Z');
    expect([c.start, c.end]).toEqual(['2027-06-01', '2027-06-02']);
  });
});
