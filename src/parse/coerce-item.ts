// The one gate between what a document said and ParsedItem: every candidate, whatever its format,
// goes through itemSchema. An unusable item is dropped with a counted reason and the rest survive.

import { z } from 'zod';

import type { ParsedFeed, ParsedItem } from '../core/types.ts';
import type { FeedCandidate } from './raw-feed.ts';
import { stripIllegalXmlChars } from './repair-xml.ts';

export const NO_CONTENT = 'no title, link or content';
export const MALFORMED = 'malformed item';
export const DUPLICATE_GUID = 'duplicate guid';

/** A string as found, trimmed, without characters XML (and Postgres text) cannot hold; "" is absent. */
function toText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  return stripIllegalXmlChars(value).trim() || undefined;
}

function toCount(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value)) return Number(value);
  return undefined;
}

function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const text = z.preprocess(toText, z.string().optional());
const requiredText = z.preprocess(toText, z.string());
const count = z.preprocess(toCount, z.number().int().nonnegative().optional());
const positiveCount = z.preprocess(toCount, z.number().int().positive().optional());

const enclosureSchema = z.object({ url: requiredText, type: text, length: count });
const alternateSchema = z.object({ href: requiredText, hreflang: text });
/** Event element values are short: anything longer is not a date, a place or a name. */
const eventText = z.preprocess((value) => {
  const t = toText(value);
  return t === undefined ? undefined : t.slice(0, 500);
}, z.string().optional());
const eventSchema = z.object({
  start: eventText, end: eventText, timezone: eventText, location: eventText, organizer: eventText, type: eventText, url: eventText, calendarUrl: eventText,
});

const itemSchema = z
  .object({
    guid: text,
    link: text,
    title: text,
    titleIsHtml: z.boolean().optional().catch(undefined),
    contentHtml: text,
    summaryHtml: text,
    author: text,
    published: text,
    updated: text,
    categories: z.preprocess(toList, z.array(text)),
    language: text,
    baseUrl: text,
    enclosure: enclosureSchema.optional().catch(undefined),
    alternates: z.preprocess(toList, z.array(alternateSchema.optional().catch(undefined))),
    event: eventSchema.optional().catch(undefined),
  })
  .refine((item) => Boolean(item.title || item.link || item.contentHtml || item.summaryHtml || item.enclosure), {
    message: NO_CONTENT,
  });

const feedSchema = z.object({
  title: text,
  link: text,
  description: text,
  language: text,
  baseUrl: text,
  selfUrl: text,
  hubUrl: text,
  ttlMinutes: positiveCount,
  updatePeriodMinutes: positiveCount,
});

export type FeedFields = Omit<ParsedFeed, 'format' | 'items' | 'dropped' | 'warnings'>;

export interface CoercedItems {
  items: ParsedItem[];
  dropped: Record<string, number>;
  warnings: string[];
}

/** `skipped`: entries the reader left unbuilt past the cap, counted as over it. */
export function coerceItems(candidates: unknown[], maxItems: number, skipped = 0): CoercedItems {
  const dropped: Record<string, number> = {};
  const count = (reason: string, n = 1) => {
    dropped[reason] = (dropped[reason] ?? 0) + n;
  };
  const items: ParsedItem[] = [];
  const byGuid = new Map<string, GuidSharers>();
  for (const candidate of candidates) {
    const result = itemSchema.safeParse(candidate);
    if (!result.success) {
      count(result.error.issues.some((issue) => issue.message === NO_CONTENT) ? NO_CONTENT : MALFORMED);
      continue;
    }
    const item = toParsedItem(result.data);
    if (item.guid !== undefined) {
      const sharers = byGuid.get(item.guid) ?? byGuid.set(item.guid, new GuidSharers()).get(item.guid)!;
      if (sharers.repeats(item)) {
        // The same post listed twice: the first one stands.
        count(DUPLICATE_GUID);
        continue;
      }
      sharers.add(item);
    }
    items.push(item);
  }
  const warnings: string[] = [];
  const over = Math.max(0, items.length - maxItems) + skipped;
  if (over) {
    count(`over the per-feed cap (${maxItems})`, over);
    // Cut while parsing, the cap counted entries as listed (repeats among them are dropped after).
    const [kept, of] = skipped ? [candidates.length, candidates.length + skipped] : [maxItems, items.length];
    warnings.push(`kept the first ${kept} of ${of} items`);
    items.length = Math.min(maxItems, items.length);
  }
  return { items, dropped, warnings };
}

/**
 * The items kept under one GUID. Two of them are different posts, not one post listed twice,
 * when their titles differ and so do their links (or, where either has no link, their dates).
 * Posts of one day often share a date, so a shared date is no evidence that they are one post.
 * Kept as sets, so that a feed giving thousands of items one GUID stays linear.
 */
class GuidSharers {
  private readonly items: ParsedItem[] = [];
  private readonly titles = new Set<string | undefined>();
  private readonly links = new Set<string | undefined>();
  private readonly dates = new Set<string | undefined>();
  private readonly datesWithoutLink = new Set<string | undefined>();

  /** True when some kept item may be the same post as `item`. */
  repeats(item: ParsedItem): boolean {
    if (!this.items.length) return false;
    const title = textKey(item.title);
    if (title === undefined || this.titles.has(undefined) || this.titles.has(title)) return true;
    const link = textKey(item.link);
    const date = textKey(item.published ?? item.updated);
    if (link === undefined) return date === undefined || this.dates.has(undefined) || this.dates.has(date);
    if (this.links.has(link)) return true;
    // Kept items without a link are told apart from this one by their dates.
    if (!this.links.has(undefined)) return false;
    return date === undefined || this.datesWithoutLink.has(undefined) || this.datesWithoutLink.has(date);
  }

  add(item: ParsedItem): void {
    const link = textKey(item.link);
    const date = textKey(item.published ?? item.updated);
    this.items.push(item);
    this.titles.add(textKey(item.title));
    this.links.add(link);
    this.dates.add(date);
    if (link === undefined) this.datesWithoutLink.add(date);
    if (this.items.length === 2) for (const kept of this.items) kept.guidShared = true;
    else if (this.items.length > 2) item.guidShared = true;
  }
}

function textKey(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function coerceFeed(candidate: FeedCandidate): FeedFields {
  const result = feedSchema.safeParse(candidate);
  return result.success ? withoutUndefined(result.data) : {};
}

function toParsedItem(data: z.infer<typeof itemSchema>): ParsedItem {
  const categories = [...new Set(data.categories.filter((c): c is string => c !== undefined))];
  const alternates = data.alternates.filter((a): a is { href: string; hreflang?: string } => a !== undefined);
  const item: ParsedItem = {
    ...data,
    titleIsHtml: data.title !== undefined ? (data.titleIsHtml ?? false) : undefined,
    categories,
    enclosure: data.enclosure && withoutUndefined(data.enclosure),
    alternates: alternates.length ? alternates.map(withoutUndefined) : undefined,
    event: data.event && Object.values(data.event).some((v) => v !== undefined) ? withoutUndefined(data.event) : undefined,
  };
  return withoutUndefined(item);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
