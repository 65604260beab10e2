// Turns a page and its selectors into the ParsedFeed a feed would give: one ParsedItem per item
// block, identified by its absolute link, with its title, date as written and summary markup, so
// that normalize (sanitizer included) treats page items exactly as feed items.

import type { Element } from 'domhandler';
import { DomUtils } from 'htmlparser2';

import type { ParsedFeed } from '../../core/types.ts';
import { coerceItems } from '../coerce-item.ts';
import { DEFAULT_MAX_ITEMS } from '../parse-feed.ts';
import type { ItemCandidate } from '../raw-feed.ts';
import { pageProblem, type PageProblem } from './page-problem.ts';
import { checkSelectors, selectInItem, type PageSelectors } from './page-selectors.ts';
import { textOf, type PageDocument } from './read-page.ts';

export interface ExtractOptions {
  /** Items kept per page, in page order (default 500). */
  maxItems?: number;
  /** How many items the same selectors found on the last read, to tell a redesign from an empty list. */
  previousItemCount?: number;
}

export interface PageExtraction {
  feed: ParsedFeed;
  /** What is wrong with the selectors on this page; empty when they found items. */
  problems: PageProblem[];
}

export const NO_LINK = 'no link';
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** A date as a page writes it is short; longer text is a paragraph that merely holds one. */
const DATE_TEXT_CHARS = 200;

export function extractPageItems(page: PageDocument, selectors: PageSelectors, options: ExtractOptions = {}): PageExtraction {
  const { problems, items: blocks } = checkSelectors(page, selectors);
  const previous = options.previousItemCount ?? 0;
  const feed: ParsedFeed = {
    format: 'html',
    title: page.title,
    link: page.url,
    language: page.language,
    baseUrl: page.baseUrl,
    items: [],
    dropped: {},
    warnings: [],
  };
  const refused = problems.some((p) => p.params.field === 'item' || p.code === 'selector-invalid' || p.code === 'selector-too-long');
  if (refused) {
    if (previous > 0 && problems.some((p) => p.code === 'selector-matches-nothing' && p.params.field === 'item')) {
      problems.unshift(pageProblem('selectors-stopped-matching', { previous }));
    }
    return { feed, problems };
  }

  const candidates: ItemCandidate[] = [];
  let withoutLink = 0;
  for (const block of blocks) {
    const candidate = readItem(page, block, selectors);
    if (candidate.link === undefined) withoutLink++;
    else candidates.push(candidate);
  }
  const maxItems = Number.isFinite(options.maxItems) ? Math.max(0, Math.floor(options.maxItems!)) : DEFAULT_MAX_ITEMS;
  const coerced = coerceItems(candidates, maxItems);
  feed.items = coerced.items;
  feed.dropped = withoutLink ? { [NO_LINK]: withoutLink, ...coerced.dropped } : coerced.dropped;
  feed.warnings = coerced.warnings;
  if (!feed.items.length) {
    if (withoutLink) problems.unshift(pageProblem('items-without-links', { items: withoutLink }));
    if (previous > 0) problems.unshift(pageProblem('selectors-stopped-matching', { previous }));
  }
  return { feed, problems };
}

function readItem(page: PageDocument, block: Element, selectors: PageSelectors): ItemCandidate {
  const titleElement = selectors.title ? selectInItem(block, selectors.title) : defaultTitle(block);
  const linkElement = selectors.link ? selectInItem(block, selectors.link) : anchorNear(titleElement, block);
  const link = linkElement ? pageLink(page, hrefOf(linkElement, block)) : undefined;
  const title = textOf(titleElement) || (linkElement ? textOf(linkElement) : '') || undefined;
  const dateElement = selectors.date ? selectInItem(block, selectors.date) : selectInItem(block, 'time');
  const summaryElement = selectors.summary ? selectInItem(block, selectors.summary) : null;
  return {
    // Items on a page have no GUID: their link is what identifies them from one read to the next.
    guid: link,
    link,
    title,
    titleIsHtml: false,
    summaryHtml: summaryElement ? DomUtils.getInnerHTML(summaryElement) : undefined,
    published: dateElement ? dateOf(dateElement) : undefined,
    categories: [],
    language: languageOf(block) ?? page.language,
    baseUrl: page.baseUrl,
  };
}

/** The item's heading, else its first link with text. */
function defaultTitle(block: Element): Element | null {
  return (
    DomUtils.findOne((el) => HEADINGS.has(el.name), block.children) ??
    DomUtils.findOne((el) => el.name === 'a' && el.attribs.href !== undefined && textOf(el) !== '', block.children)
  );
}

/** The link a title belongs to: the title itself, a link inside it, one around it, else the item's first. */
function anchorNear(title: Element | null, block: Element): Element | null {
  if (title) {
    if (title.name === 'a' && title.attribs.href !== undefined) return title;
    const inside = DomUtils.findOne((el) => el.name === 'a' && el.attribs.href !== undefined, title.children);
    if (inside) return inside;
    for (let node = title.parent; node && node !== block.parent; node = node.parent) {
      if (DomUtils.isTag(node) && node.name === 'a' && node.attribs.href !== undefined) return node;
    }
  }
  return DomUtils.findOne((el) => el.name === 'a' && el.attribs.href !== undefined, block.children);
}

/** The href of a link element, of the link inside it or around it (within the item). */
function hrefOf(element: Element, block: Element): string | undefined {
  if (element.attribs.href !== undefined) return element.attribs.href;
  const inside = DomUtils.findOne((el) => el.name === 'a' && el.attribs.href !== undefined, element.children);
  if (inside) return inside.attribs.href;
  for (let node = element.parent; node && node !== block.parent; node = node.parent) {
    if (DomUtils.isTag(node) && node.name === 'a' && node.attribs.href !== undefined) return node.attribs.href;
  }
  return element.attribs['data-href'];
}

/** An absolute http(s) link, not back to the page itself (href="#", "javascript:…" are no links). */
function pageLink(page: PageDocument, href: string | undefined): string | undefined {
  if (href === undefined || !href.trim()) return undefined;
  let url: URL;
  try {
    url = new URL(href.trim(), page.baseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const withoutFragment = url.href.replace(/#.*$/, '');
  return withoutFragment === page.url.replace(/#.*$/, '') ? undefined : url.href;
}

/** A date as the page gives it: a machine-readable attribute first, else the text. */
function dateOf(element: Element): string | undefined {
  const machine =
    element.attribs.datetime ??
    element.attribs.content ??
    DomUtils.findOne((el) => el.name === 'time' && el.attribs.datetime !== undefined, element.children)?.attribs.datetime;
  if (machine?.trim()) return machine.trim();
  const text = textOf(element);
  return text && text.length <= DATE_TEXT_CHARS ? text : undefined;
}

function languageOf(block: Element): string | undefined {
  for (let node: Element | null = block; node; node = node.parent as Element | null) {
    const lang = DomUtils.isTag(node) ? node.attribs.lang?.trim() : undefined;
    if (lang) return lang;
  }
  return undefined;
}
