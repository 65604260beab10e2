import { describe, expect, it } from 'vitest';
import { detectProvince, placeItem } from '../../src/normalize/place.ts';

describe('detectProvince', () => {
  it.each([
    ['Settlement counsellor job in Moncton', 'nb'],
    ['Nouvelle séance à Trois-Rivières', 'qc'],
    ['Housing fair — Nouvelle-Écosse', 'ns'],
    ["St. John's newcomer picnic", 'nl'],
    ['Rural settlement in Brooks and Lethbridge', 'ab'],
    ['Webinar for Yukon and Whitehorse staff', 'yt'],
    ['P.E.I. language classes', 'pe'],
  ])('%s → %s', (text, province) => {
    expect(detectProvince(text)).toBe(province);
  });

  it('names nothing when the text names no place, or several provinces', () => {
    expect(detectProvince('National webinar on credential recognition')).toBeUndefined();
    expect(detectProvince('Sessions in Halifax and Winnipeg')).toBeUndefined();
  });

  it('matches whole words only', () => {
    expect(detectProvince('The reginald report')).toBeUndefined();
    expect(detectProvince('Ontarians welcome')).toBeUndefined();
  });
});

describe('placeItem', () => {
  it("keeps the source's region and adds the region of the province an item is about", () => {
    expect(placeItem('Job posting in Moncton', { region: 'national' })).toEqual({ regions: ['national', 'atlantic'], province: 'nb' });
    expect(placeItem('Job posting in Moncton', { region: 'atlantic' })).toEqual({ regions: ['atlantic'], province: 'nb' });
  });

  it("a source's own province wins over what the text mentions", () => {
    expect(placeItem('Visit from Toronto', { region: 'bc', province: 'bc' })).toEqual({ regions: ['bc'], province: 'bc' });
  });

  it('no province: the source region alone', () => {
    expect(placeItem('A national call for proposals', { region: 'national' })).toEqual({ regions: ['national'], province: undefined });
  });
});
