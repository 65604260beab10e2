// Every string of the reader, the directory and the embed, in English and French. French is typed
// as `Words`, so a string added in one language and forgotten in the other does not compile. The
// labels of regions, provinces, types and languages are in core/words.ts; dates and numbers are
// written by core/locale.ts.
import type { Language } from '../core/types.ts';
import type { QueryProblem } from '../publish/feed-query.ts';

const en = {
  colon: ':',
  otherLanguageName: 'Français',
  tagline: 'News, events and resources of the settlement sector, from across Canada',
  skip: 'Skip to content',
  navLabel: 'Main',
  navRiver: 'Latest items',
  navDirectory: 'Directory',
  footer: 'Passerelle gathers the feeds that the settlement sector’s platforms already publish. No account, no tracking.',
  footerApi: 'Public JSON API',

  riverHeading: 'Latest from the settlement sector',
  searchLabel: 'Search the items',
  searchButton: 'Search',
  filtersHeading: 'Filter',
  topic: 'Topic',
  region: 'Region',
  province: 'Province or territory',
  language: 'Language',
  type: 'Type',
  source: 'Source',
  anyProvince: 'Any province or territory',
  anySource: 'All sources',
  apply: 'Apply filters',
  clear: 'Clear filters',
  filtersActive: (n: number) => `${n} active filter${n === 1 ? '' : 's'}`,
  activeFilters: 'Active filters',
  removeFilter: 'Remove the filter',
  clearAll: 'Clear all',
  searchChip: (q: string) => `“${q}”`,
  sinceChip: (date: string) => `since ${date}`,
  itemsHeading: 'Items',
  noItems: 'No items match this selection yet. Try fewer filters or other words.',
  older: 'Older items',
  newer: 'Newer items',
  newest: 'Back to the newest',
  pagesLabel: 'More items',
  position: (from: number, to: number) => `Items ${from}–${to}`,
  alsoBy: 'Also published by',
  subscribeShort: 'Subscribe',

  subscribeHeading: 'Subscribe to this selection',
  subscribeIntro: 'Follow exactly what this page lists in any feed reader, with no account. Copy one of these addresses into your reader:',
  feedRss: 'RSS feed',
  feedAtom: 'Atom feed',
  feedJson: 'JSON Feed',
  opml: 'Every topic feed at once, for your reader (OPML)',
  sourcesOpml: 'Every source’s own feed (OPML)',
  embedHeading: 'Show this list on your website',
  embedIntro: 'Copy one of these snippets into a page of your site. The list stays up to date by itself and sets no cookies.',
  embedIframe: 'With an iframe (works without script)',
  embedScript: 'With a script (takes your page’s width, font and colours; where scripts are blocked, a link to this selection shows instead)',
  embedPreview: 'Preview the widget',
  embedUrl: 'The widget’s address alone (for a site builder that asks for a URL)',
  embedResize: 'Optional: let the iframe take the height of its list by adding this line once to the page',
  embedScriptFallback: (heading: string) => `${heading} on Passerelle`,

  saveHeading: 'Save this selection',
  saveIntro: 'Give it a title to get short feed addresses of your own, easy to share and to remember.',
  saveTitle: 'Title',
  saveButton: 'Save',
  savedTitle: 'Selection saved',
  savedIntro: 'These short addresses always give this selection, under its title:',
  savedOpen: 'See it in the reader',
  saveRefusedTitle: 'This selection was not saved',
  saveTooMany: 'Too many selections were saved from this address lately. Try again later.',
  saveFull: 'The hub holds as many saved selections as it accepts. Unused ones are removed in time; try again later.',
  saveTitleMissing: 'Give the selection a title of one line, at most 200 characters.',
  saveFromElsewhere: 'This form did not come from this hub’s pages. Go back, reload the page and send it again.',

  back: 'Back to the latest items',
  publishedBy: 'Published by',
  published: 'Published',
  firstSeen: 'First seen',
  updated: 'Updated',
  topics: 'Topics',
  readOriginal: 'Read it on the original site',
  attachment: 'Attachment',
  alsoPublishedBy: 'Also published by',
  noContent: 'The source gave no text for this item.',
  notFoundTitle: 'This page is not here',
  notFoundText: 'The item may have been removed by its source, or the address is incomplete.',

  directoryTitle: 'Directory of organizations',
  directoryIntro: 'The organizations whose feeds Passerelle gathers, by region. Choose a province or territory on the map to read its items.',
  mapTitle: 'Map of Canada’s provinces and territories',
  mapHint: 'Each province or territory links to its items.',
  mapList: 'Provinces and territories',
  regionWide: 'Across the region',
  nationalWide: 'Across Canada',
  noOrgs: 'No organization yet.',
  website: 'Website',
  feedOriginal: 'Original feed',
  feedOurs: 'Passerelle feed (RSS)',
  health: 'Health',
  healthOk: 'Working',
  healthFailing: 'Failing',
  healthPaused: 'Paused',
  healthGone: 'Gone',
  healthNever: 'Not read yet',
  lastFetch: 'last read',
  lastSuccess: 'last success',
  lastError: 'Last error',
  httpStatus: 'HTTP status',

  embedAll: 'Latest on Passerelle',
  embedMore: 'More on Passerelle',
  embedEmpty: 'Nothing here yet.',
  embedNewTab: 'Links open in a new tab.',

  badRequestTitle: 'This selection could not be read',
  badRequestLead: 'One part of the address is not one we know:',
  detail: 'Detail',
  withoutParameter: 'Show this page without it',
  correctedAddress: 'Open the corrected address',
  unknownParameter: (name: string) => `“${name}” is not a parameter of this address.`,
  escapedAmpersand: (name: string) => `The address has “&amp;” where “&” belongs (HTML’s way of writing “&”, copied into an address): use “${name}”.`,
  didYouMean: (name: string) => `Did you mean “${name}”?`,
  acceptedParameters: (names: string) => `It takes: ${names}.`,
  unknownValue: (name: string, values: string) => `“${name}” does not take ${values}.`,
  acceptedValues: (values: string) => `Accepted: ${values}.`,
  badNumber: (name: string, min: number, max: number) => `“${name}” must be a whole number from ${min} to ${max}.`,
  badSince: '“since” must be a date, such as 2024-05-01, or a time, such as 2024-05-01T12:00:00Z.',
  sinceOutOfRange: '“since” must fall between the years 1 and 9999.',
  badBoolean: (name: string) => `“${name}” must be true or false.`,
  controlCharacters: 'The search must not contain control characters.',
  searchTooLong: (max: number) => `The search is too long: at most ${max} characters.`,
  badCursor: 'This page’s address is out of date or incomplete: start again from the newest items.',
  quote: (text: string) => `“${text}”`,
  startOver: 'Start again from the latest items',
  serverErrorTitle: 'Something went wrong on our side',
  serverErrorText: 'Please try again in a moment. If it keeps happening, tell the people who run this hub and quote this reference:',

  itemCount: (n: number) => `${n} item${n === 1 ? '' : 's'}`,
  orgCount: (n: number) => `${n} organization${n === 1 ? '' : 's'}`,
  parameter: (name: string) => `the “${name}” parameter`,
  translationHeading: (lang: string): string => (lang === 'fr' ? 'This item in French' : 'This item in English'),
};

export type Words = typeof en;

const fr: Words = {
  colon: '\u00a0:',
  otherLanguageName: 'English',
  tagline: 'Nouvelles, événements et ressources du secteur de l’établissement, partout au Canada',
  skip: 'Passer au contenu',
  navLabel: 'Principale',
  navRiver: 'Derniers contenus',
  navDirectory: 'Répertoire',
  footer: 'Passerelle réunit les fils que publient déjà les plateformes du secteur de l’établissement. Sans compte, sans pistage.',
  footerApi: 'API JSON publique',

  riverHeading: 'Les dernières nouvelles du secteur de l’établissement',
  searchLabel: 'Rechercher dans les contenus',
  searchButton: 'Rechercher',
  filtersHeading: 'Filtrer',
  topic: 'Thème',
  region: 'Région',
  province: 'Province ou territoire',
  language: 'Langue',
  type: 'Type',
  source: 'Source',
  anyProvince: 'Toutes les provinces et tous les territoires',
  anySource: 'Toutes les sources',
  apply: 'Appliquer les filtres',
  clear: 'Effacer les filtres',
  filtersActive: (n) => `${n}\u00a0filtre${n > 1 ? 's' : ''} actif${n > 1 ? 's' : ''}`,
  activeFilters: 'Filtres actifs',
  removeFilter: 'Retirer le filtre',
  clearAll: 'Tout effacer',
  searchChip: (q) => `«\u00a0${q}\u00a0»`,
  sinceChip: (date) => `depuis le ${date}`,
  itemsHeading: 'Contenus',
  noItems: 'Aucun contenu ne correspond encore à cette sélection. Essayez moins de filtres ou d’autres mots.',
  older: 'Contenus plus anciens',
  newer: 'Contenus plus récents',
  newest: 'Retour aux plus récents',
  pagesLabel: 'Plus de contenus',
  position: (from, to) => `Contenus ${from} à ${to}`,
  alsoBy: 'Aussi publié par',
  subscribeShort: 'S’abonner',

  subscribeHeading: 'S’abonner à cette sélection',
  subscribeIntro: 'Suivez exactement ce que liste cette page dans n’importe quel lecteur de fils, sans compte. Copiez une de ces adresses dans votre lecteur\u00a0:',
  feedRss: 'Fil RSS',
  feedAtom: 'Fil Atom',
  feedJson: 'Fil JSON Feed',
  opml: 'Tous les fils thématiques d’un coup, pour votre lecteur (OPML)',
  sourcesOpml: 'Le fil de chaque source (OPML)',
  embedHeading: 'Afficher cette liste sur votre site',
  embedIntro: 'Copiez un de ces extraits dans une page de votre site. La liste se tient à jour toute seule et ne dépose aucun témoin.',
  embedIframe: 'Avec un iframe (fonctionne sans script)',
  embedScript: 'Avec un script (prend la largeur, la police et les couleurs de votre page\u00a0; là où les scripts sont bloqués, un lien vers cette sélection s’affiche à la place)',
  embedPreview: 'Aperçu du widget',
  embedUrl: 'L’adresse du widget seule (pour un outil de création de site qui demande une adresse)',
  embedResize: 'Facultatif\u00a0: pour que l’iframe prenne la hauteur de sa liste, ajoutez une fois cette ligne à la page',
  embedScriptFallback: (heading) => `${heading} sur Passerelle`,

  saveHeading: 'Enregistrer cette sélection',
  saveIntro: 'Donnez-lui un titre pour obtenir des adresses de fils courtes, à vous, faciles à partager et à retenir.',
  saveTitle: 'Titre',
  saveButton: 'Enregistrer',
  savedTitle: 'Sélection enregistrée',
  savedIntro: 'Ces adresses courtes donnent toujours cette sélection, sous son titre\u00a0:',
  savedOpen: 'La voir dans le lecteur',
  saveRefusedTitle: 'Cette sélection n’a pas été enregistrée',
  saveTooMany: 'Trop de sélections ont été enregistrées depuis cette adresse ces derniers temps. Réessayez plus tard.',
  saveFull: 'Le carrefour garde autant de sélections qu’il en accepte. Celles qui ne servent pas sont retirées avec le temps\u00a0; réessayez plus tard.',
  saveTitleMissing: 'Donnez à la sélection un titre d’une ligne, d’au plus 200\u00a0caractères.',
  saveFromElsewhere: 'Ce formulaire ne venait pas des pages de ce carrefour. Revenez en arrière, rechargez la page et envoyez-le de nouveau.',

  back: 'Retour aux derniers contenus',
  publishedBy: 'Publié par',
  published: 'Publié le',
  firstSeen: 'Vu pour la première fois le',
  updated: 'Mis à jour le',
  topics: 'Thèmes',
  readOriginal: 'Lire sur le site d’origine',
  attachment: 'Pièce jointe',
  alsoPublishedBy: 'Aussi publié par',
  noContent: 'La source n’a fourni aucun texte pour ce contenu.',
  notFoundTitle: 'Cette page est introuvable',
  notFoundText: 'Le contenu a peut-être été retiré par sa source, ou l’adresse est incomplète.',

  directoryTitle: 'Répertoire des organisations',
  directoryIntro: 'Les organisations dont Passerelle réunit les fils, par région. Choisissez une province ou un territoire sur la carte pour lire ses contenus.',
  mapTitle: 'Carte des provinces et territoires du Canada',
  mapHint: 'Chaque province et chaque territoire mène à ses contenus.',
  mapList: 'Provinces et territoires',
  regionWide: 'Toute la région',
  nationalWide: 'Partout au Canada',
  noOrgs: 'Aucune organisation pour l’instant.',
  website: 'Site web',
  feedOriginal: 'Fil d’origine',
  feedOurs: 'Fil Passerelle (RSS)',
  health: 'État',
  healthOk: 'Fonctionne',
  healthFailing: 'En échec',
  healthPaused: 'En pause',
  healthGone: 'Disparue',
  healthNever: 'Pas encore lue',
  lastFetch: 'dernière lecture',
  lastSuccess: 'dernier succès',
  lastError: 'Dernière erreur',
  httpStatus: 'Statut HTTP',

  embedAll: 'Nouveautés sur Passerelle',
  embedMore: 'Plus sur Passerelle',
  embedEmpty: 'Rien pour l’instant.',
  embedNewTab: 'Les liens s’ouvrent dans un nouvel onglet.',

  badRequestTitle: 'Cette sélection n’a pas pu être lue',
  badRequestLead: 'Une partie de l’adresse ne nous est pas connue\u00a0:',
  detail: 'Détail',
  withoutParameter: 'Afficher cette page sans lui',
  correctedAddress: 'Ouvrir l’adresse corrigée',
  unknownParameter: (name) => `«\u00a0${name}\u00a0» n’est pas un paramètre de cette adresse.`,
  escapedAmpersand: (name) =>
    `L’adresse contient «\u00a0&amp;\u00a0» là où il faut «\u00a0&\u00a0» (la façon dont le HTML écrit «\u00a0&\u00a0», copiée dans une adresse)\u00a0: utilisez «\u00a0${name}\u00a0».`,
  didYouMean: (name) => `Vouliez-vous dire «\u00a0${name}\u00a0»\u00a0?`,
  acceptedParameters: (names) => `Elle accepte\u00a0: ${names}.`,
  unknownValue: (name, values) => `«\u00a0${name}\u00a0» n’accepte pas ${values}.`,
  acceptedValues: (values) => `Valeurs acceptées\u00a0: ${values}.`,
  badNumber: (name, min, max) => `«\u00a0${name}\u00a0» doit être un nombre entier de ${min} à ${max}.`,
  badSince: '«\u00a0since\u00a0» doit être une date, comme 2024-05-01, ou une heure, comme 2024-05-01T12:00:00Z.',
  sinceOutOfRange: '«\u00a0since\u00a0» doit tomber entre les années 1 et 9999.',
  badBoolean: (name) => `«\u00a0${name}\u00a0» doit valoir true ou false.`,
  controlCharacters: 'La recherche ne doit pas contenir de caractères de contrôle.',
  searchTooLong: (max) => `La recherche est trop longue\u00a0: au plus ${max}\u00a0caractères.`,
  badCursor: 'L’adresse de cette page est périmée ou incomplète\u00a0: recommencez à partir des plus récents.',
  quote: (text) => `«\u00a0${text}\u00a0»`,
  startOver: 'Recommencer à partir des derniers contenus',
  serverErrorTitle: 'Un problème est survenu de notre côté',
  serverErrorText: 'Veuillez réessayer dans un instant. Si le problème persiste, prévenez les responsables de ce carrefour en citant cette référence\u00a0:',

  itemCount: (n: number) => `${n} contenu${n > 1 ? 's' : ''}`,
  orgCount: (n: number) => `${n} organisation${n > 1 ? 's' : ''}`,
  parameter: (name: string) => `le paramètre «\u00a0${name}\u00a0»`,
  translationHeading: (lang: string) => (lang === 'fr' ? 'Ce contenu en français' : 'Ce contenu en anglais'),
};

export const WORDS: Record<Language, Words> = { en, fr };

export function wordsFor(ui: Language): Words {
  return WORDS[ui];
}

/** A query's problem (publish/feed-query.ts) in the reader's words: what is wrong, and what is accepted. */
export function describeQueryProblem(problem: QueryProblem, ui: Language): string {
  const w = WORDS[ui];
  const list = (values: readonly string[] | undefined) => (values ?? []).join(', ');
  switch (problem.code) {
    case 'unknown-parameter': {
      const hint = problem.escapedAmpersand && problem.suggestion ? w.escapedAmpersand(problem.suggestion) : problem.suggestion ? w.didYouMean(problem.suggestion) : '';
      return [w.unknownParameter(problem.parameter), hint, w.acceptedParameters(list(problem.accepted))].filter(Boolean).join(' ');
    }
    case 'unknown-value':
      return `${w.unknownValue(problem.parameter, (problem.values ?? []).map(w.quote).join(', '))} ${w.acceptedValues(list(problem.accepted))}`;
    case 'bad-number':
      return w.badNumber(problem.parameter, problem.min ?? 1, problem.max ?? 1);
    case 'bad-since':
      return w.badSince;
    case 'since-out-of-range':
      return w.sinceOutOfRange;
    case 'bad-boolean':
      return w.badBoolean(problem.parameter);
    case 'control-characters':
      return w.controlCharacters;
    case 'too-long':
      return w.searchTooLong(problem.max ?? 0);
    case 'bad-cursor':
      return w.badCursor;
  }
}

/** The filter parameters, named as the filter panel names them. */
export function parameterLabel(name: string, ui: Language): string | undefined {
  const w = WORDS[ui];
  const labels: Record<string, string> = { topic: w.topic, region: w.region, province: w.province, lang: w.language, type: w.type, source: w.source };
  return labels[name];
}
