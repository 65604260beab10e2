// Dates as parse hands them on and normalize reads them: whatever a feed writes in its date
// elements reaches normalize as written, which reads it or falls back, and says so.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { parseFeed } from '../../src/parse/index.ts';

const NOW = new Date('2026-03-10T00:00:00Z');
const ctx: NormalizeContext = {
  now: NOW,
  fetchUrl: 'https://table.example.ca/feed',
  feed: {},
  source: { languages: ['fr', 'en'], region: 'quebec', topics: [] },
  taxonomy: compileTaxonomy([]),
};

async function normalized(fixture: string) {
  const feed = await parseFeed(readFileSync(new URL(`../fixtures/parse/${fixture}`, import.meta.url), 'utf8'));
  return feed.items.map((parsed) => {
    const outcome = normalizeItem(parsed, ctx);
    if (!('item' in outcome)) throw new Error(outcome.dropped);
    return { publishedAt: outcome.item.publishedAt.toISOString(), fromFeed: outcome.item.dateFromFeed, warnings: outcome.warnings };
  });
}

describe('dates from parse to normalize', () => {
  it('reads the French, dotted and short-offset dates of an Atom feed JavaScript cannot read', async () => {
    expect(await normalized('atom-dates-in-the-wild.xml')).toEqual([
      { publishedAt: '2026-03-03T16:05:00.000Z', fromFeed: true, warnings: [] },
      { publishedAt: '2026-03-07T09:05:00.000Z', fromFeed: true, warnings: [] },
      { publishedAt: '2026-03-07T08:05:00.000Z', fromFeed: true, warnings: [] },
    ]);
  });

  it('falls back to a readable updated date, then to first-seen with a warning', async () => {
    const [hour25, , good] = await normalized('atom-invalid-hour.xml');
    expect(hour25).toEqual({ publishedAt: '2003-12-31T23:14:55.000Z', fromFeed: true, warnings: [] });
    expect(good.publishedAt).toBe('2004-01-01T00:00:00.000Z');
    const [, notADate] = await normalized('atom-invalid-published.xml');
    expect(notADate).toEqual({
      publishedAt: NOW.toISOString(),
      fromFeed: false,
      warnings: [{ code: 'unusable-date', params: { value: 'not a date' } }],
    });
  });
});
