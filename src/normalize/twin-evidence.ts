// What survives translation, read from one item: its numbers and amounts, dates and times, proper
// names and acronyms, e-mail and web addresses, images and attachments, and its words as the
// lexicon's ideas. Two texts that are one text in two languages share these; twins.ts weighs them.
import type { ItemLanguage } from '../core/types.ts';
import { translationKey } from './canonical-url.ts';
import { conceptsOf, type Lexicon } from './lexicon.ts';
import { htmlToText } from './text.ts';
import { foldAccents } from './words.ts';

export interface TwinInput {
  title: string;
  summary: string;
  /** Sanitized HTML; its links and images are evidence. */
  contentHtml?: string;
  url?: string;
  enclosureUrl?: string;
  language: ItemLanguage;
}

export interface TwinEvidence {
  /** The title as lexicon ideas ("=c12") and leftover stems. */
  title: string[];
  /** The summary (or the start of the content) the same way. */
  body: string[];
  /** Sums of money, as plain numbers ("1500000"). */
  amounts: Set<string>;
  /** Other numbers of two digits or more that are not years. */
  numbers: Set<string>;
  /** Years mentioned. */
  years: Set<string>;
  /** Month-day dates ("04-01") and times of day ("13:30"). */
  dates: Set<string>;
  /** Numbers and dates the title itself holds: a series' episodes differ there. */
  titleMarks: Set<string>;
  /** Capitalised words inside sentences, folded; acronyms as written. */
  names: Set<string>;
  /** E-mail addresses, links (language markers set aside), images and attachments. */
  links: Set<string>;
  /** The lexicon's places named in the title and body. */
  places: Set<string>;
}

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  janvier: 1, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, aout: 8, septembre: 9, octobre: 10, novembre: 11, decembre: 12,
  janv: 1, fevr: 2, avr: 4, juil: 7,
};
const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
/** "25 mai", "du 25 au 27 mai", "les 20 et 21 novembre", "1er avril". */
const DAY_MONTH = new RegExp(`\\b(?:(\\d{1,2})(?:er)?\\s*(?:au|et|-|–|to|and)\\s*)?(\\d{1,2})(?:er|st|nd|rd|th)?\\s+(${MONTH_NAMES})\\.?\\b`, 'gi');
/** "May 25", "May 25-27", "May 25 to 27", "Jan. 15". */
const MONTH_DAY = new RegExp(`\\b(${MONTH_NAMES})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:\\s*(?:-|–|to|and)\\s*(\\d{1,2})(?:st|nd|rd|th)?)?\\b(?!\\s*[,.]?\\d{3})`, 'gi');
const ISO_DATE = /\b(20\d\d)-(\d\d)-(\d\d)\b/g;
/** "1:30 p.m.", "1 p.m.", "13 h 30", "13h", "13:30". */
const TIME_12 = /\b(\d{1,2})(?::(\d\d))?\s*([ap])\.?\s?m\b\.?/gi;
const TIME_24 = /\b(\d{1,2})(?:\s?h(?![a-z])\s?(\d\d)?|:(\d\d))(?!\d)(?!\s*[ap]\.?\s?m\b)/gi;

/** Words that open sentences or are capitalised by convention, not names. */
const NOT_NAMES = new Set(
  ('the this these those that there their our we it in on at for from with and or of to by as an a if when what who how why new le la les un une des du de ' +
    'en au aux dans pour par sur avec et ou il elle ils elles nous vous ce cette ces notre nos votre vos leur leurs monday tuesday wednesday thursday friday ' +
    'saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche english french canadian canadians ' + Object.keys(MONTHS).join(' ')).split(' '),
);

/** The evidence of one item; pure and cheap (a few regular expressions over a few hundred characters). */
export function twinEvidence(input: TwinInput, lexicon: Lexicon): TwinEvidence {
  const contentText = input.contentHtml ? htmlToText(input.contentHtml) : '';
  // The summary is usually the content's start; the content adds what a short summary cut.
  const bodyText = contentText.length > input.summary.length ? contentText.slice(0, 1500) : input.summary;
  const title = conceptsOf(input.title, lexicon);
  const body = conceptsOf(bodyText.slice(0, 600), lexicon);
  const all = `${input.title}\n${bodyText}`;
  const fr = input.language === 'fr';

  const amounts = new Set<string>();
  const numbers = new Set<string>();
  const years = new Set<string>();
  for (const n of numbersIn(all, fr)) {
    if (n.money) amounts.add(n.value);
    else if (/^(?:19|20)\d\d$/.test(n.value)) years.add(n.value);
    else if (Number(n.value) >= 10) numbers.add(n.value);
  }
  const dates = datesIn(all);
  const titleMarks = new Set([...datesIn(input.title), ...numbersIn(input.title, fr).map((n) => n.value)]);

  const names = namesIn(bodyText);
  for (const a of input.title.match(/\b[A-Z][A-Z0-9]{1,7}\b/g) ?? []) names.add(a);
  for (const a of bodyText.match(/\b[A-Z][A-Z0-9]{1,7}\b/g) ?? []) names.add(a);

  const links = new Set<string>();
  const own = input.url ? translationKey(input.url) : undefined;
  for (const email of all.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? []) links.add(`mailto:${email.toLowerCase()}`);
  for (const m of (input.contentHtml ?? '').matchAll(/\s(?:href|src)="([^"]+)"/g)) addLink(links, decodeAmp(m[1]), own);
  if (input.enclosureUrl) addLink(links, input.enclosureUrl, own);

  const places = new Set([...title, ...body].filter((t) => t.startsWith('=') && lexicon.places.has(t.slice(1))));
  return { title, body, amounts, numbers, years, dates, titleMarks, names, links, places };
}

interface FoundNumber {
  value: string;
  money: boolean;
}

/**
 * Numbers as values, read the way each language writes them: "$1.5 million" and
 * "1,5 million $" are both 1500000; "2,500" in English and "2 500" in French are 2500.
 */
function numbersIn(text: string, french: boolean): FoundNumber[] {
  const found: FoundNumber[] = [];
  const pattern = french
    ? /(\$\s?)?\b(\d{1,3}(?:[  \u202f.]\d{3})+|\d+)(?:,(\d+))?(?:\s?([Mm]illions?|[Mm]illiards?|M|G)\b)?(\s?(?:\$|de dollars|dollars))?/g
    : /(\$\s?)?\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s?([Mm]illion|[Bb]illion|M|B)\b)?(\s?dollars)?/g;
  for (const m of text.matchAll(pattern)) {
    // Times and dates are read apart; a number glued to letters (a version, "B2") is a name.
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 1);
    if (/^[:hH]/.test(after) && !m[4]) continue;
    const whole = Number(m[2].replace(/[^\d]/g, ''));
    const fraction = m[3] ? Number(`0.${m[3]}`) : 0;
    const scale = m[4] ? (/^(?:billion|milliard|B|G)/i.test(m[4]) ? 1e9 : 1e6) : 1;
    const value = Math.round((whole + fraction) * scale);
    found.push({ value: String(value), money: Boolean(m[1] || m[5]) });
  }
  return found;
}

function datesIn(text: string): Set<string> {
  const dates = new Set<string>();
  const add = (month: number | undefined, day: number) => {
    if (month && day >= 1 && day <= 31) dates.add(`${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  };
  const folded = foldAccents(text);
  for (const m of folded.matchAll(DAY_MONTH)) {
    add(MONTHS[m[3].toLowerCase()], Number(m[2]));
    if (m[1]) add(MONTHS[m[3].toLowerCase()], Number(m[1]));
  }
  for (const m of folded.matchAll(MONTH_DAY)) {
    add(MONTHS[m[1].toLowerCase()], Number(m[2]));
    if (m[3]) add(MONTHS[m[1].toLowerCase()], Number(m[3]));
  }
  for (const m of folded.matchAll(ISO_DATE)) add(Number(m[2]), Number(m[3]));
  for (const m of folded.matchAll(TIME_12)) {
    const hour = (Number(m[1]) % 12) + (m[3].toLowerCase() === 'p' ? 12 : 0);
    dates.add(`${String(hour).padStart(2, '0')}:${m[2] ?? '00'}`);
  }
  for (const m of folded.matchAll(TIME_24)) {
    const hour = Number(m[1]);
    if (hour <= 23) dates.add(`${String(hour).padStart(2, '0')}:${m[2] ?? m[3] ?? '00'}`);
  }
  return dates;
}

/** Capitalised words that do not open a sentence: places, people, programs' own names. */
function namesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const sentence of text.split(/[.!?:;]\s+|\n/)) {
    const words = sentence.match(/[\p{L}][\p{L}’'-]*/gu) ?? [];
    words.slice(1).forEach((w) => {
      if (!/^\p{Lu}\p{Ll}/u.test(w)) return;
      const folded = foldAccents(w).toLowerCase().replace(/[’'].*$/, '');
      if (folded.length > 2 && !NOT_NAMES.has(folded)) names.add(folded);
    });
  }
  return names;
}

function addLink(links: Set<string>, url: string, own: string | undefined): void {
  if (url.startsWith('mailto:')) {
    links.add(url.toLowerCase().split('?')[0]);
    return;
  }
  if (!/^https?:/i.test(url)) return;
  const key = translationKey(url);
  // A site's home page, or the item's own page, is on every post: no evidence.
  if (key === own || !/\/[^/?]/.test(key.replace(/^[^/]*/, ''))) return;
  links.add(key);
}

function decodeAmp(url: string): string {
  return url.replace(/&amp;/g, '&');
}
