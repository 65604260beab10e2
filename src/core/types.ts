// Shared domain types. Two item shapes are kept apart on purpose: ParsedItem is what a
// document said (loose), Item is what we keep (strict); normalize/ converts one into the other.

export const REGIONS = ['national', 'atlantic', 'quebec', 'ontario', 'prairies', 'bc', 'north'] as const;
export type Region = (typeof REGIONS)[number];

export const PROVINCES = ['nl', 'pe', 'ns', 'nb', 'qc', 'on', 'mb', 'sk', 'ab', 'bc', 'yt', 'nt', 'nu'] as const;
export type Province = (typeof PROVINCES)[number];

/** Which region each province or territory belongs to. */
export const PROVINCE_REGION: Record<Province, Region> = {
  nl: 'atlantic', pe: 'atlantic', ns: 'atlantic', nb: 'atlantic',
  qc: 'quebec', on: 'ontario',
  mb: 'prairies', sk: 'prairies', ab: 'prairies',
  bc: 'bc',
  yt: 'north', nt: 'north', nu: 'north',
};

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
/** An item's language: one of ours, or "other" for anything else. */
export type ItemLanguage = Language | 'other';

export const ITEM_TYPES = ['news', 'event', 'resource', 'research', 'funding', 'job'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export type SourceStatus = 'active' | 'paused' | 'gone';

/** A source as declared in feeds.yaml or through the admin API. */
export interface SourceSpec {
  slug: string;
  url: string;
  title: string;
  organization: string;
  region: Region;
  province?: Province;
  languages: Language[];
  topics: string[];
  siteUrl?: string;
  /** Fetch interval override in minutes. */
  intervalMinutes?: number;
}

export interface Topic {
  slug: string;
  label: { en: string; fr: string };
  keywords: { en: string[]; fr: string[] };
  categories: string[];
}

export interface Enclosure {
  url: string;
  type?: string;
  length?: number;
}

/** What a document was read as: a feed format, or 'html' for a web page read with selectors. */
export type FeedFormat = 'rss2' | 'rss1' | 'rss09' | 'atom' | 'json' | 'html';

/** One entry as the document gave it: strings as found, nothing trusted yet. */
export interface ParsedItem {
  guid?: string;
  /** The document gives this GUID to other, plainly different posts too: it identifies none of them. */
  guidShared?: boolean;
  link?: string;
  title?: string;
  /** Title given as HTML (Atom type="html"/"xhtml", RSS titles with markup). */
  titleIsHtml?: boolean;
  contentHtml?: string;
  summaryHtml?: string;
  author?: string;
  published?: string;
  updated?: string;
  categories: string[];
  language?: string;
  /** xml:base in effect for this entry, already resolved against outer bases. */
  baseUrl?: string;
  enclosure?: Enclosure;
  /** Links to the same entry in other languages (Atom rel="alternate" hreflang). */
  alternates?: { href: string; hreflang?: string }[];
  /** Event data the entry carries in elements of its own (RSS event module, xCal, a calendar file). */
  event?: ParsedEvent;
}

/** An entry's event elements as written: nothing read or checked yet. */
export interface ParsedEvent {
  start?: string;
  end?: string;
  /** The zone the element names for its times (an xCal TZID), as written. */
  timezone?: string;
  location?: string;
  organizer?: string;
  /** The event module's free-text type ("Webinar", "Conference"). */
  type?: string;
  url?: string;
  /** An iCalendar file the entry links to (an enclosure or link of type text/calendar); not fetched. */
  calendarUrl?: string;
}

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  link?: string;
  description?: string;
  language?: string;
  baseUrl?: string;
  selfUrl?: string;
  hubUrl?: string;
  /** RSS <ttl>, in minutes. */
  ttlMinutes?: number;
  /** sy:updatePeriod + sy:updateFrequency, as minutes between updates. */
  updatePeriodMinutes?: number;
  items: ParsedItem[];
  /** Items dropped as unusable, counted by reason. */
  dropped: Record<string, number>;
  warnings: string[];
}

/** One entry as we keep it: canonical, sanitized, every field trusted. Made only by normalizeItem. */
export interface Item {
  /** Identity within the source: "g:" + GUID, else "l:" + link, else "h:" + hash of title and date. */
  key: string;
  guid?: string;
  url?: string;
  title: string;
  /** Sanitized HTML: safe to show anywhere as is. */
  contentHtml: string;
  /** Plain text, for lists and search. */
  summary: string;
  author?: string;
  publishedAt: Date;
  /** False when the feed's date was missing or implausible and publishedAt is the fetch time. */
  dateFromFeed: boolean;
  modifiedAt?: Date;
  categories: string[];
  language: ItemLanguage;
  /** The language the document declared, as written. */
  langHint?: string;
  enclosure?: Enclosure;
  /** Hash of what a reader sees; a change means the item was edited. */
  contentHash: string;
  /** Topic slugs from the taxonomy, the feed's categories and the source's defaults. */
  topics: string[];
  type: ItemType;
  /** The source's region, and the region of the province the item is about when that differs. */
  regions: Region[];
  province?: Province;
  /** The link with tracking parameters, fragments, www., scheme and trailing slashes set aside. */
  canonicalUrl?: string;
  /** The link with its language marker (/en/, /fr/, ?lang=) set aside, to pair translations. */
  translationKey?: string;
  /** Canonical URLs the item names as its versions in other languages. */
  alternateUrls: string[];
  /** 64-bit SimHash of title and summary, as a signed decimal string. */
  fingerprint: string;
  /** When and where the event takes place, for items that are events and say when. */
  event?: ItemEvent;
}

/**
 * An event's own date, time and place. Times are local to the event: `start` and `end` are ISO
 * 8601 with the offset in force then ("2026-12-14T13:00:00-05:00"), or a bare date
 * ("2026-12-14") for an all-day event, whose `end` is its last day (inclusive).
 */
export interface ItemEvent {
  start: string;
  end?: string;
  allDay: boolean;
  /** IANA zone the times are in: the one the item states, else its place's, else Eastern. */
  timezone: string;
  place?: EventPlace;
  online: boolean;
  registrationUrl?: string;
}

export interface EventPlace {
  /** The venue as the feed's structured data names it. */
  venue?: string;
  city?: string;
  province?: Province;
}
