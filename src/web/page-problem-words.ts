// What a page problem says, in English and French: why a web page, or CSS selectors on it, cannot
// be read as a source. The same words refuse a registration (admin pages) and explain a page
// source's stored error ("the selectors stopped matching"); errorWords() says both.
import type { Language, PageProblemCode } from '../core/types.ts';
import { NO_LINK } from '../parse/page/index.ts';
import type { PublicFacts } from './public-facts.ts';

type Words = Record<PageProblemCode, (f: PublicFacts) => string>;

/** Which selector a problem is about, as a phrase that follows "the selector for". */
const FIELD: Record<Language, Record<string, string>> = {
  en: { item: 'the items', title: 'the title', link: 'the link', date: 'the date', summary: 'the summary' },
  fr: { item: 'des contenus', title: 'du titre', link: 'du lien', date: 'de la date', summary: 'du résumé' },
};

const LOOKS_LIKE: Record<Language, Record<string, string>> = {
  en: { json: 'JSON', pdf: 'a PDF', text: 'plain text', xml: 'an XML document that is not a feed', binary: 'binary data', empty: 'an empty document' },
  fr: { json: 'du JSON', pdf: 'un PDF', text: 'du texte brut', xml: 'un document XML qui n’est pas un fil', binary: 'des données binaires', empty: 'un document vide' },
};

const fieldOf = (ui: Language, f: PublicFacts) => FIELD[ui][f.field ?? 'item'] ?? FIELD[ui].item;
const quoted = (ui: Language, selector: string | undefined) =>
  selector ? (ui === 'fr' ? ` («\u00a0${selector}\u00a0»)` : ` (“${selector}”)`) : '';
const number = (n: number | undefined, ui: Language) => (n === undefined ? '' : n.toLocaleString(ui === 'fr' ? 'fr-CA' : 'en-CA'));

function looksLike(ui: Language, value: string | undefined): string {
  if (!value) return '';
  const known = LOOKS_LIKE[ui][value];
  if (known) return ui === 'fr' ? `\u00a0: elle envoie ${known}` : `: it sends ${known}`;
  return ui === 'fr' ? `\u00a0: elle envoie un document ${value}` : `: it sends ${value}`;
}

const en: Words = {
  'not-html': (f) => `The address does not answer with a web page${looksLike('en', f.looksLike)}.`,
  'page-is-a-feed': () => 'The address is a feed, not a web page: add it as a feed.',
  'login-wall': () => 'The page asks for a password before it shows anything: the hub reads public pages only.',
  'page-too-large': (f) => `The page is larger than the hub reads${f.limit ? ` (${number(f.limit, 'en')} characters)` : ''}.`,
  'page-too-deeply-nested': (f) => `The page’s markup is nested deeper than any real page’s${f.limit ? ` (over ${number(f.limit, 'en')} levels)` : ''}, so it is not read.`,
  'selector-invalid': (f) =>
    f.selector === '' ? `The selector for ${fieldOf('en', f)} is empty.` : `The selector for ${fieldOf('en', f)}${quoted('en', f.selector)} is not CSS the hub can run.`,
  'selector-too-long': (f) => `The selector for ${fieldOf('en', f)} is longer than ${number(f.limit, 'en') || 'the limit of'} characters.`,
  'selector-matches-nothing': (f) =>
    (f.field ?? 'item') === 'item' ? 'The selector for the items finds nothing on the page.' : `The selector for ${fieldOf('en', f)} finds nothing in any item.`,
  'selector-matches-page': () => 'The selector for the items takes in the whole page, not the entries of a list.',
  'selector-matches-nested': () => 'The selector for the items finds blocks inside one another: make it more precise.',
  'items-without-links': (f) =>
    `The ${f.items === undefined ? '' : `${number(f.items, 'en')} `}items found have no link of their own, and the hub tells a page’s items apart by their links.`,
  'selectors-stopped-matching': (f) =>
    `The selectors found no items on the page, where they found ${number(f.previous, 'en') || 'some'} the last time: the site was most likely redesigned. The items already read are kept; change the selectors to read the new layout.`,
  'no-repeated-blocks': () => 'No repeated block with links was found on the page to read as a list.',
};

const fr: Words = {
  'not-html': (f) => `L’adresse ne répond pas par une page web${looksLike('fr', f.looksLike)}.`,
  'page-is-a-feed': () => 'L’adresse est un fil, pas une page web\u00a0: ajoutez-la comme fil.',
  'login-wall': () => 'La page demande un mot de passe avant de montrer quoi que ce soit\u00a0: le carrefour ne lit que des pages publiques.',
  'page-too-large': (f) => `La page dépasse la taille que le carrefour lit${f.limit ? ` (${number(f.limit, 'fr')}\u00a0caractères)` : ''}.`,
  'page-too-deeply-nested': (f) =>
    `Le balisage de la page est imbriqué plus profondément que celui de toute vraie page${f.limit ? ` (plus de ${number(f.limit, 'fr')}\u00a0niveaux)` : ''}\u00a0; elle n’est pas lue.`,
  'selector-invalid': (f) =>
    f.selector === ''
      ? `Le sélecteur ${fieldOf('fr', f)} est vide.`
      : `Le sélecteur ${fieldOf('fr', f)}${quoted('fr', f.selector)} n’est pas du CSS que le carrefour sait appliquer.`,
  'selector-too-long': (f) => `Le sélecteur ${fieldOf('fr', f)} dépasse ${number(f.limit, 'fr') || 'la limite de'}\u00a0caractères.`,
  'selector-matches-nothing': (f) =>
    (f.field ?? 'item') === 'item' ? 'Le sélecteur des contenus ne trouve rien dans la page.' : `Le sélecteur ${fieldOf('fr', f)} ne trouve rien dans aucun contenu.`,
  'selector-matches-page': () => 'Le sélecteur des contenus englobe toute la page, et non les entrées d’une liste.',
  'selector-matches-nested': () => 'Le sélecteur des contenus trouve des blocs imbriqués les uns dans les autres\u00a0: précisez-le.',
  'items-without-links': (f) =>
    `Les ${f.items === undefined ? '' : `${number(f.items, 'fr')}\u00a0`}contenus trouvés n’ont pas de lien propre, et le carrefour distingue les contenus d’une page par leurs liens.`,
  'selectors-stopped-matching': (f) =>
    `Les sélecteurs n’ont trouvé aucun contenu dans la page, alors qu’ils en avaient trouvé ${number(f.previous, 'fr') || 'plusieurs'} la dernière fois\u00a0: le site a sans doute été refait. Les contenus déjà lus sont gardés\u00a0; changez les sélecteurs pour lire la nouvelle mise en page.`,
  'no-repeated-blocks': () => 'Aucun bloc répété avec des liens n’a été trouvé dans la page pour la lire comme une liste.',
};

export const PAGE_PROBLEM_WORDS: Record<Language, Words> = { en, fr };


/** Warnings about a page source's read that still found items. */
export const PAGE_WARNING_WORDS: Record<Language, Record<'selector-unmatched', (f: PublicFacts) => string>> = {
  en: { 'selector-unmatched': (f) => `The selector for ${fieldOf('en', f)} finds nothing in any item: the items were read without it. The page may have changed.` },
  fr: { 'selector-unmatched': (f) => `Le sélecteur ${fieldOf('fr', f)} ne trouve rien dans aucun contenu\u00a0: les contenus ont été lus sans lui. La page a peut-être changé.` },
};

/** Why a page's items were dropped, beside the parser's reasons. */
export const PAGE_DROP_REASONS: Record<string, Record<Language, string>> = {
  [NO_LINK]: { en: 'no link of their own', fr: 'sans lien propre' },
};
