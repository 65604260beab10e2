// The regular-expression matchers that tagTopics, classifyType and chooseItemLanguage used
// before they matched words through hash maps, and computeFingerprint before it counted bits,
// frozen here word for word (with the helpers of words.ts they used) so
// tests/normalize/matchers-equivalence.test.ts can check that the faster versions decide
// exactly as these did. Not used by src/.
import type { ItemLanguage, ItemType, Language, Topic } from '../../../src/core/types.ts';

// ---- words.ts (foldAccents, wordText, stop words) ----
/** Letters NFD does not decompose, spelled out so "œuvre" folds to "oeuvre". */
const LIGATURES: Record<string, string> = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L' };

/** Removes diacritics (é → e, ç → c, œ → oe); keeps case and every other character. */
export function foldAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œŒæÆßøØłŁ]/g, (c) => LIGATURES[c]);
}

/** Folded text with every run of non-letters/digits turned into one space: the form keywords match against. */
export function wordText(text: string): string {
  return ` ${foldAccents(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
}

/** Lower-cased, accent-folded words (letters and digits runs). */
export function splitWords(text: string): string[] {
  return foldAccents(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
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


// ---- topics.ts ----
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


// ---- item-type.ts ----
export interface TypeInput {
  title: string;
  summary: string;
  categories: string[];
  url?: string;
}

interface Cue {
  pattern: RegExp;
  /** 1 for a cue that decides on its own, 0.4 for one that only leans, 2 for a time of day. */
  weight: number;
}

/** Cues are written for folded, lower-cased text (no accents), one space between words. */
function cues(strong: string[], weak: string[] = [], decisive: string[] = []): Cue[] {
  const make = (words: string, weight: number): Cue => ({ pattern: new RegExp(`(?<![a-z0-9])(?:${words})(?![a-z0-9])`), weight });
  return [...strong.map((w) => make(w, 1)), ...weak.map((w) => make(w, 0.4)), ...decisive.map((w) => make(w, 2))];
}

const TIME = '\\d{1,2}(?::\\d{2})? ?(?:a ?m|p ?m)|\\d{1,2} ?h ?(?:\\d{2})?(?= |$)|\\d{1,2}:\\d{2} ?(?:et|pt|mt|ct|at|est|edt|pst|pdt|hne|hae|he)';

const TYPE_CUES: Record<Exclude<ItemType, 'news'>, Cue[]> = {
  job: cues(
    [
      'job posting', 'job postings', 'job opening', 'job openings', 'job opportunity', 'career opportunit(?:y|ies)', "we ?(?:a)?re hiring", 'now hiring',
      'is hiring', 'hiring:', 'position available', 'positions available', 'employment opportunity', 'offre d emploi', 'offres d emploi',
      'postes? a pourvoir', 'emplois? a pourvoir', 'nous embauchons', 'on embauche', 'est a la recherche d une?', 'recherche une? (?:conseill|coordonn|agent|interven|gestionn|direct|formatr|format)',
      'join our team', 'joignez-vous a notre equipe', 'joignez vous a notre equipe', 'rejoignez notre equipe', 'description de poste', 'job description',
      'cover letter', 'lettre de presentation', 'lettre de motivation', 'apply with your resume',
    ],
    ['full[- ]time', 'part[- ]time', 'temps plein', 'temps partiel', 'permanent position', 'contract position', 'poste permanent', 'poste contractuel',
      'salary', 'salaire', 'per hour', 'l heure', 'closing date', 'qualifications', 'apply by', 'postulez', 'postuler', 'candidature', 'hiring'],
  ),
  funding: cues(
    [
      'calls? for proposals', 'call for concepts', 'calls? for applications', 'requests? for proposals', 'expressions? of interest', 'funding opportunit(?:y|ies)',
      'grant program', 'grants? available', 'apply for funding', 'apply for a grant', 'funding stream', 'now accepting applications', 'appels? de propositions',
      'appels? a propositions', 'appels? de projets', 'appels? a projets', 'possibilites? de financement', 'occasions? de financement', 'programme de subventions',
      'demande de subvention', 'demandes de subvention', 'cfp', 'micro-?grants?', 'microsubventions?',
    ],
    ['deadline', 'date limite', 'grants?', 'subventions?', 'funding', 'financement', 'apply', 'eligible', 'admissibles?', 'applications'],
  ),
  event: cues(
    [
      'webinars?', 'webinaires?', 'conferences?', 'colloques?', 'symposium', 'forums?', 'summit', 'sommet', 'workshops?', 'ateliers?', 'info sessions?',
      'information sessions?', 'seances? d information', 'sessions? d information', 'town hall', 'panel discussion', 'table ronde',
      'register (?:now|today|here|online|by|for)', 'registration (?:is )?(?:now )?open', 'registration required', 'free registration', 'to register',
      'inscriptions?', 'inscri(?:vez|re)', 'join us', 'joignez-vous a nous', 'save the date', 'reservez la date', 'job fair', 'career fair',
      'salon de l emploi', 'open house', 'portes ouvertes', 'livestream', 'meetup', 'launch event', 'lunch and learn', 'networking event', 'clinic on',
      'rsvp', 'training session', 'seance de formation', 'retreat', 'limited (?:seats|spaces|places)', 'places limitees', '^formation :',
    ],
    ['events?', 'evenements?', 'activites', 'zoom', 'in-person', 'en personne', 'hybrid', 'hybride', 'speakers?', 'conferencier', 'panelists?',
      'celebrat(?:e|ion)', 'week', 'semaine', 'register', 'registration'],
    // A time of day is said of events, rarely of news.
    [TIME],
  ),
  research: cues(
    [
      'reports?', 'rapports?', 'research', 'recherches?', 'study', 'etudes?', 'survey results', 'resultats du sondage', 'findings', 'evaluat(?:ion|ions|ing)', 'research brief',
      'policy brief', 'note de politique', 'working paper', 'literature review', 'revue de litterature', 'environmental scan', 'needs assessment', 'census',
      'recensement', 'summary report', 'conference report', 'rapport de conference', 'new paper', 'dataset', 'survey', 'sondage', 'enquete', 'our analysis', 'notre analyse',
    ],
    ['published', 'publie', 'publiee', 'finds', 'revele', 'evidence', 'researchers?', 'chercheu(?:r|se)s?', 'paper', 'statistics', 'statistiques', 'data',
      'donnees', 'analysis', 'analyse'],
  ),
  resource: cues(
    [
      'toolkits?', 'tool kits?', 'guides?', 'guidebook', 'handbook', 'trousses?', 'boite a outils', 'fiches?', 'fiches? d information', 'fact ?sheets?',
      'tip sheets?', 'templates?', 'modeles?', 'checklists?', 'liste de verification', 'infographics?', 'infographies?', 'e-learning', 'online course',
      'cours en ligne', 'self-paced', 'module', 'modules', 'faq', 'directory', 'repertoire', 'worksheets?', 'lesson plans?', 'plans? de lecon', 'teaching materials',
      'materiel pedagogique', 'resource hub', 'resources? for', 'ressources? pour', 'new resource', 'nouvelle ressource', 'tools? for', 'outils? pour',
      'podcast', 'balado', 'video series', 'serie de videos', 'map of', 'online tool', 'new tool', 'nouvel outil', 'outil en ligne',
      '^how (?:do|can|to|does)', '^where (?:can|do|to)', '^what (?:is|are|to)', '^comment (?:trouver|obtenir|faire|choisir)', '^ou trouver',
    ],
    ['resources?', 'ressources?', 'tools?', 'outils?', 'download', 'telecharger', 'available', 'disponibles?', 'learn', 'tips', 'conseils'],
  ),
};

/** Phrases that look like cues and are not: a study permit is not a study, an annual report not research. */
const NOT_CUES = /(?<![a-z0-9])(?:study permits?|permis d etudes|annual report|rapport annuel|register (?:discrimination|racism|a complaint))(?![a-z0-9])/g;

/** The feeds' own category names for each type. */
const CATEGORY_CUES: [RegExp, Exclude<ItemType, 'news'>][] = [
  [/(?<![a-z])(?:jobs?|careers?|job board|job postings?|emplois?|offres d emploi|carrieres?)(?![a-z])/, 'job'],
  [/(?<![a-z])(?:funding|funding opportunities|grants|calls? for proposals|financement|appels? de propositions|subventions)(?![a-z])/, 'funding'],
  [/(?<![a-z])(?:events?|webinars?|workshops?|evenements?|webinaires?|ateliers?|colloques?|activites|conferences?)(?![a-z])/, 'event'],
  [/(?<![a-z])(?:research|reports?|publications?|research briefs|recherche|rapports?)(?![a-z])/, 'research'],
  [/(?<![a-z])(?:resources?|toolkits?|tools|info sheets|guides?|ressources?|outils|trousses?)(?![a-z])/, 'resource'],
];

const PATH_CUES: [RegExp, Exclude<ItemType, 'news'>][] = [
  [/\/(?:jobs?|careers?|emplois?|carrieres?|job-board|offres-d-emploi|job-postings?)(?:\/|$)/, 'job'],
  [/\/(?:funding|grants?|financement|cfp|calls-for-proposals|appels-de-propositions)(?:\/|$)/, 'funding'],
  [/\/(?:events?|evenements?|webinars?|webinaires?|calendar|calendrier|agenda)(?:\/|$)/, 'event'],
  [/\/(?:research|recherche|publications?|reports?|rapports?|library|bibliotheque)(?:\/|$)/, 'research'],
  [/\/(?:resources?|ressources?|toolkits?|guides?|tools?|outils|learning|apprentissage)(?:\/|$)/, 'resource'],
];

const NEWS_CUES = cues(['announces?', 'annonce', 'statement', 'declaration', 'press release', 'communique', 'news', 'nouvelles', 'minister', 'ministre', 'reacts?', 'reagit']);

/** When two types score the same, the more specific one wins: a webinar about a report is an event. */
const PRECEDENCE: ItemType[] = ['job', 'event', 'funding', 'research', 'resource', 'news'];
const FIELD_WEIGHT = { title: 3, summary: 1 };
/** A feed category that names a type outright ("Jobs", "Événements"). */
const CATEGORY_NAME_WEIGHT = 3;
/** A type must beat plain news by this much evidence. */
const NEWS_BASELINE = 1.5;

/** Classifies an item; news when nothing points elsewhere. */
export function classifyType(input: TypeInput): ItemType {
  const fields = { title: prepare(input.title), summary: prepare(input.summary) };
  const categoryNames = input.categories.map(prepare);
  const scores: Record<ItemType, number> = { news: NEWS_BASELINE, event: 0, resource: 0, research: 0, funding: 0, job: 0 };
  for (const [type, list] of Object.entries(TYPE_CUES) as [Exclude<ItemType, 'news'>, Cue[]][]) {
    for (const [field, weight] of Object.entries(FIELD_WEIGHT) as [keyof typeof fields, number][]) {
      for (const cue of list) if (cue.pattern.test(fields[field])) scores[type] += weight * cue.weight;
    }
  }
  for (const cue of NEWS_CUES) if (cue.pattern.test(fields.title)) scores.news += FIELD_WEIGHT.title * cue.weight * 0.5;
  for (const [pattern, type] of CATEGORY_CUES) if (categoryNames.some((c) => pattern.test(c))) scores[type] += CATEGORY_NAME_WEIGHT;
  const path = urlPath(input.url);
  for (const [pattern, type] of PATH_CUES) if (pattern.test(path)) scores[type] += 2;

  let best: ItemType = 'news';
  for (const type of PRECEDENCE) if (scores[type] > scores[best]) best = type;
  return best;
}

function prepare(text: string): string {
  return foldAccents(text).toLowerCase().replace(/[’'`]/g, ' ').replace(/[^a-z0-9:$/+-]+/g, ' ').trim().replace(NOT_CUES, ' ');
}

function urlPath(url: string | undefined): string {
  if (!url) return '';
  try {
    return foldAccents(decodeURIComponent(new URL(url).pathname)).toLowerCase();
  } catch {
    return '';
  }
}


// ---- detect-language.ts ----
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



// ---- fingerprint.ts ----
/** Title words count more: summaries are cut at different lengths by different platforms. */
const TITLE_WEIGHT = 3;
const BITS = 64;

/** The SimHash of title + summary: accent-folded, lower-cased, function words removed, words and word pairs as features. */
export function computeFingerprint(title: string, summary: string): string {
  const weights = new Float64Array(BITS);
  addFeatures(weights, contentWords(title), TITLE_WEIGHT);
  addFeatures(weights, contentWords(summary), 1);
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (weights[bit] > 0) lo |= 1 << bit;
    if (weights[bit + 32] > 0) hi |= 1 << bit;
  }
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
}

function addFeatures(weights: Float64Array, words: string[], weight: number): void {
  const features = words.length > 1 ? [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)] : words;
  for (const feature of features) {
    const lo = hash32(feature, 0x9747b28c);
    const hi = hash32(feature, 0x5bd1e995);
    for (let bit = 0; bit < 32; bit++) {
      weights[bit] += (lo >>> bit) & 1 ? weight : -weight;
      weights[bit + 32] += (hi >>> bit) & 1 ? weight : -weight;
    }
  }
}

/** MurmurHash3-style 32-bit hash of a string's UTF-16 code units. */
function hash32(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
