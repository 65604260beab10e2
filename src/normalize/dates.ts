// Feed dates as the wild writes them: RFC 822 with 2-digit years and named zones, ISO 8601,
// French month names, date-only, zone-less (read as UTC), epoch seconds. Never throws; a date
// outside [1990-01-01, now + 2 days] is not trusted and the caller falls back to first-seen.

const EARLIEST = Date.UTC(1990, 0, 1);
const FUTURE_SLACK_MS = 2 * 24 * 3600 * 1000;

/** Offsets of the zone abbreviations feeds actually use (RFC 822 plus common North American and European ones). */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, EET: 120, EEST: 180,
  EST: -300, EDT: -240, ET: -300, CST: -360, CDT: -300, CT: -360, MST: -420, MDT: -360, MT: -420,
  PST: -480, PDT: -420, PT: -480, AST: -240, ADT: -180, AT: -240, NST: -210, NDT: -150, NT: -210,
  AKST: -540, AKDT: -480, HST: -600, HAST: -600, HADT: -540,
  HNE: -300, HAE: -240, HNC: -360, HAC: -300, HNR: -420, HAR: -360, HNP: -480, HAP: -420, HNA: -240, HAA: -180, HNT: -210, HAT: -150,
};

const MONTHS: Record<string, number> = {
  jan: 0, january: 0, janv: 0, janvier: 0,
  feb: 1, february: 1, fev: 1, fevr: 1, fevrier: 1,
  mar: 2, march: 2, mars: 2,
  apr: 3, april: 3, avr: 3, avril: 3,
  may: 4, mai: 4,
  jun: 5, june: 5, juin: 5,
  jul: 6, july: 6, juil: 6, juillet: 6,
  aug: 7, august: 7, aou: 7, aout: 7,
  sep: 8, sept: 8, september: 8, septembre: 8,
  oct: 9, october: 9, octobre: 9,
  nov: 10, november: 10, novembre: 10,
  dec: 11, december: 11, decembre: 11,
};

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function expandYear(y: number, digits: number): number {
  if (digits > 2) return y;
  // RFC 2822 §4.3: 00–49 are 2000–2049, 50–99 are 1950–1999.
  return y < 50 ? 2000 + y : 1900 + y;
}

/** Offset in minutes from "+0530", "-05:00", "+2400" (clamped: Postgres rejects offsets past ±15:59) or a zone name. */
function parseOffset(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    return (m[1] === '-' ? -1 : 1) * Math.min(minutes, 15 * 60 + 59);
  }
  const named = ZONES[zone.toUpperCase()];
  return named;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMin: number): number | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59)) - offsetMin * 60_000;
  return Number.isFinite(t) ? t : undefined;
}

/** Parses a date string from a feed. Returns undefined when nothing sensible can be read. */
export function parseFeedDate(raw: string | undefined | null): Date | undefined {
  if (raw == null) return undefined;
  const s = String(raw).trim().replace(/\s+/g, ' ');
  if (!s) return undefined;

  // Unix epoch seconds (or milliseconds), as some generators emit.
  if (/^\d{9,13}$/.test(s)) {
    const n = Number(s);
    return new Date(s.length > 11 ? n : n * 1000);
  }

  // ISO 8601 / RFC 3339, also with a space instead of T, no zone (read as UTC), or date only.
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}|[A-Za-z]{1,5})?$/.exec(s);
  if (iso) {
    const off = parseOffset(iso[7]);
    if (off === undefined) return undefined;
    const t = utc(+iso[1], +iso[2] - 1, +iso[3], +(iso[4] ?? 0), +(iso[5] ?? 0), +(iso[6] ?? 0), off);
    return t === undefined ? undefined : new Date(t);
  }

  // RFC 822 and its English/French relatives: "[Mon,] 5 Jan 2024 10:00[:00] [zone]", "lun., 5 janv. 2024 …".
  const folded = fold(s).replace(/\./g, ' ').replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
  const rfc = /^(?:[a-z]+ )?(\d{1,2}) ([a-z]+) (\d{2,4})(?: (?:a |at |a )?(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?(?: ?([+-]\d{2}:?\d{2}|[a-z]{1,5}))?$/.exec(folded);
  if (rfc) {
    const month = MONTHS[rfc[2]];
    if (month === undefined) return undefined;
    const off = parseOffset(rfc[7]);
    if (off === undefined) return undefined;
    const t = utc(expandYear(+rfc[3], rfc[3].length), month, +rfc[1], +(rfc[4] ?? 0), +(rfc[5] ?? 0), +(rfc[6] ?? 0), off);
    return t === undefined ? undefined : new Date(t);
  }

  // "January 5, 2024" and "Jan 5 2024 10:00 EST".
  const us = /^(?:[a-z]+ )?([a-z]+) (\d{1,2}) (\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([ap]m))?)?(?: ([+-]\d{2}:?\d{2}|[a-z]{1,5}))?$/.exec(folded);
  if (us) {
    const month = MONTHS[us[1]];
    if (month === undefined) return undefined;
    const off = parseOffset(us[8]);
    if (off === undefined) return undefined;
    let hour = +(us[4] ?? 0);
    if (us[7] === 'pm' && hour < 12) hour += 12;
    if (us[7] === 'am' && hour === 12) hour = 0;
    const t = utc(+us[3], month, +us[2], hour, +(us[5] ?? 0), +(us[6] ?? 0), off);
    return t === undefined ? undefined : new Date(t);
  }
  return undefined;
}

/** A date we trust for ordering: inside [1990-01-01, now + 2 days]; anything else is not one. */
export function plausibleDate(date: Date | undefined, now: Date): Date | undefined {
  if (!date) return undefined;
  const t = date.getTime();
  if (!Number.isFinite(t) || t < EARLIEST || t > now.getTime() + FUTURE_SLACK_MS) return undefined;
  return date;
}
