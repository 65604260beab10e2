// The grammar of our output-feed URLs, written once: {PUBLIC_URL}/{kind}/{name}.{format}?{query},
// where kind is feeds (name "all"), topics, sources or f (a saved feed), format is rss, atom or
// json, and the query is the filter vocabulary (feed-query.ts) plus limit, ui, sort and prefer. The web
// routes read it, WebSub topics are read with it, and every self link is written by feedSelfUrl.
import { BadRequestError } from '../core/errors.ts';
import type { Language } from '../core/types.ts';
import { FILTER_PARAMS, quoted } from './feed-query.ts';
import type { OutputFormat } from './output-feed.ts';

export const FEED_KINDS = ['feeds', 'topics', 'sources', 'f'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['rss', 'atom', 'json'];

/** Items in a feed without ?limit=, and the most it may ask for. */
export const FEED_LIMITS = { defaultLimit: 50, maxLimit: 200 };

/** Everything a feed URL may carry. Paging (before, page) belongs to the API and the reader, not to feeds. */
export const FEED_PARAMS: readonly string[] = [...FILTER_PARAMS, 'limit', 'ui', 'sort', 'prefer'];

export interface FeedAddress {
  kind: FeedKind;
  /** "all", a topic or source slug, or a saved feed's id. */
  name: string;
  format: OutputFormat;
  params: URLSearchParams;
}

/** "housing.rss" → { name: "housing", format: "rss" }, with a 400 for any other extension. */
export function splitFeedFile(file: string): { name: string; format: OutputFormat } {
  const m = /^(.+)\.([a-z0-9]+)$/i.exec(file);
  if (!m) throw new BadRequestError('format: missing; add .rss, .atom or .json to the path');
  const format = m[2].toLowerCase() as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new BadRequestError(`format: unknown ${quoted(m[2])}; accepted: rss, atom, json`);
  return { name: m[1], format };
}

/** The address of a request to /{kind}/{file}?{params}; throws a 400 for a bad file name. */
export function feedAddress(kind: FeedKind, file: string, params: URLSearchParams): FeedAddress {
  return { kind, ...splitFeedFile(file), params };
}

/** Parameters of an address that the grammar does not know (a WebSub topic must have none). */
export function unknownFeedParams(params: URLSearchParams): string[] {
  return [...new Set([...params.keys()].filter((k) => !FEED_PARAMS.includes(k)))];
}

/**
 * Reads one of our feed URLs (absolute, under `publicUrl`); undefined if it is not one. The URL
 * parser already folds the spellings of scheme, host and default port; the name is decoded as the
 * web routes decode it.
 */
export function feedAddressOf(url: string, publicUrl: string): FeedAddress | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const base = new URL(publicUrl);
  if (u.origin !== base.origin) return undefined;
  const prefix = base.pathname.replace(/\/$/, '');
  if (!u.pathname.startsWith(`${prefix}/`)) return undefined;
  const m = /^\/([a-z]+)\/([^/]+)$/.exec(u.pathname.slice(prefix.length));
  if (!m || !(FEED_KINDS as readonly string[]).includes(m[1])) return undefined;
  try {
    return feedAddress(m[1] as FeedKind, decodeURIComponent(m[2]), u.searchParams);
  } catch {
    return undefined;
  }
}

/** Where a feed lives, without extension: "/feeds/all", "/topics/housing", "/f/abc123". */
export function feedPath(kind: FeedKind, name: string): string {
  return `/${kind}/${name}`;
}

/** The `ui` parameter an address needs to be read in `ui`: none for the address's own language ("ui=fr" or ""). */
export function uiParam(ui: Language, defaultUi: Language = 'en'): string {
  return ui === defaultUi ? '' : `ui=${ui}`;
}

/** The same as a query to append to an English-by-default address: "?ui=fr" or "". */
export function uiQuery(ui: Language): string {
  const param = uiParam(ui);
  return param ? `?${param}` : '';
}

/**
 * The self URL of one output feed: ?ui= appears only when it changes the document, so a saved
 * feed's self link is the short URL it was given.
 */
export function feedSelfUrl(publicUrl: string, path: string, format: OutputFormat, selfQuery: string, ui: Language, defaultUi: Language = 'en'): string {
  const qs = [selfQuery, uiParam(ui, defaultUi)].filter(Boolean).join('&');
  return `${publicUrl}${path}.${format}${qs ? `?${qs}` : ''}`;
}
