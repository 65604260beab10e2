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
import type { ItemLanguage, Topic } from '../core/types.ts';
import { foldAccents, wordText } from './words.ts';

interface CompiledKeyword {
  keyword: string;
}

interface CompiledTopic {
  slug: string;
  /** One alternation per topic; the index of the capture group that matched names the keyword. */
  insensitive?: { pattern: RegExp; keywords: CompiledKeyword[] };
  sensitive?: { pattern: RegExp; keywords: CompiledKeyword[]; short: boolean[] };
  mask?: RegExp;
}

export interface Taxonomy {
  topics: CompiledTopic[];
  /** Folded, lower-cased feed category → topic slugs. */
  categories: Map<string, string[]>;
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
const BEFORE = '(?<![\\p{L}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{N}])';

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
  const compiled = topics.map((topic): CompiledTopic => {
    for (const c of [...topic.categories, topic.slug, topic.label.en, topic.label.fr]) addCategory(c, topic.slug);
    const ci: { source: string; kw: CompiledKeyword }[] = [];
    const cs: { source: string; kw: CompiledKeyword; short: boolean }[] = [];
    const masks: string[] = [];
    for (const lang of ['en', 'fr'] as const) {
      for (const raw of topic.keywords[lang]) {
        const spec = parseKeyword(raw);
        if (!spec) continue;
        const source = keywordPattern(spec, lang);
        if (spec.mask) masks.push(source);
        else if (spec.caseSensitive) cs.push({ source, kw: { keyword: raw }, short: spec.letters <= 3 });
        else ci.push({ source, kw: { keyword: raw } });
      }
    }
    // Longest first, so a phrase wins over a word it contains at the same position.
    ci.sort((a, b) => b.source.length - a.source.length);
    cs.sort((a, b) => b.source.length - a.source.length);
    return {
      slug: topic.slug,
      insensitive: ci.length ? { pattern: alternation(ci.map((k) => k.source), 'giu'), keywords: ci.map((k) => k.kw) } : undefined,
      sensitive: cs.length
        ? { pattern: alternation(cs.map((k) => k.source), 'gu'), keywords: cs.map((k) => k.kw), short: cs.map((k) => k.short) }
        : undefined,
      mask: masks.length ? new RegExp(`${BEFORE}(?:${masks.join('|')})${AFTER}`, 'giu') : undefined,
    };
  });
  return { topics: compiled, categories };
}

/** The item's topic slugs, sorted and unique: keyword evidence, mapped categories and the source's defaults. */
export function tagTopics(input: TopicInput, taxonomy: Taxonomy, defaults: string[]): string[] {
  const found = new Set<string>(defaults);
  for (const category of input.categories) {
    for (const slug of taxonomy.categories.get(categoryKey(category)) ?? []) found.add(slug);
  }
  const title = prepareField(input.title);
  const summary = prepareField(input.summary);
  for (const topic of taxonomy.topics) {
    if (found.has(topic.slug)) continue;
    if (matchField(topic, title).size > 0) {
      found.add(topic.slug);
      continue;
    }
    if (matchField(topic, summary).size >= SUMMARY_KEYWORDS) found.add(topic.slug);
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

function keywordPattern(spec: KeywordSpec, lang: 'en' | 'fr'): string {
  const last = spec.parts.length - 1;
  return spec.parts
    .map((p, i) => {
      let word: string;
      if (i === last && spec.prefix) word = `${escape(p.word)}[\\p{L}\\p{N}]*`;
      else if (spec.caseSensitive) word = `${escape(p.word)}s?`;
      else word = inflect(p.word, lang);
      return i === last ? word : word + p.joiner;
    })
    .join('');
}

/** The word and its regular plural (and, in French, feminine) forms, as a pattern. */
function inflect(word: string, lang: 'en' | 'fr'): string {
  if (/\d$/.test(word) || word.length < 2) return escape(word);
  if (lang === 'en') {
    if (/[^aeiou]y$/.test(word)) return `${escape(word.slice(0, -1))}(?:y|ies)`;
    if (/(?:s|x|z|ch|sh)$/.test(word)) return `${escape(word)}(?:es)?`;
    return `${escape(word)}s?`;
  }
  if (/al$/.test(word)) return `${escape(word.slice(0, -2))}(?:al|aux|ale|ales|als)`;
  // Folded "réfugié" ends in e: its feminine "réfugiée" is one more e, so every word may take one.
  if (/[sx]$/.test(word)) return `${escape(word)}(?:e|es)?`;
  return `${escape(word)}(?:e|s|x|es)?`;
}

function alternation(sources: string[], flags: string): RegExp {
  return new RegExp(`${BEFORE}(?:${sources.map((s) => `(${s})`).join('|')})${AFTER}`, flags);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface PreparedField {
  text: string;
  /** Mostly capitals ("NEW LINC CLASSES"): short case-sensitive acronyms prove nothing there. */
  shouting: boolean;
}

function prepareField(raw: string): PreparedField {
  const text = wordText(raw);
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  return { text, shouting: letters >= 12 && upper / letters > 0.6 };
}

/** The distinct keywords of `topic` found in a field, after the topic's masks are blanked out. */
function matchField(topic: CompiledTopic, field: PreparedField): Set<CompiledKeyword> {
  const hits = new Set<CompiledKeyword>();
  if (field.text.trim() === '') return hits;
  const text = topic.mask ? field.text.replace(topic.mask, (m) => ' '.repeat(m.length)) : field.text;
  if (topic.insensitive) collect(topic.insensitive.pattern, text, (i) => hits.add(topic.insensitive!.keywords[i]));
  if (topic.sensitive) {
    const { keywords, short } = topic.sensitive;
    collect(topic.sensitive.pattern, text, (i) => {
      if (!(field.shouting && short[i])) hits.add(keywords[i]);
    });
  }
  return hits;
}

function collect(pattern: RegExp, text: string, onKeyword: (index: number) => void): void {
  pattern.lastIndex = 0;
  for (const m of text.matchAll(pattern)) {
    const index = m.findIndex((g, i) => i > 0 && g !== undefined);
    if (index > 0) onKeyword(index - 1);
  }
}

function categoryKey(name: string): string {
  return foldAccents(name).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
