// A parsed document's items normalized, for feeds and page sources alike: the parser's notes, each
// item's warnings, then one warning per reason items were dropped (the parser's counts and
// normalize's together).
import type { Item, ParsedFeed, ParsedItem, Warning } from '../core/types.ts';
import { normalizeItem, type NormalizeContext } from '../normalize/normalize-item.ts';
import type { Taxonomy } from '../normalize/topics.ts';

export interface NormalizeOptions {
  /** Drop reasons of the parser that are not worth a warning. */
  quietDrops?: readonly string[];
  /** A last touch to each kept item, given what the document wrote. */
  adjust?: (item: Item, parsed: ParsedItem) => Item;
}

export function normalizeParsed(
  feed: ParsedFeed,
  input: { now: Date; url: string; source: NormalizeContext['source'] },
  taxonomy: Taxonomy,
  options: NormalizeOptions = {},
): { items: Item[]; warnings: Warning[] } {
  const quiet = options.quietDrops ?? [];
  const dropped = new Map(Object.entries(feed.dropped).filter(([reason]) => !quiet.includes(reason)));
  const ctx = {
    now: input.now,
    fetchUrl: input.url,
    feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
    source: input.source,
    taxonomy,
  };
  const warnings: Warning[] = feed.warnings.map((detail) => ({ code: 'parse-note', params: { detail } }));
  const items: Item[] = [];
  for (const parsed of feed.items) {
    const out = normalizeItem(parsed, ctx);
    if ('dropped' in out) {
      dropped.set(out.dropped, (dropped.get(out.dropped) ?? 0) + 1);
      continue;
    }
    items.push(options.adjust ? options.adjust(out.item, parsed) : out.item);
    warnings.push(...out.warnings);
  }
  for (const [reason, count] of dropped) warnings.push({ code: 'items-dropped', params: { reason, count } });
  return { items, warnings };
}
