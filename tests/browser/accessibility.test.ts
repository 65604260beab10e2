// axe-core in Chromium on every kind of page, in English and French: the river (with its chips,
// and on a phone with its panel folded), an item (in the page's language and in the other one), the
// directory, a saved selection, a 400 page, and the embed in both themes and in rows.
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
  let savedId: string;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    const seeded = await seedReader(database.db);
    ids = seeded.ids;
    await seedFiller(database.db, 30, { topics: seeded.topics });
    hub = await startHub(database, seeded.topics);
    const saved = await fetch(`${hub.url}/api/saved-feeds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Housing in the Atlantic', query: 'topic=housing&region=atlantic' }) });
    savedId = ((await saved.json()) as { id: string }).id;
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
    ['river, filtered and searched, with its chips', '/{ui}/?topic=housing&region=atlantic,north&type=news,event&q=housing&sort=date'],
    ['river, second page', '/{ui}/?limit=10'],
    ['item', `/{ui}/items/${ids.housing}`],
    ['item with its translation', `/{ui}/items/${ids.reportFr}`],
    ['directory', '/{ui}/directory'],
    ['saved selection', `/{ui}/saved/${savedId}`],
    ['400 page for a misspelt parameter', '/{ui}/?topc=housing'],
    ['400 page', '/{ui}/?topic=nope'],
    ['404 page', '/{ui}/items/999999'],
    ['embed, light', '/embed?topic=housing&ui={ui}'],
    ['embed, dark', '/embed?ui={ui}&theme=dark&limit=8'],
    ['embed, in rows', '/embed?ui={ui}&height=5'],
    ['embed, 400', '/embed?ui={ui}&topc=housing'],
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

  for (const ui of ['en', 'fr']) {
    it(`no violations on a phone in ${ui}, the filter panel folded and open`, async () => {
      const phone = await newContext(browser, { bypassCSP: true, viewport: { width: 375, height: 740 } });
      try {
        const page = await phone.newPage();
        const report: string[] = [];
        for (const path of [`/${ui}/?topic=housing&lang=en,fr`, `/${ui}/directory`]) {
          await page.goto(hub.url + path);
          for (const state of ['folded', 'open']) {
            if (state === 'open') await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
            const violations = await runAxe(page);
            if (violations.length) report.push(`${path} (${state}):\n${describeViolations(violations)}`);
          }
        }
        expect(report.join('\n\n')).toBe('');
      } finally {
        await phone.close();
      }
    }, 60_000);
  }
});
