// The date grammar on its own: the forms English and French notices write, each read to its
// date, times and zone, and the cues that tell the event's date from the others.
import { describe, expect, it } from 'vitest';
import { bestMention, findDateMentions, scoreMentions } from '../../src/normalize/event-text.ts';

const first = (text: string, language: 'en' | 'fr' = 'en') => {
  const m = findDateMentions(text, language)[0];
  return m && { start: m.start, end: m.endDate, from: m.startTime, to: m.endTime, zone: m.zone, allDay: m.allDay, unknown: m.unknownZone };
};
const t = (hour: number, minute = 0) => ({ hour, minute });

describe('findDateMentions', () => {
  it.each([
    ['Thursday, December 14, 1–2:30 p.m. ET', 'en', { start: { month: 12, day: 14 }, from: t(13), to: t(14, 30), zone: 'America/Toronto' }],
    ['le jeudi 14 décembre de 13 h à 14 h 30 (HNE)', 'fr', { start: { month: 12, day: 14 }, from: t(13), to: t(14, 30), zone: 'America/Toronto' }],
    ['Jan. 15', 'en', { start: { month: 1, day: 15 } }],
    ['du 3 au 5 mars 2027, à Moncton', 'fr', { start: { year: 2027, month: 3, day: 3 }, end: { year: 2027, month: 3, day: 5 } }],
    ['December 14, 2026 | 10:00 AM PST', 'en', { start: { year: 2026, month: 12, day: 14 }, from: t(10), zone: 'America/Vancouver' }],
    ['14 janvier 2027 @ 12 h 00 min - 13 h 30 min', 'fr', { start: { year: 2027, month: 1, day: 14 }, from: t(12), to: t(13, 30) }],
    ['mar. 20 avr. 2027 08:30 - mer. 21 avr. 2027 16:00 HAR', 'fr', { start: { year: 2027, month: 4, day: 20 }, end: { year: 2027, month: 4, day: 21 }, from: t(8, 30), to: t(16), zone: 'America/Edmonton' }],
    ['Tue, Apr 20, 2027 8:30 AM - Wed, Apr 21, 2027 4:00 PM MDT', 'en', { start: { year: 2027, month: 4, day: 20 }, end: { year: 2027, month: 4, day: 21 }, from: t(8, 30), to: t(16), zone: 'America/Edmonton' }],
    ['Thursday, December 10 · 6 - 8:30pm EST', 'en', { start: { month: 12, day: 10 }, from: t(18), to: t(20, 30), zone: 'America/Toronto' }],
    ['Wednesday, January 27 from 9:30 a.m. to noon', 'en', { start: { month: 1, day: 27 }, from: t(9, 30), to: t(12) }],
    ['le 27 janvier, de 9 h 30 à midi', 'fr', { start: { month: 1, day: 27 }, from: t(9, 30), to: t(12) }],
    ['from June 30 to July 2, 2027, from 12:00 to 4:00 pm Eastern', 'en', { start: { year: 2027, month: 6, day: 30 }, end: { year: 2027, month: 7, day: 2 }, from: t(12), to: t(16), zone: 'America/Toronto' }],
    ['les 20 et 21 février 2027', 'fr', { start: { year: 2027, month: 2, day: 20 }, end: { year: 2027, month: 2, day: 21 } }],
    ['March 6, 2027 - All Day', 'en', { start: { year: 2027, month: 3, day: 6 }, allDay: true }],
    ['03/02/2027 - 04/02/2027', 'fr', { start: { year: 2027, month: 2, day: 3 }, end: { year: 2027, month: 2, day: 4 } }],
    ['01/27/2027 - 9:30 am - 12:30 pm', 'en', { start: { year: 2027, month: 1, day: 27 }, from: t(9, 30), to: t(12, 30) }],
    ['le 12 janvier à 18 h 30, heure de l’Atlantique', 'fr', { start: { month: 1, day: 12 }, from: t(18, 30), zone: 'America/Halifax' }],
    ['February 10, 2027 at 10:00 CEST', 'en', { start: { year: 2027, month: 2, day: 10 }, from: t(10), unknown: 'CEST' }],
  ] as const)('%s', (text, language, expected) => {
    expect(first(text, language)).toEqual(expect.objectContaining(expected));
  });

  it('reads "at" after a time as a word, not Atlantic time, and "mar." as Tuesday in French', () => {
    expect(first('December 3 at 1 p.m. at the library')?.zone).toBeUndefined();
    expect(first('mar. 9 mars 2027', 'fr')?.start).toEqual({ year: 2027, month: 3, day: 9 });
  });

  it('finds nothing in text without dates, or in money, addresses and counts', () => {
    expect(findDateMentions('Grants of up to $2,500 for 24 communities at 6960 Mumford Road.', 'en')).toEqual([]);
  });
});

describe('scoring mentions', () => {
  const best = (text: string, language: 'en' | 'fr' = 'en') => {
    const mentions = findDateMentions(text, language);
    scoreMentions(mentions, text, 0);
    return bestMention(mentions, () => false)?.start;
  };

  it('prefers the event’s date to deadlines, posting dates, effective dates and past editions', () => {
    expect(best('Register by December 4. The session is on December 8 at 1 p.m.')).toEqual({ month: 12, day: 8 });
    expect(best('Publié le 1er décembre 2026. Le webinaire aura lieu le 21 janvier 2027 à 19 h.', 'fr')).toEqual({ year: 2027, month: 1, day: 21 });
    expect(best('Last year’s fair on April 12 welcomed 600 job seekers. This year: April 10, 1 to 5 p.m.')).toEqual({ month: 4, day: 10 });
    expect(best('Inscription avant le 10 décembre.', 'fr')).toBeUndefined();
    expect(best('Applications close January 15, 2027.')).toBeUndefined();
  });
});
