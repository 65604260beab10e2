// Walks tests/fixtures/page/: pages written from the shapes real sites publish, each describing
// itself and carrying its assertions (see fixture-spec.ts), on what a page source makes of it.
//
// Options: "url" (the page's address), "contentType", "selectors" (else the first proposal's),
// "previousItemCount" (what the selectors found last time), "now" (the clock for normalize).
// A path walks this object:
//   reading     { ok, problem } from readPage (the bytes decoded as a response body)
//   proposals   proposeSelectors, dates read with normalize's reader
//   extraction  { problems, dropped, items }: items normalized as feed items are
//               (key, url, title, contentHtml, summary, publishedAt, dateFromFeed, language, warnings)

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { parseFeedDate } from '../../src/normalize/dates.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { extractPageItems, proposeSelectors, readPage, type PageDocument, type PageSelectors } from '../../src/parse/page/index.ts';
import { readFixtureSpec, resolvePath } from './fixture-spec.ts';

const dir = fileURLToPath(new URL('../fixtures/page/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
const taxonomy = compileTaxonomy([]);

interface PageOptions {
  url?: string;
  contentType?: string;
  selectors?: PageSelectors;
  previousItemCount?: number;
  now?: string;
}

function readFixture(page: PageDocument, options: PageOptions) {
  let proposals: ReturnType<typeof proposeSelectors> | undefined;
  const propose = () => (proposals ??= proposeSelectors(page, { readDate: (text) => parseFeedDate(text) }));
  return {
    reading: { ok: true },
    get proposals() {
      return propose().proposals;
    },
    get proposalProblem() {
      return propose().problem;
    },
    get extraction() {
      const selectors = options.selectors ?? propose().proposals[0]?.selectors;
      if (!selectors) return { problems: [{ code: 'no-selectors' }], items: [] };
      const { feed, problems } = extractPageItems(page, selectors, { previousItemCount: options.previousItemCount });
      const ctx: NormalizeContext = {
        now: new Date(options.now ?? '2026-11-02T00:00:00Z'),
        fetchUrl: page.url,
        feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
        source: { languages: ['en', 'fr'], region: 'national', topics: [] },
        taxonomy,
      };
      const items = feed.items.map((parsed) => {
        const outcome = normalizeItem(parsed, ctx);
        if (!('item' in outcome)) return outcome;
        const { key, url, title, contentHtml, summary, publishedAt, dateFromFeed, language } = outcome.item;
        return { key, url, title, contentHtml, summary, publishedAt: publishedAt.toISOString(), dateFromFeed, language, warnings: outcome.warnings };
      });
      return { problems, dropped: feed.dropped, items };
    },
  };
}

describe('page fixtures', () => {
  it.each(files)('%s', (file) => {
    const bytes = readFileSync(join(dir, file));
    const spec = readFixtureSpec(file, bytes.toString('utf8'));
    const options = spec.options as PageOptions;
    const reading = readPage({ bytes, contentType: options.contentType ?? 'text/html; charset=utf-8' }, options.url ?? `https://pages.example.ca/${file}`);
    const result = reading.ok ? readFixture(reading.page, options) : { reading: { ok: false, problem: reading.problem } };
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
  });
});
