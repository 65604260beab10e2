// A hub that has read nothing yet, in Chromium: the pages that explain it (river, events, the
// directory while offline, the widget) have no axe-core violations, in English and French, and
// the explanation shows above the fold on a phone.
import type { Browser, BrowserContext } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { sources } from '../../src/store/schema.ts';
import { syncSources } from '../../src/store/sources-repo.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { spec } from '../helpers/items.ts';
import { describeViolations, launchBrowser, newContext, runAxe } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

describe('the first run, offline, in a browser', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    await syncSources(database.db, [spec('alpha'), spec('beta'), spec('gamma', { languages: ['fr'] })]);
    // What three sites that cannot be reached leave on their rows.
    await database.db
      .update(sources)
      .set({ lastFetchAt: sql`now()`, errorCount: 1, lastErrorCode: 'dns', lastErrorAt: sql`now()`, lastError: 'DNS lookup failed', nextFetchAt: sql`now() + interval '2 minutes'` });
    hub = await startHub(database, []);
    browser = await launchBrowser();
    context = await newContext(browser, { bypassCSP: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
    await cleanup?.();
  });

  for (const ui of ['en', 'fr'] as const) {
    it(`no violations on the empty hub's pages in ${ui}`, async () => {
      const page = await context.newPage();
      try {
        const report: string[] = [];
        for (const path of [`/${ui}/`, `/${ui}/${ui === 'en' ? 'events' : 'evenements'}`, `/${ui}/directory`, `/embed?ui=${ui}`, `/embed?ui=${ui}&view=events&theme=dark`]) {
          await page.goto(hub.url + path);
          const violations = await runAxe(page);
          if (violations.length) report.push(`${path}:\n${describeViolations(violations)}`);
        }
        expect(report.join('\n\n')).toBe('');
      } finally {
        await page.close();
      }
    }, 60_000);
  }

  it('on a phone, the river says why it is empty above the fold', async () => {
    const phone = await newContext(browser, { viewport: { width: 375, height: 740 } });
    try {
      const page = await phone.newPage();
      await page.goto(`${hub.url}/fr/`);
      const box = page.locator('.hub-empty');
      await expect(box.innerText()).resolves.toContain('le carrefour ne joint aucun site');
      const top = (await box.boundingBox())!.y;
      expect(top).toBeLessThan(740);
    } finally {
      await phone.close();
    }
  });
});
