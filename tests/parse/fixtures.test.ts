// Walks tests/fixtures/parse/: every fixture describes itself and carries its own assertions
// (see fixture-spec.ts), so a regression case is one new file.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/core/errors.ts';
import type { ParsedFeed } from '../../src/core/types.ts';
import { decodeFeedBytes } from '../../src/fetch/charset.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { parseFeed } from '../../src/parse/index.ts';
import { expandMarkers, readFixtureSpec, resolvePath, type FixtureSpec } from './fixture-spec.ts';

const taxonomy = compileTaxonomy([]);

/** What normalize keeps of each item, for fixtures that say what a reader finds (dates, identity). */
function normalizeAll(feed: ParsedFeed, options: FixtureSpec['options']) {
  const fetchUrl = options.url ?? 'https://fixture.example/feed';
  const ctx: NormalizeContext = {
    now: new Date(options.now ?? '2026-11-02T00:00:00Z'),
    fetchUrl,
    feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
    source: { languages: ['en', 'fr'], region: 'national', topics: [] },
    taxonomy,
  };
  return feed.items.map((item) => {
    const outcome = normalizeItem(item, ctx);
    if (!('item' in outcome)) return outcome;
    const { key, url, title, contentHtml, publishedAt, dateFromFeed } = outcome.item;
    return { key, url, title, contentHtml, publishedAt: publishedAt.toISOString(), dateFromFeed, warnings: outcome.warnings };
  });
}

const dir = fileURLToPath(new URL('../fixtures/parse/', import.meta.url));
const files = readdirSync(dir).filter((f) => /\.(xml|json)$/.test(f)).sort();

describe('parse fixtures', () => {
  it('has the fixtures the brief asks for', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)('%s', async (file) => {
    const bytes = readFileSync(join(dir, file));
    const spec = readFixtureSpec(file, bytes.toString('utf8'));
    // Decoded as fetch/ decodes a body, so that what the fixture says is what a source gets.
    const decoded = decodeFeedBytes(bytes, spec.options.contentType);
    if (!decoded.ok) throw new Error(`${file}: ${decoded.error}`);
    const input = expandMarkers(decoded.text);
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
    const parsed = await parseFeed(input, spec.options);
    const feed = {
      ...parsed,
      decoding: { encoding: decoded.encoding, warnings: decoded.warnings },
      get normalized() {
        return normalizeAll(parsed, spec.options);
      },
    };
    expect(spec.assertions.length, `${file}: no assertions`).toBeGreaterThan(0);
    for (const assertion of spec.assertions) {
      const actual = resolvePath(feed, assertion.path);
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
