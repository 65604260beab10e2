// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into feed and item candidates.

import { z } from 'zod';

import { ParseError } from '../core/errors.ts';
import { isHttpUrl, type ItemCandidate, type RawFeed } from './raw-feed.ts';
import { escapeHtml, resolveHref } from './reshape-tree.ts';

// Fields are read leniently: a field of the wrong type is ignored, not fatal to its item.
const optionalString = z.string().optional().catch(undefined);
const idValue = z.union([z.string(), z.number()]).optional().catch(undefined);
const author = z.looseObject({ name: optionalString, url: optionalString });
const authorList = z.array(author.optional().catch(undefined)).optional().catch(undefined);

const documentSchema = z.looseObject({
  version: z.string().regex(/^https?:\/\/jsonfeed\.org\/version\//i),
  title: optionalString,
  home_page_url: optionalString,
  feed_url: optionalString,
  description: optionalString,
  language: optionalString,
  hubs: z.array(z.looseObject({ type: optionalString, url: optionalString }).optional().catch(undefined)).optional().catch(undefined),
  author: author.optional().catch(undefined),
  authors: authorList,
  items: z.array(z.unknown()),
});

const itemSchema = z.looseObject({
  id: idValue,
  url: optionalString,
  external_url: optionalString,
  title: optionalString,
  content_html: optionalString,
  content_text: optionalString,
  summary: optionalString,
  date_published: optionalString,
  date_modified: optionalString,
  author: author.optional().catch(undefined),
  authors: authorList,
  tags: z.array(z.union([z.string(), z.number()]).optional().catch(undefined)).optional().catch(undefined),
  language: optionalString,
  attachments: z
    .array(
      z
        .looseObject({ url: z.string(), mime_type: optionalString, size_in_bytes: z.number().optional().catch(undefined) })
        .optional()
        .catch(undefined),
    )
    .optional()
    .catch(undefined),
});

type JsonAuthor = z.infer<typeof author> | undefined;

/** `maxItems`: items past it are never read, only counted. */
export function readJsonFeed(text: string, documentUrl?: string, maxItems = Infinity): RawFeed {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\s*\uFEFF/, ''));
  } catch (error) {
    throw new ParseError(describeJsonError(error, text), { cause: error });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ParseError('not a feed (JSON without a JSON Feed version)');
  }
  const version = (data as Record<string, unknown>).version;
  if (typeof version !== 'string' || !/jsonfeed\.org\/version\//i.test(version)) {
    throw new ParseError('not a feed (JSON without a JSON Feed version)');
  }
  const parsed = documentSchema.safeParse(data);
  if (!parsed.success) throw new ParseError('invalid feed: JSON Feed "items" is not a list');
  const feed = parsed.data;
  const resolve = (url: string | undefined) => (url === undefined ? undefined : resolveHref(url.trim(), documentUrl));
  const hub = feed.hubs?.find((h) => h?.url && (!h.type || /websub|pubsubhubbub/i.test(h.type)));
  // JSON Feed 1.1 §"author": feed-level authors apply to items that name none.
  const feedAuthors = namesOf(feed.authors, feed.author);
  return {
    feed: {
      title: feed.title,
      link: resolve(feed.home_page_url),
      description: feed.description,
      language: feed.language,
      selfUrl: resolve(feed.feed_url),
      hubUrl: resolve(hub?.url),
    },
    items: feed.items.slice(0, maxItems).map((item) => readItem(item, feedAuthors, resolve)),
    skipped: Math.max(0, feed.items.length - maxItems),
    warnings: [],
  };
}

function readItem(value: unknown, feedAuthors: string | undefined, resolve: (url: string | undefined) => string | undefined): unknown {
  const parsed = typeof value === 'object' && value !== null && !Array.isArray(value) ? itemSchema.safeParse(value) : undefined;
  if (!parsed?.success) return value; // not an object: coercion drops it as malformed
  const item = parsed.data;
  const attachment = item.attachments?.find((a) => a !== undefined);
  const candidate: ItemCandidate = {
    guid: item.id,
    // JSON Feed 1.1: "ideally, the id is the full URL of the resource"; it stands in when no url is given.
    link: resolve(item.url ?? item.external_url ?? (typeof item.id === 'string' && isHttpUrl(item.id) ? item.id : undefined)),
    title: item.title,
    titleIsHtml: false,
    // content_text and summary are plain text (JSON Feed 1.1); ParsedItem carries HTML.
    contentHtml: item.content_html ?? (item.content_text !== undefined ? escapeHtml(item.content_text) : undefined),
    summaryHtml: item.summary !== undefined ? escapeHtml(item.summary) : undefined,
    author: namesOf(item.authors, item.author) ?? feedAuthors,
    published: item.date_published,
    updated: item.date_modified,
    categories: item.tags ?? [],
    language: item.language,
    enclosure: attachment && { url: resolve(attachment.url), type: attachment.mime_type, length: attachment.size_in_bytes },
  };
  return candidate;
}

/** JSON Feed 1.1 "authors", falling back to 1.0's single "author". */
function namesOf(authors: JsonAuthor[] | undefined, single: JsonAuthor): string | undefined {
  const names = (authors ?? [single]).map((a) => a?.name?.trim()).filter((n): n is string => Boolean(n));
  return names.length ? names.join(', ') : undefined;
}

function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of (JSON )?input/i.test(message)) return 'invalid JSON: unexpected end of document';
  const position = /position (\d+)/.exec(message);
  if (!position) return 'invalid JSON';
  const line = text.slice(0, Number(position[1])).split('\n').length;
  return `invalid JSON at line ${line}`;
}
