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
import { extractPageItems, proposeSelectors, readPage, type PageDocument, type PageSelectors } from '../../src/parse/page/index.ts';
import { expectAssertions, normalizedView } from './fixture-check.ts';
import { readFixtureSpec } from './fixture-spec.ts';

const dir = fileURLToPath(new URL('../fixtures/page/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();

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
      const items = normalizedView(feed, page.url, options.now);
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
    expectAssertions(file, spec, result);
  });
});
