// The one conversion from what a document said (ParsedItem) to what we keep (Item). Pure: the
// clock, the URLs and the limits come in through the context; warnings come back as data.
import type { Item, ParsedItem, Warning } from '../core/types.ts';
import { canonicalUrl, translationKeyOfCanonical } from './canonical-url.ts';
import { classify, languageHint, type SourceDefaults } from './classify.ts';
import { parseFeedDate, plausibleDate } from './dates.ts';
import { eventWarning, findItemEvent } from './event.ts';
import { computeFingerprint } from './fingerprint.ts';
import { contentHash, itemKey } from './identity.ts';
import { sanitizedText, sanitizeHtml } from './sanitize-html.ts';
import type { Taxonomy } from './topics.ts';
import { htmlToText, plainText, titleText, truncateText } from './text.ts';
import { resolveHttpUrl } from './urls.ts';

export interface NormalizeContext {
  now: Date;
  /** The URL the document was actually fetched from (after redirects). */
  fetchUrl: string;
  feed: { link?: string; baseUrl?: string; language?: string };
  source: SourceDefaults;
  taxonomy: Taxonomy;
  /** Content longer than this (in characters of HTML) is cut, and the cut is said. */
  maxContentChars?: number;
}

/** The item and what to tell about it, or why there is none (the reason reads like the parser's drop reasons). */
export type NormalizeOutcome = { item: Item; warnings: Warning[] } | { dropped: string };

export const DEFAULT_MAX_CONTENT_CHARS = 200_000;
const SUMMARY_CHARS = 400;
/** A summary field longer than this is not a summary; only its start can become one. */
const SUMMARY_SOURCE_CHARS = 20_000;
const TITLE_FROM_TEXT_CHARS = 110;

export function normalizeItem(parsed: ParsedItem, ctx: NormalizeContext): NormalizeOutcome {
  const warnings: Warning[] = [];
  const feedBases = [ctx.feed.baseUrl, ctx.feed.link, ctx.fetchUrl];
  const guid = stripControls(parsed.guid ?? '').trim() || undefined;
  // The parser decided which link is the item's page (an RSS guid only when it is a permalink).
  const url = resolveHttpUrl(parsed.link, parsed.baseUrl, ...feedBases);
  const bases = [parsed.baseUrl, url, ...feedBases];

  const maxChars = ctx.maxContentChars ?? DEFAULT_MAX_CONTENT_CHARS;
  // Cut before sanitizing: parsing cost grows faster than the length on hostile nesting.
  let rawContent = stripControls(parsed.contentHtml || parsed.summaryHtml || '');
  const wasCut = rawContent.length > maxChars;
  if (wasCut) {
    rawContent = rawContent.slice(0, maxChars);
    warnings.push({ code: 'content-cut', params: { count: maxChars } });
  }
  let contentHtml = sanitizeHtml(rawContent, { bases });
  if (wasCut && contentHtml) contentHtml += '<p>[…]</p>';

  const text = (parsed.contentHtml && parsed.summaryHtml ? summaryText(parsed.summaryHtml, bases) : '') || htmlToText(contentHtml);
  const summary = truncateText(text, SUMMARY_CHARS);

  let title = stripControls(titleText(parsed.title, parsed.titleIsHtml));
  if (!title) {
    title = truncateText(text, TITLE_FROM_TEXT_CHARS) || url || '';
    if (!title) return { dropped: 'no title, link or content' };
  }

  const rawDate = parsed.published ?? parsed.updated;
  const modifiedAt = plausibleDate(parseFeedDate(parsed.updated), ctx.now);
  // An unreadable published date falls back to a readable updated one.
  const feedDate = plausibleDate(parseFeedDate(parsed.published), ctx.now) ?? modifiedAt;
  if (rawDate && !feedDate) warnings.push({ code: 'unusable-date', params: { value: String(rawDate).slice(0, 40) } });

  const enclosureUrl = parsed.enclosure ? resolveHttpUrl(parsed.enclosure.url, ...bases) : undefined;
  const categories = [...new Set(parsed.categories.map((c) => stripControls(plainText(c))).filter(Boolean))].slice(0, 30);
  const author = stripControls(plainText(parsed.author)) || undefined;

  const langHint = languageHint(parsed.language, ctx.feed.language);
  const tags = classify({ title, summary, categories, url, langHint }, ctx.source, ctx.taxonomy);
  const alternates = (parsed.alternates ?? [])
    .map((a) => resolveHttpUrl(a.href, ...bases))
    .filter((u): u is string => !!u && u !== url)
    .map(canonicalUrl);

  const canonical = url ? canonicalUrl(url) : undefined;
  const item: Item = {
    key: itemKey(parsed.guidShared ? undefined : guid, url, title, rawDate),
    guid,
    url,
    title,
    contentHtml,
    summary,
    author,
    publishedAt: feedDate ?? ctx.now,
    dateFromFeed: feedDate !== undefined,
    modifiedAt,
    categories,
    language: tags.language,
    langHint,
    enclosure: enclosureUrl ? { ...parsed.enclosure, url: enclosureUrl } : undefined,
    contentHash: '',
    topics: tags.topics,
    type: tags.type,
    regions: tags.regions,
    province: tags.province,
    canonicalUrl: canonical,
    translationKey: canonical === undefined ? undefined : translationKeyOfCanonical(canonical),
    alternateUrls: alternates,
    fingerprint: computeFingerprint(title, summary),
  };
  const found = findItemEvent(parsed, item, ctx.now);
  item.type = found.type;
  if (found.event) item.event = found.event;
  warnings.push(...found.warnings.map(eventWarning));
  item.contentHash = contentHash([item.title, item.url, item.contentHtml, item.author, item.categories.join('\u0001'), rawDate]);
  return { item, warnings };
}

/** Characters Postgres text cannot hold (NUL) or XML forbids; parse/ strips them too, this is the last guard. */
function stripControls(text: string): string {
  return MAYBE_CONTROLS.test(text) ? text.replace(CONTROLS, '') : text;
}

const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Every character CONTROLS may remove, surrogates in pairs included: one quick look finds most texts clean. */
const MAYBE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** Plain text of a separate summary field; markup is sanitized first so nothing hidden leaks in. */
function summaryText(html: string, bases: (string | undefined)[]): string {
  const cut = stripControls(html.slice(0, SUMMARY_SOURCE_CHARS));
  // Most summaries are plain text: no second HTML parse for them.
  return cut.includes('<') ? sanitizedText(cut, { bases }) : htmlToText(cut);
}
