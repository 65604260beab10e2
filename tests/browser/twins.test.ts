// A story told in English and French, in a real browser against the real server, scripts off: one
// entry on /fr/ and on /en/, in the page's language, whose link leads to its twin and back; and on
// a phone, the "only items in my language" choice in sight above the results, remembered.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { ENTRIES, seedReader, type EntryName } from '../helpers/reader-fixture.ts';
import { launchBrowser, newContext } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

const titlesOf = (page: Page) => page.locator('ol.items h3 a').allTextContents();

describe.each(databaseKinds)('twins in Chromium on %s', (kind) => {
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
    hub = await startHub(database, seeded.topics);
    browser = await launchBrowser();
    context = await newContext(browser, { javaScriptEnabled: false, locale: 'fr-CA' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
    await cleanup?.();
  });

  it('/fr/ lists the story once, in French, and “Read in English” leads to the English item and back', async () => {
    await page.goto(`${hub.url}/fr/?province=ns`);
    expect(await titlesOf(page)).toEqual([ENTRIES.housingFr.title]);
    await page.getByRole('link', { name: 'Read in English' }).click();
    await page.waitForURL(`${hub.url}/fr/items/${ids.housing}`);
    expect(await page.locator('h1').textContent()).toBe(ENTRIES.housing.title);
    expect(await page.locator('h1').getAttribute('lang')).toBe('en');
    await page.getByRole('link', { name: 'Lire en français' }).click();
    await page.waitForURL(`${hub.url}/fr/items/${ids.housingFr}`);
    expect(await page.locator('h1').textContent()).toBe(ENTRIES.housingFr.title);
  });

  it('/en/ lists it once, in English, and “Lire en français” leads to the French item', async () => {
    await page.goto(`${hub.url}/en/?province=ns`);
    expect(await titlesOf(page)).toEqual([ENTRIES.housing.title]);
    await page.getByRole('link', { name: 'Lire en français' }).click();
    await page.waitForURL(`${hub.url}/en/items/${ids.housingFr}`);
    expect(await page.locator('h1').textContent()).toBe(ENTRIES.housingFr.title);
    expect(await page.locator('h1').getAttribute('lang')).toBe('fr');
  });

  it('on a phone, “only items in French” is in sight above the results, and remembered', async () => {
    const phone = await newContext(browser, { javaScriptEnabled: false, viewport: { width: 375, height: 667 }, isMobile: true, locale: 'fr-CA' });
    try {
      const p = await phone.newPage();
      await p.goto(`${hub.url}/fr/`);
      const english = await p.locator('ol.items h3[lang=en]').count();
      expect(english).toBeGreaterThan(0);
      const only = p.getByRole('link', { name: 'Seulement en français' });
      await expect(only.isVisible()).resolves.toBe(true);
      // One short line: the first result still starts in the first screen.
      const lede = (await p.locator('.lede').boundingBox())!;
      expect(lede.height).toBeLessThan(40);
      expect((await p.locator('ol.items li').first().boundingBox())!.y).toBeLessThan(667);
      await only.click();
      await p.waitForURL(`${hub.url}/fr/`);
      expect(await p.locator('ol.items h3[lang=en]').count()).toBe(0);
      expect(await titlesOf(p)).toContain(ENTRIES.housingFr.title);
      // Remembered on the next visit, and undone the same way.
      await p.goto(`${hub.url}/`);
      await p.waitForURL(`${hub.url}/fr/`);
      expect(await p.locator('ol.items h3[lang=en]').count()).toBe(0);
      await p.getByRole('link', { name: 'Toutes les langues' }).click();
      await p.waitForURL(`${hub.url}/fr/`);
      expect(await p.locator('ol.items h3[lang=en]').count()).toBe(english);
    } finally {
      await phone.close();
    }
  });
});
