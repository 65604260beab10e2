// Feed and page dates as the wild writes them: RFC 822 with 2-digit years, named zones and a
// 12-hour clock, ISO 8601 (also with slashes, unpadded parts or a short offset), day-first dotted
// dates, English and French day and month names ("mardi 3 mars 2026 à 16 h 05", "Dec. 14,
// 2026"; Spanish and Portuguese months too), date-only, zone-less (read as UTC), epoch seconds,
// and a date inside a short phrase ("Posted on March 3, 2026 by …"). Never throws; a date outside
// [1990-01-01, now + 2 days] is not trusted and the caller falls back to first-seen.

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
  // Spanish and Portuguese, which newcomer community groups publish in too (where they differ).
  ene: 0, enero: 0, janeiro: 0, febrero: 1, fevereiro: 1, marzo: 2, marco: 2, abr: 3, abril: 3, mayo: 4, maio: 4,
  junio: 5, junho: 5, julio: 6, julho: 6, ago: 7, agosto: 7, set: 8, septiembre: 8, setiembre: 8, setembro: 8,
  out: 9, octubre: 9, outubro: 9, noviembre: 10, novembro: 10, dic: 11, diciembre: 11, dez: 11, dezembro: 11,
};

const WEEKDAYS = new Set([
  'sun', 'sunday', 'mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'weds', 'wednesday', 'thu', 'thur', 'thurs', 'thursday',
  'fri', 'friday', 'sat', 'saturday',
  'dim', 'dimanche', 'lun', 'lundi', 'mar', 'mardi', 'mer', 'mercredi', 'jeu', 'jeudi', 'ven', 'vendredi', 'sam', 'samedi',
]);

/** Words that join a date to its time or introduce it ("le 3 mars à 16 h", "on March 3 at 4 pm"). */
const FILLERS = new Set(['le', 'the', 'on', 'at', 'a', 'de', 'du', '-', '@', '|']);

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function expandYear(y: number, digits: number): number {
  if (digits > 2) return y;
  // RFC 2822 §4.3: 00–49 are 2000–2049, 50–99 are 1950–1999.
  return y < 50 ? 2000 + y : 1900 + y;
}

// Postgres rejects offsets past ±15:59 (a "+2400" must not fail the whole batch).
const MAX_OFFSET = 15 * 60 + 59;

/**
 * Offset in minutes from "+0530", "-05:00", "+01", "+100", a short "+01:0" (one minute digit is
 * the tens: the other one was cut), or a zone name; undefined for a name we do not know.
 */
function parseOffset(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  let m = /^(?:gmt|utc|ut)?([+-])(\d{1,2}):(\d{1,2})$/i.exec(zone);
  let minutes: number | undefined;
  if (m) {
    minutes = Number(m[2]) * 60 + (m[3].length === 1 ? Number(m[3]) * 10 : Number(m[3]));
  } else if ((m = /^(?:gmt|utc|ut)?([+-])(\d{1,4})$/i.exec(zone))) {
    const digits = m[2];
    minutes = digits.length <= 2 ? Number(digits) * 60 : Number(digits.slice(0, -2)) * 60 + Number(digits.slice(-2));
  }
  if (m && minutes !== undefined) return (m[1] === '-' ? -1 : 1) * Math.min(minutes, MAX_OFFSET);
  return ZONES[zone.toUpperCase()];
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMin: number): number | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const local = Date.UTC(y, mo, d, h, mi, Math.min(s, 59));
  // 31 February is no date, not 3 March.
  if (!Number.isFinite(local) || (h < 24 && new Date(local).getUTCDate() !== d)) return undefined;
  const t = local - offsetMin * 60_000;
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Numeric dates rewritten as ISO: "2026/3/7" (year first), "07.03.2026" (day first: a dotted
 * date is never month-first), and "14/12/2026" or "12/14/2026" only where one part is over 12;
 * "03/07/2026" could be either and is left alone.
 */
function rewriteNumericDates(s: string): string {
  return s
    .replace(/\b(\d{4})\/(\d{1,2})\/(\d{1,2})\b/g, '$1-$2-$3')
    .replace(/\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b/g, '$3-$2-$1')
    .replace(/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g, (match, a: string, b: string, y: string) => {
      if (+a > 12 && +b <= 12) return `${y}-${b}-${a}`;
      if (+b > 12 && +a <= 12) return `${y}-${a}-${b}`;
      return match;
    });
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{1,2})?|[A-Za-z]{1,5})?$/i;

function parseIso(s: string): number | undefined {
  const iso = ISO.exec(s);
  if (!iso) return undefined;
  const off = parseOffset(iso[7]);
  if (off === undefined) return undefined;
  return utc(+iso[1], +iso[2] - 1, +iso[3], +(iso[4] ?? 0), +(iso[5] ?? 0), +(iso[6] ?? 0), off);
}

/** Lowercased, accents, punctuation, ordinals and joining words removed: "mardi 3 mars 2026 16 h 05 +0100". */
function foldWords(s: string): string {
  return fold(s)
    .replace(/\b([ap])\.? ?m\.?(?=[\s,;)]|$)/g, '$1m')
    .replace(/\b(\d{1,2})(?:er|re|st|nd|rd|th)\b/g, '$1')
    .replace(/[.,;()[\]]/g, ' ')
    .split(/\s+/)
    .filter((word) => word && !FILLERS.has(word))
    .join(' ');
}

// The time and zone after a date: "16:05", "4:05:09 pm", "4 pm", "16 h 05", "16h", then "+0100",
// "gmt+1" or a zone name.
const TAIL =
  /^(?:(\d{1,2})(?:(?: ?(:) ?| ?(h) ?)(\d{2})?(?::(\d{2}))?)?(?: ?([ap]m))?)?(?: ?((?:gmt|utc|ut)?[+-]\d{1,2}(?::\d{1,2}|\d{2})?|[a-z]{1,5}))?$/;

function parseTail(y: number, mo: number, d: number, tail: string | undefined): number | undefined {
  if (!tail) return utc(y, mo, d, 0, 0, 0, 0);
  const m = TAIL.exec(tail);
  if (!m) return undefined;
  const [, hourText, colon, hSign, minuteText, secondText, meridiem, zone] = m;
  // A bare number after the date is no hour unless a clock says so ("4 pm", "16 h", "16:05").
  if (hourText !== undefined && !colon && !hSign && !meridiem) return undefined;
  if (colon && minuteText === undefined) return undefined;
  let hour = +(hourText ?? 0);
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
  }
  const off = parseOffset(zone);
  if (off === undefined) return undefined;
  return utc(y, mo, d, hour, +(minuteText ?? 0), +(secondText ?? 0), off);
}

const DAY_MONTH_YEAR = /^(?:([a-z]+) )?(\d{1,2}) ([a-z]+) (\d{2}|\d{4})(?: (.+))?$/;
const MONTH_DAY_YEAR = /^(?:([a-z]+) )?([a-z]+) (\d{1,2}) (\d{4})(?: (.+))?$/;

function parseWords(folded: string): number | undefined {
  const dmy = DAY_MONTH_YEAR.exec(folded);
  if (dmy && (dmy[1] === undefined || WEEKDAYS.has(dmy[1])) && MONTHS[dmy[3]] !== undefined) {
    return parseTail(expandYear(+dmy[4], dmy[4].length), MONTHS[dmy[3]], +dmy[2], dmy[5]);
  }
  const mdy = MONTH_DAY_YEAR.exec(folded);
  if (mdy && (mdy[1] === undefined || WEEKDAYS.has(mdy[1])) && MONTHS[mdy[2]] !== undefined) {
    return parseTail(+mdy[4], MONTHS[mdy[2]], +mdy[3], mdy[5]);
  }
  return undefined;
}

function parseWhole(s: string): number | undefined {
  return parseIso(s) ?? parseWords(foldWords(s));
}

/** Where a date may start inside a phrase: an ISO date, "14 decembre 2026", "december 14 2026". */
const DATE_START = /\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2} [a-z]+ \d{4}\b|\b[a-z]+ \d{1,2} \d{4}\b/g;

/**
 * A date inside a short phrase ("posted on march 3 2026 by admin", "publie le 3 mars 2026"): the
 * first place a date starts, with as much of what follows as still reads as its time and zone.
 * Only tried when the phrase holds a word that is not date vocabulary, so that a malformed
 * timestamp ("2003-12-31T25:14:55Z") is refused rather than read in part.
 */
function parseInPhrase(folded: string): number | undefined {
  const words = folded.split(' ');
  const known = (w: string) => /\d/.test(w) || MONTHS[w] !== undefined || WEEKDAYS.has(w) || ZONES[w.toUpperCase()] !== undefined || /^[ap]m$|^h$/.test(w);
  if (words.every(known) || folded.length > 300) return undefined;
  for (const match of folded.matchAll(DATE_START)) {
    const before = folded.slice(0, match.index).split(' ').filter(Boolean).length;
    const core = match[0].split(' ').length;
    for (let extra = Math.min(5, words.length - before - core); extra >= 0; extra--) {
      const t = parseWhole(words.slice(before, before + core + extra).join(' '));
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

/** RSS's own form, "Sun, 01 Nov 2026 10:00:00 GMT", which most feeds write. */
const RFC_822 = /^(?:([a-z]+),? )?(\d{1,2}) ([a-z]+) (\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ([a-z]{1,5}|[+-]\d{4})$/i;

/**
 * The time of a date in RSS's form, read as the general path below reads it, or undefined when
 * the text is not quite that form (the general path then decides): a shortcut, never a second reading.
 */
function parseRfc822(s: string): number | undefined {
  const m = RFC_822.exec(s);
  if (!m) return undefined;
  const [, weekday, day, monthName, year, hour, minute, second, zone] = m;
  const month = MONTHS[monthName.toLowerCase()];
  // A zone that is also a joining word ("at") is dropped by the general path: not a shortcut case.
  if (month === undefined || (weekday !== undefined && !WEEKDAYS.has(weekday.toLowerCase())) || FILLERS.has(zone.toLowerCase())) return undefined;
  const offset = parseOffset(zone);
  if (offset === undefined) return undefined;
  return utc(+year, month, +day, +hour, +minute, +(second ?? 0), offset);
}

/** Parses a date string from a feed or a page. Returns undefined when nothing sensible can be read. */
export function parseFeedDate(raw: string | undefined | null): Date | undefined {
  if (raw == null) return undefined;
  const s = String(raw).trim().replace(/\s+/g, ' ');
  if (!s) return undefined;

  // Unix epoch seconds (or milliseconds), as some generators emit.
  if (/^\d{9,13}$/.test(s)) {
    const n = Number(s);
    return new Date(s.length > 11 ? n : n * 1000);
  }

  const rfc822 = parseRfc822(s);
  if (rfc822 !== undefined) return new Date(rfc822);
  const rewritten = rewriteNumericDates(s);
  const t = parseWhole(rewritten) ?? parseInPhrase(foldWords(rewritten));
  return t === undefined ? undefined : new Date(t);
}

/** A date we trust for ordering: inside [1990-01-01, now + 2 days]; anything else is not one. */
export function plausibleDate(date: Date | undefined, now: Date): Date | undefined {
  if (!date) return undefined;
  const t = date.getTime();
  if (!Number.isFinite(t) || t < EARLIEST || t > now.getTime() + FUTURE_SLACK_MS) return undefined;
  return date;
}
