// Subscribing to a web page that publishes no feed: the page fetched through the guarded fetcher,
// the repeated blocks it holds proposed as selectors, and the items given selectors find, read by
// readPageBody exactly as every later fetch will read them, so a preview shows what will be
// stored. Refusals carry their page problem (a code and its facts) for web/ to word.
import { BadRequestError, UnprocessableError } from '../core/errors.ts';
import type { Item, PageProblem, PageSelectors, Topic, Warning } from '../core/types.ts';
import { checkUrlHost } from '../fetch/address-guard.ts';
import { fetchFeed, type FetchDeps, type FetchOk } from '../fetch/fetch-feed.ts';
import { parseFeedDate } from '../normalize/dates.ts';
import { compileTaxonomy } from '../normalize/topics.ts';
import { findFeedLinks } from '../parse/index.ts';
import { proposeSelectors, readPage, type PageDocument, type SelectorProposal } from '../parse/page/index.ts';
import type { FetchSettings } from '../core/config.ts';
import { describePageProblem, readPageBody } from './read-page-body.ts';

export interface PageDeps {
  fetch: FetchSettings;
  fetchDeps?: FetchDeps;
  topics: Topic[];
  /** The clock dates are judged by (an item dated after it is implausible). */
  now?: () => Date;
}

/** Selectors proposed for a page, ranked, each with the first items it reads. */
export interface PageOffer {
  url: string;
  title?: string;
  proposals: SelectorProposal[];
  /** Why nothing is proposed (no repeated blocks), or why the page cannot be read at all. */
  problem?: PageProblem;
}

/** One item as it would be stored: what a preview shows. */
export interface PreviewItem {
  title: string;
  url?: string;
  /** ISO 8601; when the page gives no usable date, the time it is first seen (now). */
  published: string;
  dateFromFeed: boolean;
  summary: string;
  language: string;
}

export interface PagePreview {
  url: string;
  title?: string;
  language?: string;
  selectors: PageSelectors;
  /** Items the selectors read (all of them; `items` shows the first few). */
  itemCount: number;
  items: PreviewItem[];
  warnings: Warning[];
}

/** A page fetched and parsed, with where it answered and the feeds it announces. */
export interface FetchedPage {
  fetched: FetchOk;
  page: PageDocument;
  /** The URL to store: the one asked for, or where a permanent redirect led. */
  pageUrl: string;
  seenAt: string[];
  /** Feeds the page announces: usually the better source. */
  feedLinks: string[];
}

export const PREVIEW_ITEMS = 10;
const SUMMARY_CHARS = 240;

/** A page problem as a refusal: 422, the code and facts beside the English words. */
export function pageRefusal(problem: PageProblem, extra: Record<string, unknown> = {}): UnprocessableError {
  return new UnprocessableError(describePageProblem(problem), { extra: { problem, ...extra } });
}

/** Fetches a page for a page source: refused when it cannot be fetched, or is not a page anyone may read. */
export async function fetchPage(url: string, deps: PageDeps): Promise<FetchedPage> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequestError('url: must be an absolute http(s) URL', [{ field: 'url', message: 'must be an absolute http(s) URL' }]);
  }
  const check = checkUrlHost(parsed, deps.fetch);
  if (!check.ok) throw new UnprocessableError(check.error);
  const result = await fetchFeed({ url }, deps.fetch, deps.fetchDeps);
  if (result.kind === 'failed') {
    if (result.code === 'blocked') throw new UnprocessableError(result.error);
    throw new UnprocessableError(`cannot fetch ${url}: ${result.error}`);
  }
  if (result.kind === 'not-modified') throw new UnprocessableError(`cannot fetch ${url}: the server answered 304 Not Modified to a plain GET`);
  const reading = readPage({ bytes: result.bytes, contentType: result.contentType }, result.url);
  if (!reading.ok) throw pageRefusal(reading.problem);
  return {
    fetched: result,
    page: reading.page,
    pageUrl: result.permanentRedirect ?? url,
    seenAt: [url, result.url],
    feedLinks: findFeedLinks(result.text, result.url).map((l) => l.url),
  };
}

/** The repeated blocks a page holds, ranked, each read with its selectors. */
export function offerFor(page: PageDocument): PageOffer {
  const { proposals, problem } = proposeSelectors(page, { readDate: (text) => parseFeedDate(text), previewItems: 3 });
  return { url: page.url, ...(page.title ? { title: page.title } : {}), proposals, ...(problem ? { problem } : {}) };
}

/**
 * Reads a fetched page with `selectors` as every later fetch will: refused (422, with the page
 * problem) when they find no items, or when one of them finds nothing in any item; else the
 * preview of what would be stored.
 */
export async function readWithSelectors(found: FetchedPage, selectors: PageSelectors, deps: PageDeps): Promise<PagePreview> {
  const { fetched } = found;
  const reading = await readPageBody(
    {
      bytes: fetched.bytes,
      contentType: fetched.contentType,
      url: fetched.url,
      now: deps.now?.() ?? new Date(),
      maxItems: deps.fetch.maxItems,
      // Languages, region and topics only tag the items; the preview shows titles, links, dates and summaries.
      source: { languages: [], region: 'national', topics: [] },
      selectors,
    },
    compileTaxonomy(deps.topics),
  );
  // Read on this thread, so no read limit applies: a problem here is the page's.
  if (reading.kind === 'unreadable') throw pageRefusal((reading.problem as PageProblem | undefined) ?? { code: 'selector-matches-nothing', params: { field: 'item' } }, { selectors });
  // A later fetch reads on without a selector that stopped finding anything; a new one must find something now.
  const unmatched = reading.warnings.find((w) => w.code === 'selector-unmatched');
  if (unmatched) throw pageRefusal({ code: 'selector-matches-nothing', params: { field: unmatched.params?.field } }, { selectors });
  return {
    url: found.pageUrl,
    ...(found.page.title ? { title: found.page.title } : {}),
    ...(found.page.language ? { language: found.page.language } : {}),
    selectors,
    itemCount: reading.items.length,
    items: reading.items.slice(0, PREVIEW_ITEMS).map(previewItem),
    warnings: reading.warnings,
  };
}

export function previewItem(item: Item): PreviewItem {
  return {
    title: item.title,
    ...(item.url ? { url: item.url } : {}),
    published: item.publishedAt.toISOString(),
    dateFromFeed: item.dateFromFeed,
    summary: item.summary.length > SUMMARY_CHARS ? `${item.summary.slice(0, SUMMARY_CHARS - 1).trimEnd()}…` : item.summary,
    language: item.language,
  };
}

