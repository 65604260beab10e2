// Decides, from their content, whether an English item and a French item are one text in two
// languages: published by one organization (or its sister source) close in time, with words that
// map onto each other through the lexicon or as cognates, and sharing what survives translation
// (twin-evidence.ts). A wrong link is worse than a missed one: anything that says "another
// occurrence" (another date, amount, number in the title, place) keeps the two apart.
import type { ItemLanguage } from '../core/types.ts';
import { translationKey } from './canonical-url.ts';
import { foldAccents } from './words.ts';
import type { TwinEvidence } from './twin-evidence.ts';

export interface TwinFacts {
  language: ItemLanguage;
  publishedAt: Date;
  /** The publisher keys of the item's source (publisherKeys): sister sources share one. */
  publisherKeys: readonly string[];
  evidence: TwinEvidence;
}

/** Twins are published together: the same minute on most sites, a translation at most a couple of days after. */
export const TWIN_WINDOW_MS = 60 * 3_600_000;

/**
 * Keys that one organization's sources share, whatever language each is in: its name (when both
 * feeds use the same one), its site (the site's or feed's host without `www.`, `en.`, `fr.`), and
 * its feed address with the language set aside (`?lang=en` / `?lang=fr`, `/en/` / `/fr/`). A bare
 * address or localhost names no site: many platforms may share one.
 */
export function publisherKeys(source: { organization: string; url: string; siteUrl?: string | null }): string[] {
  const keys = [`o:${foldAccents(source.organization).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()}`];
  for (const address of [source.siteUrl, source.url]) {
    const site = siteKey(address ?? undefined);
    if (site && !keys.includes(`s:${site}`)) keys.push(`s:${site}`);
  }
  keys.push(`f:${translationKey(source.url)}`);
  return keys;
}

function siteKey(address: string | undefined): string | undefined {
  if (!address) return undefined;
  try {
    const host = new URL(address).host.toLowerCase().replace(/^(?:www\d*|en|fr)\./, '');
    return /^(?:\d+\.\d+\.\d+\.\d+|\[[0-9a-f:]+\]|localhost)(?::\d+)?$/.test(host) ? undefined : host;
  } catch {
    return undefined;
  }
}

/**
 * How strongly two items read as twins, or null when they are not: other languages (English and
 * French), sister sources, within the window, nothing that contradicts, and enough shared.
 * Symmetric. The store keeps, for a new item, the highest-scoring candidate not yet linked.
 */
export function twinScore(a: TwinFacts, b: TwinFacts): number | null {
  const s = twinSignals(a, b);
  if (!s || s.conflict) return null;
  // The headline must read as the same one: a shared program name alone is two announcements.
  if (s.titleSim < 0.3) return null;
  const shortBody = s.bodyTokens < 5;
  const bodiesAgree = s.bodySim >= 0.3 || (s.bodySim >= 0.2 && s.shared >= 3) || (shortBody && s.titleSim >= 0.6);
  if (!bodiesAgree) return null;
  // Published apart, as a translation posted later is: the facts must agree too, not only the words.
  if (s.minutesApart > 10 && s.shared < 2) return null;
  const score = s.titleSim + s.bodySim + 0.1 * Math.min(s.shared, 6) + (s.minutesApart <= 10 ? 0.2 : 0);
  return score >= 1 ? score : null;
}

export interface TwinSignals {
  /** Why they cannot be twins, if anything says so. */
  conflict?: 'title-marks' | 'amounts' | 'dates' | 'places';
  titleSim: number;
  bodySim: number;
  /** The shorter body, in tokens. */
  bodyTokens: number;
  /** Weighted count of the evidence they share (amounts and links count double). */
  shared: number;
  minutesApart: number;
}

/** What twinScore weighs, for a pair that may be twins at all (other languages, sister sources, in the window). */
export function twinSignals(a: TwinFacts, b: TwinFacts): TwinSignals | null {
  if (!((a.language === 'en' && b.language === 'fr') || (a.language === 'fr' && b.language === 'en'))) return null;
  if (!a.publisherKeys.some((k) => b.publisherKeys.includes(k))) return null;
  const apart = Math.abs(a.publishedAt.getTime() - b.publishedAt.getTime());
  if (apart > TWIN_WINDOW_MS) return null;

  const ea = a.evidence;
  const eb = b.evidence;
  const conflict: TwinSignals['conflict'] = disjoint(ea.titleMarks, eb.titleMarks)
    ? 'title-marks'
    : disjoint(ea.amounts, eb.amounts)
      ? 'amounts'
      : disjoint(dayDates(ea.dates), dayDates(eb.dates))
        ? 'dates'
        : substitutes(ea.places, eb.places)
          ? 'places'
          : undefined;
  const shared =
    2 * common(ea.amounts, eb.amounts) + 2 * common(ea.links, eb.links) + common(ea.numbers, eb.numbers) + common(ea.dates, eb.dates) +
    Math.min(3, common(ea.names, eb.names)) + 0.5 * common(ea.years, eb.years);
  return {
    ...(conflict ? { conflict } : {}),
    titleSim: similarity(ea.title, eb.title),
    bodySim: ea.body.length && eb.body.length ? similarity(ea.body, eb.body) : 0,
    bodyTokens: Math.min(ea.body.length, eb.body.length),
    shared,
    minutesApart: Math.round(apart / 60_000),
  };
}

/** Month-day dates only (times of day are written too loosely to contradict). */
function dayDates(dates: Set<string>): Set<string> {
  return new Set([...dates].filter((d) => d.includes('-')));
}

function disjoint(a: Set<string>, b: Set<string>): boolean {
  if (!a.size || !b.size) return false;
  for (const x of a) if (b.has(x)) return false;
  return true;
}

/** Each side has something the other lacks: a swap, not a detail left out of one. */
function substitutes(a: Set<string>, b: Set<string>): boolean {
  return [...a].some((x) => !b.has(x)) && [...b].some((x) => !a.has(x));
}

function common(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

/**
 * Dice coefficient over the two token sets, a token matching its twin when both are the same
 * idea of the lexicon, the same word (names, acronyms, numbers, shared words such as
 * "immigration"), or cognates ("programme" / "program", "investissement" / "investment").
 */
function similarity(tokensA: string[], tokensB: string[]): number {
  const a = new Set(tokensA);
  const b = new Set(tokensB);
  if (!a.size || !b.size) return 0;
  return (matched(a, b) + matched(b, a)) / (a.size + b.size);
}

function matched(from: Set<string>, to: Set<string>): number {
  let n = 0;
  const loose = [...to].filter((t) => !t.startsWith('=') && t.length >= 5);
  for (const t of from) {
    if (to.has(t)) n++;
    else if (!t.startsWith('=') && t.length >= 5 && loose.some((u) => cognates(t, u))) n++;
  }
  return n;
}

/** A shared start of five letters or more, covering most of the shorter word. */
function cognates(x: string, y: string): boolean {
  let p = 0;
  const max = Math.min(x.length, y.length);
  while (p < max && x.charCodeAt(p) === y.charCodeAt(p)) p++;
  return p >= 5 && p >= 0.6 * max;
}
