// The reader's pure parts: both languages complete, dates as Canadians read them, language
// negotiation, source health in words, and the map's outlines.
import { describe, expect, it } from 'vitest';
import { PROVINCES } from '../../src/core/types.ts';
import { formatDate, formatDay, formatRecent, WORDS } from '../../src/web/i18n.ts';
import { MAP_HEIGHT, MAP_WIDTH, PROVINCE_SHAPES } from '../../src/web/pages/canada-outlines.ts';
import { healthOf } from '../../src/web/pages/directory.tsx';
import type { SourceView } from '../../src/web/source-views.ts';
import { negotiateLanguage } from '../../src/web/reader-routes.tsx';

describe('interface strings', () => {
  it('exist in English and French, and the French ones are French', () => {
    expect(Object.keys(WORDS.fr).sort()).toEqual(Object.keys(WORDS.en).sort());
    const same = Object.keys(WORDS.en).filter((k) => {
      const en = WORDS.en[k as keyof typeof WORDS.en];
      const fr = WORDS.fr[k as keyof typeof WORDS.fr];
      return typeof en === 'string' ? en === fr : (en as (x: number) => string)(2) === (fr as (x: number) => string)(2);
    });
    // Words that are the same in both languages.
    expect(same.sort()).toEqual(['source', 'type']);
    for (const [lang, words] of Object.entries(WORDS)) for (const [k, v] of Object.entries(words)) if (typeof v === 'string') expect(v.trim(), `${lang}.${k}`).not.toBe('');
  });

  it('count in each language', () => {
    expect(WORDS.en.itemCount(1)).toBe('1 item');
    expect(WORDS.en.itemCount(0)).toBe('0 items');
    expect(WORDS.fr.itemCount(1)).toBe('1 contenu');
    expect(WORDS.fr.itemCount(0)).toBe('0 contenu');
    expect(WORDS.fr.orgCount(3)).toBe('3 organisations');
  });
});

describe('dates', () => {
  const now = Date.parse('2025-05-03T18:05:00Z'); // 2:05 p.m. in Toronto
  it('are written in the page language', () => {
    expect(formatDate(new Date('2025-05-01T12:00:00Z'), 'en')).toBe('May 1, 2025');
    expect(formatDate(new Date('2025-05-01T12:00:00Z'), 'fr')).toBe('1 mai 2025');
  });
  it('are relative in the last week, by calendar day in Eastern time', () => {
    expect(formatDay(new Date('2025-05-03T05:00:00Z'), now, 'en')).toBe('today');
    // 11 p.m. in Toronto the day before is yesterday, though less than a day ago.
    expect(formatDay(new Date('2025-05-03T03:00:00Z'), now, 'fr')).toBe('hier');
    expect(formatDay(new Date('2025-04-30T18:00:00Z'), now, 'en')).toBe('3 days ago');
    expect(formatDay(new Date('2025-04-20T18:00:00Z'), now, 'fr')).toBe('20 avril 2025');
    expect(formatRecent(new Date(now - 5 * 60_000), now, 'fr')).toBe('il y a 5 minutes');
    expect(formatRecent(new Date(now - 3 * 3_600_000), now, 'en')).toBe('3 hours ago');
  });
});

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
