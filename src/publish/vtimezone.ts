// VTIMEZONE components (RFC 5545 §3.6.5) made from the zone data of the runtime (Intl), for the
// years a calendar's events need. Each offset change in those years is found to the minute; when
// the changes follow one yearly rule ("second Sunday of March at 2:00"), that rule is written as an
// RRULE, as Outlook expects of a time zone; otherwise each change is written as its own observance.
import { offsetAt } from '../normalize/event-zone.ts';

interface Transition {
  /** The instant of the change. */
  at: number;
  /** Minutes east of UTC before and after it. */
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Every offset change in `zone` from the start of `firstYear` to the end of `lastYear`. */
export function zoneTransitions(zone: string, firstYear: number, lastYear: number): Transition[] {
  const out: Transition[] = [];
  const end = Date.UTC(lastYear + 1, 0, 1);
  let at = Date.UTC(firstYear, 0, 1);
  let offset = offsetAt(at, zone);
  while (at < end) {
    const next = Math.min(at + DAY_MS, end);
    const nextOffset = offsetAt(next, zone);
    if (nextOffset !== offset) {
      // The change lies in (at, next]: halve the interval down to the minute.
      let lo = at;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetAt(mid, zone) === offset) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, from: offset, to: nextOffset });
      offset = nextOffset;
    }
    at = next;
  }
  return out;
}

const NAMES = new Map<string, Intl.DateTimeFormat>();

/** The zone's short name at an instant ("EST", "NDT"), when the runtime knows one other than "GMT-7". */
function zoneName(zone: string, at: number): string | undefined {
  let format = NAMES.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, timeZoneName: 'short' });
    NAMES.set(zone, format);
  }
  const name = format.formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value;
  return name && /^[A-Z]{2,5}$/.test(name) ? name : undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "-0330" */
function utcOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** The local wall time at `at` in an offset, as an iCalendar local DATE-TIME ("20260308T020000"). */
function localStamp(at: number, offset: number): string {
  const d = new Date(at + offset * MINUTE_MS);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** The yearly rule a change follows, as its parts: month, which weekday of it, local time, offsets. */
function ruleOf(t: Transition): { key: string; rrule: string } {
  const local = new Date(t.at + t.from * MINUTE_MS);
  const nth = Math.ceil(local.getUTCDate() / 7);
  const byDay = `${nth}${WEEKDAYS[local.getUTCDay()]}`;
  const time = `${local.getUTCHours()}:${local.getUTCMinutes()}`;
  return { key: `${local.getUTCMonth() + 1}|${byDay}|${time}|${t.from}|${t.to}`, rrule: `FREQ=YEARLY;BYMONTH=${local.getUTCMonth() + 1};BYDAY=${byDay}` };
}

/**
 * The VTIMEZONE of `zone` for events in the years `firstYear` to `lastYear`, as content lines
 * (unfolded). A year before the first is covered too, so the first event's offset is defined.
 */
export function vtimezoneLines(zone: string, firstYear: number, lastYear: number): string[] {
  const from = firstYear - 1;
  const transitions = zoneTransitions(zone, from, lastYear);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const observance = (t: Transition, rrule?: string) => {
    const kind = t.to > t.from ? 'DAYLIGHT' : 'STANDARD';
    const name = zoneName(zone, t.at);
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${localStamp(t.at, t.from)}`,
      ...(rrule ? [`RRULE:${rrule}`] : []),
      `TZOFFSETFROM:${utcOffset(t.from)}`,
      `TZOFFSETTO:${utcOffset(t.to)}`,
      ...(name ? [`TZNAME:${name}`] : []),
      `END:${kind}`,
    );
  };
  if (!transitions.length) {
    // No change in those years (Regina, Whitehorse): one standard time, from a date before them.
    const offset = offsetAt(Date.UTC(from, 0, 1), zone);
    observance({ at: Date.UTC(1970, 0, 1) - offset * MINUTE_MS, from: offset, to: offset });
  } else {
    const forward = transitions.filter((t) => t.to > t.from);
    const back = transitions.filter((t) => t.to <= t.from);
    for (const group of [forward, back]) {
      if (!group.length) continue;
      const rules = group.map(ruleOf);
      const years = group.map((t) => new Date(t.at).getUTCFullYear());
      // The same rule in every year covered, to the last: written once, with no end, as zones are
      // written. A rule that stops within the years (a zone that gave up daylight time) is not.
      const yearly = rules.every((r) => r.key === rules[0].key) && years.every((y, i) => y === from + i) && years.at(-1) === lastYear;
      if (yearly && group.length > 1) observance(group[0], rules[0].rrule);
      else for (const t of group) observance(t);
    }
  }
  lines.push('END:VTIMEZONE');
  return lines;
}
