// Placeholders in the demo's sample feeds, expanded when served so the demo always looks current.
//
//   {{base}}                 the platforms' origin for links, e.g. http://localhost:8090
//   {{wwwbase}}              the same with "www." (http://www.localhost:8090): a www / no-www duplicate
//   {{FORMAT:WHEN}}          a date, WHEN = OFFSET [HH:MM] [ZONE]
//     OFFSET  one or more of [+-]N d|h|m from the server's start (rounded down to the minute), or 0
//     HH:MM   sets the time of day, in ZONE
//     ZONE    Z, UTC, GMT, +HHMM, -HH:MM, a North American name (EST, CDT, MST, PDT, AST, NST …),
//             or an IANA zone (America/Edmonton): its offset on that day, daylight time or not
//     FORMAT  rfc822   Tue, 03 Jun 2025 14:00:00 +0000 (a named ZONE is printed as its name)
//             rfc822y2 the same with a two-digit year (RFC 822 allowed it; feeds still do it)
//             frrfc822 mar. 03 juin 2025 14:00:00 +0000 (a French-localized pubDate)
//             iso      2025-06-03T14:00:00Z, or with the ZONE's offset
//             sql      2025-06-03 14:00:00 (no zone at all)
//             date     2025-06-03
//             endate   June 3, 2025          (for text in items)
//             frdate   3 juin 2025, 1er juin 2025
//
// Files are handled as bytes: the text is read as latin1 (one char per byte, lossless), the
// ASCII-only placeholders are replaced, and each value is encoded in the file's own charset, so a
// windows-1252 feed keeps its exact bytes and a French month name comes out right in either charset.
import iconv from 'iconv-lite';

export const PLACEHOLDER = /\{\{([a-z0-9]+)(?::([^{}]*))?\}\}/g;

export interface PlaceholderContext {
  /** The instant relative dates count from. */
  now: Date;
  /** Origin used for links, without a trailing slash. */
  base: string;
  /** The same origin with "www.", for the www / no-www duplicates. */
  wwwBase: string;
}

/** Expands every placeholder in `bytes`, a file in `charset`; throws on an unknown or malformed one. */
export function renderTemplate(bytes: Buffer, charset: string, ctx: PlaceholderContext): Buffer {
  const text = bytes.toString('latin1');
  const out = text.replace(PLACEHOLDER, (whole: string, name: string, arg: string | undefined) => {
    const value = expandPlaceholder(name, arg, ctx, whole);
    return iconv.encode(value, charset).toString('latin1');
  });
  return Buffer.from(out, 'latin1');
}

export function expandPlaceholder(name: string, arg: string | undefined, ctx: PlaceholderContext, whole = name): string {
  if (name === 'base') return ctx.base;
  if (name === 'wwwbase') return ctx.wwwBase;
  const format = FORMATS[name];
  if (!format) throw new Error(`unknown placeholder ${whole}`);
  return format(resolveWhen(arg ?? '0', ctx.now, whole));
}

interface Zone {
  /** Minutes east of UTC. */
  offset: number;
  /** A named zone as written (EST …), printed as such in RFC 822 dates. */
  name?: string;
  /** An IANA zone, whose offset depends on the date. */
  iana?: string;
  explicit: boolean;
}

/** Minutes east of UTC in an IANA zone at an instant. */
function offsetIn(zone: string, at: number): number {
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  for (const p of format.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Math.round((Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute) - Math.floor(at / 60_000) * 60_000) / 60_000);
}

interface When {
  /** The wall-clock time in the zone, held in a Date's UTC fields. */
  local: Date;
  zone: Zone;
}

// RFC 822 §5.1 names, plus the Atlantic and Newfoundland zones Canadian sites use.
const NAMED_ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AST: -240, ADT: -180, NST: -210, NDT: -150,
};

function resolveWhen(arg: string, now: Date, whole: string): When {
  const [offsetToken, ...rest] = arg.trim().split(/\s+/);
  let t = Math.floor(now.getTime() / 60_000) * 60_000;
  if (offsetToken !== '0' && offsetToken !== 'now') {
    if (!/^(?:[+-]\d+[dhm])+$/.test(offsetToken)) throw new Error(`bad offset in ${whole}`);
    for (const [, sign, n, unit] of offsetToken.matchAll(/([+-])(\d+)([dhm])/g)) {
      const ms = Number(n) * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000);
      t += sign === '-' ? -ms : ms;
    }
  }
  let time: [number, number] | undefined;
  let zone: Zone = { offset: 0, explicit: false };
  for (const token of rest) {
    const hm = /^(\d{1,2}):(\d{2})$/.exec(token);
    const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(token);
    if (hm && !time) time = [Number(hm[1]), Number(hm[2])];
    else if (numeric) zone = { offset: (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3])), explicit: true };
    else if (/^[A-Z][A-Za-z]+\/[A-Za-z_]+$/.test(token)) zone = { offset: 0, iana: token, explicit: true };
    else if (token.toUpperCase() in NAMED_ZONES) {
      const upper = token.toUpperCase();
      zone = { offset: NAMED_ZONES[upper], name: upper === 'Z' ? undefined : upper, explicit: true };
    } else throw new Error(`bad token "${token}" in ${whole}`);
  }
  if (zone.iana) zone = { ...zone, offset: offsetIn(zone.iana, t) };
  const local = new Date(t + zone.offset * 60_000);
  if (time) local.setUTCHours(time[0], time[1], 0, 0);
  // The time of day may fall on the other side of a daylight-time change: the offset then.
  if (zone.iana) {
    const offset = offsetIn(zone.iana, local.getTime() - zone.offset * 60_000);
    if (offset !== zone.offset) zone = { ...zone, offset };
  }
  return { local, zone };
}

const EN_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EN_MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FR_DAYS = ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'];
const FR_MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
const FR_MONTHS_LONG = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function ymd(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function hms(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function numericOffset(offset: number, colon: boolean): string {
  const abs = Math.abs(offset);
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

function rfc822Zone(zone: Zone): string {
  return zone.name ?? numericOffset(zone.offset, false);
}

const FORMATS: Record<string, (w: When) => string> = {
  rfc822: ({ local: d, zone }) =>
    `${EN_DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${EN_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hms(d)} ${rfc822Zone(zone)}`,
  rfc822y2: ({ local: d, zone }) =>
    `${EN_DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${EN_MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear() % 100)} ${hms(d)} ${rfc822Zone(zone)}`,
  frrfc822: ({ local: d, zone }) =>
    `${FR_DAYS[d.getUTCDay()]} ${pad(d.getUTCDate())} ${FR_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${hms(d)} ${rfc822Zone(zone)}`,
  iso: ({ local: d, zone }) =>
    `${ymd(d)}T${hms(d)}${zone.explicit && zone.offset !== 0 ? numericOffset(zone.offset, true) : 'Z'}`,
  sql: ({ local: d }) => `${ymd(d)} ${hms(d)}`,
  date: ({ local: d }) => ymd(d),
  endate: ({ local: d }) => `${EN_MONTHS_LONG[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`,
  frdate: ({ local: d }) => `${d.getUTCDate() === 1 ? '1er' : d.getUTCDate()} ${FR_MONTHS_LONG[d.getUTCMonth()]} ${d.getUTCFullYear()}`,
};
