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

const LANGUAGES = Object.keys(LISTS);
const EN = LANGUAGES.indexOf('en');
const FR = LANGUAGES.indexOf('fr');
const ES = LANGUAGES.indexOf('es');
/** The third languages, by index in LANGUAGES. */
const OTHERS = LANGUAGES.flatMap((lang, i) => (lang === 'en' || lang === 'fr' ? [] : [i]));

/** Each word found in exactly one list, with that list's language (index in LANGUAGES). */
const OWNER = new Map<string, number | null>();
LANGUAGES.forEach((lang, i) => {
  for (const w of LISTS[lang]) OWNER.set(w, OWNER.has(w) ? null : i);
});
/** Longer words are in no list. */
const LONGEST_LISTED = Math.max(...[...OWNER.keys()].map((w) => w.length));

/** Letters French uses and English does not (1; é apart, 2); Spanish marks that French never uses (3). */
const MARKS = new Uint8Array(0x154);
for (const c of 'àâçèêëîïôûùüÿœ') MARKS[c.charCodeAt(0)] = 1;
MARKS['é'.charCodeAt(0)] = 2;
for (const c of 'ñáíóú¿¡') MARKS[c.charCodeAt(0)] = 3;

const MIN_EVIDENCE = 2;
const STRONG_EVIDENCE = 4;

export interface LanguageGuess {
  language: 'en' | 'fr' | 'other';
  /** Evidence for each, in function-word units ("other": the strongest third language). */
  scores: { en: number; fr: number; other: number };
}

/** The most likely language with the evidence for each, or undefined when the text gives almost none. */
export function guessLanguage(text: string): LanguageGuess | undefined {
  // One pass over the lower-cased text counts letters, Latin letters, marks and function words.
  // Lower-casing changes no count of letters or of Latin-script code points (İ becomes i and a
  // combining dot, which is neither), so the counts are those of the text itself.
  const lower = text.toLowerCase();
  const scores = new Array<number>(LANGUAGES.length).fill(0);
  const marks = [0, 0, 0, 0];
  let letters = 0;
  let latin = 0;
  let start = -1;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c < MARKS.length) marks[MARKS[c]]++;
    // Code points: a letter outside the BMP takes two code units.
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < lower.length && isLowSurrogate(lower.charCodeAt(i + 1));
    const k = classOf(pair ? lower.codePointAt(i)! : c);
    if (k & LATIN_BIT) latin++;
    // Words are runs of letters.
    if (k & LETTER_BIT) {
      letters++;
      if (start < 0) start = i;
    } else if (start >= 0) {
      countWord(scores, lower, start, i);
      start = -1;
    }
    if (pair) i++;
  }
  if (start >= 0) countWord(scores, lower, start, lower.length);
  if (letters < 4) return undefined;
  // Arabic, Chinese, Cyrillic, Devanagari…: plainly neither English nor French.
  if (latin / letters < 0.5) return { language: 'other', scores: { en: 0, fr: 0, other: letters } };
  scores[FR] += 0.5 * marks[1] + 0.25 * marks[2];
  scores[ES] += 0.5 * marks[3];

  const en = scores[EN];
  const fr = scores[FR];
  const other = Math.max(...OTHERS.map((i) => scores[i]));
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
  return clearLanguage(guessLanguage(text));
}

/** The guessed language when it leads every other clearly. */
function clearLanguage(guess: LanguageGuess | undefined): 'en' | 'fr' | 'other' | undefined {
  return guess && lead(guess, guess.language) >= 1.5 ? guess.language : undefined;
}

const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;
/** Per BMP code point, filled on first sight: 1 known, | 2 a letter, | 4 of the Latin script. */
const CLASSES = new Uint8Array(0x10000);

/** Counts the word text[start, end) for the language whose list alone holds it. */
function countWord(scores: number[], text: string, start: number, end: number): void {
  if (end - start > LONGEST_LISTED) return;
  const owner = OWNER.get(text.slice(start, end));
  if (owner != null) scores[owner] += 1;
}

const LETTER_BIT = 2;
const LATIN_BIT = 4;

/** Whether a code point is a letter (/\p{L}/u) and whether it is of the Latin script (/\p{Script=Latin}/u), as bits (1 | LETTER_BIT | LATIN_BIT). */
function classOf(cp: number): number {
  let k = cp < 0x10000 ? CLASSES[cp] : 0;
  if (!k) {
    const ch = String.fromCodePoint(cp);
    k = 1 | (LETTER.test(ch) ? LETTER_BIT : 0) | (LATIN.test(ch) ? LATIN_BIT : 0);
    if (cp < 0x10000) CLASSES[cp] = k;
  }
  return k;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
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
  const detected = clearLanguage(guess);
  if (detected) return detected;
  if (sourceLanguages.length === 1) return sourceLanguages[0];
  return guess?.language ?? 'other';
}

/** The declared language of an item: its own tag, else its feed's (xml:lang, <language>). */
export function declaredLanguage(itemTag: string | undefined, feedTag: string | undefined): ItemLanguage | undefined {
  return languageFromTag(itemTag) ?? languageFromTag(feedTag);
}
