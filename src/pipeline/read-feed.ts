// Reading a new body: parse it and normalize its items, with the warnings both stages gave. It
// does no I/O and needs nothing but its input and the taxonomy, so it can run wherever the CPU
// is (the ingest keeps the database and the network to itself). A document that is not a feed
// is a reading too.
import { ParseError } from '../core/errors.ts';
import type { Language, Province, Region } from '../core/types.ts';
import type { Taxonomy } from '../normalize/topics.ts';
import { parseFeed } from '../parse/parse-feed.ts';
import { normalizeParsed } from './normalize-parsed.ts';
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
  const { items, warnings } = normalizeParsed(feed, input, taxonomy);
  const { title, link, ttlMinutes, updatePeriodMinutes } = feed;
  return { kind: 'feed', feed: { title, link, ttlMinutes, updatePeriodMinutes }, items, warnings };
}
