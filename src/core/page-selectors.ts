// The CSS selectors a page source is declared with, and their form checks (empty, too long, not
// CSS the selector engine can run), made before any page is looked at: shared by feeds.yaml, the
// admin API, the admin pages, the command line and the page reader, so every door refuses alike.
import { compile } from 'css-select';
import type { PageProblem, PageProblemCode, PageSelectors, ProblemParams } from './types.ts';

export const SELECTOR_FIELDS = ['item', 'title', 'link', 'date', 'summary'] as const;
export type SelectorField = (typeof SELECTOR_FIELDS)[number];

export const MAX_SELECTOR_CHARS = 500;

export function pageProblem(code: PageProblemCode, params: ProblemParams = {}): PageProblem {
  return { code, params };
}

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

/**
 * Selectors with their keys in one order and empty ones left out: jsonb hands keys back in an
 * order of its own, and neither a comparison nor a reader should see a change in that.
 */
export function canonicalSelectors(selectors: PageSelectors): PageSelectors {
  const out: Partial<Record<SelectorField, string>> = {};
  for (const field of SELECTOR_FIELDS) {
    const value = selectors[field]?.trim();
    if (value) out[field] = value;
  }
  return out as PageSelectors;
}
