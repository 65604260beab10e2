import { describe, expect, it } from 'vitest';
import { parseFeedDate, plausibleDate } from '../../src/normalize/dates.ts';

const iso = (s: string) => parseFeedDate(s)?.toISOString();

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 05 Mar 2024 14:30:00 GMT', '2024-03-05T14:30:00.000Z'],
    ['Tue, 05 Mar 2024 14:30:00 +0000', '2024-03-05T14:30:00.000Z'],
    ['5 Mar 2024 09:30 EST', '2024-03-05T14:30:00.000Z'],
    ['Tue, 05 Mar 24 14:30:00 GMT', '2024-03-05T14:30:00.000Z'],
    ['Fri, 05 Mar 99 14:30:00 GMT', '1999-03-05T14:30:00.000Z'],
    ['Tue, 05 Mar 2024 10:30:00 ET', '2024-03-05T15:30:00.000Z'],
    ['Tue, 05 Mar 2024 16:30:00 CEST', '2024-03-05T14:30:00.000Z'],
    ['2024-03-05T14:30:00Z', '2024-03-05T14:30:00.000Z'],
    ['2024-03-05T10:30:00-04:00', '2024-03-05T14:30:00.000Z'],
    ['2024-03-05T14:30:00.123+00:00', '2024-03-05T14:30:00.000Z'],
    ['2024-03-05', '2024-03-05T00:00:00.000Z'],
    ['2024-03-05 14:30:00', '2024-03-05T14:30:00.000Z'],
    ['mar., 5 mars 2024 14:30:00 +0000', '2024-03-05T14:30:00.000Z'],
    ['5 février 2024', '2024-02-05T00:00:00.000Z'],
    ['lundi 12 août 2024 09:00 HAE', '2024-08-12T13:00:00.000Z'],
    ['1709649000', '2024-03-05T14:30:00.000Z'],
    ['March 5, 2024', '2024-03-05T00:00:00.000Z'],
    ['Mar 5 2024 2:30 pm EST', '2024-03-05T19:30:00.000Z'],
  ])('%s', (raw, expected) => {
    expect(iso(raw)).toBe(expected);
  });

  it('clamps absurd offsets instead of failing (+2400)', () => {
    expect(iso('2024-03-05T14:30:00+2400')).toBe('2024-03-04T22:31:00.000Z');
  });

  it.each(['', 'not a date', '2003-12-31T25:14:55Z', '31 Foo 2024', '2024-13-01'])('gives nothing for %j, never throws', (raw) => {
    expect(parseFeedDate(raw)).toBeUndefined();
  });
});

describe('plausibleDate', () => {
  const now = new Date('2024-06-01T00:00:00Z');
  it('keeps dates between 1990 and two days ahead', () => {
    expect(plausibleDate(new Date('2024-06-02T12:00:00Z'), now)).toBeDefined();
    expect(plausibleDate(new Date('1990-01-01T00:00:00Z'), now)).toBeDefined();
  });
  it('refuses dates far in the future, before 1990, or invalid (year 275760)', () => {
    expect(plausibleDate(new Date('2024-06-04T00:00:00Z'), now)).toBeUndefined();
    expect(plausibleDate(new Date('1989-12-31T00:00:00Z'), now)).toBeUndefined();
    expect(plausibleDate(parseFeedDate('275760-09-13'), now)).toBeUndefined();
    expect(plausibleDate(new Date(Number.NaN), now)).toBeUndefined();
  });
});
