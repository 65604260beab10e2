// Reading a new body: parse it and normalize its items, with the warnings both stages gave. It
// does no I/O and needs nothing but its input and the taxonomy, so it can run wherever the CPU
// is (the ingest keeps the database and the network to itself). A document that is not a feed
// is a reading too.
import { ParseError } from '../core/errors.ts';
import type { Item, Language, Province, Region, Warning } from '../core/types.ts';
import { normalizeItem } from '../normalize/normalize-item.ts';
import type { Taxonomy } from '../normalize/topics.ts';
import { parseFeed } from '../parse/parse-feed.ts';
import type { FeedReading } from './plan-ingest.ts';

export interface ReadInput {
  /** The decoded body. */
  text: string;
  contentType?: string;
  /** Where the body came from (after redirects): relative links resolve against it. */
  url: string;
  /** When the fetch started: dates after it are implausible. */
  now: Date;
  /** Items kept from one document; the rest are dropped and counted. */
  maxItems: number;
  source: { languages: Language[]; region: Region; province?: Province; topics: string[] };
}

export async function readFeed(input: ReadInput, taxonomy: Taxonomy): Promise<FeedReading> {
  let feed;
  try {
    feed = await parseFeed(input.text, { contentType: input.contentType, url: input.url, maxItems: input.maxItems });
  } catch (err) {
    if (err instanceof ParseError) return { kind: 'unreadable', detail: err.message };
    throw err;
  }
  const warnings: Warning[] = feed.warnings.map((detail) => ({ code: 'parse-note', params: { detail } }));
  const dropped = new Map(Object.entries(feed.dropped));
  const items: Item[] = [];
  const ctx = {
    now: input.now,
    fetchUrl: input.url,
    feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
    source: input.source,
    taxonomy,
  };
  for (const parsed of feed.items) {
    const out = normalizeItem(parsed, ctx);
    if ('dropped' in out) {
      dropped.set(out.dropped, (dropped.get(out.dropped) ?? 0) + 1);
      continue;
    }
    items.push(out.item);
    warnings.push(...out.warnings);
  }
  for (const [reason, count] of dropped) warnings.push({ code: 'items-dropped', params: { reason, count } });
  const { title, link, ttlMinutes, updatePeriodMinutes } = feed;
  return { kind: 'feed', feed: { title, link, ttlMinutes, updatePeriodMinutes }, items, warnings };
}
