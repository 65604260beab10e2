// An item's own event through normalizeItem: the text forms of the issue, the structured
// sources, the plugins' <pubDate>, which items get one, and the bad input that leaves it out.
import { describe, expect, it } from 'vitest';
import type { Language, ParsedItem, Province, Region } from '../../src/core/types.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { parseFeed } from '../../src/parse/index.ts';

const taxonomy = compileTaxonomy([]);

function run(parsed: Partial<ParsedItem>, options: { now?: string; languages?: Language[]; province?: Province; region?: Region } = {}) {
  const ctx: NormalizeContext = {
    now: new Date(options.now ?? Date.parse(parsed.published ?? '2026-11-02T15:00:00Z') + 3600_000),
    fetchUrl: 'https://agency.example.ca/feed/',
    feed: { link: 'https://agency.example.ca/' },
    source: { languages: options.languages ?? ['en'], region: options.region ?? 'national', province: options.province, topics: [] },
    taxonomy,
  };
  const out = normalizeItem({ categories: [], ...parsed }, ctx);
  if ('dropped' in out) throw new Error(out.dropped);
  return out;
}

const webinar = (summary: string, published: string, extra: Partial<ParsedItem> = {}) =>
  run({ title: 'Webinar for settlement workers', summaryHtml: `<p>${summary}</p>`, published, ...extra }, { languages: [/[àéè]/.test(summary) ? 'fr' : 'en'] });

describe('event dates written in the text', () => {
  it('reads the forms notices use, in English and French, with their time zones', () => {
    expect(webinar('Thursday, December 14, 1–2:30 p.m. ET. Zoom link sent after registration.', '2023-11-20T15:00:00Z').item.event).toEqual({
      start: '2023-12-14T13:00:00-05:00', end: '2023-12-14T14:30:00-05:00', allDay: false, timezone: 'America/Toronto', online: true,
    });
    expect(webinar('Le jeudi 14 décembre de 13 h à 14 h 30 (HNE), en ligne.', '2023-11-20T15:00:00Z').item.event).toMatchObject({
      start: '2023-12-14T13:00:00-05:00', end: '2023-12-14T14:30:00-05:00', timezone: 'America/Toronto',
    });
    expect(webinar('December 14, 2026 | 10:00 AM PST', '2026-11-02T15:00:00Z').item.event).toMatchObject({
      start: '2026-12-14T10:00:00-08:00', timezone: 'America/Vancouver', allDay: false,
    });
    const range = run({ title: 'Colloque de l’immigration francophone', summaryHtml: '<p>Le colloque se tiendra du 3 au 5 mars 2027, à Moncton.</p>', published: '2026-11-02T15:00:00Z' }, { languages: ['fr'] });
    expect(range.item.event).toEqual({
      start: '2027-03-03', end: '2027-03-05', allDay: true, timezone: 'America/Halifax', place: { city: 'Moncton', province: 'nb' }, online: false,
    });
  });

  it('reads a date without a year as its next occurrence after the item’s date', () => {
    expect(webinar('Our next webinar is on Jan. 15 at noon.', '2026-12-07T15:00:00Z').item.event?.start).toBe('2027-01-15T12:00:00-05:00');
    expect(webinar('Our next webinar is on Jan. 15 at noon.', '2026-01-10T15:00:00Z').item.event?.start).toBe('2026-01-15T12:00:00-05:00');
  });

  it('takes the event’s own date, not the posting date, the registration deadline or last year’s', () => {
    const { item } = webinar(
      'Posted on November 2, 2026. Register by December 10. Last year’s session was held on December 12, 2025. The webinar takes place on December 14 from 10 a.m. to noon.',
      '2026-11-02T15:00:00Z',
    );
    expect(item.event).toMatchObject({ start: '2026-12-14T10:00:00-05:00', end: '2026-12-14T12:00:00-05:00' });
    const fr = webinar('Publié le 2 novembre 2026. Inscription avant le 10 décembre. Le webinaire aura lieu le 14 décembre, de 10 h à midi.', '2026-11-02T15:00:00Z');
    expect(fr.item.event).toMatchObject({ start: '2026-12-14T10:00:00-05:00', end: '2026-12-14T12:00:00-05:00' });
  });

  it('puts times in the zone the notice names, else its place’s, else Eastern; Saskatchewan’s CST is Regina’s, and DST is followed', () => {
    expect(webinar('Tuesday, March 2, 2027, 1 p.m. CST', '2027-02-01T15:00:00Z', {}).item.event?.timezone).toBe('America/Winnipeg');
    const sk = run({ title: 'Webinar', summaryHtml: '<p>Tuesday, March 2, 2027, 1 p.m. CST</p>', published: '2027-02-01T15:00:00Z' }, { province: 'sk', region: 'prairies' });
    expect(sk.item.event).toMatchObject({ start: '2027-03-02T13:00:00-06:00', timezone: 'America/Regina' });
    const bc = run({ title: 'Webinar', summaryHtml: '<p>Wednesday, January 20 at 10 a.m.</p>', published: '2026-12-01T15:00:00Z' }, { province: 'bc', region: 'bc' });
    expect(bc.item.event).toMatchObject({ start: '2027-01-20T10:00:00-08:00', timezone: 'America/Vancouver' });
    expect(webinar('Saturday, March 20, 2027, 10 a.m. ET', '2027-02-01T15:00:00Z').item.event?.start).toBe('2027-03-20T10:00:00-04:00');
  });

  it('finds the place and the registration link, and says online', () => {
    const { item } = run({
      title: 'Newcomer job fair',
      contentHtml:
        '<p>Saturday, March 6, 2027, from 10 a.m. to 3 p.m. at the Conexus Arts Centre in Regina.</p><p><a href="https://www.eventbrite.ca/e/job-fair-tickets-1">Register now</a></p>',
      published: '2027-01-20T15:00:00Z',
    });
    expect(item.event).toMatchObject({ place: { city: 'Regina', province: 'sk' }, online: false, registrationUrl: 'https://www.eventbrite.ca/e/job-fair-tickets-1', timezone: 'America/Regina' });
    expect(webinar('Thursday, January 21, 2027, noon to 1 p.m. ET on Zoom. Presenters from Moncton.', '2026-12-01T15:00:00Z').item.event).toMatchObject({ online: true });
    expect(webinar('Thursday, January 21, 2027, noon to 1 p.m. ET on Zoom. Presenters from Moncton.', '2026-12-01T15:00:00Z').item.event?.place).toBeUndefined();
  });
});

describe('which items get an event', () => {
  it('gives none to an item that is not an event, whatever dates it mentions', () => {
    const funding = run({ title: 'Call for proposals 2027', summaryHtml: '<p>Applications close January 29, 2027 at 11:59 p.m. PT.</p>', published: '2026-11-16T15:00:00Z' });
    expect(funding.item.type).toBe('funding');
    expect(funding.item.event).toBeUndefined();
    const news = run({ title: 'Minister announces new pilot', summaryHtml: '<p>The pilot starts on April 1, 2027.</p>', published: '2026-11-16T15:00:00Z' });
    expect(news.item.type).toBe('news');
    expect(news.item.event).toBeUndefined();
  });

  it('gives none to an event whose only dates are deadlines or past', () => {
    const { item, warnings } = webinar('Registration for the webinar series closes December 4, 2026.', '2026-11-16T15:00:00Z');
    expect(item.type).toBe('event');
    expect(item.event).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('makes an item an event when its structured data says it is one', () => {
    const { item } = run({
      title: 'Gathering',
      summaryHtml: '<p>See you there.</p>',
      published: '2026-11-10T15:00:00Z',
      event: { start: '2026-12-05T09:00:00-05:00', end: '2026-12-05T16:00:00-05:00', location: 'Toronto City Hall, Toronto, ON' },
    });
    expect(item.type).toBe('event');
    expect(item.event).toEqual({
      start: '2026-12-05T09:00:00-05:00', end: '2026-12-05T16:00:00-05:00', allDay: false, timezone: 'America/Toronto',
      place: { city: 'Toronto', province: 'on', venue: 'Toronto City Hall' }, online: false,
    });
  });
});

describe('structured event data', () => {
  const published = '2026-11-10T15:00:00Z';
  it('reads ev: dates in ISO, basic ISO, RFC 822 and the site’s own words', () => {
    const at = (start: string, extra = {}) => run({ title: 'Session', published, event: { start, ...extra } }).item.event;
    expect(at('2026-12-14T18:00:00Z')?.start).toBe('2026-12-14T13:00:00-05:00');
    expect(at('20261214T130000', { timezone: 'America/Halifax' })).toMatchObject({ start: '2026-12-14T13:00:00-04:00', timezone: 'America/Halifax' });
    expect(at('Mon, 14 Dec 2026 13:00:00 -0600')).toMatchObject({ start: '2026-12-14T13:00:00-06:00', timezone: 'America/Winnipeg' });
    expect(at('December 14, 2026 @ 1:00 pm')?.start).toBe('2026-12-14T13:00:00-05:00');
    expect(at('14 janvier 2027 @ 12 h 00 min')?.start).toBe('2027-01-14T12:00:00-05:00');
    expect(at('2027-01-15')).toMatchObject({ start: '2027-01-15', allDay: true });
  });

  it('reads schema.org JSON-LD, hCalendar and an inline VEVENT from the body', () => {
    const jsonLd = run({
      title: 'Career fair',
      contentHtml: '<script type="application/ld+json">{"@context":"https://schema.org","@type":"Event","startDate":"2027-01-20T18:00:00-04:00","eventAttendanceMode":"https://schema.org/OnlineEventAttendanceMode","offers":{"url":"https://agency.example.ca/register"}}</script><p>Meet employers.</p>',
      published,
    }).item.event;
    expect(jsonLd).toMatchObject({ start: '2027-01-20T18:00:00-04:00', timezone: 'America/Halifax', online: true, registrationUrl: 'https://agency.example.ca/register' });
    const hcal = run({ title: 'Exchange', contentHtml: '<div class="vevent"><abbr class="dtstart" title="2027-03-10T09:00:00-08:00">March 10</abbr></div>', published }).item.event;
    expect(hcal).toMatchObject({ start: '2027-03-10T09:00:00-08:00', timezone: 'America/Vancouver' });
    const ics = run({
      title: 'Tax clinic',
      contentHtml: '<pre>BEGIN:VEVENT\nDTSTART;TZID=America/Regina:20270304T183000\nDTEND;TZID=America/Regina:20270304T200000\nLOCATION:Library\\, Prince Albert\\, SK\nEND:VEVENT</pre>',
      published,
    }).item.event;
    expect(ics).toMatchObject({ start: '2027-03-04T18:30:00-06:00', end: '2027-03-04T20:00:00-06:00', place: { city: 'Prince Albert', province: 'sk' } });
  });

  it('reads a Drupal date field in an event item, a date-only field as all day, and not in a news item', () => {
    const field = (datetime: string) => `<div class="field field--name-field-event-date"><time datetime="${datetime}" class="datetime">x</time></div>`;
    expect(run({ title: 'Workshop on housing', contentHtml: field('2026-12-10T17:00:00Z'), published }).item.event?.start).toBe('2026-12-10T12:00:00-05:00');
    expect(run({ title: 'Workshop on housing', contentHtml: field('2027-05-26T12:00:00Z'), published }).item.event).toMatchObject({ start: '2027-05-26', allDay: true });
    const news = run({ title: 'Minister announces funding', contentHtml: field('2026-11-09T17:00:00Z'), published });
    expect(news.item.type).toBe('news');
    expect(news.item.event).toBeUndefined();
  });

  it('takes the start The Events Calendar writes in a future <pubDate>, and the text’s end on that day', () => {
    const { item } = run(
      { title: 'Info session on housing', link: 'https://agency.example.ca/event/info-session/', contentHtml: '<p>Join us.</p>', published: 'Mon, 14 Dec 2026 18:00:00 +0000' },
      { now: '2026-11-20T12:00:00Z' },
    );
    expect(item.event).toMatchObject({ start: '2026-12-14T13:00:00-05:00', allDay: false });
    expect(item.dateFromFeed).toBe(false);
  });
});

describe('bad event data', () => {
  it('leaves the event out with a warning, and keeps the item', () => {
    const cases: [Partial<ParsedItem>, string][] = [
      [{ summaryHtml: '<p>Our webinar is on February 30, 2027 at 1 p.m.</p>' }, 'event-date-impossible'],
      [{ event: { start: '2027-02-30T13:00:00-05:00' } }, 'event-date-impossible'],
      [{ event: { start: '2027-02-10T13:00:00-05:00', end: '2027-02-09T13:00:00-05:00' } }, 'event-end-before-start'],
      [{ summaryHtml: '<p>Webinar on Wednesday, February 10, 2027, from 14 h to 13 h.</p>' }, 'event-end-before-start'],
      [{ event: { start: '2087-02-10T13:00:00-05:00' } }, 'event-date-far'],
      [{ summaryHtml: '<p>Our webinar is on February 10, 2027 at 10:00 CEST.</p>' }, 'event-zone-unknown'],
      [{ event: { start: '20270210T130000', timezone: 'Mars/Olympus_Mons' } }, 'event-zone-unknown'],
    ];
    for (const [extra, warning] of cases) {
      const { item, warnings } = run({ title: 'Webinar for settlement workers', link: 'https://agency.example.ca/w', published: '2026-11-10T15:00:00Z', ...extra });
      expect(item.event, JSON.stringify(extra)).toBeUndefined();
      expect(item.type).toBe('event');
      expect(item.title).toBe('Webinar for settlement workers');
      expect(warnings.map((w) => w.code), JSON.stringify(extra)).toEqual([warning]);
    }
  });

  it('reads a time range past midnight as ending the next morning', () => {
    expect(webinar('New Year’s Eve party, December 31, 2026, 10 p.m. to 1 a.m.', '2026-12-01T15:00:00Z').item.event).toMatchObject({
      start: '2026-12-31T22:00:00-05:00', end: '2027-01-01T01:00:00-05:00',
    });
  });
});

describe('from feed bytes', () => {
  it('carries an RSS event module entry through parse and normalize', async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"><channel><title>Events</title><link>https://agency.example.ca/</link>
      <item><title>Welcome night</title><link>https://agency.example.ca/events/7</link><pubDate>Mon, 02 Nov 2026 15:00:00 GMT</pubDate>
      <ev:startdate>2026-12-03T18:00:00-04:00</ev:startdate><ev:enddate>2026-12-03T20:00:00-04:00</ev:enddate><ev:location>Halifax Central Library, Halifax, NS</ev:location></item>
      </channel></rss>`;
    const feed = await parseFeed(xml, { url: 'https://agency.example.ca/feed/' });
    const { item } = run(feed.items[0]);
    expect(item.event).toEqual({
      start: '2026-12-03T18:00:00-04:00', end: '2026-12-03T20:00:00-04:00', allDay: false, timezone: 'America/Halifax',
      place: { venue: 'Halifax Central Library', city: 'Halifax', province: 'ns' }, online: false,
    });
  });
});
