// The events page in Chromium against the real server: axe-core finds nothing on it (upcoming and
// past, English and French, filtered), it works with scripts off (the filter form with a time zone
// and a date range, paging to past events), it weighs under 60 KB with its stylesheet, and the
// upcoming-events widget (script) lists events by date on another site.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug } from '../../src/store/sources-repo.ts';
import { EVENT_TITLES, seedEvents, timedEvent } from '../helpers/event-fixture.ts';
import { item } from '../helpers/items.ts';
import { readerTopics, seedFiller, seedReader } from '../helpers/reader-fixture.ts';
import { describeViolations, launchBrowser, newContext, runAxe } from './browser.ts';
import { startHostPage, startHub, type RunningHub } from './reader-server.ts';

const titlesOf = (page: Page) => page.locator('ol.events h3 a').allTextContents();

describe.each(databaseKinds)('events page in Chromium on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let browser: Browser;
  let noScripts: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const topics = await readerTopics();
    await seedReader(database.db, { topics });
    await seedFiller(database.db, 20, { topics });
    await seedEvents(database.db);
    hub = await startHub(database, topics);
    browser = await launchBrowser();
    noScripts = await newContext(browser, { javaScriptEnabled: false, locale: 'en-CA' });
    page = await noScripts.newPage();
  });
  afterAll(async () => {
    await noScripts?.close();
    await browser?.close();
    await hub?.close();
    await cleanup?.();
  });

  it('filters by topic, time zone and dates with the plain form, scripts off, and reaches past events', async () => {
    await page.goto(`${hub.url}/en/`);
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.waitForURL(`${hub.url}/en/events`);
    expect(await titlesOf(page)).toEqual([EVENT_TITLES.running, EVENT_TITLES.webinar, EVENT_TITLES.fair, EVENT_TITLES.atelier, EVENT_TITLES.stjohns, EVENT_TITLES.regina]);

    await page.locator('summary', { hasText: 'Topic' }).click();
    await page.getByLabel('Health and mental health', { exact: true }).check();
    await page.getByLabel('Time zone').selectOption('America/Vancouver');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/topic=health/);
    expect(new URL(page.url()).searchParams.get('tz')).toBe('America/Vancouver');
    expect(await titlesOf(page)).toEqual([EVENT_TITLES.webinar, EVENT_TITLES.atelier]);
    expect(await page.locator('p.when').first().textContent()).toMatch(/10:00–11:30\s?a\.m\.\s?P[SD]T · Online$/);

    // A date range that holds nothing, then the French page with the same selection.
    await page.locator('#f-from').fill('2030-01-01');
    await page.locator('#f-to').fill('2030-01-31');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/from=2030-01-01/);
    expect(await titlesOf(page)).toEqual([]);
    expect(await page.locator('main').textContent()).toContain('No upcoming event matches this selection');
    await page.getByRole('link', { name: 'Français' }).click();
    await page.waitForURL(/\/fr\/evenements\?/);
    expect(await page.locator('h1').textContent()).toMatch(/^Événements à venir · Santé/);

    await page.goto(`${hub.url}/en/events`);
    await page.locator('.lede').getByRole('link', { name: 'Past events' }).click();
    await page.waitForURL(`${hub.url}/en/events/past`);
    expect(await titlesOf(page)).toEqual([EVENT_TITLES.past, EVENT_TITLES.old]);
  });

  it('on a phone, in French, the first event shows on the first screen and the folded filters still apply', async () => {
    const phone = await newContext(browser, { javaScriptEnabled: false, locale: 'fr-CA', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const mobile = await phone.newPage();
      await mobile.goto(`${hub.url}/fr/evenements`);
      const first = await mobile.locator('ol.events h3 a').first().boundingBox();
      expect(first).not.toBeNull();
      expect(first!.y + first!.height).toBeLessThan(740);
      await mobile.locator('summary', { hasText: 'Filtrer' }).click();
      await mobile.locator('summary', { hasText: 'Thème' }).click();
      await mobile.getByLabel('Santé et santé mentale', { exact: true }).check();
      await mobile.getByRole('button', { name: 'Appliquer les filtres' }).click();
      await mobile.waitForURL(/topic=health/);
      expect(await titlesOf(mobile)).toEqual([EVENT_TITLES.webinar, EVENT_TITLES.atelier]);
      expect(await mobile.locator('.panel > summary').textContent()).toMatch(/Filtrer · 1/);
    } finally {
      await phone.close();
    }
  });

  it('an item’s "Add to calendar" gives its .ics', async () => {
    await page.goto(`${hub.url}/en/events?lang=fr`);
    await page.getByRole('link', { name: EVENT_TITLES.atelier }).click();
    const href = await page.getByRole('link', { name: 'Add to calendar' }).getAttribute('href');
    const res = await fetch(hub.url + href!);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(await res.text()).toContain('BEGIN:VEVENT');
  });

  if (kind === 'pglite') {
    it('has no axe-core violations, upcoming and past, in English and French', async () => {
      const context = await newContext(browser, { bypassCSP: true });
      try {
        const axePage = await context.newPage();
        const report: string[] = [];
        for (const path of ['/en/events', '/fr/evenements', '/en/events?topic=health&tz=America/Halifax&from=2020-01-01', '/fr/evenements/passes', '/en/events?tz=nope', '/embed?view=events&ui=fr']) {
          await axePage.goto(hub.url + path);
          await axePage.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
          const violations = await runAxe(axePage);
          if (violations.length) report.push(`${path}:\n${describeViolations(violations)}`);
        }
        expect(report.join('\n\n')).toBe('');
      } finally {
        await context.close();
      }
    }, 60_000);

    it('weighs less than 60 KB with its stylesheet, with a full page of events', async () => {
      const source = (await getSourceBySlug(database.db, 'ev-national'))!;
      const now = Date.now();
      const more = Array.from({ length: 40 }, (_, i) =>
        item(`more-${i}`, {
          title: `Information session ${i}: settlement services for newcomer families in smaller centres`,
          summary: 'Staff from local settlement agencies answer questions on housing, transportation and employment. Free, in person and online; registration required.',
          type: 'event', topics: ['employment', 'housing'], publishedAt: new Date(now - 86_400_000),
          event: timedEvent(now, 21 + (i % 25), 10 + (i % 6), 'America/Winnipeg', 90, { place: { venue: 'Community Hall', city: 'Brandon', province: 'mb' }, online: i % 2 === 0 }),
        }),
      );
      await commitIngest(database.db, { sourceId: source.id, owner: 't', historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' }, patch: {}, items: more });
      // The pages' cache looks at the data's generation at most once a second.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      for (const path of ['/en/events', '/fr/evenements', '/en/events/past']) {
        const res = await fetch(hub.url + path);
        const html = await res.text();
        const css = await (await fetch(hub.url + /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1])).text();
        if (path !== '/en/events/past') expect((html.match(/<h3/g) ?? []).length, path).toBeGreaterThanOrEqual(30);
        expect(Buffer.byteLength(html) + Buffer.byteLength(css), path).toBeLessThan(60 * 1024);
      }
    });

    it('the upcoming-events script widget lists events by date on another site, the ended one hidden', async () => {
      const host = await startHostPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Agency</title></head><body><main><h1>Our events</h1>
<div id="ev" data-passerelle="view=events&amp;ui=en&amp;limit=4"></div><script src="${hub.url}/embed.js" async></script></main></body></html>`);
      const context = await newContext(browser);
      try {
        const hostPage = await context.newPage();
        await hostPage.goto(host.url.replace('127.0.0.1', 'localhost'));
        await hostPage.waitForFunction(() => document.getElementById('ev')?.shadowRoot?.querySelector('.psl li'));
        const widget = await hostPage.locator('#ev').evaluate((el) => ({
          titles: [...el.shadowRoot!.querySelectorAll('li a')].map((a) => a.textContent),
          meta: el.shadowRoot!.querySelector('li p')!.textContent,
          more: (el.shadowRoot!.querySelector('.f a') as HTMLAnchorElement).href,
        }));
        expect(widget.titles).toEqual([EVENT_TITLES.running, EVENT_TITLES.webinar, EVENT_TITLES.fair, EVENT_TITLES.atelier]);
        expect(widget.more).toBe(`${hub.url}/en/events`);
        expect(widget.meta).toMatch(/^National Settlement Council · \w{3}, \w{3} \d{1,2}$/);
      } finally {
        await context.close();
        await host.close();
      }
    });
  }
});
