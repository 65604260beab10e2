// The reader in a real browser against the real server, on PGlite and on Postgres: filtering and
// searching with the plain forms (scripts off), the language switch and its memory, the subscribe
// box's feeds against the page, the directory's map, paging both ways, keyboard-only use, and the
// phone: results above the fold after filtering, taps of at least 24 px, nothing wider than it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { ENTRIES, seedFiller, seedReader, type EntryName } from '../helpers/reader-fixture.ts';
import { launchBrowser, newContext } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

const titlesOf = (page: Page) => page.locator('ol.items h3 a').allTextContents();

describe.each(databaseKinds)('reader in Chromium on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let ids: Record<EntryName, number>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const seeded = await seedReader(database.db);
    ids = seeded.ids;
    await seedFiller(database.db, 40, { topics: seeded.topics });
    hub = await startHub(database, seeded.topics);
    browser = await launchBrowser();
    // Scripts off: every page must work without them.
    context = await newContext(browser, { javaScriptEnabled: false, locale: 'en-CA' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
    await cleanup?.();
  });

  it('filters with the panel and searches with the box, scripts off', async () => {
    await page.goto(`${hub.url}/en/`);
    await page.locator('summary', { hasText: 'Topic' }).click();
    await page.getByLabel('Housing', { exact: true }).check();
    await page.locator('summary', { hasText: 'Language' }).click();
    await page.getByLabel('English', { exact: true }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/topic=housing/);
    expect(new URL(page.url()).searchParams.getAll('lang')).toEqual(['en']);
    expect(await titlesOf(page)).toEqual([ENTRIES.housing.title]);
    expect(await page.locator('h1').textContent()).toBe('Housing · English');

    // The search keeps the filters, and the filters keep the search.
    await page.getByLabel('Search the items').fill('Halifax');
    await page.getByLabel('Search the items').press('Enter');
    await page.waitForURL(/q=Halifax/);
    expect(await titlesOf(page)).toEqual([ENTRIES.housing.title]);
    // The chip above the results takes one filter away.
    await page.getByRole('link', { name: 'Remove the filter: English' }).click();
    await page.waitForURL((url) => !url.searchParams.has('lang') && url.searchParams.get('q') === 'Halifax');
    // The clinic is told in French too: the English page lists it once, in English.
    expect(await titlesOf(page)).toEqual([ENTRIES.housing.title]);

    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.waitForURL(`${hub.url}/en/`);
    expect(await titlesOf(page)).toHaveLength(20);
  });

  it('switches language on every page and remembers it', async () => {
    await page.goto(`${hub.url}/en/?topic=research`);
    await page.getByRole('link', { name: 'Français', exact: true }).click();
    await page.waitForURL(`${hub.url}/fr/?topic=research`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.locator('h1').textContent()).toBe('Recherche et évaluation');
    // The report, told in both languages, is listed in French; an English item keeps its own language on the French page.
    expect(await page.locator('h3', { hasText: ENTRIES.reportFr.title }).getAttribute('lang')).toBeNull();
    await page.goto(`${hub.url}/fr/?source=ontario-hub`);
    expect(await page.locator('h3', { hasText: ENTRIES.job.title }).getAttribute('lang')).toBe('en');
    await page.goto(`${hub.url}/`);
    expect(page.url()).toBe(`${hub.url}/fr/`);
    await page.goto(`${hub.url}/fr/items/${ids.job}`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${hub.url}/en/items/${ids.job}`);
    await page.goto(`${hub.url}/`);
    expect(page.url()).toBe(`${hub.url}/en/`);
  });

  it('the subscribe box gives feeds that hold the same items as the page', async () => {
    for (const path of ['/en/?topic=housing', '/fr/?lang=fr', '/en/?region=atlantic&type=news,funding', '/en/?q=rural']) {
      await page.goto(hub.url + path);
      const onPage = await titlesOf(page);
      expect(onPage.length, path).toBeGreaterThan(0);
      const box = page.locator('#subscribe');
      const hrefs = await box.locator('ul.feeds a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
      const [rss, atom, json] = hrefs;
      const feed = (await (await fetch(json)).json()) as { items: { title: string }[] };
      expect(feed.items.map((i) => i.title).slice(0, onPage.length), path).toEqual(onPage);
      const rssText = await (await fetch(rss)).text();
      expect(rssText).toContain('<rss version="2.0"');
      expect((await fetch(atom)).headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      // The same feeds are announced to readers that discover them by themselves.
      const alternates = await page.locator('link[rel=alternate][type]').evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
      expect(alternates).toEqual([rss, atom, json]);
      const opml = await box.getByRole('link', { name: /OPML/ }).getAttribute('href');
      expect((await fetch(opml!)).status).toBe(200);
    }
  });

  it('the directory map links each province to its river', async () => {
    await page.goto(`${hub.url}/en/directory`);
    expect(await page.locator('svg a').count()).toBe(13);
    // A tap on a label (or around it) follows its province.
    await page.locator('svg a[href="/en/?province=ns"] .hit').click();
    await page.waitForURL(`${hub.url}/en/?province=ns`);
    expect(await titlesOf(page)).toEqual([ENTRIES.housing.title]);
    await page.goto(`${hub.url}/fr/directory`);
    await page.locator('svg a[href="/fr/?province=yt"] .hit').click();
    await page.waitForURL(`${hub.url}/fr/?province=yt`);
    expect(await titlesOf(page)).toEqual([ENTRIES.french.title]);
    // The same, as a list of links.
    await page.goto(`${hub.url}/en/directory`);
    await page.locator('ul.provinces').getByRole('link', { name: /^Prince Edward Island \(\d+\)$/ }).click();
    await page.waitForURL(`${hub.url}/en/?province=pe`);
    await page.goto(`${hub.url}/en/directory`);
    const broken = page.locator('#source-northern-gateway');
    expect(await broken.locator('.health').textContent()).toMatch(/^Health: Failing · last read 20 minutes ago$/);
    expect(await broken.locator('.err').textContent()).toContain('answers with a web page, not a feed');
  });

  it('pages through older items until the end', async () => {
    await page.goto(`${hub.url}/en/?limit=25`);
    const seen = await titlesOf(page);
    while (await page.locator('a[rel=next]').count()) {
      await page.locator('a[rel=next]').click();
      await page.waitForLoadState();
      seen.push(...(await titlesOf(page)));
    }
    expect(new Set(seen).size).toBe(seen.length);
    // Every story once: a cross-post joins its original, and two French twins are reached from their English items.
    expect(seen).toHaveLength(Object.keys(ENTRIES).length - 3 + 40);
    const lastStart = Math.floor((seen.length - 1) / 25) * 25;
    expect(await page.locator('.pager .position').textContent()).toBe(`Items ${lastStart + 1}–${seen.length}`);
    // And back, one page at a time, to the newest.
    const back: string[] = [];
    while (await page.locator('a[rel=prev]').count()) {
      await page.locator('a[rel=prev]').click();
      await page.waitForLoadState();
      back.unshift(...(await titlesOf(page)));
    }
    expect(page.url()).toBe(`${hub.url}/en/?limit=25`);
    expect(back).toEqual(seen.slice(0, lastStart));
  });

  it('on a phone, filtering puts the first result above the fold, with taps of at least 24 px', async () => {
    const phone = await newContext(browser, { javaScriptEnabled: false, locale: 'fr-CA', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const p = await phone.newPage();
      await p.goto(`${hub.url}/fr/`);
      // The panel is folded: one line that opens it.
      expect(await p.getByLabel('Logement', { exact: true }).isVisible()).toBe(false);
      await p.locator('summary', { hasText: 'Filtrer' }).click();
      await p.locator('summary', { hasText: 'Thème' }).click();
      await p.getByLabel('Logement', { exact: true }).check();
      await p.locator('summary', { hasText: 'Langue' }).click();
      await p.getByLabel('Français', { exact: true }).check();
      await p.getByLabel('Anglais', { exact: true }).check();
      await p.getByRole('button', { name: 'Appliquer les filtres' }).click();
      // The form's empty fields (province=, source=) are not in the address people share.
      await p.waitForURL(`${hub.url}/fr/?topic=housing&lang=en&lang=fr`);
      const layout = await p.evaluate(() => {
        const first = document.querySelector('ol.items > li h3')!.getBoundingClientRect();
        const chips = [...document.querySelectorAll('ul.chips a')].map((a) => a.getBoundingClientRect().height);
        const visible = [...document.querySelectorAll('a, button, input, select, summary, textarea')].filter(
          (e) => e.checkVisibility({ visibilityProperty: true }) && e.getBoundingClientRect().width > 0 && !(e instanceof HTMLInputElement && e.closest('label')),
        );
        const small = visible.filter((e) => e.getBoundingClientRect().height < 24).map((e) => `${e.tagName} ${e.textContent?.trim().slice(0, 30)} (${Math.round(e.getBoundingClientRect().height)} px)`);
        const dates = [...document.querySelectorAll('ol.items time')].filter((t) => t.getClientRects().length > 1).length;
        return { firstBottom: first.bottom, chips, small, controls: visible.length, dates, width: document.documentElement.scrollWidth, panelOpen: (document.querySelector('details.panel') as HTMLDetailsElement).open };
      });
      expect(layout.firstBottom, 'the first result’s title ends above the fold').toBeLessThan(740);
      expect(layout.chips).toHaveLength(4); // Logement, Anglais, Français, Tout effacer
      for (const h of layout.chips) expect(h).toBeGreaterThanOrEqual(24);
      expect(layout.small).toEqual([]);
      expect(layout.controls).toBeGreaterThan(20);
      expect(layout.dates, 'dates never break mid-phrase').toBe(0);
      expect(layout.width).toBe(375);
      expect(layout.panelOpen).toBe(false);
      expect(await p.locator('summary', { hasText: 'Filtrer' }).textContent()).toBe('Filtrer · 3\u00a0filtres actifs');

      // The directory: the map's small provinces can be read and tapped, and are listed too.
      await p.goto(`${hub.url}/fr/directory`);
      const map = await p.evaluate(() =>
        ['pe', 'ns', 'nb', 'on'].map((code) => {
          const a = document.querySelector(`svg a[href="/fr/?province=${code}"]`)!;
          const hit = a.querySelector('.hit')!.getBoundingClientRect();
          const text = a.querySelector('text')!.getBoundingClientRect();
          return { code, hit: Math.min(hit.width, hit.height), text: text.height };
        }),
      );
      for (const m of map) {
        expect(m.hit, m.code).toBeGreaterThanOrEqual(24);
        expect(m.text, m.code).toBeGreaterThanOrEqual(12);
      }
      const directory = await p.evaluate(() => ({
        width: document.documentElement.scrollWidth,
        provinces: [...document.querySelectorAll('ul.provinces a')].map((a) => a.getBoundingClientRect().height),
        brokenDates: [...document.querySelectorAll('.health time')].filter((t) => t.getClientRects().length > 1).length,
      }));
      expect(directory.width).toBe(375);
      expect(directory.provinces).toHaveLength(13);
      for (const h of directory.provinces) expect(h).toBeGreaterThanOrEqual(24);
      expect(directory.brokenDates).toBe(0);
    } finally {
      await phone.close();
    }
  });

  it('works with the keyboard alone: skip link first, visible focus, a logical order', async () => {
    await page.goto(`${hub.url}/en/`);
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const box = el.getBoundingClientRect();
      return { text: el.textContent, top: box.top, outline: getComputedStyle(el).outlineStyle };
    });
    expect(skip.text).toBe('Skip to content');
    expect(skip.top).toBeGreaterThanOrEqual(0);
    expect(skip.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    // The order after the skip: search, the filters, the items, paging, the subscribe box.
    const order: string[] = [];
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        const where = el.closest('form.search') ? 'search' : el.closest('.filters') ? 'filters' : el.closest('ol.items') ? 'items' : el.closest('.pager') ? 'pager' : el.closest('#subscribe') ? 'subscribe' : el.closest('footer') ? 'footer' : 'other';
        return { where, visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
      });
      expect(focused.visible, `focus ring on tab ${i + 1} (${focused.where})`).toBe(true);
      if (order.at(-1) !== focused.where) order.push(focused.where);
      if (focused.where === 'footer') break;
    }
    expect(order).toEqual(['other', 'search', 'filters', 'items', 'pager', 'subscribe', 'footer']);

    // A filter chosen with the keyboard alone.
    await page.goto(`${hub.url}/en/`);
    await page.locator('summary', { hasText: 'Type' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Jobs', { exact: true }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Apply filters' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/type=job/);
    expect(await titlesOf(page)).toEqual([ENTRIES.job.title]);
  });
});
