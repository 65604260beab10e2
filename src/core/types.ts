// Shared domain types. Two item shapes are kept apart on purpose: ParsedItem is what a
// document said (loose), Item is what we keep (strict); normalize/ converts one into the other.

export const REGIONS = ['national', 'atlantic', 'quebec', 'ontario', 'prairies', 'bc', 'north'] as const;
export type Region = (typeof REGIONS)[number];

export const PROVINCES = ['nl', 'pe', 'ns', 'nb', 'qc', 'on', 'mb', 'sk', 'ab', 'bc', 'yt', 'nt', 'nu'] as const;
export type Province = (typeof PROVINCES)[number];

/** Whether a string from outside (a file, a form, a query) is one of a closed list of values. */
export function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return (values as readonly (string | undefined)[]).includes(value);
}

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

export const SOURCE_STATUSES = ['active', 'paused', 'gone'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];
/** 'file' when feeds.yaml declares the source (the file wins on sync), 'api' when added at run time. */
export type SourceOrigin = 'file' | 'api';

/** How one fetch ended: new bytes read, a 304, the same bytes again, or a failure. */
export const FETCH_OUTCOMES = ['ok', 'not-modified', 'unchanged', 'failed'] as const;
export type FetchOutcome = (typeof FETCH_OUTCOMES)[number];

// Errors and warnings are data: a stable code and the facts to word it with. The words, in both
// languages, are made in web/; the English detail a stage writes beside a code is for logs and
// operators, and nothing reads meaning back out of it.

/** Why a fetch failed: the network or HTTP, the body (not a feed), or for a page source, its page or selectors. */
export type FetchErrorCode =
  | 'blocked' | 'bad-url' | 'dns' | 'connect' | 'tls' | 'timeout' | 'too-large' | 'too-many-redirects' | 'http'
  | 'empty' | 'bad-encoding' | 'not-a-feed' | 'bot-protection' | 'charset' | 'aborted' | 'network'
  // reading the body went past the memory (`limitBytes`) or the time (`seconds`) one body may take
  | 'read-memory' | 'read-timeout'
  | PageProblemCode;

/** Why a web page, or selectors on it, cannot be read as a source. */
export type PageProblemCode =
  /** The document is not an HTML page (JSON, plain text, a PDF, other XML); `looksLike` says what it is. */
  | 'not-html'
  /** The document is an RSS or Atom feed: it should be registered as a feed. */
  | 'page-is-a-feed'
  /** The page asks for a password before it shows anything. */
  | 'login-wall'
  /** Larger than `limit` characters. */
  | 'page-too-large'
  /** Elements nested deeper than `limit`: no real page is, a hostile one may be. */
  | 'page-too-deeply-nested'
  /** The selector for `field` is not CSS we can run; `reason` is the selector engine's. */
  | 'selector-invalid'
  /** The selector for `field` is longer than `limit` characters. */
  | 'selector-too-long'
  /** The selector for `field` finds nothing (for a relative one: in no item). */
  | 'selector-matches-nothing'
  /** The item selector takes in the whole page (html, body, or a block holding nearly all its text). */
  | 'selector-matches-page'
  /** One item selected inside another: the item selector is too loose. */
  | 'selector-matches-nested'
  /** The items found (`items` of them) have no link of their own, and items are identified by their link. */
  | 'items-without-links'
  /** The selectors found `previous` items last time and none now: the site was most likely redesigned. */
  | 'selectors-stopped-matching'
  /** No repeated block with links was found to propose. */
  | 'no-repeated-blocks';

/** Why a page or its selectors cannot be a source: a code and its facts. */
export interface PageProblem {
  code: PageProblemCode;
  params: ProblemParams;
}

/** Why a source is not being read: its last fetch failed, or feeds.yaml no longer lists it. */
export type SourceErrorCode = FetchErrorCode | 'retired';

/** Where a charset label came from. */
export type CharsetOrigin = 'bom' | 'content-type' | 'xml-declaration' | 'byte-pattern' | 'json' | 'default';

/** The facts an error or a warning is worded with. Every field is optional and JSON. */
export interface ProblemParams {
  /** The HTTP status that ended the fetch. */
  status?: number;
  /** The address a connection was refused for: for operators only, never in public views. */
  address?: string;
  /** The host name that was looked up: for operators only, never in public views. */
  host?: string;
  /** The problem was met after following a redirect. */
  viaRedirect?: boolean;
  /** The system's code for the cause (ECONNREFUSED, ENOTFOUND, HPE_INVALID_CONSTANT …). */
  cause?: string;
  seconds?: number;
  /** A size limit, in bytes. */
  limitBytes?: number;
  /** How many (redirects allowed, items dropped, characters kept …). */
  count?: number;
  /** A second number beside `count` (items the feed had when only `count` were kept). */
  total?: number;
  contentType?: string;
  scheme?: string;
  /** Charset warnings: the label as written, where it came from, and the encoding used. */
  label?: string;
  origin?: CharsetOrigin;
  encoding?: string;
  /** Charset warnings: the later declaration that was used instead. */
  fallbackOrigin?: CharsetOrigin;
  /** Only some of the bytes were concerned. */
  partial?: boolean;
  /** A URL origin a redirect led to (the http target of a https redirect): for operators only. */
  target?: string;
  /** A value from the document, cut short (an unusable date). */
  value?: string;
  /** Why items were dropped, as the parser or the normalizer counted them. */
  reason?: string;
  /** Words another stage wrote, in English: parser notes, rows stored before codes existed. */
  detail?: string;
  /** Page sources: which selector a problem is about (item, title, link, date, summary). */
  field?: string;
  /** Page sources: the selector as written, cut short. */
  selector?: string;
  /** Page sources: a limit in characters or levels of nesting. */
  limit?: number;
  /** Page sources: what a document that is not a page looks like (json, pdf, text, xml, binary, a media type). */
  looksLike?: string;
  /** Page sources: how many item blocks were found. */
  items?: number;
  /** Page sources: how many items the selectors found on the last read. */
  previous?: number;
}

/** A source's stored error: the code, its facts, and the English detail for operators. */
export interface SourceError {
  code: SourceErrorCode;
  params: ProblemParams;
  detail: string;
}

/** Something worth telling an operator about a fetch that still went through. */
export type WarningCode =
  // fetch: request, transfer and charset
  | 'etag-not-sent' | 'last-modified-not-sent' | 'https-downgrade' | 'gzip-mislabelled' | 'gzip-unlabelled'
  | 'charset-bom-wins' | 'charset-unknown' | 'charset-not-utf16' | 'charset-byte-layout' | 'charset-actually-utf8'
  | 'charset-bytes-replaced' | 'charset-fallback' | 'charset-windows-1252' | 'charset-c1-repaired'
  | 'charset-double-utf8' | 'charset-double-utf8-ambiguous'
  // parse (its own words, in `detail`), normalize and the pipeline
  | 'parse-note' | 'items-dropped' | 'content-cut' | 'unusable-date'
  // normalize: an event block left out
  | 'event-date-impossible' | 'event-end-before-start' | 'event-date-far' | 'event-zone-unknown'
  // a page source: a selector (`field`) found nothing in any item, and the items were read without it
  | 'selector-unmatched'
  // store: stored items came back with new GUIDs
  | 'guid-churn'
  // a warning known only by its words (in `detail`): rows that stored text, not a code
  | 'note';

export interface Warning {
  code: WarningCode;
  params?: ProblemParams;
  /** The same warning this many times in one fetch (absent: once). */
  repeated?: number;
}

/** A feed (RSS, Atom, JSON Feed), or a web page read with CSS selectors. */
export const SOURCE_KINDS = ['feed', 'page'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * How a page source finds its items: CSS selectors, `item` on the page, the others inside each
 * item. Only `item` is required; without the others the item's heading, its link and its <time>
 * are used. Plain strings, so that they travel as data (to the database, a form, a worker).
 */
export interface PageSelectors {
  item: string;
  title?: string;
  link?: string;
  date?: string;
  summary?: string;
}

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
  /** 'feed' when absent. */
  kind?: SourceKind;
  /** A page source's selectors (and only a page source's). */
  selectors?: PageSelectors;
}

export interface Topic {
  slug: string;
  label: { en: string; fr: string };
  keywords: { en: string[]; fr: string[] };
  categories: string[];
}

/** One idea of the English–French lexicon; each side may give several spellings, separated by "|". */
export interface LexiconPair {
  en: string;
  fr: string;
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
  /** The parser's notes (repairs, items over the cap), in its own words. */
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
