// The events page, the item page's event block, the river's event line and the upcoming-events
// widget, in memory on both databases: what a reader sees (order, weeks, times in the zone they
// chose, place or online), the filters and date range with 400 pages naming the parameter, past
// events, the language switch, and the subscribe box's calendar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEventWhen } from '../../src/core/locale.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { getItem } from '../../src/store/items-query.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { EVENT_TITLES, seedEvents, type EventName } from '../helpers/event-fixture.ts';

const PUBLIC = 'https://hub.example.ca';

function decode(text: string): string {
  return text.replace(/[\u2000-\u200a\u202f\u00a0]/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The titles of the listed events, in order. */
const titles = (html: string) => [...html.matchAll(/<h3(?: lang="(?:en|fr)")?><a href="\/(?:en|fr)\/items\/\d+">([^<]*)<\/a><\/h3>/g)].map((m) => decode(m[1]));
/** The week headings, in order. */
const weeks = (html: string) => [...html.matchAll(/<h2 id="week-\d+">([^<]*)<\/h2>/g)].map((m) => decode(m[1]));
/** The date line shown under an event's title. */
function whenOf(html: string, title: string): string {
  const at = html.indexOf(`>${title.replace(/&/g, '&amp;').replace(/'/g, '&#39;')}</a>`);
  if (at < 0) throw new Error(`no ${title} on the page`);
  const m = /<p class="when">([\s\S]*?)<\/p>/.exec(html.slice(at));
  return decode(m![1].replace(/<[^>]+>/g, ''));
}

describe.each(databaseKinds)('events pages on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let ids: Record<EventName, number>;
  const now = Date.now();
  const page = async (p: string) => {
    const res = await app.request(p);
    return { res, html: await res.text() };
  };

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const { topics } = await loadFeedsFile('feeds.yaml');
    ids = await seedEvents(database.db, now);
    app = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: 'test', topics });
  });
  afterAll(() => cleanup());

  it('lists events from today on by start, grouped by week, with their time in Eastern and their place or "online"', async () => {
    const { res, html } = await page('/en/events');
    expect(res.status).toBe(200);
    expect(titles(html)).toEqual([EVENT_TITLES.running, EVENT_TITLES.webinar, EVENT_TITLES.fair, EVENT_TITLES.atelier, EVENT_TITLES.stjohns, EVENT_TITLES.regina]);
    expect(weeks(html)[0]).toBe('This week');
    expect(weeks(html).length).toBeGreaterThanOrEqual(3);
    const webinar = (await getItem(database.db, ids.webinar))!.event!;
    expect(whenOf(html, EVENT_TITLES.webinar)).toBe(decode(`When: ${formatEventWhen(webinar, 'en', 'America/Toronto', now)} · Online`));
    expect(whenOf(html, EVENT_TITLES.webinar)).toMatch(/1:00–2:30 p\.m\. E[SD]T · Online$/);
    expect(whenOf(html, EVENT_TITLES.fair)).toMatch(/^When: \w{3}, \w{3} \d{1,2}(, \d{4})?–\w{3}, \w{3} \d{1,2}(, \d{4})? · Pier 21, Halifax, Nova Scotia$/);
    // A half-hour zone, shown in Eastern time: 9:00 in St. John's is 7:30 in Toronto.
    expect(whenOf(html, EVENT_TITLES.stjohns)).toMatch(/7:30–8:30 a\.m\. E[SD]T · St\. John’s, Newfoundland and Labrador$/);
    expect(html).toContain('<strong>Under way · </strong>');
    // The header leads here from every page.
    expect((await page('/en/')).html).toContain('<a href="/en/events">Events</a>');
    expect(html).toContain('<a href="/en/events" aria-current="page">Events</a>');
  });

  it('shows times in the zone the reader chooses, and refuses one it does not offer', async () => {
    const { html } = await page('/en/events?tz=America/Vancouver');
    expect(whenOf(html, EVENT_TITLES.webinar)).toMatch(/10:00–11:30 a\.m\. P[SD]T · Online$/);
    expect(html).toMatch(/<option value="America\/Vancouver" selected="">Pacific time<\/option>/);
    const bad = await page('/en/events?tz=Europe/Paris');
    expect(bad.res.status).toBe(400);
    expect(bad.html).toContain('Time zone');
    expect(bad.html).toContain('tz: unknown value');
  });

  it('filters as the river does: "webinars on mental health this month, in French"', async () => {
    expect(titles((await page('/en/events?lang=fr')).html)).toEqual([EVENT_TITLES.atelier]);
    expect(titles((await page('/en/events?topic=health')).html)).toEqual([EVENT_TITLES.webinar, EVENT_TITLES.atelier]);
    const atelierStart = (await getItem(database.db, ids.atelier))!.event!.start.slice(0, 7);
    const month = await page(`/fr/evenements?topic=health&lang=fr&month=${atelierStart}`);
    expect(titles(month.html)).toEqual([EVENT_TITLES.atelier]);
    expect(month.html).toContain('<h1>Événements à venir · Santé');
    const fairDay = (await getItem(database.db, ids.fair))!.event!.start;
    expect(titles((await page(`/en/events?from=${fairDay}&to=${fairDay}`)).html)).toEqual([EVENT_TITLES.fair]);
  });

  it.each([
    ['/en/events?from=2027-02-30', 'from: "2027-02-30" is not a date of the calendar'],
    ['/en/events?month=2027-13', 'month: must be a month'],
    ['/en/events?from=2027-03-05&to=2027-03-01', 'to: must not be before from'],
    ['/fr/evenements?topic=nope', 'topic: unknown value'],
    ['/en/events?after=nonsense!', 'after: not a cursor'],
  ])('%s is a 400 page naming the parameter', async (p, message) => {
    const { res, html } = await page(p);
    expect(res.status).toBe(400);
    expect(decode(html)).toContain(message);
  });

  it('keeps past events under "Past events", latest first, paged', async () => {
    const { html } = await page('/en/events');
    expect(html).toContain('<a href="/en/events/past">Past events</a>');
    const past = await page('/en/events/past');
    expect(titles(past.html)).toEqual([EVENT_TITLES.past, EVENT_TITLES.old]);
    const first = await page('/en/events/past?limit=1');
    expect(titles(first.html)).toEqual([EVENT_TITLES.past]);
    const next = decode(/<a href="([^"]+)" rel="next">/.exec(first.html)![1]);
    const second = await page(next);
    expect(titles(second.html)).toEqual([EVENT_TITLES.old]);
    expect(second.html).toContain('Back to the most recent');
    const upcomingPaged = await page('/en/events?limit=4');
    const later = await page(decode(/<a href="([^"]+)" rel="next">/.exec(upcomingPaged.html)![1]));
    expect([...titles(upcomingPaged.html), ...titles(later.html)]).toEqual([
      EVENT_TITLES.running, EVENT_TITLES.webinar, EVENT_TITLES.fair, EVENT_TITLES.atelier, EVENT_TITLES.stjohns, EVENT_TITLES.regina,
    ]);
  });

  it('switches language between /en/events and /fr/evenements, with the same selection', async () => {
    const en = await page('/en/events?topic=health&tz=America/Halifax');
    expect(en.html).toContain('<a href="/fr/evenements?topic=health&amp;tz=America%2FHalifax" lang="fr" hreflang="fr">Français</a>');
    const fr = await page('/fr/evenements?topic=health&tz=America/Halifax');
    expect(fr.html).toContain('<html lang="fr">');
    expect(whenOf(fr.html, EVENT_TITLES.webinar)).toContain('14 h 00 \u2013 15 h 30 HNA · En ligne');
    expect(whenOf(fr.html, EVENT_TITLES.webinar)).toMatch(/^Quand : /);
    expect(fr.html).toContain('<a href="/en/events?topic=health&amp;tz=America%2FHalifax" lang="en" hreflang="en">English</a>');
    expect((await app.request('/en/evenements?lang=fr')).headers.get('location')).toBe('/en/events?lang=fr');
    expect((await app.request('/fr/events/past')).headers.get('location')).toBe('/fr/evenements/passes');
  });

  it('offers the selection as a calendar subscription and an upcoming-events widget', async () => {
    const { html } = await page('/en/events?topic=health');
    expect(html).toContain(`<a href="${PUBLIC}/calendar/all.ics?topic=health">${PUBLIC}/calendar/all.ics?topic=health</a>`);
    expect(html).toContain('href="webcal://hub.example.ca/calendar/all.ics?topic=health"');
    expect(html).toContain(`<link rel="alternate" type="text/calendar"`);
    expect(decode(html)).toContain(`<iframe src="${PUBLIC}/embed?view=events&amp;topic=health&amp;ui=en&amp;height=5"`);
    // The river's subscribe box offers the same calendar beside its feeds.
    expect((await page('/en/?topic=health')).html).toContain(`${PUBLIC}/calendar/all.ics?topic=health`);
  });

  it('the river shows an event’s own date on its line, and the item page its block and "Add to calendar"', async () => {
    const river = await page('/en/?type=event');
    expect(whenOf(river.html, EVENT_TITLES.webinar)).toMatch(/^When: .*1:00–2:30 p\.m\. E[SD]T · Online$/);
    const item = await page(`/en/items/${ids.stjohns}`);
    expect(item.html).toContain('<h2 id="event-h">When and where</h2>');
    // In its own zone, and in Eastern time below.
    expect(decode(item.html)).toMatch(/9:00–10:00 a\.m\. N[SD]T/);
    expect(decode(item.html)).toMatch(/Eastern time: <time[^>]*>[^<]*7:30–8:30 a\.m\. E[SD]T/);
    expect(item.html).toContain(`href="/calendar/items/${ids.stjohns}.ics"`);
    const webinar = await page(`/fr/items/${ids.webinar}`);
    expect(webinar.html).toContain('<a class="button" href="https://events.example.ca/register/webinar">S’inscrire</a>');
    expect(webinar.html).toContain('Ajouter à mon agenda');
    expect((await page(`/en/items/${ids.news}`)).html).not.toContain('event-h');
  });

  it('the upcoming-events widget lists events by date and hides those that have ended', async () => {
    const { res, html } = await page('/embed?view=events&ui=en');
    expect(res.status).toBe(200);
    const listed = [...html.matchAll(/rel="noopener"(?: lang="\w+")?>([^<]*)<\/a>\s*<p class="m">/g)].map((m) => decode(m[1]));
    expect(listed).toEqual([EVENT_TITLES.running, EVENT_TITLES.webinar, EVENT_TITLES.fair, EVENT_TITLES.atelier, EVENT_TITLES.stjohns, EVENT_TITLES.regina]);
    expect(html).not.toContain(EVENT_TITLES.past);
    expect(html).toContain('Upcoming events on Passerelle');
    expect((await page('/embed?view=events&lang=fr&topic=rural')).html).toContain('Aucun événement à venir pour l’instant.');
    expect((await app.request('/embed?view=calendar')).status).toBe(400);
  });
});
