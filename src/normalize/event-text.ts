// Dates and times as event notices write them, in English and French: "Thursday, December 14,
// 1–2:30 p.m. ET", "le jeudi 14 décembre de 13 h à 14 h 30 (HNE)", "Jan. 15", "du 3 au 5 mars
// 2027", "December 14, 2026 | 10:00 AM PST", "14 janvier 2027 @ 12 h 00 min", "Sat, Feb 13, 2027,
// 10:00 AM – 2:00 PM PST" — and which of the dates in a text is the event's own: not a
// registration deadline, a posting date, an effective date or last year's edition.
//
// Our own grammar rather than a general date parser: the French forms settlement notices use
// ("13 h 30", "de 9 h à midi", "HNE") are what general parsers read worst, and the cues that
// tell an event's date from a deadline are ours to decide anyway.
import { readZone } from './event-zone.ts';
import { foldAccents } from './words.ts';

export interface DayDate {
  /** Undefined when the text leaves the year out. */
  year?: number;
  month: number;
  day: number;
}

export interface ClockTime {
  hour: number;
  minute: number;
}

/** One date (or range) the text mentions, with the times and zone written with it. */
export interface DateMention {
  index: number;
  end: number;
  start: DayDate;
  endDate?: DayDate;
  startTime?: ClockTime;
  endTime?: ClockTime;
  /** "All day", "Toute la journée". */
  allDay?: boolean;
  zone?: string;
  /** An abbreviation that stands where a zone would, and is none we know (CEST, IST…). */
  unknownZone?: string;
  /** Set by scoring: how much the context says this is the event's own date. */
  score?: number;
}

const MONTH_NAMES: [string, number][] = [
  ['january', 1], ['jan', 1], ['janvier', 1], ['janv', 1],
  ['february', 2], ['feb', 2], ['febr', 2], ['fevrier', 2], ['fevr', 2], ['fev', 2],
  ['march', 3], ['mar', 3], ['mars', 3],
  ['april', 4], ['apr', 4], ['avril', 4], ['avr', 4],
  ['may', 5], ['mai', 5],
  ['june', 6], ['jun', 6], ['juin', 6],
  ['july', 7], ['jul', 7], ['juillet', 7], ['juil', 7],
  ['august', 8], ['aug', 8], ['aout', 8],
  ['september', 9], ['sept', 9], ['sep', 9], ['septembre', 9],
  ['october', 10], ['oct', 10], ['octobre', 10],
  ['november', 11], ['nov', 11], ['novembre', 11],
  ['december', 12], ['dec', 12], ['decembre', 12],
];
const MONTH_OF = new Map(MONTH_NAMES);

const WEEKDAYS =
  'monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thu|friday|fri|saturday|sat|sunday|sun|' +
  'lundi|lun|mardi|mar|mercredi|mer|jeudi|jeu|vendredi|ven|samedi|sam|dimanche|dim';

function monthAlternation(language: 'en' | 'fr'): string {
  // In French "mar." is Tuesday (mardi); March is "mars".
  const names = MONTH_NAMES.map(([n]) => n).filter((n) => !(language === 'fr' && n === 'mar'));
  return names.sort((a, b) => b.length - a.length).join('|');
}

const DAY = '(\\d{1,2})(?:st|nd|rd|th|er|re|e)?';
const WD = `(?:(?:${WEEKDAYS})\\.?,?\\s+)?`;

function datePatterns(language: 'en' | 'fr') {
  const MONTH = `(${monthAlternation(language)})\\.?(?![a-z])`;
  return {
    // "December 14", "Tue, Apr 20, 2027", "March 3-5, 2027", "March 3 and 4".
    monthFirst: new RegExp(
      `(?<![a-z0-9])${WD}(?:the\\s+)?${MONTH}\\s*${DAY}(?![\\d:])(?:\\s*(?:-|to|through|and|&)\\s*${DAY}(?![\\d:h]))?(?:(?:,\\s*|\\s+)(\\d{4})(?!\\d))?`,
      'g',
    ),
    // "14 décembre 2026", "le mardi 8 décembre", "du 3 au 5 mars 2027", "les 20 et 21 février".
    dayFirst: new RegExp(
      `(?<![a-z0-9])${WD}(?:(?:le|les|du|the)\\s+)?${WD}${DAY}(?:\\s*(?:-|au|et|a|&|to|and)\\s*${DAY})?\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4})(?!\\d))?`,
      'g',
    ),
  };
}

const PATTERNS = { en: datePatterns('en'), fr: datePatterns('fr') };
const ISO_DATE = /(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d])/g;
const NUMERIC_DATE = /(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4})(?![\d/])/g;

/**
 * The text folded for matching, one character for one so that positions match the original:
 * lower case, accents off, dashes, apostrophes and no-break spaces made plain.
 */
export function foldForDates(text: string): string {
  // The same text is folded by each step that reads it: keep the last one.
  if (text === lastFolded.text) return lastFolded.folded;
  const lower = text.toLowerCase();
  const folded =
    lower.length === text.length ? lower.replace(/[^\u0000-\u007f]/g, foldChar) : [...text].map((c) => foldChar(c.toLowerCase().length === 1 ? c.toLowerCase() : c)).join('');
  lastFolded = { text, folded };
  return folded;
}
let lastFolded = { text: '', folded: '' };

function foldChar(c: string): string {
  let f = FOLD_CACHE.get(c);
  if (f === undefined) {
    f = c;
    if (/[\u2010-\u2015\u2212]/.test(c)) f = '-';
    else if (/[\u2018\u2019\u02bc]/.test(c)) f = "'";
    else if (/[\u00a0\u202f\u2007\u2009]/.test(c)) f = ' ';
    else {
      const folded = foldAccents(c);
      if (folded.length === c.length) f = folded;
    }
    FOLD_CACHE.set(c, f);
  }
  return f;
}
const FOLD_CACHE = new Map<string, string>();

/** Every date the text mentions, in order, with the times and zone written just after it. */
export function findDateMentions(text: string, language: 'en' | 'fr' = 'en'): DateMention[] {
  const folded = foldForDates(text);
  if (!/\d/.test(folded)) return [];
  const found: DateMention[] = [];
  const { monthFirst, dayFirst } = PATTERNS[language];
  for (const m of folded.matchAll(monthFirst)) {
    const month = MONTH_OF.get(m[1])!;
    const year = m[4] ? Number(m[4]) : undefined;
    found.push(withRange(m.index, m.index + m[0].length, month, Number(m[2]), m[3] ? Number(m[3]) : undefined, year));
  }
  for (const m of folded.matchAll(dayFirst)) {
    const month = MONTH_OF.get(m[3])!;
    const year = m[4] ? Number(m[4]) : undefined;
    found.push(withRange(m.index, m.index + m[0].length, month, Number(m[1]), m[2] ? Number(m[2]) : undefined, year));
  }
  for (const m of folded.matchAll(ISO_DATE)) {
    found.push({ index: m.index, end: m.index + m[0].length, start: { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } });
  }
  for (const m of folded.matchAll(NUMERIC_DATE)) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    // 03/02/2027 is 3 February in French and March 2 in English, unless one side is over 12.
    const dayFirst = a > 12 || (b <= 12 && language === 'fr');
    found.push({ index: m.index, end: m.index + m[0].length, start: { year: Number(m[3]), month: dayFirst ? b : a, day: dayFirst ? a : b } });
  }
  const mentions = withoutOverlaps(found);
  for (const mention of mentions) attachTime(mention, folded, text);
  return mergeRanges(mentions, folded);
}

function withRange(index: number, end: number, month: number, day: number, lastDay: number | undefined, year: number | undefined): DateMention {
  const mention: DateMention = { index, end, start: { year, month, day } };
  if (lastDay !== undefined) mention.endDate = { year, month, day: lastDay };
  return mention;
}

/** Longest first where two readings overlap ("mar. 20 avr." is one date, not two). */
function withoutOverlaps(found: DateMention[]): DateMention[] {
  found.sort((a, b) => a.index - b.index || b.end - a.end);
  const kept: DateMention[] = [];
  for (const m of found) {
    const last = kept[kept.length - 1];
    if (last && m.index < last.end) {
      if (m.end - m.index > last.end - last.index) kept[kept.length - 1] = m;
      continue;
    }
    kept.push(m);
  }
  return kept;
}

// A time of day: "1 p.m.", "1:30pm", "10:00 AM", "13 h", "13 h 30", "13h30", "13 h 00 min", "13:00", "noon", "midi".
const CLOCK = '(?:(\\d{1,2})(?::(\\d{2}))?\\s*([ap])\\.?\\s?m\\.?(?![a-z])|(\\d{1,2})\\s*h(?:eures?)?(?![a-z])\\s*(\\d{2})?(?:\\s*min(?![a-z]))?|(\\d{1,2}):(\\d{2})|(noon|midday|midi|midnight|minuit)(?![a-z]))';
// The first time of a range may leave its a.m./p.m. to the second: "1–2:30 p.m.", "12 - 1:30pm".
const BARE = '(\\d{1,2})(?::(\\d{2}))?';
const RANGE_SEPARATOR = '\\s*(?:-|to|until|till|a|au|jusqu\'a)\\s*';
const TIME_RANGE = new RegExp(`(?:${CLOCK}|${BARE}(?=${RANGE_SEPARATOR}${CLOCK}))(?:${RANGE_SEPARATOR}${CLOCK})?`, 'y');
const ALL_DAY = /(?:all[- ]day|toute la journee)(?![a-z])/y;

interface ReadTime extends ClockTime {
  meridiem?: 'a' | 'p';
}

function clockOf(g: (string | undefined)[], at: number): ReadTime | undefined {
  if (g[at] !== undefined) return { hour: Number(g[at]), minute: Number(g[at + 1] ?? 0), meridiem: g[at + 2] as 'a' | 'p' };
  if (g[at + 3] !== undefined) return { hour: Number(g[at + 3]), minute: Number(g[at + 4] ?? 0) };
  if (g[at + 5] !== undefined) return { hour: Number(g[at + 5]), minute: Number(g[at + 6]) };
  if (g[at + 7] !== undefined) return { hour: /^(?:midnight|minuit)$/.test(g[at + 7]!) ? 0 : 12, minute: 0 };
  return undefined;
}

function to24(t: ReadTime, meridiem: 'a' | 'p' | undefined): ClockTime {
  if (!meridiem) return { hour: t.hour, minute: t.minute };
  return { hour: (t.hour % 12) + (meridiem === 'p' ? 12 : 0), minute: t.minute };
}

/** What may stand between a date and its time: punctuation, "at", "de", "from", "Time:", "Heure :". */
const LEAD = /(?:[^a-z0-9.]|\.(?=\s*(?:time|times|heure|heures|horaire|when|quand|hour)\b)|(?:at|a|de|des|from|starting|starts|time|times|heure|heures|horaire|hour|hours|when|quand|le|the)(?![a-z]))/y;

function attachTime(mention: DateMention, folded: string, original: string): void {
  let at = mention.end;
  const limit = Math.min(folded.length, mention.end + 40);
  for (;;) {
    LEAD.lastIndex = at;
    const lead = LEAD.exec(folded);
    if (!lead || at >= limit) break;
    at += lead[0].length;
  }
  ALL_DAY.lastIndex = at;
  const allDay = ALL_DAY.exec(folded);
  if (allDay) {
    mention.allDay = true;
    mention.end = at + allDay[0].length;
    return;
  }
  TIME_RANGE.lastIndex = at;
  const m = TIME_RANGE.exec(folded);
  if (!m) return;
  const g = [...m];
  // Groups: 1–8 the first clock, 9–10 a bare first time (11–18 its lookahead), 19–26 the second clock.
  const second = clockOf(g, 19);
  let first = clockOf(g, 1);
  if (!first && g[9] !== undefined) first = { hour: Number(g[9]), minute: Number(g[10] ?? 0) };
  if (!first || !validClock(first) || (second && !validClock(second))) return;
  let firstMeridiem = first.meridiem;
  if (!firstMeridiem && second?.meridiem && first.hour <= 12) {
    // "1–2:30 p.m.": the first takes the second's half of the day, unless that puts it after the second.
    const same = to24(first, second.meridiem);
    const end = to24(second, second.meridiem);
    firstMeridiem = same.hour * 60 + same.minute <= end.hour * 60 + end.minute ? second.meridiem : 'a';
  }
  mention.startTime = to24(first, firstMeridiem);
  if (second) mention.endTime = to24(second, second.meridiem);
  mention.end = at + m[0].length;
  const zone = readZone(original.slice(mention.end, mention.end + 48));
  if (zone) {
    if ('zone' in zone) mention.zone = zone.zone;
    else mention.unknownZone = zone.unknown;
    mention.end += zone.length;
  }
}

function validClock(t: ReadTime): boolean {
  return t.minute < 60 && (t.meridiem ? t.hour >= 1 && t.hour <= 12 : t.hour <= 24);
}

/** "Feb 3, 2027 - Feb 4, 2027", "du 30 juin au 2 juillet 2027", "Apr 20, 8:30 AM - Apr 21, 4:00 PM". */
const RANGE_JOIN = /^\s*(?:-|to|through|until|au|jusqu'au)\s*(?:(?:le|the)\s+)?$/;

function mergeRanges(mentions: DateMention[], folded: string): DateMention[] {
  const out: DateMention[] = [];
  for (const m of mentions) {
    const last = out[out.length - 1];
    if (last && !last.endDate && RANGE_JOIN.test(folded.slice(last.end, m.index))) {
      last.endDate = m.endDate ?? m.start;
      if (last.start.year === undefined && last.endDate.year !== undefined) {
        last.start.year = last.endDate.year - (last.start.month > last.endDate.month ? 1 : 0);
      }
      if (m.startTime) {
        // The second date's times: its own start is the range's end unless it gives a range itself.
        last.endTime = m.endTime ?? m.startTime;
        if (!last.startTime) last.startTime = m.startTime;
        if (m.endTime && last.startTime === m.startTime) last.endTime = m.endTime;
      }
      last.zone ??= m.zone;
      last.unknownZone ??= m.unknownZone;
      last.allDay ||= m.allDay;
      last.end = m.end;
      continue;
    }
    out.push(m);
  }
  for (const m of out) {
    if (m.endDate && m.endDate.year === undefined && m.start.year !== undefined) {
      m.endDate.year = m.start.year + (m.endDate.month < m.start.month ? 1 : 0);
    }
  }
  return out;
}

// Words just before a date that make it a deadline, a posting date, an effective date or a past
// edition rather than the event's own date. Checked on the few words before the date, in the
// same sentence.
const NOT_EVENT_NEAR = new RegExp(
  '(?:' +
    [
      'register', 'registration', 'registrations', 'rsvp', 'sign up', 'apply', 'applications?', 'deadline', 'due', 'closes?', 'closed', 'closing',
      'submit', 'submitted', 'submissions?', 'proposals?', 'abstracts?', 'presentations', 'posted', 'published', 'updated', 'released', 'issued',
      'early[- ]bird', 'sales end', 'ends', 'end', 'opens?', 'notified', 'confirm', 'book', 'start date', 'as of', 'effective', 'expires?',
      'extended', 'recordings?', 'recorded', 'report', 'decision', 'agenda', 'tickets available',
      'inscriptions?', 'inscrivez-vous', 'inscrire', "date limite(?: d'inscription)?", 'publie', 'publiee', 'mis a jour', 'confirmer', 'confirmez',
      'reservez', 'propositions?', 'candidatures?', 'soumettre', 'soumises', 'entree en fonction', 'a compter du', 'en vigueur', 'ferment',
      'se terminent', 'se termine', 'prend fin', 'ouvert', 'ouverte', 'ouvertes', 'enregistrements?', 'demandes?', 'reponses?', 'ordre du jour',
      'rapport', 'decision', 'rendue', 'tarif reduit', 'billets a tarif', 'unavailable', 'inaccessible', 'hors service', 'maintenance', 'entretien', 'closure', 'fermeture', 'ferme', 'fermee',
    ].join('|') +
    ")(?:\\s+[\\w'-]+){0,3}[\\s:,]*$",
);
const NOT_EVENT_JUST_BEFORE =
  /(?:\bby|\buntil|\bbefore|\bprior to|no later than|\bdue|avant(?: le)?|d'ici(?: le)?|jusqu'au|jusqu'a|au plus tard(?: le)?|\bdes le)[\s:,]*(?:the\s+|le\s+)?$/;
const PAST_NEAR = new RegExp(
  '(?:' +
    [
      'last year', "last year's", 'took place', 'was held', 'were held', 'gathered', 'welcomed', 'drew', 'attended', 'first held',
  "l'an dernier", "l'annee derniere", 'a eu lieu', 'ont eu lieu', "s'est tenue?", 'se sont reunies', 'a reuni', 'a accueilli', 'premiere fois',
    ].join('|') +
    ")(?:\\s+[\\w'-]+){0,4}[\\s:,]*$",
);
const PAST_AFTER =
  /^[\s,]*(?:\d{4}\s*)?(?:,\s*)?(?:more than|over|plus de)?\s*[\w\s]{0,30}?(?:gathered|were|drew|welcomed|celebrated|took part|participated|se sont|a reuni|a accueilli|ont ete|ont celebre|ont participe)(?![a-z])/;
const EVENT_NEAR = new RegExp(
  '(?:' +
    [
      'date', 'dates', 'when', 'quand', 'takes? place', 'will take place', 'will be held', 'is being held', 'aura lieu', 'auront lieu', 'se tiendra',
      'se tiendront', 'se deroule', 'se deroulera', 'join us', 'joignez-vous a nous', 'rejoignez-nous', 'invites?', 'invite', 'on', 'le', 'begins?',
      'commence', 'starts?', 'runs?', 'meets?', 'returns?', 'reunira', 'se reunit', '@',
    ].join('|') +
    ')[\\s:,]*(?:(?:the|le|les|du)\\s+)?$',
);

/** Sentence-bounded context before a mention: the last 60 characters, cut at a sentence end. */
function before(folded: string, index: number): string {
  const from = Math.max(0, index - 60);
  const slice = folded.slice(from, index);
  const cut = Math.max(slice.lastIndexOf('. '), slice.lastIndexOf('? '), slice.lastIndexOf('! '), slice.lastIndexOf('; '));
  return cut >= 0 ? slice.slice(cut + 2) : slice;
}

/**
 * Scores each mention for being the event's own date (see the cues above); `titleEnd` is where
 * the title stops in the text, a date there counts for a little more.
 */
export function scoreMentions(mentions: DateMention[], text: string, titleEnd: number): void {
  const folded = foldForDates(text);
  for (const m of mentions) {
    const context = before(folded, m.index);
    let score = 0;
    if (m.startTime) score += 3;
    if (m.allDay) score += 2;
    if (m.endDate) score += 0.5;
    if (m.index < titleEnd) score += 1;
    if (EVENT_NEAR.test(context)) score += 1.5;
    if (NOT_EVENT_NEAR.test(context) || NOT_EVENT_JUST_BEFORE.test(context)) score -= 6;
    if (PAST_NEAR.test(context) || PAST_AFTER.test(folded.slice(m.end, m.end + 60))) score -= 6;
    m.score = score;
  }
}

/**
 * The mention with the best score (the first of equals), when it is not one the cues rule out;
 * `within(outer, inner)` says whether one mention's day falls in another's range: a session on
 * one day of a conference or week is part of it, and the whole is the event.
 */
export function bestMention(mentions: DateMention[], within: (outer: DateMention, inner: DateMention) => boolean): DateMention | undefined {
  let best: DateMention | undefined;
  for (const m of mentions) if ((m.score ?? 0) > -1 && (!best || (m.score ?? 0) > (best.score ?? 0))) best = m;
  const whole = best && mentions.find((m) => m !== best && m.endDate && (m.score ?? 0) > -1 && within(m, best!));
  return whole ?? best;
}

/** A date written after a field label at the start of a sentence: "Date: …", "When: …", "Quand : …". */
const LABELLED_DATE = /(?:^|[.!?|:]\s+)(?:date|dates|when|quand)\s*:\s*$/;

/** True when the text gives the event's date and time as a labelled field, as event notices do. */
export function hasLabelledDateAndTime(mentions: DateMention[], text: string): boolean {
  const folded = foldForDates(text);
  return mentions.some((m) => m.startTime && LABELLED_DATE.test(folded.slice(Math.max(0, m.index - 40), m.index)));
}
