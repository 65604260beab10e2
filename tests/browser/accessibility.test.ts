// axe-core in Chromium on every kind of page, in English and French: the river, an item (in the
// page's language and in the other one), the directory, a 400 page, and the embed in both themes.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { seedFiller, seedReader, type EntryName } from '../helpers/reader-fixture.ts';
import { describeViolations, launchBrowser, newContext, runAxe } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

describe('accessibility (axe-core in Chromium)', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let browser: Browser;
  let context: BrowserContext;
  let ids: Record<EntryName, number>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    const seeded = await seedReader(database.db);
    ids = seeded.ids;
    await seedFiller(database.db, 30, { topics: seeded.topics });
    hub = await startHub(database, seeded.topics);
    browser = await launchBrowser();
    // Our CSP allows no script at all, axe included: only the test's context bypasses it.
    context = await newContext(browser, { bypassCSP: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
    await cleanup?.();
  });

  const pages = (): [string, string][] => [
    ['river', '/{ui}/'],
    ['river, filtered and searched', '/{ui}/?topic=housing&region=atlantic,north&type=news,event&q=housing&sort=date'],
    ['river, second page', '/{ui}/?limit=10'],
    ['item', `/{ui}/items/${ids.housing}`],
    ['item with its translation', `/{ui}/items/${ids.reportFr}`],
    ['directory', '/{ui}/directory'],
    ['400 page', '/{ui}/?topic=nope'],
    ['404 page', '/{ui}/items/999999'],
    ['embed, light', '/embed?topic=housing&ui={ui}'],
    ['embed, dark', '/embed?ui={ui}&theme=dark&limit=8'],
  ];

  for (const ui of ['en', 'fr']) {
    it(`no violations on any page in ${ui}`, async () => {
      const page = await context.newPage();
      try {
        const report: string[] = [];
        for (const [name, path] of pages()) {
          let url = hub.url + path.replace('{ui}', ui);
          await page.goto(url);
          if (name === 'river, second page') {
            await page.click('a[rel=next]');
            await page.waitForURL(/before=/);
            url = page.url();
          }
          // Every <details> open, so the filters' contents are checked too.
          await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
          expect(await page.getAttribute('html', 'lang'), url).toBe(ui);
          const violations = await runAxe(page);
          if (violations.length) report.push(`${name} (${url}):\n${describeViolations(violations)}`);
        }
        expect(report.join('\n\n')).toBe('');
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
