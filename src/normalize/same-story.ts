// Decides whether two items tell the same story: a duplicate (one story cross-posted by
// another source: joins its cluster) or a translation (the English and French versions from one
// organization: linked, never merged). Cheap enough for every candidate pair the store finds
// (same canonical URL, or a shared fingerprint band, inside the time window).
import type { ItemLanguage } from '../core/types.ts';
import { fingerprintDistance, fingerprintHalves, type FingerprintHalves } from './fingerprint.ts';
import { contentWords, foldAccents } from './words.ts';

export interface StoryFacts {
  sourceSlug: string;
  organization: string;
  url?: string;
  canonicalUrl?: string;
  translationKey?: string;
  title: string;
  summary: string;
  language: ItemLanguage;
  publishedAt: Date;
  fingerprint: string;
  /** Canonical URLs the item itself names as its other-language versions (Atom rel="alternate" hreflang). */
  alternateUrls?: string[];
}

export interface SameStoryOptions {
  /** Near-identical text only counts inside this many days. */
  windowDays?: number;
  /** SimHash distance under which title + summary are the same text. */
  nearIdenticalBits?: number;
}

export type StoryRelation = 'duplicate' | 'translation' | null;

const DEFAULTS: Required<SameStoryOptions> = { windowDays: 4, nearIdenticalBits: 3 };

/** Words a platform adds to a headline it reposts; they neither make nor break a match. */
const DECORATION = new Set(
  ('new nouveau nouvelle nouveaux nouvelles now maintenant available disponible update mise jour reminder rappel read lire more plus ' +
    'via repost shared partage news nouvelles recap launch launches launched lance lancement released releases publie publiee today ' +
    'aujourd hui upcoming prochain prochaine open opens ouvert ouverte ouverts ouvertes').split(' '),
);

const MONTHS = new Set(
  ('january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec ' +
    'janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre janv fevr avr juil').split(' '),
);

/** Month abbreviations a shortened headline uses ("Jan. 15", "15 janv."), spelled out. */
const MONTH_ABBREVIATIONS: Record<string, string> = {
  jan: 'january', feb: 'february', mar: 'march', apr: 'april', jun: 'june', jul: 'july', aug: 'august', sep: 'september',
  sept: 'september', oct: 'october', nov: 'november', dec: 'december', janv: 'janvier', fevr: 'fevrier', avr: 'avril', juil: 'juillet',
};

/** 'duplicate', 'translation' or null for a candidate pair; symmetric. */
export function compareStories(a: StoryFacts, b: StoryFacts, options: SameStoryOptions = {}): StoryRelation {
  const opts = { ...DEFAULTS, ...options };
  if (a.language !== b.language) return isTranslation(a, b) ? 'translation' : null;
  // Within one source, the source's own GUIDs say what is one item; two items are two stories.
  if (a.sourceSlug === b.sourceSlug) return null;
  if (a.canonicalUrl && a.canonicalUrl === b.canonicalUrl) return 'duplicate';

  const days = Math.abs(a.publishedAt.getTime() - b.publishedAt.getTime()) / 86_400_000;
  if (days > opts.windowDays) return null;

  const da = derived(a);
  const db = derived(b);
  const titleA = da.titleWords;
  const titleB = db.titleWords;
  const titleSimilarity = overlap(titleA, titleB);
  const nearIdentical = fingerprintDistance(da.fingerprint, db.fingerprint) <= opts.nearIdenticalBits;
  // Most candidates fail here, before their summaries are compared.
  if (titleSimilarity < 0.5 && !nearIdentical) return null;
  const summarySimilarity = overlap(da.summaryWords, db.summaryWords);
  const shortSummaries = Math.min(a.summary.length, b.summary.length) < 40;
  const sameHeadline = titleSimilarity >= 0.8 && (summarySimilarity >= 0.5 || shortSummaries);
  const editedHeadline = titleSimilarity >= 0.5 && summarySimilarity >= 0.7;
  // The vetoes below only ever turn a match into none.
  if (!sameHeadline && !editedHeadline && !nearIdentical) return null;

  // A different date, number or issue in the titles is a different occurrence of a series; a
  // different place or name on each side is a different posting of one template.
  if (substitutes(titleA, titleB, isNumberOrMonth)) return null;
  if (swapsNames(...spelledOut(da.names, db.names, da.titleList, db.titleList), titleA, titleB)) return null;
  if (substitutes(da.summaryDates, db.summaryDates, () => true)) return null;

  // Same headline, and the bodies agree (or one has none to compare).
  if (sameHeadline) return 'duplicate';
  // An edited headline over the same body, or nearly the same text throughout; a word swapped on
  // both sides (city, program) is a different posting.
  if (!substitutes(titleA, titleB, () => true)) return 'duplicate';
  return null;
}

/** What the comparison reads from an item's text, worked out once per item. */
interface Derived {
  titleWords: Set<string>;
  /** The title's words in order, for acronyms spelled out on the other side. */
  titleList: string[];
  names: Set<string>;
  summaryWords: Set<string>;
  summaryDates: Set<string>;
  fingerprint: FingerprintHalves;
}

/**
 * The store compares each new item with every candidate in its window, so one item meets many
 * others: its words are split once and kept with the (unchanging) facts object, not once a pair.
 */
const derivedOf = new WeakMap<StoryFacts, Derived>();

function derived(facts: StoryFacts): Derived {
  let d = derivedOf.get(facts);
  if (!d) {
    d = { titleWords: titleWords(facts.title), titleList: contentWords(facts.title), names: namesIn(facts.title), summaryWords: new Set(contentWords(facts.summary)), summaryDates: datesIn(facts.summary), fingerprint: fingerprintHalves(facts.fingerprint) };
    derivedOf.set(facts, d);
  }
  return d;
}

function isTranslation(a: StoryFacts, b: StoryFacts): boolean {
  const pair = new Set([a.language, b.language]);
  if (!(pair.has('en') && pair.has('fr'))) return false;
  const aUrl = a.canonicalUrl;
  const bUrl = b.canonicalUrl;
  if ((bUrl && a.alternateUrls?.includes(bUrl)) || (aUrl && b.alternateUrls?.includes(aUrl))) return true;
  if (!a.translationKey || a.translationKey !== b.translationKey || aUrl === bUrl) return false;
  return sameOrganization(a, b);
}

/** Organizations name themselves per language in feeds.yaml ("Canadian Council for Refugees" / "Conseil canadien pour les réfugiés"); one site is one organization. */
function sameOrganization(a: StoryFacts, b: StoryFacts): boolean {
  if (foldAccents(a.organization).toLowerCase().trim() === foldAccents(b.organization).toLowerCase().trim()) return true;
  const hostA = hostOf(a.canonicalUrl ?? a.url);
  return hostA !== '' && hostA === hostOf(b.canonicalUrl ?? b.url);
}

function titleWords(title: string): Set<string> {
  return new Set(contentWords(title).filter((w) => !DECORATION.has(w)).map((w) => MONTH_ABBREVIATIONS[w] ?? w));
}

/** Month-day and day-month mentions ("March 5", "5 mars"), normalised to "month day". */
function datesIn(text: string): Set<string> {
  const words = contentWords(text);
  const dates = new Set<string>();
  words.forEach((w, i) => {
    if (!MONTHS.has(w)) return;
    const month = w.slice(0, 3);
    if (/^\d{1,2}$/.test(words[i + 1] ?? '')) dates.add(`${month} ${Number(words[i + 1])}`);
    else if (/^\d{1,2}$/.test(words[i - 1] ?? '')) dates.add(`${month} ${Number(words[i - 1])}`);
  });
  return dates;
}

/** True when each side has something of `kind` the other lacks: a swap, not an addition. */
function substitutes(a: Set<string>, b: Set<string>, kind: (w: string) => boolean): boolean {
  const onlyA = [...a].some((w) => kind(w) && !b.has(w));
  const onlyB = [...b].some((w) => kind(w) && !a.has(w));
  return onlyA && onlyB;
}

/**
 * The names of each headline without an acronym the other spells out ("AGM" / "Annual General
 * Meeting"), and without the words that spell it.
 */
function spelledOut(namesA: Set<string>, namesB: Set<string>, listA: string[], listB: string[]): [Set<string>, Set<string>] {
  const a = new Set(namesA);
  const b = new Set(namesB);
  const drop = (names: Set<string>, other: Set<string>, otherList: string[]) => {
    for (const name of [...names]) {
      if (name.length < 2 || name.length > 6 || !/^[a-z]+$/.test(name)) continue;
      for (let i = 0; i + name.length <= otherList.length; i++) {
        const run = otherList.slice(i, i + name.length);
        if (run.map((w) => w[0]).join('') !== name) continue;
        names.delete(name);
        for (const w of run) other.delete(w);
        break;
      }
    }
  };
  drop(a, b, listB);
  drop(b, a, listA);
  return [a, b];
}

/** True when each headline has a name (a capitalised word that does not open it) the other lacks. */
function swapsNames(namesOfA: Set<string>, namesOfB: Set<string>, wordsA: Set<string>, wordsB: Set<string>): boolean {
  const namesA = [...namesOfA].filter((w) => !wordsB.has(w));
  const namesB = [...namesOfB].filter((w) => !wordsA.has(w));
  return namesA.length > 0 && namesB.length > 0;
}

/**
 * Capitalised words that do not open the headline or a part after a colon, where capitals are
 * mere convention ("Job Posting: Youth Worker — Brooks" → posting, worker, brooks).
 */
function namesIn(title: string): Set<string> {
  const names = new Set<string>();
  for (const part of title.split(/[:|]/)) {
    const words = part.match(/[\p{L}\p{N}]+/gu) ?? [];
    words.slice(1).forEach((w) => {
      if (!/^\p{Lu}/u.test(w)) return;
      const folded = foldAccents(w).toLowerCase();
      names.add(MONTH_ABBREVIATIONS[folded] ?? folded);
    });
  }
  return names;
}

function isNumberOrMonth(word: string): boolean {
  return /\d/.test(word) || MONTHS.has(word);
}

/**
 * Overlap coefficient: shared words over the smaller set, so a headline with words added still
 * matches; Jaccard when one side has under three words, where containment proves nothing.
 */
function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const smaller = Math.min(a.size, b.size);
  return smaller < 3 ? shared / (a.size + b.size - shared) : shared / smaller;
}

function hostOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).hostname.replace(/^(?:www|en|fr)\./, '');
  } catch {
    return '';
  }
}
