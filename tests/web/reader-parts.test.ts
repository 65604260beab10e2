// The reader's pure parts: language negotiation, source health in words, and the map's outlines.
import { describe, expect, it } from 'vitest';
import { PROVINCES } from '../../src/core/types.ts';
import type { SourceRow } from '../../src/store/schema.ts';
import { explainError } from '../../src/web/admin-words.ts';
import { negotiateLanguage } from '../../src/web/language.ts';
import { MAP_HEIGHT, MAP_WIDTH, PROVINCE_SHAPES } from '../../src/web/pages/canada-outlines.ts';
import { healthOf } from '../../src/web/pages/directory.tsx';

describe('negotiateLanguage', () => {
  it.each([
    ['fr-CA,fr;q=0.9,en;q=0.8', 'fr'],
    ['en-CA', 'en'],
    ['es-MX, fr;q=0.3, en;q=0.2', 'fr'],
    ['en;q=0.5, fr;q=0.7', 'fr'],
    ['fr;q=0, en', 'en'],
    ['pt-BR', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});

describe('healthOf', () => {
  const row = (extra: Partial<SourceRow>) => ({ status: 'active', lastFetchAt: new Date(), lastSuccessAt: new Date(), lastError: null, lastErrorAt: null, errorCount: 0, ...extra }) as SourceRow;
  it('reads the last outcome of a source', () => {
    expect(healthOf(row({}))).toBe('ok');
    expect(healthOf(row({ lastFetchAt: null }))).toBe('never');
    expect(healthOf(row({ errorCount: 2, lastError: 'feed not found (404)' }))).toBe('failing');
    expect(healthOf(row({ status: 'paused' }))).toBe('paused');
    expect(healthOf(row({ status: 'gone' }))).toBe('gone');
  });
});

describe('explainError', () => {
  it('says in words what the errors the fetcher and the parser really store mean', () => {
    const webPage = 'The address answers with a web page, not a feed. The site may have moved its feed.';
    // parse/read-xml.ts, pipeline/subscribe.ts, and an older wording.
    for (const stored of ['not a feed (HTML page)', 'not a feed (HTML)', 'not a feed (text/html)', 'the address answers with an HTML page, not a feed']) {
      expect(explainError(stored, 'en'), stored).toBe(webPage);
    }
    expect(explainError('not a feed (HTML page)', 'fr')).toBe('L’adresse répond par une page web, pas par un fil. Le site a peut-être déplacé son fil.');
    expect(explainError('not a feed (JSON without a JSON Feed version)', 'en')).toBe('What the address sends is not a feed.');
    expect(explainError('something nobody has seen', 'fr')).toBeUndefined();
  });
});

describe('the map', () => {
  it('draws all thirteen provinces and territories inside its frame', () => {
    expect(PROVINCE_SHAPES.map((s) => s.province).sort()).toEqual([...PROVINCES].sort());
    for (const shape of PROVINCE_SHAPES) {
      expect(shape.d).toMatch(/^(M\d+ \d+(L\d+ \d+)+Z)+$/);
      const numbers = shape.d.match(/\d+/g)!.map(Number);
      expect(Math.max(...numbers)).toBeLessThanOrEqual(MAP_WIDTH);
      expect(shape.label[0]).toBeLessThan(MAP_WIDTH);
      expect(shape.label[1]).toBeLessThan(MAP_HEIGHT);
    }
    // West is left, north is up.
    const x = (p: string) => PROVINCE_SHAPES.find((s) => s.province === p)!.label[0];
    const y = (p: string) => PROVINCE_SHAPES.find((s) => s.province === p)!.label[1];
    expect(x('bc')).toBeLessThan(x('on'));
    expect(x('on')).toBeLessThan(x('ns'));
    expect(y('nu')).toBeLessThan(y('on'));
  });
});
