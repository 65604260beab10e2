// The reader's pure parts: language negotiation, source health in words, and the map's outlines.
import { describe, expect, it } from 'vitest';
import { PROVINCES } from '../../src/core/types.ts';
import { negotiateLanguage } from '../../src/web/language.ts';
import { MAP_HEIGHT, MAP_WIDTH, PROVINCE_SHAPES } from '../../src/web/pages/canada-outlines.ts';
import { healthOf } from '../../src/web/pages/directory.tsx';
import type { SourceView } from '../../src/web/source-views.ts';

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
  const row = (extra: Partial<SourceView>) => ({ status: 'active', lastFetchAt: new Date(), lastSuccessAt: new Date(), lastErrorCode: null, lastErrorAt: null, errorCount: 0, ...extra }) as SourceView;
  it('reads the last outcome of a source', () => {
    expect(healthOf(row({}))).toBe('ok');
    expect(healthOf(row({ lastFetchAt: null }))).toBe('never');
    expect(healthOf(row({ errorCount: 2, lastErrorCode: 'http', lastErrorParams: { status: 404 } }))).toBe('failing');
    expect(healthOf(row({ status: 'paused' }))).toBe('paused');
    expect(healthOf(row({ status: 'gone' }))).toBe('gone');
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
