// Hostile content in the real browser: every fixture of tests/fixtures/hostile, run through
// normalizeItem and stored as any feed item would be, is shown on its item page, in the river and
// in the embed. Nothing may run: no dialog, no call to a binding the payloads reach for, no
// navigation, no popup, no request for a script, frame or style, no CSP violation. Twice: under
// our CSP, and with the CSP bypassed, so that the sanitizer alone is shown to be enough.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { items, sources } from '../../src/store/schema.ts';
import { eq } from 'drizzle-orm';
import { freshDatabase } from '../helpers/databases.ts';
import { HOSTILE_TITLE, seedHostile, seedReader } from '../helpers/reader-fixture.ts';
import { launchBrowser, newContext } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

/** What the payloads would do if they ran: every one of these is reported to the test. */
function trapEverything() {
  const w = window as unknown as Record<string, unknown> & { __hostileRan(what: string): void };
  const report = (what: string) => w.__hostileRan(what);
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    w[name] = (...args: unknown[]) => report(`${name}(${String(args[0]).slice(0, 60)})`);
  }
  document.addEventListener('securitypolicyviolation', (e) => report(`CSP ${e.violatedDirective} ${e.blockedURI}`));
}

/** Anything in the rendered content a browser could run or that could send the reader away. */
function inspectContent(): string[] {
  const found: string[] = [];
  if (document.scripts.length) found.push(`${document.scripts.length} script element(s)`);
  const forbidden = /^(script|iframe|frame|frameset|object|embed|applet|form|input|button|textarea|select|style|link|meta|base|svg|math|template|noscript|portal)$/i;
  for (const el of document.querySelectorAll('.content *, .content')) {
    if (forbidden.test(el.localName)) found.push(`<${el.localName}>`);
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name) || ['style', 'srcdoc', 'formaction', 'target', 'xlink:href', 'ping'].includes(a.name)) found.push(`${el.localName}[${a.name}]`);
      if (['href', 'src', 'action', 'cite', 'poster', 'data', 'background', 'srcset'].includes(a.name) && !/^(https?:\/\/|mailto:)/i.test(a.value.trim())) found.push(`${el.localName}[${a.name}="${a.value}"]`);
    }
  }
  return found;
}

describe('hostile content in Chromium', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let hub: RunningHub;
  let browser: Browser;
  let fixtures: { id: number; title: string }[];

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    const { topics } = await seedReader(database.db);
    await seedHostile(database.db, { topics });
    fixtures = await database.db
      .select({ id: items.id, title: items.title })
      .from(items)
      .innerJoin(sources, eq(items.sourceId, sources.id))
      .where(eq(sources.slug, 'hostile'))
      .orderBy(items.id);
    hub = await startHub(database, topics);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await cleanup?.();
  });

  async function watch(context: BrowserContext, ran: string[], requests: string[]): Promise<Page> {
    await context.exposeBinding('__hostileRan', (_source, what: string) => void ran.push(what));
    await context.addInitScript(trapEverything);
    // Images may load (from anywhere, per img-src) but never leave the machine; nothing else may be asked for.
    await context.route('**/*', async (route) => {
      const request = route.request();
      if (request.url().startsWith(hub.url)) return route.continue();
      if (!['image', 'media'].includes(request.resourceType())) requests.push(`${request.resourceType()} ${request.url()}`);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      ran.push(`dialog ${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('popup', (popup) => ran.push(`popup ${popup.url()}`));
    page.on('console', (msg) => {
      if (/Refused to|Content Security Policy/i.test(msg.text())) ran.push(`console: ${msg.text().slice(0, 200)}`);
    });
    return page;
  }

  for (const mode of ['under our CSP', 'with the CSP bypassed'] as const) {
    it(`runs nothing, ${mode}`, async () => {
      const context = await newContext(browser, { bypassCSP: mode !== 'under our CSP' });
      const ran: string[] = [];
      const requests: string[] = [];
      const problems: string[] = [];
      try {
        const page = await watch(context, ran, requests);
        const navigations: string[] = [];
        page.on('framenavigated', (frame) => {
          if (frame === page.mainFrame()) navigations.push(frame.url());
        });
        const visit = async (path: string, label: string) => {
          navigations.length = 0;
          const url = hub.url + path;
          await page.goto(url, { waitUntil: 'load' });
          await page.waitForTimeout(20);
          if (navigations.join() !== url) problems.push(`${label}: navigated to ${navigations.join(', ')}`);
          if (page.frames().length !== 1) problems.push(`${label}: ${page.frames().length - 1} frame(s)`);
          if (path.includes('/items/')) for (const f of await page.evaluate(inspectContent)) problems.push(`${label}: ${f}`);
        };
        for (const { id, title } of fixtures) await visit(`/en/items/${id}`, title);
        await visit('/en/?source=hostile&limit=50', 'river');
        await visit('/fr/?source=hostile&limit=50&before=' + Buffer.from(`${Date.now() - 1000 * 3_600_000}:999999`).toString('base64url'), 'river, page 2');
        await visit('/embed?source=hostile&limit=50', 'embed');
        // The title that reads like markup is shown as text.
        await visit('/en/?source=hostile&q=markup', 'river search');
        expect(await page.locator('ol.items h3 a').first().textContent()).toBe(HOSTILE_TITLE);
        expect(await page.locator('ol.items img').count()).toBe(0);
      } finally {
        await context.close();
      }
      expect(fixtures.length).toBeGreaterThan(60);
      expect(ran, 'payloads that ran').toEqual([]);
      expect(requests, 'requests the content made').toEqual([]);
      expect(problems, 'what the content left in the page').toEqual([]);
    }, 90_000);
  }
});
