// Time zones for events: the Canadian zone names people write (ET, HNE, "Pacific time", "heure de
// l'Atlantique"), the zone of each province, and wall time ↔ instant in an IANA zone through
// Intl (no zone data of our own to keep up to date).
import type { Province } from '../core/types.ts';
import { foldAccents } from './words.ts';

export const DEFAULT_EVENT_ZONE = 'America/Toronto';

/** The zone of most of each province's people (Saskatchewan keeps Central Standard Time all year). */
export const PROVINCE_ZONE: Record<Province, string> = {
  nl: 'America/St_Johns', pe: 'America/Halifax', ns: 'America/Halifax', nb: 'America/Halifax',
  qc: 'America/Toronto', on: 'America/Toronto', mb: 'America/Winnipeg', sk: 'America/Regina',
  ab: 'America/Edmonton', bc: 'America/Vancouver', yt: 'America/Whitehorse', nt: 'America/Yellowknife', nu: 'America/Iqaluit',
};

const EASTERN = 'America/Toronto';
const PACIFIC = 'America/Vancouver';
const CENTRAL = 'America/Winnipeg';
const MOUNTAIN = 'America/Edmonton';
const ATLANTIC = 'America/Halifax';
const NEWFOUNDLAND = 'America/St_Johns';

/** Abbreviations, written in capitals: standard, daylight and generic, English and French. */
const ABBREVIATIONS: Record<string, string> = {
  ET: EASTERN, EST: EASTERN, EDT: EASTERN, HNE: EASTERN, HAE: EASTERN, HE: EASTERN,
  PT: PACIFIC, PST: PACIFIC, PDT: PACIFIC, HNP: PACIFIC, HAP: PACIFIC, HP: PACIFIC,
  CT: CENTRAL, CST: CENTRAL, CDT: CENTRAL, HNC: CENTRAL, HAC: CENTRAL, HC: CENTRAL,
  MT: MOUNTAIN, MST: MOUNTAIN, MDT: MOUNTAIN, HNR: MOUNTAIN, HAR: MOUNTAIN, HR: MOUNTAIN,
  AT: ATLANTIC, AST: ATLANTIC, ADT: ATLANTIC, HNA: ATLANTIC, HAA: ATLANTIC, HA: ATLANTIC,
  NT: NEWFOUNDLAND, NST: NEWFOUNDLAND, NDT: NEWFOUNDLAND, HNT: NEWFOUNDLAND, HAT: NEWFOUNDLAND,
  UTC: 'UTC', GMT: 'UTC', TU: 'UTC', UT: 'UTC',
};

/** Zone words, folded and lower-cased ("eastern", "heure de l'est", "heure normale du pacifique"). */
const WORDS: [RegExp, string][] = [
  [/^(?:eastern|heure (?:normale |avancee )?de l'est|heure d'ottawa|heure de toronto|heure de montreal|ottawa time|toronto time)/, EASTERN],
  [/^(?:pacific|heure (?:normale |avancee )?du pacifique|vancouver time)/, PACIFIC],
  [/^(?:central|heure (?:normale |avancee )?du centre)/, CENTRAL],
  [/^(?:mountain|heure (?:normale |avancee )?des rocheuses)/, MOUNTAIN],
  [/^(?:atlantic|heure (?:normale |avancee )?de l'atlantique|halifax time)/, ATLANTIC],
  [/^(?:newfoundland|heure (?:normale |avancee )?de terre-neuve)/, NEWFOUNDLAND],
];

/** Abbreviations of zones elsewhere that event notices use: recognised as zones, and not ours. */
const FOREIGN = new Set(['CET', 'CEST', 'BST', 'IST', 'WAT', 'EAT', 'CAT', 'SAST', 'JST', 'KST', 'AEST', 'AEDT', 'ACST', 'AWST', 'NZST', 'NZDT', 'HKT', 'SGT', 'PHT', 'WIB', 'MSK', 'WET', 'WEST', 'EET', 'EEST', 'AKST', 'AKDT', 'HST', 'ART', 'BRT', 'CLT', 'COT', 'PET', 'GST', 'PKT', 'ICT', 'MYT']);

export type ZoneReading = { zone: string; length: number } | { unknown: string; length: number };

/**
 * The zone written at the start of `original` (the text as written, for capitals) — an
 * abbreviation in capitals, or a zone word in any case, optionally in parentheses — or an
 * unknown abbreviation that stands where a zone would. Undefined when no zone is written there.
 */
export function readZone(original: string): ZoneReading | undefined {
  const m = /^[ \t]*[(,]?[ \t]*(?:\(?[ \t]*)/.exec(original)!;
  const at = m[0].length;
  const rest = original.slice(at, at + 40);
  const abbreviation = /^([A-Z]{2,5})(?![A-Za-z\u00c0-\u024f])/.exec(rest);
  if (abbreviation) {
    const zone = ABBREVIATIONS[abbreviation[1]];
    if (zone) return { zone, length: at + abbreviation[1].length };
    if (FOREIGN.has(abbreviation[1])) return { unknown: abbreviation[1], length: at + abbreviation[1].length };
  }
  const folded = foldAccents(rest).toLowerCase().replace(/[’‘]/g, "'");
  for (const [pattern, zone] of WORDS) {
    const w = pattern.exec(folded);
    if (w) {
      const tail = /^(?: (?:standard |daylight )?time| time)?/.exec(folded.slice(w[0].length))![0];
      return { zone, length: at + w[0].length + tail.length };
    }
  }
  return undefined;
}

/** A zone name from structured data: an IANA name, or one of the abbreviations above. */
export function zoneFromName(name: string): string | undefined {
  const trimmed = name.trim();
  if (ABBREVIATIONS[trimmed.toUpperCase()]) return ABBREVIATIONS[trimmed.toUpperCase()];
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$|^UTC$/.test(trimmed)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Saskatchewan writes "CST" all year: Central time there is Regina's. */
export function adjustZoneForProvince(zone: string, province: Province | undefined): string {
  return zone === CENTRAL && province === 'sk' ? 'America/Regina' : zone;
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let format = FORMATS.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    FORMATS.set(zone, format);
  }
  return format;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall time in `zone` at an instant. */
export function wallTimeAt(ms: number, zone: string): WallTime {
  const d = new Date(ms + offsetAt(ms, zone) * 60_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

// Offsets change only at transitions, which fall on a quarter hour (St. John's at 2:00 local is
// 4:30 UTC): one Intl call per zone and quarter hour, then a lookup.
const QUARTER_HOUR = 900_000;
const OFFSETS = new Map<string, number>();

/** Minutes east of UTC in `zone` at an instant. */
export function offsetAt(ms: number, zone: string): number {
  const key = `${zone}|${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = OFFSETS.get(key);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    const at = Math.floor(ms / QUARTER_HOUR) * QUARTER_HOUR;
    for (const p of formatIn(zone).formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    offset = Math.round((Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute) - at) / 60_000);
    if (OFFSETS.size >= 50_000) OFFSETS.clear();
    OFFSETS.set(key, offset);
  }
  return offset;
}

/** The instant of a wall time in `zone` (in a gap or overlap, the earlier reading). */
export function instantOf(w: WallTime, zone: string): number {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  let ms = asUtc - offsetAt(asUtc, zone) * 60_000;
  ms = asUtc - offsetAt(ms, zone) * 60_000;
  return ms;
}

/** "2026-12-14T13:00:00-05:00": the wall time with the zone's offset then. */
export function isoWithOffset(w: WallTime, zone: string): string {
  const offset = offsetAt(instantOf(w, zone), zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${isoDate(w)}T${pad(w.hour)}:${pad(w.minute)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function isoDate(w: { year: number; month: number; day: number }): string {
  return `${String(w.year).padStart(4, '0')}-${pad(w.month)}-${pad(w.day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Midnight at the start of a day ("2026-03-03") in `zone`, as an instant. */
export function startOfDayIn(day: string, zone: string): number {
  const [year, month, date] = day.split('-').map(Number);
  return instantOf({ year, month, day: date, hour: 0, minute: 0 }, zone);
}

/** The day `days` after an ISO date (before it when negative), as an ISO date. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
