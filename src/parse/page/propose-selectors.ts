// Proposes selectors for a page that publishes no feed: the repeated blocks a person would call
// its list (article lists, cards, table rows), each a set of sibling elements of one kind whose
// members link somewhere, most with a heading and often a date. Ranked; each comes with the
// selectors that read it and a preview of what they yield.

import type { AnyNode, Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';

import { extractPageItems } from './extract-page.ts';
import { pageProblem, type PageProblem } from './page-problem.ts';
import { selectInItem, selectItems, type PageSelectors } from './page-selectors.ts';
import { textOf, type PageDocument } from './read-page.ts';

export interface ProposeOptions {
  /** Proposals returned at most (default 5). */
  max?: number;
  /** Items shown per proposal (default 5). */
  previewItems?: number;
  /**
   * Reads a date from text (normalize's parseFeedDate): lets short texts count as dates when
   * ranking and choosing the date selector. Without it only <time> elements do.
   */
  readDate?: (text: string) => Date | undefined;
}

export interface PreviewItem {
  title?: string;
  link?: string;
  /** The date as the page writes it. */
  date?: string;
  /** The date as readDate reads it (ISO 8601), when it can. */
  dateRead?: string;
  summary?: string;
}

export interface SelectorProposal {
  selectors: PageSelectors;
  score: number;
  /** Items these selectors read on the page (with a link each). */
  itemCount: number;
  withDate: number;
  withSummary: number;
  preview: PreviewItem[];
}

export type ProposeOutcome = { proposals: SelectorProposal[]; problem?: PageProblem };

interface Stats {
  text: number;
  links: number;
  headings: number;
  times: number;
}

interface Group {
  items: Element[];
  /** Classes every item has (the ones worth naming in a selector). */
  classes: string[];
  score: number;
}

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements that are never an item of a list. */
const NOT_ITEMS = new Set([
  'html', 'head', 'body', 'br', 'hr', 'img', 'input', 'option', 'meta', 'link', 'source', 'track', 'col', 'colgroup',
  'thead', 'tfoot', 'tbody', 'svg', 'path', 'iframe', 'button', 'label', 'select', 'textarea', 'form', 'b', 'i', 'em',
  'strong', 'small', 'span', 'abbr', 'time', 'picture', 'figure', 'figcaption', 'caption', 'th',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);
const NAVIGATION = new Set(['nav', 'header', 'footer']);
const SIDE = /(^|[-_ ])(sidebar|widget|aside|menu|nav|navigation|breadcrumbs?|footer|header|pager|pagination|social|share|tags?|categories|archives?)([-_ ]|$)/i;
const MAIN = /(^|[-_ ])(main|content|primary|posts|articles|news|nouvelles|actualites|events?|evenements|list|listing|results|views?)([-_ ]|$)/i;
const SUMMARY_CLASS = /(summary|excerpt|teaser|desc|intro|resume|body|content|text|lead|chapo)/i;
const UNSTABLE_CLASS = /^(odd|even|first|last|active|current|selected|hover|focus|visible|hidden|clearfix|sticky|new)$|^(js|is|has|ng|v|jsx|css|sc|svelte)-|\d{2,}/i;
const IDENTIFIER = /^-?[_a-zA-Z][\w-]*$/;
/** Groups looked at closely (selectors built, items read); the others are ranked out before. */
const CLOSE_LOOKS = 12;
const MIN_SUMMARY_CHARS = 40;
/** Proposals scoring under this share of the best one are left out. */
const MIN_SHARE_OF_BEST = 0.05;

export function proposeSelectors(page: PageDocument, options: ProposeOptions = {}): ProposeOutcome {
  const stats = computeStats(page.root.children);
  const body = DomUtils.findOne((el) => el.name === 'body', page.root.children);
  const pageText = Math.max(1, body ? stats.get(body)?.text ?? 0 : [...stats.values()].reduce((n, s) => Math.max(n, s.text), 0));
  const groups = findGroups(page.root.children, stats, pageText).sort((a, b) => b.score - a.score).slice(0, CLOSE_LOOKS);

  const proposals: SelectorProposal[] = [];
  for (const group of groups) {
    const proposal = proposeFor(page, group, options);
    if (proposal) proposals.push(proposal);
  }
  proposals.sort((a, b) => b.score - a.score);
  const distinct: SelectorProposal[] = [];
  const seen = new Set<string>();
  // Two blocks are a list only when nothing longer is found; a far weaker candidate is noise.
  const hasLongList = proposals.some((p) => p.itemCount >= 3);
  const floor = (proposals[0]?.score ?? 0) * MIN_SHARE_OF_BEST;
  for (const proposal of proposals) {
    if ((hasLongList && proposal.itemCount < 3) || proposal.score < floor) continue;
    const links = proposal.preview.map((p) => p.link).join('\n') + `\n${proposal.itemCount}`;
    if (seen.has(links)) continue;
    seen.add(links);
    distinct.push(proposal);
  }
  const max = options.max ?? 5;
  return distinct.length ? { proposals: distinct.slice(0, max) } : { proposals: [], problem: pageProblem('no-repeated-blocks') };
}

/** Text length, links, headings and <time> elements under every element, in one pass without recursion. */
function computeStats(nodes: AnyNode[]): Map<Element, Stats> {
  const stats = new Map<Element, Stats>();
  const order: Element[] = [];
  const stack = nodes.filter(DomUtils.isTag);
  while (stack.length) {
    const element = stack.pop()!;
    order.push(element);
    for (const child of element.children) if (DomUtils.isTag(child)) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const element = order[i];
    const own: Stats = {
      text: 0,
      links: element.name === 'a' && isLinkHref(element.attribs.href) ? 1 : 0,
      headings: HEADINGS.has(element.name) ? 1 : 0,
      times: element.name === 'time' ? 1 : 0,
    };
    for (const child of element.children) {
      if (DomUtils.isText(child)) own.text += child.data.trim().length;
      else if (DomUtils.isTag(child)) {
        const sub = stats.get(child)!;
        own.text += sub.text;
        own.links += sub.links;
        own.headings += sub.headings;
        own.times += sub.times;
      }
    }
    stats.set(element, own);
  }
  return stats;
}

function isLinkHref(href: string | undefined): boolean {
  return href !== undefined && href.trim() !== '' && !/^\s*(#|javascript:|mailto:|tel:)/i.test(href);
}

/** Sibling elements of one tag (or one tag and class) under one parent, scored on the cheap. */
function findGroups(nodes: AnyNode[], stats: Map<Element, Stats>, pageText: number): Group[] {
  const groups: Group[] = [];
  const parents: AnyNode[][] = [nodes];
  for (const element of stats.keys()) parents.push(element.children);
  for (const children of parents) {
    const byTag = new Map<string, Element[]>();
    for (const child of children) {
      if (!DomUtils.isTag(child) || NOT_ITEMS.has(child.name)) continue;
      const list = byTag.get(child.name);
      if (list) list.push(child);
      else byTag.set(child.name, [child]);
    }
    for (const siblings of byTag.values()) {
      if (siblings.length < 2) continue;
      const candidates = [siblings];
      const classCounts = new Map<string, number>();
      for (const el of siblings) for (const c of stableClasses(el)) classCounts.set(c, (classCounts.get(c) ?? 0) + 1);
      for (const [c, n] of classCounts) {
        if (n >= 2 && n < siblings.length) candidates.push(siblings.filter((el) => stableClasses(el).includes(c)));
      }
      for (const found of candidates) {
        const items = throughWrappers(found, stats);
        const score = roughScore(items, stats, pageText);
        if (score > 0) groups.push({ items, classes: commonClasses(items), score });
      }
    }
  }
  return groups;
}

/**
 * Grid columns and list items that only wrap the block itself (`div.col-md-4 > div.card`): the
 * block is the item, named by what it is rather than by where the layout puts it.
 */
function throughWrappers(items: Element[], stats: Map<Element, Stats>): Element[] {
  let current = items;
  for (let depth = 0; depth < 4; depth++) {
    const inner = current.map((item) => {
      const elements = item.children.filter(DomUtils.isTag);
      const own = stats.get(item)!;
      if (elements.length !== 1) return undefined;
      const child = stats.get(elements[0])!;
      return child.links === own.links && child.text >= own.text * 0.9 ? elements[0] : undefined;
    });
    if (inner.some((el) => el === undefined || el.name !== inner[0]!.name)) return current;
    current = inner as Element[];
  }
  return current;
}

/** What a person would call a list: many items, each linking somewhere, with a heading, some text, few links, outside navigation. */
function roughScore(items: Element[], stats: Map<Element, Stats>, pageText: number): number {
  const all = items.map((el) => stats.get(el)!);
  const n = items.length;
  const withLink = all.filter((s) => s.links > 0).length / n;
  if (withLink < 0.6) return 0;
  const text = all.reduce((sum, s) => sum + s.text, 0);
  const avgText = text / n;
  if (avgText < 8) return 0;
  const avgLinks = all.reduce((sum, s) => sum + s.links, 0) / n;
  const withHeading = all.filter((s) => s.headings > 0).length / n;
  const withTime = all.filter((s) => s.times > 0).length / n;
  let score = Math.log2(n + 1);
  score *= withLink;
  score *= 0.55 + 0.45 * withHeading;
  score *= 0.8 + 0.2 * withTime;
  score *= Math.min(1, Math.sqrt(avgText / 60));
  if (avgLinks > 6) score *= 6 / avgLinks;
  // The list a page is about holds much of its text; a menu, little.
  score *= 0.6 + Math.min(0.8, (text / pageText) * 2);
  return score * placeFactor(items[0]);
}

function placeFactor(element: Element): number {
  let factor = 1;
  for (let node = element.parent; node; node = node.parent) {
    if (!DomUtils.isTag(node)) continue;
    const role = node.attribs.role?.toLowerCase();
    const names = `${node.attribs.id ?? ''} ${node.attribs.class ?? ''}`;
    if (NAVIGATION.has(node.name) || role === 'navigation' || role === 'banner' || role === 'contentinfo') factor *= 0.25;
    else if (node.name === 'aside' || role === 'complementary' || SIDE.test(names)) factor *= 0.5;
    else if (node.name === 'main' || role === 'main' || MAIN.test(names)) factor *= 1.25;
  }
  return Math.max(0.05, Math.min(2, factor));
}

function stableClasses(element: Element): string[] {
  return (element.attribs.class ?? '').split(/\s+/).filter((c) => c && IDENTIFIER.test(c) && c.length <= 40 && !UNSTABLE_CLASS.test(c));
}

function commonClasses(items: Element[]): string[] {
  let common = stableClasses(items[0]);
  for (const item of items.slice(1)) {
    const own = new Set(stableClasses(item));
    common = common.filter((c) => own.has(c));
  }
  return common;
}

/** A tag with up to two of its stable classes, or its id when that is a stable one. */
function describe(element: Element, classes = stableClasses(element), useId = true): string {
  const id = element.attribs.id;
  if (useId && id && IDENTIFIER.test(id) && !/\d{3,}/.test(id)) return `${element.name}#${id}`;
  return element.name + classes.slice(0, 2).map((c) => `.${c}`).join('');
}

/** A selector that finds exactly these items on the page, as short as can be. */
function itemSelectorFor(page: PageDocument, group: Group): string | undefined {
  const target = new Set(group.items);
  const exact = (selector: string) => {
    try {
      const found = selectItems(page, selector);
      return found.length === target.size && found.every((el) => target.has(el));
    } catch {
      return false;
    }
  };
  const own = describe(group.items[0], group.classes, false);
  if (exact(own)) return own;
  let selector = own;
  let combinator = ' > ';
  for (let node = group.items[0].parent; node && DomUtils.isTag(node); node = node.parent) {
    if (node.name === 'html') break;
    selector = `${describe(node)}${combinator}${selector}`;
    combinator = ' ';
    if (exact(selector)) return selector;
  }
  // Position, as a last resort: the path of the items' parent from <body>.
  const path: string[] = [];
  for (let node = group.items[0].parent; node && DomUtils.isTag(node) && node.name !== 'html'; node = node.parent) {
    path.unshift(node.name === 'body' ? 'body' : `${node.name}:nth-child(${childIndex(node)})`);
  }
  const positional = `${path.join(' > ')} > ${own}`;
  return exact(positional) ? positional : undefined;
}

function childIndex(element: Element): number {
  let index = 1;
  for (let node = element.prev; node; node = node.prev) if (DomUtils.isTag(node)) index++;
  return index;
}

/** A selector, relative to each item, that finds in most of them the element `pick` chooses there. */
function relativeSelectorFor(items: Element[], pick: (item: Element) => Element | null): string | undefined {
  const targets = items.map((item) => [item, pick(item)] as const).filter((pair): pair is readonly [Element, Element] => pair[1] !== null);
  if (targets.length < Math.max(1, items.length * 0.3)) return undefined;
  const [item, element] = targets[0];
  const chain: Element[] = [];
  for (let node: Element | null = element; node && node !== item; node = node.parent as Element | null) chain.unshift(node);
  const candidates = [
    describe(element, undefined, false),
    element.name,
    chain.length > 1 ? `${describe(chain[chain.length - 2], undefined, false)} ${describe(element, undefined, false)}` : '',
    chain.map((el) => describe(el, undefined, false)).join(' > '),
  ].filter(Boolean);
  for (const selector of candidates) {
    let agree = 0;
    for (const [it, target] of targets) {
      try {
        if (selectInItem(it, selector) === target) agree++;
      } catch {
        break;
      }
    }
    if (agree >= targets.length * 0.8) return selector;
  }
  return undefined;
}

function proposeFor(page: PageDocument, group: Group, options: ProposeOptions): SelectorProposal | undefined {
  const item = itemSelectorFor(page, group);
  if (!item) return undefined;
  const { items } = group;
  const titleOf = (it: Element) =>
    DomUtils.findOne((el) => HEADINGS.has(el.name), it.children) ??
    longestLink(it);
  const title = relativeSelectorFor(items, titleOf);
  const linkOf = (it: Element) => {
    const heading = titleOf(it);
    if (heading?.name === 'a') return heading;
    return (heading && DomUtils.findOne((el) => el.name === 'a' && isLinkHref(el.attribs.href), heading.children)) ?? longestLink(it);
  };
  const link = relativeSelectorFor(items, linkOf);
  const dateOf = (it: Element) => dateElement(it, titleOf(it), options.readDate);
  const date = relativeSelectorFor(items, dateOf);
  const summary = relativeSelectorFor(items, (it) => summaryElement(it, [titleOf(it), dateOf(it)]));
  const selectors: PageSelectors = { item, ...(title && { title }), ...(link && { link }), ...(date && { date }), ...(summary && { summary }) };

  const { feed, problems } = extractPageItems(page, selectors);
  if (problems.length || feed.items.length < 2) return undefined;
  const withDate = feed.items.filter((i) => i.published && (!options.readDate || options.readDate(i.published))).length;
  const withSummary = feed.items.filter((i) => i.summaryHtml).length;
  const n = feed.items.length;
  const distinctLinks = new Set(feed.items.map((i) => i.link)).size / n;
  const score = group.score * (n / items.length) * distinctLinks * (0.85 + 0.15 * (withDate / n)) * (0.9 + 0.1 * (withSummary / n));
  const preview = feed.items.slice(0, options.previewItems ?? 5).map((i): PreviewItem => {
    const dateRead = i.published && options.readDate?.(i.published);
    return {
      title: i.title,
      link: i.link,
      date: i.published,
      ...(dateRead && { dateRead: dateRead.toISOString() }),
      summary: i.summaryHtml ? textOf(parseDocument(i.summaryHtml)).slice(0, 200) || undefined : undefined,
    };
  });
  return { selectors, score: Math.round(score * 1000) / 1000, itemCount: n, withDate, withSummary, preview };
}

function longestLink(item: Element): Element | null {
  let best: Element | null = null;
  let bestLength = 0;
  for (const a of DomUtils.findAll((el) => el.name === 'a' && isLinkHref(el.attribs.href), item.children)) {
    const length = textOf(a).length;
    if (length > bestLength) {
      best = a;
      bestLength = length;
    }
  }
  return best;
}

/** A <time>, else the first short text that reads as a date and is not the title. */
function dateElement(item: Element, title: Element | null, readDate: ProposeOptions['readDate']): Element | null {
  const time = DomUtils.findOne((el) => el.name === 'time', item.children);
  if (time || !readDate) return time;
  return DomUtils.findOne((el) => {
    if (el === title || (title && contains(title, el)) || HEADINGS.has(el.name)) return false;
    // The element that holds the text itself (an empty icon beside it is no matter).
    if (el.children.some((child) => DomUtils.isTag(child) && textOf(child) !== '')) return false;
    const text = textOf(el);
    return text.length >= 6 && text.length <= 60 && /\d/.test(text) && readDate(text) !== undefined;
  }, item.children);
}

/** The first block of prose that is neither the title nor the date: a paragraph, or a block named like a summary. */
function summaryElement(item: Element, exclude: (Element | null)[]): Element | null {
  const excluded = exclude.filter((el): el is Element => el !== null);
  const ok = (el: Element) =>
    !excluded.some((x) => x === el || contains(el, x) || contains(x, el)) && textOf(el).length >= MIN_SUMMARY_CHARS;
  return (
    DomUtils.findOne((el) => el.name === 'p' && ok(el), item.children) ??
    DomUtils.findOne((el) => SUMMARY_CLASS.test(el.attribs.class ?? '') && ok(el), item.children) ??
    DomUtils.findOne((el) => el.name === 'td' && ok(el), item.children)
  );
}

/** True when `node` is `ancestor` or inside it. */
function contains(ancestor: Element, node: Element): boolean {
  for (let at: AnyNode | null = node; at; at = at.parent) if (at === ancestor) return true;
  return false;
}
