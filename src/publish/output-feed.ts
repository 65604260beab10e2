// What an output feed holds, independent of its format. The views (rss.ts, atom.ts,
// json-feed.ts) turn one of these into a document; they are pure and know nothing of HTTP.

export type OutputFormat = 'rss' | 'atom' | 'json';

export const FORMAT_MEDIA_TYPES: Record<OutputFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export interface OutputCategory {
  term: string;
  label: string;
  /** A URL naming the vocabulary (our topic feeds), for Atom's scheme / RSS's domain. */
  scheme?: string;
}

export interface OutputEntry {
  /** Stable, globally unique: a tag URI (RFC 4151). */
  id: string;
  url?: string;
  title: string;
  /** Sanitized HTML (normalize/ guarantees it). */
  contentHtml: string;
  /** Plain text. */
  summary: string;
  published: Date;
  updated: Date;
  language: string;
  author?: string;
  /** The organization that published it, and its source feed. */
  organization: string;
  sourceTitle: string;
  sourceFeedUrl: string;
  sourceSiteUrl?: string;
  categories: OutputCategory[];
  /** The same story published by other organizations. */
  also: { organization: string; url?: string }[];
  /** The same item in the other official language. */
  translation?: { url: string; language: string };
  enclosure?: { url: string; type?: string; length?: number };
  /** When and where, for an event: local times with their offset, or dates when all-day (end inclusive). */
  event?: OutputEvent;
}

export interface OutputEvent {
  start: string;
  end?: string;
  allDay: boolean;
  timezone: string;
  /** The place written out, in the feed's language ("Pier 21, Halifax, Nova Scotia", "Online"). */
  location?: string;
  place?: { venue?: string; city?: string; province?: string };
  online: boolean;
  registrationUrl?: string;
}

export interface OutputFeed {
  id: string;
  title: string;
  description: string;
  language: 'en' | 'fr';
  /** The URL of this document, in each format (the self link is the one of the format rendered). */
  selfUrls: Record<OutputFormat, string>;
  /** The human page showing the same items. */
  homeUrl: string;
  hubUrl?: string;
  updated: Date;
  generator: { name: string; version: string; uri: string };
  entries: OutputEntry[];
}
