// Word-level text handling shared by topics, type, language detection and fingerprints:
// accent folding, word splitting, and the English and French function words.

/** Letters NFD does not decompose, spelled out so "œuvre" folds to "oeuvre". */
const LIGATURES: Record<string, string> = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L' };

const NON_ASCII = /[^\u0000-\u007f]/;

/** Removes diacritics (é → e, ç → c, œ → oe); keeps case and every other character. */
export function foldAccents(text: string): string {
  // ASCII text has nothing to decompose, no marks and no ligatures.
  if (!NON_ASCII.test(text)) return text;
  // Latin letters and punctuation (the usual French) fold one by one through FOLDED.
  let out = '';
  let done = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (!inFoldTable(c)) return foldFully(text);
    const folded = FOLDED[c];
    if (folded !== undefined) {
      out += text.slice(done, i) + folded;
      done = i + 1;
    }
  }
  return done === 0 ? text : out + text.slice(done);
}

/** Decomposes (NFD), drops every mark and spells out ligatures. */
function foldFully(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œŒæÆßøØłŁ]/g, (c) => LIGATURES[c]);
}

/**
 * Latin-1, Latin Extended-A and B, general punctuation, super- and subscripts, currency signs:
 * none is a mark or reorders with one, so a text of these (and ASCII) folds as the
 * concatenation of its characters folded one by one.
 */
function inFoldTable(code: number): boolean {
  return (code >= 0x80 && code <= 0x24f) || (code >= 0x2000 && code <= 0x20cf);
}

/** foldFully of each character of the table that it changes. */
const FOLDED: (string | undefined)[] = [];
for (let c = 0x80; c <= 0x20cf; c++) {
  if (!inFoldTable(c)) continue;
  const folded = foldFully(String.fromCharCode(c));
  if (folded !== String.fromCharCode(c)) FOLDED[c] = folded;
}

/** Lower-cased, accent-folded words (letters and digits runs). */
export function splitWords(text: string): string[] {
  const lower = foldAccents(text).toLowerCase();
  // In ASCII, the letters and digits are [a-z0-9] once lower-cased.
  return (NON_ASCII.test(lower) ? lower.match(/[\p{L}\p{N}]+/gu) : lower.match(/[a-z0-9]+/g)) ?? [];
}

/** English function words (lower case). */
export const EN_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers him his ' +
    'how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own ' +
    'same she should so some such than that the their theirs them then there these they this those through to too under until ' +
    'up very was we were what when where which while who whom why will with within without would you your yours us via ' +
    'across upon among per'
  ).split(' '),
);

/** French function words (lower case, accents kept: folding happens on demand). */
export const FR_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'à a au aux avec ce ces cet cette c d dans de des du elle elles en et eux il ils je j l la le les leur leurs lui ma mais me ' +
    'même mes moi mon m ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur s ta te tes toi ton tu un une vos ' +
    'votre vous y été être est sont sera seront ont afin ainsi aussi chez comme dont entre lors pendant depuis sans sous vers ' +
    'tout tous toute toutes très plus selon auprès parmi leur n'
  ).split(' '),
);

const FOLDED_STOP_WORDS: ReadonlySet<string> = new Set([...EN_STOP_WORDS, ...[...FR_STOP_WORDS].map((w) => foldAccents(w))]);

/** True for an English or French function word, given lower-cased folded text. */
export function isStopWord(word: string): boolean {
  return FOLDED_STOP_WORDS.has(word);
}

/** Words that carry meaning: folded, lower-cased, function words and lone letters removed (digits kept). */
export function contentWords(text: string): string[] {
  return splitWords(text).filter((w) => !isStopWord(w) && (w.length > 1 || /\d/.test(w)));
}
