// What kind of item this is: news, event, resource, research, funding opportunity or job
// posting, from bilingual cues in the title, summary, feed categories and URL path. A job
// posting is an opening to apply for (type job); an item about employment programs for
// newcomers is news or a resource tagged with the topic employment.
//
// A cue is a regular expression that either occurs in a field or not. Nearly every cue stands
// for a finite list of phrases ("calls? for proposals" → "call for proposals", "calls for
// proposals"); those phrases are looked up by their first word at each word of the field and
// compared there, which gives the same answer as running the expression. The others (times of
// day) run as expressions.
import type { ItemType } from '../core/types.ts';
import { type Phrase, phrasesOf } from './phrases.ts';
import { foldAccents } from './words.ts';

export interface TypeInput {
  title: string;
  summary: string;
  categories: string[];
  url?: string;
}

interface Cue {
  /** 1 for a cue that decides on its own, 0.4 for one that only leans, 2 for a time of day. */
  weight: number;
  /** Number of the cue in ALL_CUES. */
  id: number;
  /** The cue as a regular expression, when it is not a finite list of phrases starting with a word. */
  pattern?: RegExp;
}

/** A cue's phrase, filed under its first word. */
interface CuePhrase extends Phrase {
  cue: number;
}

const ALL_CUES: Cue[] = [];
/**
 * The cues' phrases by the hash of their first word (see wordHash). Two words may share a hash:
 * each phrase is still compared with the text where it is tried.
 */
const PHRASES = new Map<number, CuePhrase[]>();
const WORD_START = /^[a-z0-9]/;

/** Cues are written for folded, lower-cased text (no accents), one space between words. */
function cues(strong: string[], weak: string[] = [], decisive: string[] = []): Cue[] {
  const make = (words: string, weight: number): Cue => {
    const cue: Cue = { weight, id: ALL_CUES.length };
    ALL_CUES.push(cue);
    const byWord = phrasesByFirstWord(words);
    if (byWord) {
      for (const [key, phrases] of byHash(byWord)) PHRASES.set(key, [...(PHRASES.get(key) ?? []), ...phrases.map((p) => ({ ...p, cue: cue.id }))]);
    } else {
      cue.pattern = new RegExp(`(?<![a-z0-9])(?:${words})(?![a-z0-9])`);
    }
    return cue;
  };
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
const NOT_CUE_PHRASES = 'study permits?|permis d etudes|annual report|rapport annuel|register (?:discrimination|racism|a complaint)';
const NOT_CUES = new RegExp(`(?<![a-z0-9])(?:${NOT_CUE_PHRASES})(?![a-z0-9])`, 'g');
/** NOT_CUES's phrases by first word: when none is in a field, NOT_CUES is not run (undefined: always run). */
const NOT_CUE_WORDS = phrasesByFirstWord(NOT_CUE_PHRASES);
/** The same, by the hash of the first word (words that share a hash share a list). */
const NOT_CUE_HASHES = NOT_CUE_WORDS && byHash(NOT_CUE_WORDS);
const NOT_CUE_FIRST_WORDS = NOT_CUE_WORDS && [...NOT_CUE_WORDS.keys()];

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

/** A pattern that matches where one of the list's does (none has flags): most names and paths match none of them. */
function anyOf(list: [RegExp, unknown][]): RegExp {
  return new RegExp(list.map(([pattern]) => `(?:${pattern.source})`).join('|'));
}
const ANY_CATEGORY_CUE = anyOf(CATEGORY_CUES);
const ANY_PATH_CUE = anyOf(PATH_CUES);

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
  const fields = { title: cuesIn(input.title), summary: cuesIn(input.summary) };
  const categoryNames = input.categories.map(prepareCategory).filter((name) => ANY_CATEGORY_CUE.test(name));
  const scores: Record<ItemType, number> = { news: NEWS_BASELINE, event: 0, resource: 0, research: 0, funding: 0, job: 0 };
  // Scores add up in the same order as ever (type, field, cue), as floating-point sums depend on
  // it: cue ids follow that order, and each field's cues are in id order.
  for (const [type, { from, to }] of TYPE_CUE_IDS) {
    for (const [field, weight] of FIELD_WEIGHTS) {
      for (const id of fields[field]) if (id >= from && id < to) scores[type] += weight * ALL_CUES[id].weight;
    }
  }
  for (const id of fields.title) if (id >= NEWS_CUE_IDS.from && id < NEWS_CUE_IDS.to) scores.news += FIELD_WEIGHT.title * ALL_CUES[id].weight * 0.5;
  for (const [pattern, type] of CATEGORY_CUES) if (categoryNames.some((c) => pattern.test(c))) scores[type] += CATEGORY_NAME_WEIGHT;
  const path = urlPath(input.url);
  if (ANY_PATH_CUE.test(path)) for (const [pattern, type] of PATH_CUES) if (pattern.test(path)) scores[type] += 2;

  let best: ItemType = 'news';
  for (const type of PRECEDENCE) if (scores[type] > scores[best]) best = type;
  return best;
}

/** The range of cue ids of each type's list, in TYPE_CUES order, and of the news cues. */
const idRange = (list: Cue[]) => ({ from: list[0].id, to: list[list.length - 1].id + 1 });
const TYPE_CUE_IDS = (Object.entries(TYPE_CUES) as [Exclude<ItemType, 'news'>, Cue[]][]).map(([type, list]) => [type, idRange(list)] as const);
const NEWS_CUE_IDS = idRange(NEWS_CUES);
const FIELD_WEIGHTS = Object.entries(FIELD_WEIGHT) as ['title' | 'summary', number][];
const PATTERN_CUES = ALL_CUES.filter((cue) => cue.pattern);

/**
 * Folded, lower-cased text, every run of other characters (apostrophes too) one space; a lone
 * space is left as it is rather than replaced by one.
 */
function simplify(text: string): string {
  return foldAccents(text).toLowerCase().replace(/[^a-z0-9:$/+-]{2,}|[^a-z0-9:$/+ -]/g, ' ').trim();
}

/** A feed category name as the category cues read it: simplified, NOT_CUES blanked. */
function prepareCategory(name: string): string {
  const simple = simplify(name);
  return NOT_CUE_FIRST_WORDS && !NOT_CUE_FIRST_WORDS.some((w) => simple.includes(w)) ? simple : simple.replace(NOT_CUES, ' ');
}

/** The ids of the cues that occur in a field, ascending: phrase cues found word by word, the others tested. */
function cuesIn(raw: string): number[] {
  let text = simplify(raw);
  const found: number[] = [];
  if (findPhrases(text, found) || !NOT_CUE_WORDS) {
    // A NOT_CUES phrase is there: blank them all and look again.
    const blanked = text.replace(NOT_CUES, ' ');
    if (blanked !== text) {
      text = blanked;
      found.length = 0;
      findPhrases(text, found);
    }
  }
  for (const cue of PATTERN_CUES) if (cue.pattern!.test(text)) addId(found, cue.id);
  return found;
}

/** Adds `id` to the ascending list `ids` unless it is there. */
function addId(ids: number[], id: number): void {
  let i = ids.length;
  while (i > 0 && ids[i - 1] > id) i--;
  if (ids[i - 1] !== id) ids.splice(i, 0, id);
}

/**
 * Adds to `found` the phrase cues of prepared text, word by word; returns true when the text
 * holds a NOT_CUES phrase.
 */
function findPhrases(text: string, found: number[]): boolean {
  let notCue = false;
  for (let at = 0; at < text.length; at++) {
    if (!isWordChar(text.charCodeAt(at))) continue;
    let end = at + 1;
    while (isWordChar(text.charCodeAt(end))) end++;
    const hash = wordHash(text, at, end);
    const phrases = PHRASES.get(hash);
    if (phrases) {
      for (const p of phrases) if (phraseAt(text, at, p)) addId(found, p.cue);
    }
    const notCues = NOT_CUE_HASHES?.get(hash);
    if (notCues?.some((p) => phraseAt(text, at, p))) notCue = true;
    at = end;
  }
  return notCue;
}

/** Phrases by first word → phrases by the hash of the first word, merged where hashes meet. */
function byHash(byWord: Map<string, Phrase[]>): Map<number, Phrase[]> {
  const out = new Map<number, Phrase[]>();
  for (const [word, phrases] of byWord) {
    const key = wordHash(word, 0, word.length);
    out.set(key, [...(out.get(key) ?? []), ...phrases]);
  }
  return out;
}

/** A 32-bit hash of text[start, end), computed without cutting the word out. */
function wordHash(text: string, start: number, end: number): number {
  let hash = end - start;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** True when the phrase starts at `at` (a word start) and ends before a character that is not a letter or digit. */
function phraseAt(text: string, at: number, p: Phrase): boolean {
  return (!p.atStart || at === 0) && text.startsWith(p.text, at) && !isWordChar(text.charCodeAt(at + p.text.length));
}

/** A letter or digit of prepared text (NaN, past the end, is not). */
function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** The phrases of `pattern` by first word, or undefined when it is not a list of phrases starting with a word. */
function phrasesByFirstWord(pattern: string): Map<string, Phrase[]> | undefined {
  const phrases = phrasesOf(pattern);
  if (!phrases || !phrases.every((p) => WORD_START.test(p.text))) return undefined;
  const byWord = new Map<string, Phrase[]>();
  for (const p of phrases) {
    const first = /^[a-z0-9]+/.exec(p.text)![0];
    byWord.set(first, [...(byWord.get(first) ?? []), p]);
  }
  return byWord;
}

function urlPath(url: string | undefined): string {
  if (!url) return '';
  try {
    return foldAccents(decodeURIComponent(new URL(url).pathname)).toLowerCase();
  } catch {
    return '';
  }
}
