// Language detection restricted to the languages in use (English, French), from function-word
// frequencies, French diacritics and the script; and the policy that picks an item's language
// from what the feed declared, what the text says and what the source publishes in.
import type { ItemLanguage, Language } from '../core/types.ts';
import { EN_STOP_WORDS, FR_STOP_WORDS } from './words.ts';
import { languageFromTag } from './language.ts';

/**
 * Function words of the languages we must recognise as "not ours": the sector's third
 * languages (Spanish, Tagalog, Portuguese, German, Italian). Only words in exactly one list
 * count: "de", "la", "en", "que" are French and Spanish alike and prove nothing.
 */
const OTHER_STOP_WORDS: Record<string, string> = {
  es: 'el los las del y para con por una un es en que de la se su sus al como más pero este esta estos estas sobre también puede hay ser está están nuestro nuestra nuestros lo sin muy cuando donde usted ustedes hoy todos todas cada hasta desde ya tiene tienen fue han ha si sí nos aquí a me te tu mi mis mes',
  tl: 'ang ng mga sa na at ay para ito mo ko kayo namin natin po hindi may kung nang pag siya sila kami tayo iyong inyong ninyo ka rin din lang ba naman',
  pt: 'o os as do da dos das em no na nos nas um uma para com não é são por mais como mas ao pelo pela seu sua também você',
  de: 'der die das und ist nicht mit für auf ein eine den dem des zu von im sich auch wie sie wir ihr oder bei werden',
  it: 'il lo gli della delle degli nel nella con per una che non è sono anche come più questo questa dei alla',
};

const LISTS: Record<string, ReadonlySet<string>> = {
  en: EN_STOP_WORDS,
  fr: FR_STOP_WORDS,
  ...Object.fromEntries(Object.entries(OTHER_STOP_WORDS).map(([lang, words]) => [lang, new Set(words.split(' '))])),
};

/** Each word found in exactly one list, with that list's language. */
const OWNER = new Map<string, string | null>();
for (const [lang, list] of Object.entries(LISTS)) for (const w of list) OWNER.set(w, OWNER.has(w) ? null : lang);

/** Letters French uses and English does not; Spanish marks that French never uses. */
const FRENCH_MARKS = /[àâçèêëîïôûùüÿœ]/g;
const FRENCH_ACUTE = /é/g;
const SPANISH_MARKS = /[ñáíóú¿¡]/g;

const MIN_EVIDENCE = 2;
const STRONG_EVIDENCE = 4;

export interface LanguageGuess {
  language: 'en' | 'fr' | 'other';
  /** Evidence for each, in function-word units ("other": the strongest third language). */
  scores: { en: number; fr: number; other: number };
}

/** The most likely language with the evidence for each, or undefined when the text gives almost none. */
export function guessLanguage(text: string): LanguageGuess | undefined {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 4) return undefined;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  // Arabic, Chinese, Cyrillic, Devanagari…: plainly neither English nor French.
  if (latin / letters < 0.5) return { language: 'other', scores: { en: 0, fr: 0, other: letters } };

  const lower = text.toLowerCase();
  const scores: Record<string, number> = Object.fromEntries(Object.keys(LISTS).map((lang) => [lang, 0]));
  for (const word of lower.match(/\p{L}+/gu) ?? []) {
    const owner = OWNER.get(word);
    if (owner) scores[owner] += 1;
  }
  scores.fr += 0.5 * (lower.match(FRENCH_MARKS)?.length ?? 0) + 0.25 * (lower.match(FRENCH_ACUTE)?.length ?? 0);
  scores.es += 0.5 * (lower.match(SPANISH_MARKS)?.length ?? 0);

  const { en, fr, ...others } = scores;
  const other = Math.max(...Object.values(others));
  const best = Math.max(en, fr, other);
  if (best < MIN_EVIDENCE) return undefined;
  return { language: best === en ? 'en' : best === fr ? 'fr' : 'other', scores: { en, fr, other } };
}

/** How far the guessed language leads `rival` (winner / rival, Infinity when the rival has nothing). */
function lead(guess: LanguageGuess, rival: 'en' | 'fr' | 'other'): number {
  const mine = guess.scores[guess.language];
  const theirs = guess.language === rival ? Math.max(...Object.entries(guess.scores).filter(([l]) => l !== rival).map(([, v]) => v)) : guess.scores[rival];
  return theirs > 0 ? mine / theirs : Infinity;
}

/** English, French, "other" when the text is clearly neither, or undefined when it is too short to tell. */
export function detectLanguage(text: string): 'en' | 'fr' | 'other' | undefined {
  const guess = guessLanguage(text);
  return guess && lead(guess, guess.language) >= 1.5 ? guess.language : undefined;
}

/**
 * The item's language. What the feed declared wins unless the text strongly says otherwise
 * (bilingual sources often label every item with the feed's language): plenty of evidence and
 * a clear lead over the declared language. Without a declaration, detection decides; then the
 * source's single language; then whatever the text leans to; then "other".
 */
export function chooseItemLanguage(declared: ItemLanguage | undefined, text: string, sourceLanguages: readonly Language[]): ItemLanguage {
  const guess = guessLanguage(text);
  if (declared) {
    const overrules = guess && guess.language !== declared && guess.scores[guess.language] >= STRONG_EVIDENCE && lead(guess, declared) >= 2.5;
    return overrules ? guess.language : declared;
  }
  const detected = detectLanguage(text);
  if (detected) return detected;
  if (sourceLanguages.length === 1) return sourceLanguages[0];
  return guess?.language ?? 'other';
}

/** The declared language of an item: its own tag, else its feed's (xml:lang, <language>). */
export function declaredLanguage(itemTag: string | undefined, feedTag: string | undefined): ItemLanguage | undefined {
  return languageFromTag(itemTag) ?? languageFromTag(feedTag);
}
