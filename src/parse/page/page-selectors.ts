// The CSS selectors that turn a page into items, and their checks: each must be CSS css-select
// can run, the item selector must find blocks that are neither the whole page nor nested in one
// another, and each other selector (relative to the item) must find something in some item.

import { compile, selectAll, selectOne } from 'css-select';
import type { Element } from 'domhandler';
import { DomUtils } from 'htmlparser2';

import { pageProblem, type PageProblem } from './page-problem.ts';
import { textOf, type PageDocument } from './read-page.ts';

/** `item` is matched on the page; the others inside each item. Only `item` is required. */
export interface PageSelectors {
  item: string;
  title?: string;
  link?: string;
  date?: string;
  summary?: string;
}

export const SELECTOR_FIELDS = ['item', 'title', 'link', 'date', 'summary'] as const;
export type SelectorField = (typeof SELECTOR_FIELDS)[number];

export const MAX_SELECTOR_CHARS = 500;
/** An item holding this share of the page's text is the page, not an item of it. */
const WHOLE_PAGE_SHARE = 0.9;

/** The form errors of selectors, before any page is looked at: empty, too long, not CSS. */
export function checkSelectorSyntax(selectors: PageSelectors): PageProblem[] {
  const problems: PageProblem[] = [];
  for (const field of SELECTOR_FIELDS) {
    const selector = selectors[field];
    if (selector === undefined && field !== 'item') continue;
    const text = (selector ?? '').trim();
    if (!text) {
      problems.push(pageProblem('selector-invalid', { field, selector: '', reason: 'empty' }));
    } else if (text.length > MAX_SELECTOR_CHARS) {
      problems.push(pageProblem('selector-too-long', { field, limit: MAX_SELECTOR_CHARS }));
    } else {
      try {
        compile(text);
      } catch (error) {
        const reason = error instanceof Error ? error.message.slice(0, 120) : 'not CSS';
        problems.push(pageProblem('selector-invalid', { field, selector: text.slice(0, 120), reason }));
      }
    }
  }
  return problems;
}

/** The item blocks the item selector finds, in document order. */
export function selectItems(page: PageDocument, selector: string): Element[] {
  return selectAll<Element, Element>(selector.trim(), page.root.children as Element[]);
}

/** The first element a relative selector finds inside an item. */
export function selectInItem(item: Element, selector: string): Element | null {
  return selectOne<Element, Element>(selector.trim(), item);
}

/**
 * Selectors checked against a page: their syntax, then what they find. Returns every problem
 * (empty when the selectors can be used) and the items found.
 */
export function checkSelectors(page: PageDocument, selectors: PageSelectors): { problems: PageProblem[]; items: Element[] } {
  const syntax = checkSelectorSyntax(selectors);
  if (syntax.length) return { problems: syntax, items: [] };
  const items = selectItems(page, selectors.item);
  if (!items.length) return { problems: [pageProblem('selector-matches-nothing', { field: 'item' })], items };
  if (coversPage(page, items)) return { problems: [pageProblem('selector-matches-page', { field: 'item' })], items };
  const set = new Set(items);
  if (items.some((item) => hasAncestorIn(item, set))) return { problems: [pageProblem('selector-matches-nested', { field: 'item' })], items };
  const problems: PageProblem[] = [];
  for (const field of SELECTOR_FIELDS) {
    const selector = selectors[field];
    if (field === 'item' || selector === undefined) continue;
    if (!items.some((item) => selectInItem(item, selector))) problems.push(pageProblem('selector-matches-nothing', { field }));
  }
  return { problems, items };
}

function coversPage(page: PageDocument, items: Element[]): boolean {
  if (items.some((item) => item.name === 'html' || item.name === 'body' || item.name === 'head')) return true;
  // Among three items or more, one holding the page is nested with the others (refused as such).
  if (items.length >= 3) return false;
  const body = DomUtils.findOne((el) => el.name === 'body', page.root.children) ?? page.root;
  const total = textOf(body).length;
  return total > 0 && items.some((item) => textOf(item).length >= total * WHOLE_PAGE_SHARE);
}

function hasAncestorIn(element: Element, set: Set<Element>): boolean {
  for (let node = element.parent; node; node = node.parent) if (set.has(node as Element)) return true;
  return false;
}
