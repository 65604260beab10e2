// axe-core in Chromium on the admin pages, in English and French: signing in (and its refusal),
// the health table (on a wide screen and as cards on a phone), a failing source's page and a
// feeds.yaml one, the add form empty, with the feeds discovered as choices and with wrong fields,
// the edit form (empty of problems and with them, and for a feeds.yaml source), the OPML import
// with its report and its refusal, the deletion's confirmation, a missing source.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { seedAdminHub, serveAdminSites } from '../helpers/admin-fixture.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testPipeline } from '../helpers/hub.ts';
import { readerTopics } from '../helpers/reader-fixture.ts';
import { describeViolations, launchBrowser, newContext, runAxe } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

const ADMIN_TOKEN = 'axe-admin-token-0123456789';

describe('admin pages accessibility (axe-core in Chromium)', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let hub: RunningHub;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    server = await startFeedServer();
    serveAdminSites(server);
    await seedAdminHub(database.db, server);
    hub = await startHub(database, await readerTopics(), undefined, { pipeline: testPipeline(database.db), adminToken: ADMIN_TOKEN });
    browser = await launchBrowser();
    // Our CSP allows no script at all, axe included: only the test's context bypasses it.
    context = await newContext(browser, { bypassCSP: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
    await server?.close();
    await cleanup?.();
  });

  /** Each step leaves the page on the screen to check. */
  const steps = (ui: 'en' | 'fr'): [string, (page: Page) => Promise<unknown>][] => [
    ['sign-in page', (page) => page.goto(`${hub.url}/${ui}/admin/sign-in`)],
    [
      'sign-in refused',
      async (page) => {
        await page.fill('#token', 'wrong-token');
        await page.click('form.admin-form button[type=submit]');
        await page.waitForSelector('.notice.bad');
      },
    ],
    [
      'health table',
      async (page) => {
        await page.fill('#token', ADMIN_TOKEN);
        await page.click('form.admin-form button[type=submit]');
        await page.waitForURL(`${hub.url}/${ui}/admin`);
      },
    ],
    ['failing source', (page) => page.goto(`${hub.url}/${ui}/admin/sources/broken`)],
    ['feeds.yaml source', (page) => page.goto(`${hub.url}/${ui}/admin/sources/filed`)],
    ['add form', (page) => page.goto(`${hub.url}/${ui}/admin/add`)],
    [
      'add form with two feeds to choose from',
      async (page) => {
        await page.fill('#f-url', server.url('/two/'));
        await page.fill('#f-organization', 'Two Feeds Org');
        await page.selectOption('#f-region', 'ontario');
        await page.check('#f-topic-housing');
        await page.click('form.admin-form button[type=submit]');
        await page.waitForSelector('fieldset.candidates');
      },
    ],
    [
      'add form with wrong fields',
      async (page) => {
        await page.goto(`${hub.url}/${ui}/admin/add`);
        await page.evaluate(() => ((document.querySelector('form.admin-form') as HTMLFormElement).noValidate = true));
        await page.fill('#f-url', 'not a url');
        await page.fill('#f-slug', 'Not A Slug');
        await page.click('form.admin-form button[type=submit]');
        await page.waitForSelector('.field-error');
      },
    ],
    ['edit form', (page) => page.goto(`${hub.url}/${ui}/admin/sources/working/edit`)],
    [
      'edit form with wrong fields',
      async (page) => {
        await page.evaluate(() => ((document.querySelector('form.admin-form') as HTMLFormElement).noValidate = true));
        await page.fill('#f-title', '');
        await page.selectOption('#f-region', 'bc');
        await page.selectOption('#f-province', 'ns');
        await page.fill('#f-intervalMinutes', '0');
        await page.click('form.admin-form button[type=submit]');
        await page.waitForSelector('.field-error');
      },
    ],
    ['edit page of a feeds.yaml source', (page) => page.goto(`${hub.url}/${ui}/admin/sources/filed/edit`)],
    ['import form', (page) => page.goto(`${hub.url}/${ui}/admin/import`)],
    [
      'import report',
      async (page) => {
        await page.setInputFiles('#f-file', {
          name: 'list.opml',
          mimeType: 'text/x-opml',
          buffer: Buffer.from(`<opml version="2.0"><body><outline text="Logement"><outline text="Two News" xmlUrl="${server.url('/two/news.xml')}" category="ON"/></outline><outline text="Misc"><outline text="Working" xmlUrl="${server.url('/working.xml')}"/></outline></body></opml>`),
        });
        await page.click('form.admin-form button[type=submit]');
        await page.waitForSelector('#report-h');
      },
    ],
    [
      'import refused',
      async (page) => {
        await page.setInputFiles('#f-file', { name: 'bad.opml', mimeType: 'text/x-opml', buffer: Buffer.from('<opml version="2.0"><body><outline text="Bad" xmlUrl="not a url"/></body></opml>') });
        await page.click('form.admin-form button[type=submit]');
        await page.waitForSelector('#problem-h');
      },
    ],
    ['delete confirmation', (page) => page.goto(`${hub.url}/${ui}/admin/sources/working/delete`)],
    ['missing source', (page) => page.goto(`${hub.url}/${ui}/admin/sources/nope`)],
  ];

  for (const ui of ['en', 'fr'] as const) {
    it(`no violations on any admin page in ${ui}`, async () => {
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
    }, 60_000);
  }

  it('no violations on the health table as cards on a phone', async () => {
    const phone = await newContext(browser, { bypassCSP: true, viewport: { width: 375, height: 740 } });
    try {
      const page = await phone.newPage();
      const report: string[] = [];
      await page.goto(`${hub.url}/en/admin/sign-in`);
      await page.fill('#token', ADMIN_TOKEN);
      await page.click('form.admin-form button[type=submit]');
      await page.waitForURL(`${hub.url}/en/admin`);
      for (const ui of ['en', 'fr']) {
        await page.goto(`${hub.url}/${ui}/admin`);
        const violations = await runAxe(page);
        if (violations.length) report.push(`${ui}:\n${describeViolations(violations)}`);
      }
      expect(report.join('\n\n')).toBe('');
    } finally {
      await phone.close();
    }
  }, 60_000);
});
