// Reading a new body of a page source, readFeed's sibling: the page parsed, its items found with
// the source's CSS selectors, and normalized exactly as a feed's items are, with the warnings
// both stages gave. No I/O, and plain data in (the body's bytes, the selectors as strings, the
// last count), so it runs wherever readFeed runs. A page that cannot be read with its selectors
// is a reading too: it says why, as a page problem ("the selectors stopped matching").
import type { Item, PageProblem, PageSelectors, Warning } from '../core/types.ts';
import type { FetchOk } from '../fetch/fetch-feed.ts';
import type { Taxonomy } from '../normalize/topics.ts';
import { DUPLICATE_GUID } from '../parse/coerce-item.ts';
import { extractPageItems, readPage } from '../parse/page/index.ts';
import type { SourceRow } from '../store/schema.ts';
import { normalizeParsed } from './normalize-parsed.ts';
import type { FeedReading } from './plan-ingest.ts';
import type { ReadInput } from './read-feed.ts';

export interface PageReadInput extends Omit<ReadInput, 'text'> {
  /** The body as it came (after Content-Encoding): the page's own <meta charset> may decide its text. */
  bytes: Uint8Array;
  selectors: PageSelectors;
  /** Items the selectors found on the last read: none now, where there were some, is a redesign. */
  previousItemCount?: number;
}

/** What a page source's read needs besides what a feed's does: its selectors, its last count, the bytes. */
export function pageReadInput(input: ReadInput, source: Pick<SourceRow, 'selectors' | 'lastItemsFound'>, fetched: Pick<FetchOk, 'bytes'>): PageReadInput {
  const { text: _decodedAsFeed, ...rest } = input;
  return {
    ...rest,
    bytes: fetched.bytes,
    // A page source without selectors is refused at registration; if one slipped through, an empty item selector says so.
    selectors: source.selectors ?? { item: '' },
    ...(source.lastItemsFound ? { previousItemCount: source.lastItemsFound } : {}),
  };
}

export async function readPageBody(input: PageReadInput, taxonomy: Taxonomy): Promise<FeedReading> {
  // A worker thread hands a Buffer over as a plain Uint8Array: the same bytes, viewed again.
  const bytes = Buffer.isBuffer(input.bytes) ? input.bytes : Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
  const reading = readPage({ bytes, contentType: input.contentType }, input.url);
  if (!reading.ok) return unreadable(reading.problem);
  const { feed, problems } = extractPageItems(reading.page, input.selectors, { maxItems: input.maxItems, previousItemCount: input.previousItemCount });
  if (!feed.items.length) return unreadable(problems[0] ?? { code: 'selector-matches-nothing', params: { field: 'item' } });

  // The page's charset is told only when its <meta> decided it: otherwise the fetch decoded the same bytes alike and said so.
  const warnings: Warning[] = reading.charsetFromPage ? [...reading.warnings] : [];
  for (const problem of problems) {
    if (problem.code === 'selector-matches-nothing' && problem.params.field) warnings.push({ code: 'selector-unmatched', params: { field: problem.params.field } });
  }
  const normalized = normalizeParsed(feed, input, taxonomy, {
    // The same post listed twice (featured, then in the list) is one item: nothing was lost.
    quietDrops: [DUPLICATE_GUID],
    adjust: (item, parsed) => middayIfDateOnly(item, parsed.published, input.now),
  });
  return { kind: 'feed', feed: { title: feed.title, link: feed.link }, items: normalized.items, warnings: [...warnings, ...normalized.warnings] };
}

/** A time of day in a date as written: "12:00", "14 h 05", "T09", "3 pm". */
const TIME_OF_DAY = /\d{1,2}\s*(?::\d{2}|h\s*\d{2})|T\d{2}|\d\s*(?:am|pm|a\.m\.|p\.m\.)/i;
const HOUR = 3_600_000;

/**
 * Pages mostly write a day without a time ("3 mars 2026", "Dec. 14, 2026"), which reads as
 * midnight UTC: the evening before in Eastern time, where the reader shows dates. Such a date is
 * kept at noon UTC, the same calendar day in every Canadian time zone.
 */
function middayIfDateOnly(item: Item, written: string | undefined, now: Date): Item {
  const at = item.publishedAt.getTime();
  if (!item.dateFromFeed || !written || TIME_OF_DAY.test(written) || at % (24 * HOUR) !== 0) return item;
  // Never past the furthest date normalize accepts (two days ahead).
  if (at + 12 * HOUR > now.getTime() + 48 * HOUR) return item;
  return { ...item, publishedAt: new Date(at + 12 * HOUR) };
}

function unreadable(problem: PageProblem): FeedReading {
  return { kind: 'unreadable', detail: describePageProblem(problem), problem };
}

/** A page problem in English, for logs, `sources list` and the operators' detail. */
export function describePageProblem(problem: PageProblem): string {
  const p = problem.params;
  switch (problem.code) {
    case 'selectors-stopped-matching':
      return `the selectors found no items, where they found ${p.previous} last time (the site was probably redesigned)`;
    case 'selector-matches-nothing':
      return `the ${p.field ?? 'item'} selector matches nothing${p.field && p.field !== 'item' ? ' in any item' : ' on the page'}`;
    case 'selector-matches-page':
      return 'the item selector matches the whole page';
    case 'selector-matches-nested':
      return 'the item selector matches blocks nested in one another';
    case 'selector-invalid':
      return `the ${p.field} selector is not valid CSS${p.reason ? ` (${p.reason})` : ''}`;
    case 'selector-too-long':
      return `the ${p.field} selector is longer than ${p.limit} characters`;
    case 'items-without-links':
      return `the ${p.items} items found have no link of their own`;
    case 'not-html':
      return `not an HTML page${p.looksLike ? ` (${p.looksLike})` : ''}`;
    case 'page-is-a-feed':
      return 'the page is a feed: register it as a feed';
    case 'login-wall':
      return 'the page asks for a password (login wall)';
    case 'page-too-large':
      return `page too large (over ${p.limit} characters)`;
    case 'page-too-deeply-nested':
      return `page nested too deeply (over ${p.limit} levels)`;
    case 'no-repeated-blocks':
      return 'no repeated blocks with links found on the page';
  }
}
