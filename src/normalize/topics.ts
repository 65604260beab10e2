// Tags items with topics from the bilingual taxonomy in feeds.yaml: keywords in the title,
// summary and feed categories, the feed's categories mapped through the taxonomy, and the
// source's default topics. Keyword syntax (also written at the top of feeds.yaml's topics):
//   - whole words, accent- and case-insensitive; phrases match across punctuation, and a hyphen
//     in a keyword matches a hyphen, a space or nothing ("pre-arrival" ~ "pre arrival", "prearrival");
//   - English keywords also match their plurals (-s, -es, -y → -ies); French keywords their
//     feminine and plural forms (-e, -s, -x, -es, -al → -aux), word by word;
//   - a trailing * matches any ending ("entrepreneur*" → entrepreneurship, entrepreneuriat);
//   - a keyword written in capitals (every word with two capitals or more: RAP, LINC, CoP) matches
//     only as written, so acronyms that are also words (RAP, PAR, GAR, LIP, PLI) stay acronyms; in
//     a field written all in capitals, such acronyms of three letters or fewer are not trusted;
//   - a keyword starting with "-" masks a phrase for its topic ("-offre d'emploi" keeps a job
//     posting out of employment; "-study permit" keeps study permits out of research);
//   - keywords of both languages apply to every item (French items use English acronyms too).
// An item gets a topic when one of its keywords is in the title, when two different ones are in
// the summary (one passing mention is not what an item is about), when one of its feed
// categories is listed in the topic's `categories`, or when the source lists it as a default.
//
// How matching works. A field is split once into words (runs of letters and digits, accents
// folded) and each word gets a case-insensitive key. Every keyword word is compiled to the finite
// list of surface forms it accepts (the word and its inflections; a stem for a trailing *), and
// every form a keyword's first text word can take goes into one map for the whole taxonomy, so a
// field's words find their candidate keywords by lookup; only those candidates are then checked
// word by word. The reading is the one a left-to-right scan gives, per topic and separately for
// ordinary keywords, capitalised keywords and masks: masks first, in the order they are written,
// each blanking the words it covers; then at each word the first keyword that matches there
// (longest pattern first, so "health care" wins over "health") is counted and the scan resumes
// after it, so a keyword inside a longer one already counted is not counted again.
import type { ItemLanguage, Topic } from '../core/types.ts';
import { foldAccents } from './words.ts';

/** A keyword compiled to the forms each of its words accepts. */
interface Keyword {
  /** Per word, the accepted forms in the order they are tried (case keys unless `sensitive`). */
  forms: string[][];
  /** Per word but the last: true when a hyphen joins it to the next (a space or nothing), false for a space. */
  hyphen: boolean[];
  /** The last word is a stem that takes any ending (a trailing *); its one form is the stem. */
  prefix: boolean;
  /** Compared with the words as written (accents folded); otherwise with their case keys. */
  sensitive: boolean;
  /** A capitalised keyword of three letters or fewer: not trusted in a field written in capitals. */
  short: boolean;
  /** A case-insensitive keyword with letters outside ASCII: compared through its regular expressions. */
  exotic?: RegExp[][];
}

/** The lists of one topic; a candidate's `index` points into one of them. */
interface CompiledTopic {
  slug: string;
  /** Ordinary keywords, longest pattern first. */
  insensitive: Keyword[];
  /** Keywords written in capitals, longest pattern first. */
  sensitive: Keyword[];
  /** Masking phrases, in the order written. */
  masks: Keyword[];
}

const INSENSITIVE = 0;
const SENSITIVE = 1;
const MASK = 2;
type ListKind = typeof INSENSITIVE | typeof SENSITIVE | typeof MASK;

/** A keyword that may start at a field word with a given text. */
interface Entry {
  topic: number;
  list: ListKind;
  index: number;
}

/** A keyword whose first field word starts with `stem` (a trailing * on its first word). */
interface Stem {
  stem: string;
  sensitive: boolean;
  entry: Entry;
}

export interface Taxonomy {
  topics: CompiledTopic[];
  /** Folded, lower-cased feed category → topic slugs. */
  categories: Map<string, string[]>;
  /** Case key of a field word → the keywords (ordinary and masks) that may start at it. */
  byKey: Map<string, Entry[]>;
  /** A field word as written → the capitalised keywords that may start at it. */
  byWord: Map<string, Entry[]>;
  /** Keywords whose first field word is a stem (a trailing * on the first word), by the stem's first character: checked with startsWith. */
  stems: Map<string, Stem[]>;
  /** Keywords the maps cannot index (letters outside ASCII): tried at every word. */
  anywhere: Entry[];
  /** Field words met so far, with their case key and every keyword that may start at them (see wordEntries). */
  words: Map<string, WordEntries>;
}

/** What prepareField needs to know of a field word, the same wherever the word occurs. */
interface WordEntries {
  key: string;
  entries: Entry[];
}

export interface TopicInput {
  title: string;
  summary: string;
  categories: string[];
  /** Not used to pick keywords: both languages' keywords apply to every item. */
  language: ItemLanguage;
}

/** Distinct keywords a summary must hold to give its topic (a title needs one). */
const SUMMARY_KEYWORDS = 2;

/** Compiles the taxonomy's keywords into matchers once, for tagging many items. */
export function compileTaxonomy(topics: Topic[]): Taxonomy {
  const categories = new Map<string, string[]>();
  const addCategory = (name: string, slug: string) => {
    const key = categoryKey(name);
    if (!key) return;
    const list = categories.get(key) ?? [];
    if (!list.includes(slug)) list.push(slug);
    categories.set(key, list);
  };
  const taxonomy: Taxonomy = { topics: [], categories, byKey: new Map(), byWord: new Map(), stems: new Map(), anywhere: [], words: new Map() };
  topics.forEach((topic, t) => {
    for (const c of [...topic.categories, topic.slug, topic.label.en, topic.label.fr]) addCategory(c, topic.slug);
    const ci: { order: number; kw: Keyword }[] = [];
    const cs: { order: number; kw: Keyword }[] = [];
    const masks: Keyword[] = [];
    for (const lang of ['en', 'fr'] as const) {
      for (const raw of topic.keywords[lang]) {
        const spec = parseKeyword(raw);
        if (!spec) continue;
        const { keyword, patternLength } = compileKeyword(spec, lang);
        if (spec.mask) masks.push(keyword);
        else if (spec.caseSensitive) cs.push({ order: patternLength, kw: keyword });
        else ci.push({ order: patternLength, kw: keyword });
      }
    }
    // Longest first, by the keyword's length spelled as a regular expression (words, ending
    // patterns, joiners): that rank decides which of two keywords starting at one word counts.
    ci.sort((a, b) => b.order - a.order);
    cs.sort((a, b) => b.order - a.order);
    const compiled: CompiledTopic = { slug: topic.slug, insensitive: ci.map((k) => k.kw), sensitive: cs.map((k) => k.kw), masks };
    taxonomy.topics.push(compiled);
    compiled.insensitive.forEach((kw, index) => indexKeyword(taxonomy, kw, { topic: t, list: INSENSITIVE, index }));
    compiled.sensitive.forEach((kw, index) => indexKeyword(taxonomy, kw, { topic: t, list: SENSITIVE, index }));
    compiled.masks.forEach((kw, index) => indexKeyword(taxonomy, kw, { topic: t, list: MASK, index }));
  });
  return taxonomy;
}

/** The item's topic slugs, sorted and unique: keyword evidence, mapped categories and the source's defaults. */
export function tagTopics(input: TopicInput, taxonomy: Taxonomy, defaults: string[]): string[] {
  const found = new Set<string>(defaults);
  for (const category of input.categories) {
    for (const slug of taxonomy.categories.get(categoryKey(category)) ?? []) found.add(slug);
  }
  const title = prepareField(input.title, taxonomy);
  let summary: PreparedField | undefined;
  for (let t = 0; t < taxonomy.topics.length; t++) {
    const topic = taxonomy.topics[t];
    if (found.has(topic.slug)) continue;
    if (countKeywords(topic, title, title.candidates[t], 1) > 0) {
      found.add(topic.slug);
      continue;
    }
    summary ??= prepareField(input.summary, taxonomy);
    if (countKeywords(topic, summary, summary.candidates[t], SUMMARY_KEYWORDS) >= SUMMARY_KEYWORDS) found.add(topic.slug);
  }
  return [...found].sort();
}

interface KeywordSpec {
  mask: boolean;
  prefix: boolean;
  caseSensitive: boolean;
  /** Words with the pattern that joins each to the next (" ?" after a hyphen: a space or nothing). */
  parts: { word: string; joiner: string }[];
  letters: number;
}

function parseKeyword(raw: string): KeywordSpec | undefined {
  let text = raw.trim();
  const mask = text.startsWith('-');
  if (mask) text = text.slice(1).trim();
  const prefix = text.endsWith('*');
  if (prefix) text = text.slice(0, -1).trim();
  text = foldAccents(text);
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const caseSensitive = words.length > 0 && words.every((w) => (w.match(/\p{Lu}/gu)?.length ?? 0) >= 2 || !/\p{L}/u.test(w));
  if (!caseSensitive) text = text.toLowerCase();
  const tokens = text.match(/[\p{L}\p{N}]+|-|[^\p{L}\p{N}-]+/gu) ?? [];
  const parts: { word: string; joiner: string }[] = [];
  for (const token of tokens) {
    if (/^[\p{L}\p{N}]+$/u.test(token)) parts.push({ word: token, joiner: ' ' });
    else if (parts.length) parts[parts.length - 1].joiner = token === '-' ? ' ?' : ' ';
  }
  if (!parts.length) return undefined;
  return {
    mask,
    prefix,
    caseSensitive,
    parts,
    letters: parts.reduce((n, p) => n + p.word.length, 0),
  };
}

/**
 * The keyword's words as lists of forms, and its rank: its length spelled as a regular expression
 * (each word, the pattern of its endings, and each joiner, " " or " ?").
 */
function compileKeyword(spec: KeywordSpec, lang: 'en' | 'fr'): { keyword: Keyword; patternLength: number } {
  const last = spec.parts.length - 1;
  // Masks match case-insensitively, even when written in capitals.
  const sensitive = spec.caseSensitive && !spec.mask;
  let patternLength = 0;
  const forms = spec.parts.map((p, i) => {
    let word: { forms: string[]; length: number };
    if (i === last && spec.prefix) word = { forms: [p.word], length: p.word.length + ANY_ENDING.length };
    else if (spec.caseSensitive) word = { forms: [`${p.word}s`, p.word], length: p.word.length + 's?'.length };
    else word = inflect(p.word, lang);
    patternLength += word.length + (i === last ? 0 : p.joiner.length);
    return sensitive ? word.forms : word.forms.map(caseKey);
  });
  const keyword: Keyword = {
    forms,
    hyphen: spec.parts.slice(0, last).map((p) => p.joiner === ' ?'),
    prefix: spec.prefix,
    sensitive,
    short: spec.letters <= 3,
  };
  if (!sensitive && forms.some((list) => list.some((f) => !isAscii(f)))) {
    keyword.exotic = forms.map((list) => list.map((f) => new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iuy')));
  }
  return { keyword, patternLength };
}

/** The ending pattern a stem ending in * is spelled with (it counts toward the rank). */
const ANY_ENDING = '[\\p{L}\\p{N}]*';

/**
 * The word and its regular plural (and, in French, feminine) forms, in the order a greedy
 * alternation such as `s?` or `(?:y|ies)` tries them, with the length of that alternation.
 */
function inflect(word: string, lang: 'en' | 'fr'): { forms: string[]; length: number } {
  if (/\d$/.test(word) || word.length < 2) return { forms: [word], length: word.length };
  if (lang === 'en') {
    if (/[^aeiou]y$/.test(word)) {
      const stem = word.slice(0, -1);
      return { forms: [`${stem}y`, `${stem}ies`], length: stem.length + '(?:y|ies)'.length };
    }
    if (/(?:s|x|z|ch|sh)$/.test(word)) return { forms: [`${word}es`, word], length: word.length + '(?:es)?'.length };
    return { forms: [`${word}s`, word], length: word.length + 's?'.length };
  }
  if (/al$/.test(word)) {
    const stem = word.slice(0, -2);
    return { forms: ['al', 'aux', 'ale', 'ales', 'als'].map((e) => stem + e), length: stem.length + '(?:al|aux|ale|ales|als)'.length };
  }
  // Folded "réfugié" ends in e: its feminine "réfugiée" is one more e, so every word may take one.
  if (/[sx]$/.test(word)) return { forms: [`${word}e`, `${word}es`, word], length: word.length + '(?:e|es)?'.length };
  return { forms: [`${word}e`, `${word}s`, `${word}x`, `${word}es`, word], length: word.length + '(?:e|s|x|es)?'.length };
}

/** Files the keyword under every text its first field word can have. */
function indexKeyword(taxonomy: Taxonomy, kw: Keyword, entry: Entry): void {
  if (kw.exotic) {
    taxonomy.anywhere.push(entry);
    return;
  }
  const map = kw.sensitive ? taxonomy.byWord : taxonomy.byKey;
  const last = kw.forms.length - 1;
  // The first field word holds words 0…j of the keyword run together (hyphens taken as nothing).
  let heads = [''];
  for (let j = 0; j <= last; j++) {
    if (j === last && kw.prefix) {
      for (const head of heads) {
        const stem = head + kw.forms[j][0];
        const list = taxonomy.stems.get(stem[0]) ?? [];
        list.push({ stem, sensitive: kw.sensitive, entry });
        taxonomy.stems.set(stem[0], list);
      }
      break;
    }
    heads = heads.flatMap((head) => kw.forms[j].map((form) => head + form));
    for (const head of new Set(heads)) {
      const list = map.get(head);
      if (!list) map.set(head, [entry]);
      else if (!list.some((e) => e.topic === entry.topic && e.list === entry.list && e.index === entry.index)) list.push(entry);
    }
    if (j === last || !kw.hyphen[j]) break;
  }
}

interface PreparedField {
  /** The field's words, accents folded, case kept. */
  words: string[];
  /** The same words' case keys. */
  keys: string[];
  /** Per topic, the (word, keyword) pairs that may match, as sorted numbers: see `candidate`. */
  candidates: (number[] | undefined)[];
  /** Mostly capitals ("NEW LINC CLASSES"): short case-sensitive acronyms prove nothing there. Computed when needed. */
  shouting?: boolean;
}

/** A candidate as one number, so a topic's candidates sort by word, then list, then keyword order. */
const candidate = (word: number, list: ListKind, index: number) => (word * 4 + list) * 0x100000 + index;

function prepareField(raw: string, taxonomy: Taxonomy): PreparedField {
  const words = splitField(raw);
  const keys: string[] = new Array(words.length);
  const candidates: (number[] | undefined)[] = new Array(taxonomy.topics.length);
  for (let i = 0; i < words.length; i++) {
    const known = wordEntries(words[i], taxonomy);
    keys[i] = known.key;
    for (const e of known.entries) addCandidate(candidates, i, e);
  }
  for (const list of candidates) if (list && list.length > 1) list.sort(ascending);
  return { words, keys, candidates };
}

/** Words kept in `taxonomy.words` before it starts over: the vocabulary of many feeds, and a bound. */
const WORDS_KEPT = 50_000;

/** A field word's case key and the keywords that may start at it, looked up once per word. */
function wordEntries(word: string, taxonomy: Taxonomy): WordEntries {
  let known = taxonomy.words.get(word);
  if (known) return known;
  const key = caseKey(word);
  const entries: Entry[] = [];
  const byKey = taxonomy.byKey.get(key);
  if (byKey) entries.push(...byKey);
  const byWord = taxonomy.byWord.get(word);
  if (byWord) entries.push(...byWord);
  // A capitalised stem starts with the word's first character, an ordinary one with its key's.
  addStems(entries, word, key, taxonomy.stems.get(word[0]));
  if (key[0] !== word[0]) addStems(entries, word, key, taxonomy.stems.get(key[0]));
  entries.push(...taxonomy.anywhere);
  known = { key, entries };
  if (taxonomy.words.size >= WORDS_KEPT) taxonomy.words.clear();
  taxonomy.words.set(word, known);
  return known;
}

function addCandidate(candidates: (number[] | undefined)[], word: number, e: Entry): void {
  const c = candidate(word, e.list, e.index);
  const list = candidates[e.topic];
  if (list) list.push(c);
  else candidates[e.topic] = [c];
}

function addStems(entries: Entry[], word: string, key: string, stems: Stem[] | undefined): void {
  if (stems) for (const s of stems) if ((s.sensitive ? word : key).startsWith(s.stem)) entries.push(s.entry);
}

const ascending = (a: number, b: number) => a - b;

/**
 * Distinct keywords of `topic` in the field, after the topic's masks are blanked out; counting
 * stops at `enough`.
 */
function countKeywords(topic: CompiledTopic, field: PreparedField, candidates: number[] | undefined, enough: number): number {
  if (!candidates) return 0;
  let masked: Uint8Array | undefined;
  if (topic.masks.length) {
    for (const c of candidates) {
      if (listOf(c) === MASK) {
        masked = maskedWords(topic, field, candidates);
        break;
      }
    }
  }
  // Distinct keywords found (a keyword found twice counts once).
  const hits: Keyword[] = [];
  scan(topic.insensitive, INSENSITIVE, field, candidates, masked, hits, enough);
  if (hits.length < enough) scan(topic.sensitive, SENSITIVE, field, candidates, masked, hits, enough);
  return hits.length;
}

const listOf = (c: number) => Math.floor(c / 0x100000) % 4;

/** The field words the topic's masks blank out: the first mask (in written order) that matches at a word wins. */
function maskedWords(topic: CompiledTopic, field: PreparedField, candidates: number[]): Uint8Array {
  const masked = new Uint8Array(field.words.length);
  let next = 0;
  for (const c of candidates) {
    if (listOf(c) !== MASK) continue;
    const word = Math.floor(c / 0x400000);
    if (word < next) continue;
    const end = matchAt(topic.masks[c % 0x100000], field, word, undefined);
    if (end < 0) continue;
    masked.fill(1, word, end);
    next = end;
  }
  return masked;
}

/**
 * Scans the field left to right for one list's keywords: at each word the first candidate that
 * matches there is taken and the scan goes on after it. Adds what it finds to `hits`, and stops
 * once it holds `enough`.
 */
function scan(keywords: Keyword[], list: ListKind, field: PreparedField, candidates: number[], masked: Uint8Array | undefined, hits: Keyword[], enough: number): void {
  let next = 0;
  for (const c of candidates) {
    if (listOf(c) !== list) continue;
    const word = Math.floor(c / 0x400000);
    // Inside an earlier match (which also skips the other candidates at its first word), or blanked.
    if (word < next || masked?.[word]) continue;
    const kw = keywords[c % 0x100000];
    const end = matchAt(kw, field, word, masked);
    if (end < 0) continue;
    next = end;
    // Short acronyms in a field written in capitals are passed over, not counted.
    if (kw.sensitive && kw.short && isShouting(field)) continue;
    if (!hits.includes(kw)) hits.push(kw);
    if (hits.length >= enough) return;
  }
}

/** The index after the last field word the keyword covers when it matches from `start`, or -1. */
function matchAt(kw: Keyword, field: PreparedField, start: number, masked: Uint8Array | undefined): number {
  return matchFrom(kw, field, masked, 0, start, 0);
}

/**
 * Matches keyword words `w`… from position `offset` of field word `i`. Forms and joiners are
 * tried in the order a backtracking regular expression for the keyword tries them (the order
 * decides where a match ends when two readings both fit, as "autoe e" for "auto-e").
 */
function matchFrom(kw: Keyword, field: PreparedField, masked: Uint8Array | undefined, w: number, i: number, offset: number): number {
  const length = (kw.sensitive ? field.words : field.keys)[i].length;
  const last = kw.forms.length - 1;
  if (w === last && kw.prefix) return formAt(kw, w, 0, field, i, offset) >= 0 ? i + 1 : -1;
  const forms = kw.forms[w];
  for (let f = 0; f < forms.length; f++) {
    const end = formAt(kw, w, f, field, i, offset);
    if (end < 0) continue;
    if (w === last) {
      if (end === length) return i + 1;
      continue;
    }
    // A space: the next field word, unless a mask blanked it (the text then holds several spaces).
    if (end === length && i + 1 < field.words.length && !masked?.[i + 1]) {
      const r = matchFrom(kw, field, masked, w + 1, i + 1, 0);
      if (r >= 0) return r;
    }
    // After a hyphen, nothing: the next keyword word goes on inside this field word.
    if (kw.hyphen[w] && end < length) {
      const r = matchFrom(kw, field, masked, w + 1, i, end);
      if (r >= 0) return r;
    }
  }
  return -1;
}

/** Where form `f` of keyword word `w` ends when it is found at `offset` of field word `i`, or -1. */
function formAt(kw: Keyword, w: number, f: number, field: PreparedField, i: number, offset: number): number {
  if (kw.exotic) {
    const re = kw.exotic[w][f];
    re.lastIndex = offset;
    return re.test(field.words[i]) ? re.lastIndex : -1;
  }
  const form = kw.forms[w][f];
  return (kw.sensitive ? field.words : field.keys)[i].startsWith(form, offset) ? offset + form.length : -1;
}

function isShouting(field: PreparedField): boolean {
  if (field.shouting === undefined) {
    let letters = 0;
    let upper = 0;
    for (const word of field.words) {
      if (isAscii(word)) {
        for (let i = 0; i < word.length; i++) {
          const c = word.charCodeAt(i);
          if (c >= 65 && c <= 90) upper++;
          if (c >= 65) letters++;
        }
      } else {
        letters += word.match(/\p{L}/gu)?.length ?? 0;
        upper += word.match(/\p{Lu}/gu)?.length ?? 0;
      }
    }
    field.shouting = letters >= 12 && upper / letters > 0.6;
  }
  return field.shouting;
}

/** Accent-folded runs of letters and digits: the words keywords match against. */
function splitField(raw: string): string[] {
  const text = foldAccents(raw);
  return (isAscii(text) ? text.match(/[A-Za-z0-9]+/g) : text.match(/[\p{L}\p{N}]+/gu)) ?? [];
}

/**
 * The key under which case-insensitive matching compares a word: ASCII letters in lower case,
 * and the two other letters a case-insensitive Unicode regular expression matches to ASCII
 * letters (ſ to s, the Kelvin sign to k); every other letter as it is, since no other letter
 * matches an ASCII one and keywords with other letters are compared by regular expression.
 */
function caseKey(word: string): string {
  const lower = word.toLowerCase();
  return isAscii(lower) ? lower : [...word].map((c) => (c === 'ſ' ? 's' : c === '\u212a' ? 'k' : c < '\u0080' ? c.toLowerCase() : c)).join('');
}

const NON_ASCII = /[^\u0000-\u007f]/;
function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

function categoryKey(name: string): string {
  return foldAccents(name).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
