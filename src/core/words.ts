// The words more than one stage speaks, in English and French: the labels of the fixed
// vocabularies (regions, provinces, item types, languages) and the words of output feeds. Topic
// labels live in feeds.yaml with the taxonomy; the web pages' own words are in web/*-words.ts, and
// dates and numbers are written by core/locale.ts. Every entry is a Record<Language, string>, so a
// word missing in one language does not compile.
import type { ItemLanguage, ItemType, Language, Province, Region } from './types.ts';

type Labels<K extends string> = Record<K, Record<Language, string>>;

export const REGION_LABELS: Labels<Region> = {
  national: { en: 'National', fr: 'National' },
  atlantic: { en: 'Atlantic', fr: 'Atlantique' },
  quebec: { en: 'Quebec', fr: 'Québec' },
  ontario: { en: 'Ontario', fr: 'Ontario' },
  prairies: { en: 'Prairies', fr: 'Prairies' },
  bc: { en: 'British Columbia', fr: 'Colombie-Britannique' },
  north: { en: 'The North', fr: 'Le Nord' },
};

export const PROVINCE_LABELS: Labels<Province> = {
  nl: { en: 'Newfoundland and Labrador', fr: 'Terre-Neuve-et-Labrador' },
  pe: { en: 'Prince Edward Island', fr: 'Île-du-Prince-Édouard' },
  ns: { en: 'Nova Scotia', fr: 'Nouvelle-Écosse' },
  nb: { en: 'New Brunswick', fr: 'Nouveau-Brunswick' },
  qc: { en: 'Quebec', fr: 'Québec' },
  on: { en: 'Ontario', fr: 'Ontario' },
  mb: { en: 'Manitoba', fr: 'Manitoba' },
  sk: { en: 'Saskatchewan', fr: 'Saskatchewan' },
  ab: { en: 'Alberta', fr: 'Alberta' },
  bc: { en: 'British Columbia', fr: 'Colombie-Britannique' },
  yt: { en: 'Yukon', fr: 'Yukon' },
  nt: { en: 'Northwest Territories', fr: 'Territoires du Nord-Ouest' },
  nu: { en: 'Nunavut', fr: 'Nunavut' },
};

export const TYPE_LABELS: Labels<ItemType> = {
  news: { en: 'News', fr: 'Nouvelles' },
  event: { en: 'Events', fr: 'Événements' },
  resource: { en: 'Resources', fr: 'Ressources' },
  research: { en: 'Research', fr: 'Recherche' },
  funding: { en: 'Funding', fr: 'Financement' },
  job: { en: 'Jobs', fr: 'Emplois' },
};

/** One item's type, in the singular (the filter panel uses the plural labels above). */
export const TYPE_SINGULAR: Labels<ItemType> = {
  news: { en: 'News', fr: 'Nouvelle' },
  event: { en: 'Event', fr: 'Événement' },
  resource: { en: 'Resource', fr: 'Ressource' },
  research: { en: 'Research', fr: 'Recherche' },
  funding: { en: 'Funding', fr: 'Financement' },
  job: { en: 'Job posting', fr: 'Offre d’emploi' },
};

export const LANGUAGE_LABELS: Labels<ItemLanguage> = {
  en: { en: 'English', fr: 'Anglais' },
  fr: { en: 'French', fr: 'Français' },
  other: { en: 'Other languages', fr: 'Autres langues' },
};

/** The link to an item's twin, written in the twin's language (as a language switch is). */
export const READ_IN: Record<Language, string> = { en: 'Read in English', fr: 'Lire en français' };

/** Output feeds' own words: feed titles that say what is filtered, descriptions, OPML titles. */
export const FEED_WORDS = {
  feedDescription: { en: "Items from the settlement sector's platforms, gathered by Passerelle:", fr: 'Contenus des plateformes du secteur de l’établissement, réunis par Passerelle\u00a0:' },
  alsoPublishedBy: { en: 'Also published by:', fr: 'Aussi publié par\u00a0:' },
  everything: { en: 'All items', fr: 'Tous les contenus' },
  /** {q} is the words searched for. */
  search: { en: 'search “{q}”', fr: 'recherche «\u00a0{q}\u00a0»' },
  since: { en: 'since', fr: 'depuis' },
  sources: { en: 'from', fr: 'de' },
  topicsOpml: { en: 'Passerelle topic feeds', fr: 'Fils thématiques de Passerelle' },
  sourcesOpml: { en: 'Sources gathered by Passerelle', fr: 'Sources réunies par Passerelle' },
} satisfies Record<string, Record<Language, string>>;

/** Words of events that feeds and calendars write as well as pages. */
export const EVENT_WORDS = {
  online: { en: 'Online', fr: 'En ligne' },
  registration: { en: 'Registration', fr: 'Inscription' },
  onPasserelle: { en: 'On Passerelle', fr: 'Sur Passerelle' },
  calendarAll: { en: 'Passerelle events', fr: 'Événements Passerelle' },
  calendarOf: { en: 'Passerelle events:', fr: 'Événements Passerelle\u00a0:' },
  allEvents: { en: 'all events', fr: 'tous les événements' },
  calendarDescription: {
    en: "Events of the settlement sector's platforms, gathered by Passerelle:",
    fr: 'Événements des plateformes du secteur de l’établissement, réunis par Passerelle\u00a0:',
  },
} satisfies Record<string, Record<Language, string>>;

/** The time zones a reader may see events in, west to east of the clock's offset, with their names. */
export const EVENT_TIME_ZONES = {
  'America/Vancouver': { en: 'Pacific time', fr: 'Heure du Pacifique' },
  'America/Whitehorse': { en: 'Yukon time', fr: 'Heure du Yukon' },
  'America/Edmonton': { en: 'Mountain time', fr: 'Heure des Rocheuses' },
  'America/Regina': { en: 'Saskatchewan time', fr: 'Heure de la Saskatchewan' },
  'America/Winnipeg': { en: 'Central time', fr: 'Heure du Centre' },
  'America/Toronto': { en: 'Eastern time', fr: 'Heure de l’Est' },
  'America/Halifax': { en: 'Atlantic time', fr: 'Heure de l’Atlantique' },
  'America/St_Johns': { en: 'Newfoundland time', fr: 'Heure de Terre-Neuve' },
} satisfies Record<string, Record<Language, string>>;

export type EventTimeZone = keyof typeof EVENT_TIME_ZONES;
