// The CSS selectors that turn a page into items, and their checks: each must be CSS css-select
// can run, the item selector must find blocks that are neither the whole page nor nested in one
// another, and each other selector (relative to the item) must find something in some item.

import { selectAll, selectOne } from 'css-select';
import type { Element } from 'domhandler';
import { DomUtils } from 'htmlparser2';

import { checkSelectorSyntax } from '../../core/page-selectors.ts';
import type { PageSelectors } from '../../core/types.ts';
import { pageProblem, type PageProblem } from './page-problem.ts';
import { textOf, type PageDocument } from './read-page.ts';

export type { PageSelectors };
export { checkSelectorSyntax, MAX_SELECTOR_CHARS, SELECTOR_FIELDS, type SelectorField } from '../../core/page-selectors.ts';

/** An item holding this share of the page's text is the page, not an item of it. */
const WHOLE_PAGE_SHARE = 0.9;

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
  for (const field of ['title', 'link', 'date', 'summary'] as const) {
    const selector = selectors[field];
    if (selector === undefined) continue;
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
