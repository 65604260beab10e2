// axe-core in Chromium on the admin pages of page sources, in English and French: the add form
// offering a page's blocks, its preview, its refusal of selectors that find nothing, a page
// source's own page, and the page that changes its selectors.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { insertSources } from '../../src/store/sources-repo.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';
import { FIXTURE_SELECTORS, servePageSites } from '../helpers/page-sites.ts';
import { readerTopics } from '../helpers/reader-fixture.ts';
import { describeViolations, launchBrowser, newContext, runAxe } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

const ADMIN_TOKEN = 'axe-admin-token-0123456789';

describe('admin page sources accessibility (axe-core in Chromium)', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let hub: RunningHub;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    server = await startFeedServer();
    servePageSites(server);
    await insertSources(database.db, [spec('cartes', { url: server.url('/cartes/evenements'), kind: 'page', selectors: FIXTURE_SELECTORS.cards, languages: ['fr'] })]);
    hub = await startHub(database, await readerTopics(), undefined, { pipeline: testPipeline(database.db), adminToken: ADMIN_TOKEN });
    browser = await launchBrowser();
    context = await newContext(browser, { bypassCSP: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
    await server?.close();
    await cleanup?.();
  });

  const preview = (page: Page) => page.click('button[name=step][value=preview]');
  const steps = (ui: 'en' | 'fr'): [string, (page: Page) => Promise<unknown>][] => [
    [
      'add form offering the page’s blocks',
      async (page) => {
        await page.goto(`${hub.url}/${ui}/admin/sign-in`);
        await page.fill('#token', ADMIN_TOKEN);
        await page.click('form.admin-form button[type=submit]');
        await page.waitForURL(`${hub.url}/${ui}/admin`);
        await page.goto(`${hub.url}/${ui}/admin/add`);
        await page.fill('#f-url', server.url('/copie/evenements'));
        await page.fill('#f-organization', 'Accueil Familles');
        await page.selectOption('#f-region', 'quebec');
        await page.click('form.admin-form button[type=submit]');
        await page.waitForSelector('#proposal-0');
      },
    ],
    [
      'add form previewing the items',
      async (page) => {
        await preview(page);
        await page.waitForSelector('.page-preview');
      },
    ],
    [
      'add form refusing selectors that find nothing',
      async (page) => {
        await page.fill('#f-sel-item', 'article.nothing');
        await preview(page);
        await page.waitForSelector('.notice.bad');
      },
    ],
    ['a page source’s page', (page) => page.goto(`${hub.url}/${ui}/admin/sources/cartes`)],
    ['changing its selectors', (page) => page.goto(`${hub.url}/${ui}/admin/sources/cartes/selectors`)],
    [
      'changing its selectors, previewed',
      async (page) => {
        await preview(page);
        await page.waitForSelector('.page-preview');
      },
    ],
  ];

  for (const ui of ['en', 'fr'] as const) {
    it(`no violations on any page-source admin page in ${ui}`, async () => {
      const page = await context.newPage();
      try {
        await context.clearCookies();
        const report: string[] = [];
        for (const [name, step] of steps(ui)) {
          await step(page);
          expect(await page.getAttribute('html', 'lang'), name).toBe(ui);
          const violations = await runAxe(page);
          if (violations.length) report.push(`${name} (${page.url()}):\n${describeViolations(violations)}`);
        }
        expect(report.join('\n\n')).toBe('');
      } finally {
        await page.close();
      }
    }, 90_000);
  }
});
