// Walks tests/fixtures/parse/: every fixture describes itself and carries its own assertions
// (see fixture-spec.ts), so a regression case is one new file.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/core/errors.ts';
import { decodeFeedBytes } from '../../src/fetch/charset.ts';
import { parseFeed } from '../../src/parse/index.ts';
import { expectAssertions, normalizedView } from './fixture-check.ts';
import { expandMarkers, readFixtureSpec } from './fixture-spec.ts';

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
        return normalizedView(parsed, spec.options.url ?? 'https://fixture.example/feed', spec.options.now);
      },
    };
    expectAssertions(file, spec, feed);
  });
});
