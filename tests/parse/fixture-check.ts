// What the parse and page fixture suites share: checking a fixture's assertions against what was
// read, and the view of items as normalize keeps them that fixtures can assert on.

import { expect } from 'vitest';

import type { ParsedFeed } from '../../src/core/types.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { resolvePath, type FixtureSpec } from './fixture-spec.ts';

const taxonomy = compileTaxonomy([]);

/** Runs every assertion of `spec` on `result`, each failure naming the file and the assertion. */
export function expectAssertions(file: string, spec: FixtureSpec, result: unknown): void {
  expect(spec.assertions.length, `${file}: no assertions`).toBeGreaterThan(0);
  for (const assertion of spec.assertions) {
    const actual = resolvePath(result, assertion.path);
    const label = `${file}: ${assertion.source}`;
    if (assertion.op === '=') {
      expect(actual, label).toEqual(assertion.value);
    } else {
      const haystack = typeof actual === 'string' ? actual : JSON.stringify(actual) ?? '';
      if (assertion.op === '~') expect(haystack, label).toContain(String(assertion.value));
      else expect(haystack, label).not.toContain(String(assertion.value));
    }
  }
}

/** Each item as normalize keeps it, at the clock `now` (default 2026-11-02), or why it was dropped. */
export function normalizedView(feed: ParsedFeed, fetchUrl: string, now = '2026-11-02T00:00:00Z') {
  const ctx: NormalizeContext = {
    now: new Date(now),
    fetchUrl,
    feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
    source: { languages: ['en', 'fr'], region: 'national', topics: [] },
    taxonomy,
  };
  return feed.items.map((parsed) => {
    const outcome = normalizeItem(parsed, ctx);
    if (!('item' in outcome)) return outcome;
    const { key, url, title, contentHtml, summary, publishedAt, dateFromFeed, language } = outcome.item;
    return { key, url, title, contentHtml, summary, publishedAt: publishedAt.toISOString(), dateFromFeed, language, warnings: outcome.warnings };
  });
}
