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

  it.each([
    // RFC 822 with a 12-hour clock and a zone name
    ['Tue, 3 Mar 2026 4:05 pm EST', '2026-03-03T21:05:00.000Z'],
    ['Tue, 3 Mar 2026 12:05 am EST', '2026-03-03T05:05:00.000Z'],
    ['Tue, 3 Mar 2026 12:30 p.m. EST', '2026-03-03T17:30:00.000Z'],
    ['3 Mar 2026 4 pm GMT', '2026-03-03T16:00:00.000Z'],
    // slash dates, year first, unpadded
    ['2026/3/7 09:05:00', '2026-03-07T09:05:00.000Z'],
    ['2026/03/07', '2026-03-07T00:00:00.000Z'],
    // dotted, day first
    ['07.03.2026 09:05', '2026-03-07T09:05:00.000Z'],
    ['7.3.2026', '2026-03-07T00:00:00.000Z'],
    // short offsets
    ['2026-03-07T09:05:00+01:0', '2026-03-07T08:05:00.000Z'],
    ['2026-03-07T09:05:00+05:3', '2026-03-07T03:35:00.000Z'],
    ['2026-03-07T09:05:00-5', '2026-03-07T14:05:00.000Z'],
    ['Sat, 07 Mar 2026 09:05:00 +100', '2026-03-07T08:05:00.000Z'],
    ['Sat, 07 Mar 2026 09:05:00 GMT+0100', '2026-03-07T08:05:00.000Z'],
    // French day and month names, times written the French way
    ['mardi 3 mars 2026 16 h 05', '2026-03-03T16:05:00.000Z'],
    ['le mardi 3 mars 2026 à 16h05 HNE', '2026-03-03T21:05:00.000Z'],
    ['1er décembre 2026', '2026-12-01T00:00:00.000Z'],
    ['jeu., 14 déc. 2026 10:00:00 -0500', '2026-12-14T15:00:00.000Z'],
    ['14 décembre 2026', '2026-12-14T00:00:00.000Z'],
    ['Dimanche 5 Avril 2026', '2026-04-05T00:00:00.000Z'],
    // English month-first, as pages print them
    ['Dec. 14, 2026', '2026-12-14T00:00:00.000Z'],
    ['December 14th, 2026', '2026-12-14T00:00:00.000Z'],
    ['Monday, December 14, 2026 - 14:30', '2026-12-14T14:30:00.000Z'],
    // numeric day/month only where one part cannot be a month
    ['14/12/2026', '2026-12-14T00:00:00.000Z'],
    ['12/14/2026', '2026-12-14T00:00:00.000Z'],
    // a date inside a short phrase, as a page's byline gives it
    ['Posted on December 14, 2026 by Admin', '2026-12-14T00:00:00.000Z'],
    ['Publié le 14 décembre 2026 à 9 h 30', '2026-12-14T09:30:00.000Z'],
    ['Mis à jour : 07.03.2026', '2026-03-07T00:00:00.000Z'],
    // Spanish and Portuguese months, with their weekdays
    ['Seg, 24 Set 2018 19:22:00 -0300', '2018-09-24T22:22:00.000Z'],
    ['martes, 3 de marzo de 2026', '2026-03-03T00:00:00.000Z'],
  ])('reads %s as pages and feeds in the wild write it', (raw, expected) => {
    expect(iso(raw)).toBe(expected);
  });

  it('clamps absurd offsets instead of failing (+2400)', () => {
    expect(iso('2024-03-05T14:30:00+2400')).toBe('2024-03-04T22:31:00.000Z');
  });

  it.each([
    '', 'not a date', '2003-12-31T25:14:55Z', '31 Foo 2024', '2024-13-01',
    // a day that does not exist, a day/month order nothing decides, a clock past 12 with pm
    '31 February 2026', '03/07/2026', 'Tue, 3 Mar 2026 16:05 pm EST', 'Posted in 2026 by Admin', '3 Mar 2026 16 EST',
  ])('gives nothing for %j, never throws', (raw) => {
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
