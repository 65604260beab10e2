// What an item is about: its language, topics, type and place, decided from the fields we keep
// (title, summary, categories, link, declared language) and its source's defaults. Ingest and
// re-tagging both call classify(), so a stored item re-tagged with the same taxonomy gets exactly
// the tags a fresh fetch would give it.
import type { ItemLanguage, ItemType, Language, Province, Region } from '../core/types.ts';
import { chooseItemLanguage, declaredLanguage } from './detect-language.ts';
import { classifyType } from './item-type.ts';
import { placeItem } from './place.ts';
import { tagTopics, type Taxonomy } from './topics.ts';

export interface ClassifyInput {
  title: string;
  /** Plain text. */
  summary: string;
  categories: string[];
  url?: string;
  /** The declared language tag that counts (see languageHint). */
  langHint?: string;
}

/** What a source says about all of its items. */
export interface SourceDefaults {
  languages: readonly Language[];
  region: Region;
  province?: Province;
  topics: string[];
}

export interface Classification {
  language: ItemLanguage;
  /** Topic slugs, sorted. */
  topics: string[];
  type: ItemType;
  regions: Region[];
  province?: Province;
}

export function classify(item: ClassifyInput, source: SourceDefaults, taxonomy: Taxonomy): Classification {
  // Read from the title and the summary (what the item is about), not the whole body.
  const about = `${item.title}. ${item.summary}`;
  const language = chooseItemLanguage(declaredLanguage(item.langHint, undefined), about, source.languages);
  const place = placeItem(about, source);
  return {
    language,
    topics: tagTopics({ title: item.title, summary: item.summary, categories: item.categories, language }, taxonomy, source.topics),
    type: classifyType({ title: item.title, summary: item.summary, categories: item.categories, url: item.url }),
    regions: place.regions,
    ...(place.province ? { province: place.province } : {}),
  };
}

/**
 * The language tag to keep with an item: its own when it names a language we read, else its
 * feed's, else whatever was written. Stored as the item's langHint, so classify() reads the same
 * declaration at ingest and when re-tagging.
 */
export function languageHint(itemTag: string | undefined, feedTag: string | undefined): string | undefined {
  if (declaredLanguage(itemTag, undefined)) return itemTag;
  if (declaredLanguage(feedTag, undefined)) return feedTag;
  return itemTag ?? feedTag;
}
