// The loose shapes format readers hand to coercion: every value unchecked until coerce-item.ts.

import type { ParsedFeed, ParsedItem } from '../core/types.ts';

/** One entry as a format reader found it; coerceItems() decides what survives. */
export type ItemCandidate = { [K in keyof ParsedItem]?: unknown };

/** Feed-level values as a format reader found them. */
export type FeedCandidate = { [K in keyof Omit<ParsedFeed, 'format' | 'items' | 'dropped' | 'warnings'>]?: unknown };

export interface RawFeed {
  feed: FeedCandidate;
  /** Entries in document order; anything that is not an object is a malformed item. */
  items: unknown[];
  /** Entries past the item cap, never built: only counted. */
  skipped?: number;
  warnings: string[];
}

/** An identifier that is an absolute http(s) URL: the only kind that may stand in for a missing link. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}
