// tagTopics, classifyType and chooseItemLanguage match words through hash maps; before, they ran
// regular expressions over the text. This checks they decide exactly as the regular-expression
// versions (frozen in ./reference/regex-matchers.ts) on the labelled sets and on many variations:
// case, accents, hyphens, plurals, keyword phrases and their neighbours, masks, random word salad.
// computeFingerprint, which now counts bits instead of adding weights bit by bit, is checked the
// same way.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ItemLanguage, Language, Topic } from '../../src/core/types.ts';
import { chooseItemLanguage, detectLanguage, guessLanguage } from '../../src/normalize/detect-language.ts';
import { computeFingerprint } from '../../src/normalize/fingerprint.ts';
import { classifyType } from '../../src/normalize/item-type.ts';
import { compileTaxonomy, tagTopics } from '../../src/normalize/topics.ts';
import { contentWords, foldAccents } from '../../src/normalize/words.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';
import { HOLDOUT_DIR, loadEvalSet } from '../eval/evaluate.ts';
import * as reference from './reference/regex-matchers.ts';

const feeds = parseFeedsFile(readFileSync(new URL('../../feeds.yaml', import.meta.url), 'utf8'));
const labelled = [...(await loadEvalSet()), ...(await loadEvalSet(HOLDOUT_DIR))];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACCENTED: Record<string, string[]> = { e: ['é', 'è', 'ê', 'ë', 'É'], a: ['à', 'â', 'À'], c: ['ç', 'Ç'], o: ['ô', 'ö'], u: ['ù', 'û', 'ü'], i: ['î', 'ï'] };
const UNACCENT = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '');

/** Variations of one text: case, accents, hyphens, apostrophes, plurals, joined and split words. */
function variations(text: string, rnd: () => number): string[] {
  const words = text.split(/(\s+)/);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const perWord = (f: (w: string) => string, rate = 0.4) => words.map((w) => (/\S/.test(w) && rnd() < rate ? f(w) : w)).join('');
  return [
    text,
    text.toUpperCase(),
    text.toLowerCase(),
    UNACCENT(text),
    text.replace(/\b\p{L}/gu, (c) => c.toUpperCase()),
    text.replace(/-/g, ' '),
    text.replace(/-/g, ''),
    text.replace(/ /g, '-'),
    perWord((w) => `${w}-`, 0.2).replace(/- /g, '-'),
    text.replace(/'/g, '’').replace(/’/g, "'"),
    text.replace(/['’]/g, ' '),
    perWord((w) => w.replace(/([\p{L}])([,.;:!?)]*)$/u, (_, c, p) => `${c}${pick(['s', 'es', 'e', 'x', 'ies', 'aux', 'ales', 'S', 'E'])}${p}`)),
    perWord((w) => w.replace(/[eaciou]/g, (c) => (rnd() < 0.5 ? pick(ACCENTED[c]) : c))),
    perWord((w) => (rnd() < 0.5 ? w.toUpperCase() : w.toLowerCase())),
    perWord((w) => `${w}${pick([',', '.', ' —', ':', '/', '(', ')', ' &'])}`, 0.3),
    text.replace(/(\p{L})(\p{L}*)/gu, (_, a, b) => a + b.slice(0, Math.max(1, b.length - 1))),
  ];
}

/** Every keyword of the taxonomy, written as feeds.yaml writes it, with the `-` and `*` removed. */
const keywordTexts = feeds.topics.flatMap((t) => [...t.keywords.en, ...t.keywords.fr]).map((k) => k.replace(/^-\s*/, '').replace(/\*$/, ''));

/** Short texts around the taxonomy's keywords: alone, inflected, in capitals, next to one another and to masks. */
function keywordContexts(rnd: () => number): string[] {
  const out: string[] = [];
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const fillers = ['the', 'new', 'pour les', 'de la', 'and', 'in', 'Les', 'for newcomers', 'au Canada', '2025', 'NEW', 'un', 'des'];
  for (const k of keywordTexts) {
    out.push(k, `${pick(fillers)} ${k} ${pick(fillers)}`, `${k}s`, `${k}es`, `${k}e`, `${k}x`, `${k}ship`, `${k}ing`, k.toUpperCase(), `${k} ${pick(keywordTexts)}`, `${pick(keywordTexts)} ${k}`);
    out.push(k.replace(/ /g, '-'), k.replace(/-/g, ''), k.replace(/al\b/g, 'aux'), k.replace(/y\b/g, 'ies'), `${k}-${pick(keywordTexts)}`);
  }
  return out;
}

/** Word salad from the keywords' own words, fillers and punctuation. */
function salad(rnd: () => number, count: number): string[] {
  const vocabulary = [...new Set(keywordTexts.flatMap((k) => k.split(/[\s-]+/)))];
  const extra = ['the', 'of', 'and', 'la', 'le', 'des', 'pour', 'et', 'job', 'webinar', 'report', 'register now', 'apply by', '10 a.m.', '14 h 30', 'call for proposals', 'offre d’emploi', 'study permit', 'annual report', 'news', 'toolkit for', 'how to', 'Comment trouver'];
  const punct = [' ', ' ', ' ', ', ', '. ', ' - ', '-', ' : ', '’', "'", ' (', ') ', ' / '];
  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    const length = 1 + Math.floor(rnd() * 14);
    let text = '';
    for (let i = 0; i < length; i++) {
      let word = rnd() < 0.75 ? vocabulary[Math.floor(rnd() * vocabulary.length)] : extra[Math.floor(rnd() * extra.length)];
      const r = rnd();
      if (r < 0.15) word = word.toUpperCase();
      else if (r < 0.3) word = word.toLowerCase();
      else if (r < 0.4) word += ['s', 'es', 'e', 'x', 'aux'][Math.floor(rnd() * 5)];
      text += word + (i < length - 1 ? punct[Math.floor(rnd() * punct.length)] : '');
    }
    texts.push(text);
  }
  return texts;
}

interface Case {
  title: string;
  summary: string;
  categories: string[];
  defaults: string[];
  url?: string;
}

function buildCases(): Case[] {
  const rnd = random(20251122);
  const cases: Case[] = [];
  const sources = new Map(feeds.sources.map((s) => [s.slug, s]));
  for (const item of labelled) {
    const defaults = sources.get(item.source)?.topics ?? [];
    const titles = variations(item.title, rnd);
    const summaries = variations(item.summary, rnd);
    titles.forEach((title, i) => cases.push({ title, summary: summaries[i], categories: item.categories, defaults, url: item.url }));
    // The summary alone (two keywords needed), and as a title (one is enough).
    cases.push({ title: '', summary: item.summary, categories: [], defaults: [] });
    cases.push({ title: item.summary, summary: '', categories: [], defaults: [] });
  }
  const keywords = keywordContexts(rnd);
  for (let i = 0; i < keywords.length; i++) {
    cases.push({ title: keywords[i], summary: `${keywords[(i * 7) % keywords.length]}. ${keywords[(i * 13 + 5) % keywords.length]}`, categories: [], defaults: [] });
  }
  const texts = salad(rnd, 3000);
  for (let i = 0; i < texts.length; i += 2) cases.push({ title: texts[i], summary: `${texts[i + 1]} ${texts[(i * 3) % texts.length]}`, categories: [], defaults: [] });
  return cases;
}

const cases = buildCases();

describe('tagTopics decides as the regular-expression matcher did', () => {
  it(`on the labelled sets and ${cases.length} variations, with feeds.yaml`, () => {
    const fast = compileTaxonomy(feeds.topics);
    const slow = reference.compileTaxonomy(feeds.topics);
    const differences: string[] = [];
    for (const c of cases) {
      const input = { title: c.title, summary: c.summary, categories: c.categories, language: 'en' as const };
      const got = tagTopics(input, fast, c.defaults);
      const want = reference.tagTopics(input, slow, c.defaults);
      if (got.join() !== want.join()) differences.push(`${JSON.stringify(c.title)} / ${JSON.stringify(c.summary)}: ${got.join()} ≠ ${want.join()}`);
    }
    expect(differences.slice(0, 20)).toEqual([]);
  });

  it('on a taxonomy made of corner cases: overlaps, hyphen chains, stems, capitals, masks, non-ASCII letters', () => {
    const topic = (slug: string, en: string[], fr: string[] = []): Topic => ({ slug, label: { en: slug, fr: slug }, keywords: { en, fr }, categories: [] });
    const topics = [
      topic('overlap', ['health', 'health care', 'care', 'mental health', 'health-care worker', 'care worker', 'worker']),
      topic('chains', ['co-op-ed', 'well-being', 'pre-arrival services', 'a-b', 'x-ray-s', '$10-a-day', 'e-learning'], ['main-d’œuvre', 'vacances-travail', 'sans-abri']),
      topic('stems', ['entrepreneur*', 'micro-loan*', 'small business*', 'LGBTQ*', 'co-*'], ['intersectionnel*', 'entrepreneur*']),
      topic('capitals', ['RAP', 'LINC', 'CoP', 'EE', 'IEC-SDS', 'LINC-CLB', 'B2B', 'iCARE', 'ChatGPT', '-NOT RAP'], ['PAR', 'PLI', 'CNP']),
      topic('masks', ['study', 'report', 'research', '-study permit', '-study', '-annual report', '-report a scam', '-CASE STUDY'], ['étude', 'rapport', '-par rapport', '-rapport à', '-étude de cas']),
      topic('inflections', ['policy', 'box', 'church', 'day', 'city', 'bus', 'quiz'], ['local', 'régional', 'réfugié', 'chercheur', 'pays', 'prix', 'animal']),
      // Where the old regular expression's backtracking order decides where a match ends.
      topic('backtracking', ['bus-es', 'es', 'x-s', 's'], ['auto-e', 'e', 'sous-es', 'es', 'loc-al', 'al']),
      // Keywords whose old patterns are equally long ("locals? abcdefghijklmnops?" and
      // "loc(?:al|aux|ale|ales|als)", 26 characters): the one written first is tried first.
      topic('equal-length', ['local abcdefghijklmnop', 'abcdefghijklmnop', 'reduce', 'x'], ['local', 'reduc-tion']),
      topic('letters', ['Σύνοδος', 'українці', 'ſtraße', 'naïve', 'œuvre', 'İstanbul', 'ıbc', 'Kelvin'], ['ÉCOLE', 'Straße']),
    ];
    const fast = compileTaxonomy(topics);
    const slow = reference.compileTaxonomy(topics);
    const rnd = random(7);
    const words = topics.flatMap((t) => [...t.keywords.en, ...t.keywords.fr]).map((k) => k.replace(/^-/, '').replace(/\*$/, ''));
    const extra = ['ſ', 'K', 'σ', 'ς', 'Σ', 'УКРАЇНЦІ', 'ISTANBUL', 'istanbul', 'STRASSE', 'strasse', 'ship', 'ing', 'workers', 'cares', 'permits', 'cas', 'a', 'b', 'ab', 'x', 'ray', 'rays', 'ſtudy', 'KELVIN', 'Kelvin'];
    const texts: string[] = [];
    for (let n = 0; n < 4000; n++) {
      const length = 1 + Math.floor(rnd() * 8);
      const parts: string[] = [];
      for (let i = 0; i < length; i++) {
        let w = rnd() < 0.7 ? words[Math.floor(rnd() * words.length)] : extra[Math.floor(rnd() * extra.length)];
        const r = rnd();
        if (r < 0.2) w = w.toUpperCase();
        else if (r < 0.35) w = w.toLowerCase();
        else if (r < 0.5) w += ['s', 'es', 'e', 'x', 'ies', 'ship', 'aux', 'ales'][Math.floor(rnd() * 8)];
        parts.push(w);
      }
      texts.push(parts.join([', ', ' / ', '. '][Math.floor(rnd() * 3)]));
      texts.push(parts.join(' '));
      texts.push(parts.join('-'));
      texts.push(parts.join(''));
    }
    texts.push('local abcdefghijklmnop', 'locaux abcdefghijklmnop', 'reduction x', 'reduc tion', 'autoe e', 'autoe e e', 'souses es', 'souse es', 'buses es', 'xs s', 'xss s', 'loc al al', 'locale al', 'AUTOE E', 'autoe-e e');
    const differences: string[] = [];
    for (let i = 0; i < texts.length; i++) {
      for (const [title, summary] of [[texts[i], ''], ['', `${texts[i]} ${texts[(i * 31 + 7) % texts.length]}`]]) {
        const input = { title, summary, categories: [], language: 'en' as const };
        const got = tagTopics(input, fast, []);
        const want = reference.tagTopics(input, slow, []);
        if (got.join() !== want.join()) differences.push(`${JSON.stringify(title)} / ${JSON.stringify(summary)}: ${got.join()} ≠ ${want.join()}`);
      }
    }
    expect(differences.slice(0, 20)).toEqual([]);
  });
});

describe('classifyType decides as the regular-expression matcher did', () => {
  it(`on the labelled sets and ${cases.length} variations`, () => {
    const rnd = random(99);
    const paths = ['/news/1', '/events/2025/x', '/jobs/', '/fr/emplois/poste', '/resources/toolkit', '/research/reports/a', '/funding', '/cfp/2026', '/%C3%A9v%C3%A9nements/', '/%E0%A4%A'];
    const categories = ['Events', 'Jobs', 'Research', 'Ressources', 'Financement', 'Calls for proposals', 'News', 'Événements', 'Offres d’emploi', 'Job board',
      'Annual Report', 'Rapport annuel', 'Study permits', 'Register a complaint', 'Annual reports and research'];
    const differences: string[] = [];
    for (const c of cases) {
      const url = rnd() < 0.5 ? c.url : `https://example.ca${paths[Math.floor(rnd() * paths.length)]}`;
      const cats = rnd() < 0.3 ? [...c.categories, categories[Math.floor(rnd() * categories.length)]] : c.categories;
      const input = { title: c.title, summary: c.summary, categories: cats, url };
      const got = classifyType(input);
      const want = reference.classifyType(input);
      if (got !== want) differences.push(`${JSON.stringify(input)}: ${got} ≠ ${want}`);
    }
    expect(differences.slice(0, 20)).toEqual([]);
  });
});

describe('chooseItemLanguage decides as before', () => {
  it(`on the labelled sets and ${cases.length} variations, with every declaration and source languages`, () => {
    const declarations: (ItemLanguage | undefined)[] = [undefined, 'en', 'fr', 'other'];
    const sourceLanguages: Language[][] = [['en'], ['fr'], ['en', 'fr']];
    const more = [
      'Hola, ¿cómo están? Los niños y las familias del programa están aquí con nosotros para la fiesta.',
      'Ang mga bagong dating ay may karapatan sa mga serbisyo ng pamahalaan at hindi sila nag-iisa.',
      'Os imigrantes e as famílias chegam ao Canadá com muitas perguntas sobre a escola e o trabalho.',
      'Die Neuankömmlinge und ihre Familien sind nicht allein, und wir helfen mit Beratung für alle.',
      'Мы помогаем новым иммигрантам найти жильё и работу в Канаде.',
      'مرحبا بكم في كندا، نحن هنا لمساعدتكم في السكن والعمل',
      '新移民服务中心为您提供住房和就业帮助',
      'İSTANBUL ΣΥΝΟΔΟΣ straße ſtudy ÉTÉ ÇA ŒUVRE', 'a', '', '   ', '2025-06-01 12:00', 'été été été', 'l’été à Montréal où ça bouge',
      // Letters outside the BMP, emoji, lone surrogates.
      '𝐇𝐞𝐥𝐥𝐨 𝐰𝐨𝐫𝐥𝐝 the and of', '𐐀𐐨𐐩 𐐯𐐻 and the of', 'café \uD800le la les des\uDC00 et', '😀 les enfants et les familles 😀', 'the\uD835\uDC00and of the',
      '𐐀𐐨𐐩𐐯𐐻𐐀𐐨𐐩𐐯𐐻 et de la', 'Ⅻ Ⅳ ⅲ ª º the and a of', 'ǅ ǈ ǋ ſ ß ẞ les et des',
    ];
    const texts = [...cases.flatMap((c) => [`${c.title}. ${c.summary}`, `${c.title}\n${c.summary}`]), ...more];
    const differences: string[] = [];
    texts.forEach((text, i) => {
      const declared = declarations[i % declarations.length];
      const languages = sourceLanguages[Math.floor(i / declarations.length) % sourceLanguages.length];
      const got = chooseItemLanguage(declared, text, languages);
      const want = reference.chooseItemLanguage(declared, text, languages);
      if (got !== want) differences.push(`${JSON.stringify(text)} (${declared}, ${languages}): ${got} ≠ ${want}`);
      if (detectLanguage(text) !== reference.detectLanguage(text)) differences.push(`detectLanguage ${JSON.stringify(text)}`);
      expect(guessLanguage(text), text).toEqual(reference.guessLanguage(text));
    });
    expect(differences.slice(0, 20)).toEqual([]);
  });
});

describe('foldAccents folds as before', () => {
  it('on the labelled texts and random strings of Latin letters, punctuation, marks and other scripts', () => {
    const rnd = random(5);
    const ranges: [number, number][] = [[0x20, 0x7e], [0x80, 0x24f], [0x80, 0x24f], [0x2000, 0x20cf], [0x300, 0x36f], [0x20d0, 0x20ff], [0x370, 0x52f], [0xac00, 0xac20], [0x1e00, 0x1eff], [0xfb00, 0xfb06]];
    const texts = [...labelled.flatMap((i) => [i.title, i.summary]), 'é', 'e\u0301', 'Œuvre', 'ǅ ǖ Ǻ', '😀é', '\uD800é'];
    for (let n = 0; n < 100000; n++) {
      let text = '';
      const length = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < length; i++) {
        const [from, to] = ranges[Math.floor(rnd() * (n % 3 === 0 ? ranges.length : 4))];
        text += String.fromCharCode(from + Math.floor(rnd() * (to - from + 1)));
      }
      texts.push(text);
    }
    const differences = texts.filter((t) => foldAccents(t) !== reference.foldAccents(t));
    expect(differences.slice(0, 20).map((t) => JSON.stringify(t))).toEqual([]);
  });
});

describe('computeFingerprint and contentWords give what they gave', () => {
  it(`on the labelled sets and ${cases.length} variations`, () => {
    const differences: string[] = [];
    const long = Array.from({ length: 40 }, (_, i) => cases[i * 97 % cases.length].summary).join(' ');
    for (const [title, summary] of [...cases.map((c) => [c.title, c.summary]), ['', ''], ['a', ''], ['', 'x y'], [long, long], ['𝐇𝐞𝐥𝐥𝐨 𐐀𐐨 café', 'Σύνοδος ſtudy \uD800 naïve']]) {
      if (computeFingerprint(title, summary) !== reference.computeFingerprint(title, summary)) differences.push(`${JSON.stringify(title)} / ${JSON.stringify(summary)}`);
      if (contentWords(summary).join(' ') !== reference.contentWords(summary).join(' ')) differences.push(`contentWords ${JSON.stringify(summary)}`);
    }
    expect(differences.slice(0, 20)).toEqual([]);
  });
});

describe('lower-casing and letter counts', () => {
  it('no code point changes the number of letters or of Latin-script code points when lower-cased (what guessLanguage relies on)', () => {
    const letter = /\p{L}/u;
    const latin = /\p{Script=Latin}/u;
    const counts = (text: string) => {
      let l = 0;
      let a = 0;
      for (const c of text) {
        if (letter.test(c)) l++;
        if (latin.test(c)) a++;
      }
      return l * 1000 + a;
    };
    const changed: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      const lower = c.toLowerCase();
      if (lower !== c && counts(lower) !== counts(c)) changed.push(cp.toString(16));
    }
    // In context, a final capital sigma becomes ς rather than σ: a Greek letter all the same.
    expect(counts('ΟΔΟΣ'.toLowerCase())).toBe(counts('ΟΔΟΣ'));
    expect(changed).toEqual([]);
  });
});

describe('case-insensitive matching of ASCII keywords', () => {
  it('only ſ and the Kelvin sign match an ASCII letter or digit among the other code points (what caseKey relies on)', () => {
    const matching: string[] = [];
    const ascii = /^[a-z0-9]$/iu;
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (ascii.test(c)) matching.push(cp.toString(16));
    }
    expect(matching).toEqual(['17f', '212a']);
  });
});
