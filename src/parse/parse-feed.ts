// Turns a decoded feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) into a
// ParsedFeed: strings as found, trimmed, never sanitized; unusable items dropped and counted.
//
// Field mapping, the same for every format: contentHtml is the full body when the document gives
// one (content:encoded, xhtml:body, Atom content, JSON content_html/content_text) and summaryHtml
// the short form (RSS description, Atom summary, JSON summary); neither falls back to the other.
// Plain-text constructs are escaped into HTML, inline XHTML comes back as its inner markup. Dates
// stay raw strings, except that an Atom date JavaScript cannot read is dropped, so one bad date
// costs that date only, not the feed.

import { ParseError } from '../core/errors.ts';
import type { ParsedFeed } from '../core/types.ts';
import { coerceFeed, coerceItems } from './coerce-item.ts';
import { extractXmlFeed } from './extract-xml.ts';
import { readJsonFeed } from './json-feed.ts';
import type { RawFeed } from './raw-feed.ts';
import { readXmlFeed } from './read-xml.ts';

export interface ParseFeedOptions {
  /** The HTTP Content-Type, used to route JSON; the body is sniffed as well. */
  contentType?: string;
  /** The document URL: the base for relative links and xml:base. */
  url?: string;
  /** Items kept per document, in document order (default 500). */
  maxItems?: number;
}

export const DEFAULT_MAX_ITEMS = 500;

export async function parseFeed(text: string, options: ParseFeedOptions = {}): Promise<ParsedFeed> {
  const maxItems = Number.isFinite(options.maxItems) ? Math.max(0, Math.floor(options.maxItems!)) : DEFAULT_MAX_ITEMS;
  try {
    const start = /[^\s\uFEFF]/.exec(text)?.[0];
    if (!start) throw new ParseError('empty document');
    const declaredJson = /^application\/([\w.-]+\+)?json\b/i.test(options.contentType ?? '');
    let raw: RawFeed;
    let format: ParsedFeed['format'];
    // The body wins over the Content-Type: servers label feeds wrongly more often than not.
    if (start === '{' || (declaredJson && start !== '<')) {
      raw = readJsonFeed(text, options.url);
      format = 'json';
    } else {
      const xml = readXmlFeed(text, options.url);
      raw = extractXmlFeed(xml, options.url);
      format = xml.format;
    }
    const coerced = coerceItems(raw.items, maxItems);
    return {
      format,
      ...coerceFeed(raw.feed),
      items: coerced.items,
      dropped: coerced.dropped,
      warnings: [...raw.warnings, ...coerced.warnings],
    };
  } catch (error) {
    throw toParseError(error);
  }
}

function toParseError(error: unknown): ParseError {
  if (error instanceof ParseError) return error;
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new ParseError('document too deeply nested', { cause: error });
  }
  if (error instanceof RangeError && /string length|array length/i.test(error.message)) {
    return new ParseError('document too large', { cause: error });
  }
  const name = error instanceof Error ? error.name : typeof error;
  return new ParseError(`invalid feed: unexpected structure (${name})`, { cause: error });
}
