// Bilingual labels of the fixed vocabularies (regions, provinces, item types, languages).
// Topic labels live in feeds.yaml with the taxonomy.
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

export const LANGUAGE_LABELS: Labels<ItemLanguage> = {
  en: { en: 'English', fr: 'Anglais' },
  fr: { en: 'French', fr: 'Français' },
  other: { en: 'Other languages', fr: 'Autres langues' },
};
