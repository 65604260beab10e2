// Walks tests/fixtures/parse/: every fixture describes itself and carries its own assertions
// (see fixture-spec.ts), so a regression case is one new file.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/core/errors.ts';
import type { ParsedFeed } from '../../src/core/types.ts';
import { normalizeItem } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { parseFeed } from '../../src/parse/index.ts';
import { expandMarkers, readFixtureSpec, resolvePath } from './fixture-spec.ts';

const dir = fileURLToPath(new URL('../fixtures/parse/', import.meta.url));
const files = readdirSync(dir).filter((f) => /\.(xml|json)$/.test(f)).sort();

describe('parse fixtures', () => {
  it('has the fixtures the brief asks for', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)('%s', async (file) => {
    const raw = readFileSync(join(dir, file), 'utf8');
    const spec = readFixtureSpec(file, raw);
    const input = expandMarkers(raw);
    if (spec.error) {
      const error = await parseFeed(input, spec.options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${file}: expected a ParseError`).toBeInstanceOf(ParseError);
      const message = (error as ParseError).message;
      if (spec.error.op === '=') expect(message, file).toBe(spec.error.message);
      else expect(message, file).toContain(spec.error.message);
      return;
    }
    const feed = await parseFeed(input, spec.options);
    expect(spec.assertions.length, `${file}: no assertions`).toBeGreaterThan(0);
    const subject = { ...feed, normalized: normalizedItems(feed, spec.options.url) };
    for (const assertion of spec.assertions) {
      const actual = resolvePath(subject, assertion.path);
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

/** What the normalizer keeps of each parsed item (the Item, or the reason it was dropped), so a fixture can pin both stages. */
function normalizedItems(feed: ParsedFeed, url = 'https://fixture.example/feed') {
  const ctx = {
    now: new Date('2024-06-01T12:00:00Z'),
    fetchUrl: url,
    feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
    source: { languages: [], region: 'national' as const, topics: [] },
    taxonomy: compileTaxonomy([]),
  };
  return feed.items.map((item) => {
    const out = normalizeItem(item, ctx);
    return 'dropped' in out ? out : out.item;
  });
}
