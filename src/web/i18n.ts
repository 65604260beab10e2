// Every string of the reader, the directory and the embed, in English and French. French is typed
// as `Words`, so a string added in one language and forgotten in the other does not compile.
import type { ItemType, Language } from '../core/types.ts';

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
  itemsHeading: 'Items',
  noItems: 'No items match this selection yet. Try fewer filters or other words.',
  older: 'Older items',
  newest: 'Back to the newest',
  pagesLabel: 'More items',
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
  embedScript: 'With a script (takes your page’s width and font)',
  embedPreview: 'Preview the widget',

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
  itemsHeading: 'Contenus',
  noItems: 'Aucun contenu ne correspond encore à cette sélection. Essayez moins de filtres ou d’autres mots.',
  older: 'Contenus plus anciens',
  newest: 'Retour aux plus récents',
  pagesLabel: 'Plus de contenus',
  alsoBy: 'Aussi publié par',
  subscribeShort: 'S’abonner',

  subscribeHeading: 'S’abonner à cette sélection',
  subscribeIntro: 'Suivez exactement ce que liste cette page dans n’importe quel lecteur de fils, sans compte. Copiez une de ces adresses dans votre lecteur :',
  feedRss: 'Fil RSS',
  feedAtom: 'Fil Atom',
  feedJson: 'Fil JSON Feed',
  opml: 'Tous les fils thématiques d’un coup, pour votre lecteur (OPML)',
  sourcesOpml: 'Le fil de chaque source (OPML)',
  embedHeading: 'Afficher cette liste sur votre site',
  embedIntro: 'Copiez un de ces extraits dans une page de votre site. La liste se tient à jour toute seule et ne dépose aucun témoin.',
  embedIframe: 'Avec un iframe (fonctionne sans script)',
  embedScript: 'Avec un script (prend la largeur et la police de votre page)',
  embedPreview: 'Aperçu du widget',

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
  badRequestLead: 'Une partie de l’adresse ne nous est pas connue :',
  detail: 'Détail',
  startOver: 'Recommencer à partir des derniers contenus',
  serverErrorTitle: 'Un problème est survenu de notre côté',
  serverErrorText: 'Veuillez réessayer dans un instant. Si le problème persiste, prévenez les responsables de ce carrefour en citant cette référence :',

  itemCount: (n: number) => `${n} contenu${n > 1 ? 's' : ''}`,
  orgCount: (n: number) => `${n} organisation${n > 1 ? 's' : ''}`,
  parameter: (name: string) => `le paramètre « ${name} »`,
  translationHeading: (lang: string) => (lang === 'fr' ? 'Ce contenu en français' : 'Ce contenu en anglais'),
};

export const WORDS: Record<Language, Words> = { en, fr };

export function wordsFor(ui: Language): Words {
  return WORDS[ui];
}

/** One item's type, in the singular (the filter panel uses the plural labels of core/labels). */
export const TYPE_SINGULAR: Record<ItemType, Record<Language, string>> = {
  news: { en: 'News', fr: 'Nouvelle' },
  event: { en: 'Event', fr: 'Événement' },
  resource: { en: 'Resource', fr: 'Ressource' },
  research: { en: 'Research', fr: 'Recherche' },
  funding: { en: 'Funding', fr: 'Financement' },
  job: { en: 'Job posting', fr: 'Offre d’emploi' },
};

/** The filter parameters, named as the filter panel names them. */
export function parameterLabel(name: string, ui: Language): string | undefined {
  const w = WORDS[ui];
  const labels: Record<string, string> = { topic: w.topic, region: w.region, province: w.province, lang: w.language, type: w.type, source: w.source };
  return labels[name];
}

// Dates are shown as people in Canada read them; Eastern time, where most readers are, decides the day.
const TIME_ZONE = 'America/Toronto';
const LOCALES: Record<Language, string> = { en: 'en-CA', fr: 'fr-CA' };
const dateFormats = {
  en: new Intl.DateTimeFormat(LOCALES.en, { dateStyle: 'medium', timeZone: TIME_ZONE }),
  fr: new Intl.DateTimeFormat(LOCALES.fr, { dateStyle: 'long', timeZone: TIME_ZONE }),
};
const dateTimeFormats = {
  en: new Intl.DateTimeFormat(LOCALES.en, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }),
  fr: new Intl.DateTimeFormat(LOCALES.fr, { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }),
};
const relativeFormats = {
  en: new Intl.RelativeTimeFormat(LOCALES.en, { numeric: 'auto' }),
  fr: new Intl.RelativeTimeFormat(LOCALES.fr, { numeric: 'auto' }),
};

/** "May 3, 2025" / "3 mai 2025" */
export function formatDate(date: Date, ui: Language): string {
  return dateFormats[ui].format(date);
}

/** "May 3, 2025, 2:05 p.m." / "3 mai 2025 à 14 h 05" */
export function formatDateTime(date: Date, ui: Language): string {
  return dateTimeFormats[ui].format(date);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "3 hours ago" / "il y a 3 heures" within a week, the date beyond (and for dates to come). */
export function formatRecent(date: Date, now: number, ui: Language): string {
  const ago = now - date.getTime();
  const rtf = relativeFormats[ui];
  if (ago < -MINUTE || ago >= 7 * DAY) return formatDate(date, ui);
  if (ago < HOUR) return rtf.format(-Math.max(1, Math.round(ago / MINUTE)), 'minute');
  if (ago < DAY) return rtf.format(-Math.round(ago / HOUR), 'hour');
  return rtf.format(-Math.round(ago / DAY), 'day');
}

const dayParts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day of an instant in Eastern time, as a day count: what "today" means on a page. */
export function dayNumber(at: number): number {
  return Math.round(Date.parse(`${dayParts.format(at)}T00:00:00Z`) / DAY);
}

/** "today", "yesterday", "3 days ago" within a week, the date beyond: changes only at midnight. */
export function formatDay(date: Date, now: number, ui: Language): string {
  const days = dayNumber(now) - dayNumber(date.getTime());
  if (days < 0 || days >= 7) return formatDate(date, ui);
  return relativeFormats[ui].format(-days, 'day');
}
