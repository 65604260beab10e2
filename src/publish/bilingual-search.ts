// Bilingual search: what a query's words mean in the other official language. The words come from
// the bilingual taxonomy (each topic's keywords, in the language they are listed under, and its
// two labels as a pair) and from EN↔FR term pairs (the lexicon operators extend in feeds.yaml);
// nothing is guessed. "logement" is a French keyword of housing: English items on housing match,
// and so do English items holding "housing", the other half of its pair. The terms are matched as
// the taxonomy matches items (normalize/topics.ts): whole words, accents and case aside, plurals
// and feminine forms included.
import { LANGUAGES, type Language, type LexiconPair, type Topic } from '../core/types.ts';
import { compileTaxonomy, tagTopics, type Taxonomy } from '../normalize/topics.ts';
import { contentWords } from '../normalize/words.ts';
import type { CrossSearch } from '../store/items-query.ts';

/** One term and its translation. */
export interface TermPair {
  en: string;
  fr: string;
}

interface Term {
  language: Language;
  /** Its words, folded: the query words it covers. */
  words: string[];
  topic?: string;
  /** The same term in the other language. */
  translation?: string;
}

/** The terms compiled once, for reading many queries. */
export interface SearchTerms {
  /** One "topic" per term, named by its index in `terms`. */
  matcher: Taxonomy;
  terms: Term[];
}

/** The pairs the taxonomy itself gives: each topic's English and French labels. */
export function taxonomyPairs(topics: Topic[]): TermPair[] {
  return topics.map((t) => ({ en: t.label.en, fr: t.label.fr }));
}

/**
 * The lexicon's entries as search pairs: each spelling of one side paired with the other side's
 * first spelling. Entries spelled alike in both languages (most place names) and entries of
 * function words ("un" for "one") add nothing a plain search does not already find.
 */
export function lexiconTermPairs(lexicon: readonly LexiconPair[]): TermPair[] {
  const pairs = new Map<string, TermPair>();
  for (const entry of lexicon) {
    const en = entry.en.split('|');
    const fr = entry.fr.split('|');
    if (!contentWords(en[0]).length || !contentWords(fr[0]).length) continue;
    for (const pair of [...en.map((e) => ({ en: e, fr: fr[0] })), ...fr.map((f) => ({ en: en[0], fr: f }))]) {
      if (pair.en.toLowerCase() !== pair.fr.toLowerCase()) pairs.set(`${pair.en}\u0000${pair.fr}`, pair);
    }
  }
  return [...pairs.values()];
}

/** Compiles the taxonomy's keywords and the term pairs (by default, the taxonomy's labels). */
export function compileSearchTerms(topics: Topic[], pairs: TermPair[] = taxonomyPairs(topics)): SearchTerms {
  const terms: Term[] = [];
  const matchers: Topic[] = [];
  const add = (text: string, language: Language, extra: Pick<Term, 'topic' | 'translation'>) => {
    const words = contentWords(text.replace(/\*$/, ''));
    // Masks ("-offre d'emploi") say what a topic is not; a term of function words alone says nothing.
    if (text.startsWith('-') || !words.length) return;
    matchers.push({ slug: String(terms.length), label: { en: '', fr: '' }, keywords: { en: [], fr: [], [language]: [text] }, categories: [] });
    terms.push({ language, words, ...extra });
  };
  for (const topic of topics) for (const lang of LANGUAGES) for (const keyword of topic.keywords[lang]) add(keyword, lang, { topic: topic.slug });
  for (const pair of pairs) {
    add(pair.en, 'en', { translation: pair.fr });
    add(pair.fr, 'fr', { translation: pair.en });
  }
  return { matcher: compileTaxonomy(matchers), terms };
}

/** Query syntax whose meaning a translation would change (a phrase in quotes, an excluded -word, OR). */
const SYNTAX = /["]|(^|\s)-\S|\sor\s/i;

/**
 * The query's meaning in the other language, or undefined when its words name no term. Its
 * language is the one most of its terms are in; `fallback` (the reader's language) decides a tie,
 * without which the words are taken as they are.
 */
export function expandSearch(q: string, search: SearchTerms, fallback?: Language): CrossSearch | undefined {
  if (SYNTAX.test(q)) return undefined;
  const found = tagTopics({ title: q, summary: '', categories: [], language: 'other' }, search.matcher, []).map((i) => search.terms[Number(i)]);
  if (!found.length) return undefined;
  const votes = { en: 0, fr: 0 };
  for (const term of found) votes[term.language]++;
  const language = votes.en > votes.fr ? 'en' : votes.fr > votes.en ? 'fr' : fallback;
  if (!language) return undefined;
  const phrases: Record<Language, string[]> = { en: [], fr: [] };
  for (const term of found) {
    if (term.translation !== undefined) {
      const into = term.language === 'en' ? 'fr' : 'en';
      if (!phrases[into].includes(term.translation)) phrases[into].push(term.translation);
    }
  }
  const covered = found.flatMap((t) => t.words);
  const rest = contentWords(q).filter((w) => !covered.some((k) => sameWord(w, k)));
  return {
    language,
    topics: [...new Set(found.flatMap((t) => (t.topic ? [t.topic] : [])))].sort(),
    phrases,
    ...(rest.length ? { rest: rest.join(' ') } : {}),
  };
}

/** A query word is a term's word, or one of its forms: "logements" of "logement", "communities" of "community". */
function sameWord(word: string, termWord: string): boolean {
  if (word.startsWith(termWord)) return true;
  let shared = 0;
  while (shared < word.length && word[shared] === termWord[shared]) shared++;
  return shared >= Math.max(4, termWord.length - 1);
}
