// The admin pages in Chromium with scripts off, against the real server and a fixture feed
// server on 127.0.0.1: signing in (and the cookie the browser keeps), the health table with a
// failing source and its sparkline (and as cards on a phone), adding a source by site URL that
// offers two feeds, pausing and resuming, refreshing, deleting after the confirmation step,
// editing a source in French, importing an OPML file, and a read-only token's view.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/store/api-tokens.ts';
import type { Database } from '../../src/store/db.ts';
import { getSourceBySlug } from '../../src/store/sources-repo.ts';
import { seedAdminHub, serveAdminSites } from '../helpers/admin-fixture.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testPipeline } from '../helpers/hub.ts';
import { readerTopics } from '../helpers/reader-fixture.ts';
import { launchBrowser, newContext } from './browser.ts';
import { startHub, type RunningHub } from './reader-server.ts';

const ADMIN_TOKEN = 'browser-admin-token-0123456789';

describe('admin pages in Chromium, scripts off', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let hub: RunningHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let auditor: string;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    server = await startFeedServer();
    serveAdminSites(server);
    await seedAdminHub(database.db, server);
    auditor = (await createApiToken(database.db, { name: 'auditor', readOnly: true })).token;
    hub = await startHub(database, await readerTopics(), undefined, { pipeline: testPipeline(database.db), adminToken: ADMIN_TOKEN });
    browser = await launchBrowser();
    context = await newContext(browser, { javaScriptEnabled: false, locale: 'en-CA' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await hub?.close();
    await server?.close();
    await cleanup?.();
  });

  const rowOf = (slug: string) => page.locator(`tr#s-${slug}`);

  it('signs in with a token, after refusing a wrong one, and keeps a strict cookie for the admin pages', async () => {
    await page.goto(`${hub.url}/admin`);
    await page.waitForURL(`${hub.url}/en/admin/sign-in`);
    await page.getByLabel('Token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That token was not accepted.');
    expect((await context.cookies()).filter((c) => c.name === 'passerelle_admin')).toEqual([]);
    // Keyboard only: type the token and press Enter.
    await page.getByLabel('Token').fill(ADMIN_TOKEN);
    await page.getByLabel('Token').press('Enter');
    await page.waitForURL(`${hub.url}/en/admin`);
    expect(await page.locator('h1').textContent()).toBe('Sources and their health');
    const cookies = (await context.cookies()).filter((c) => c.name === 'passerelle_admin');
    expect(cookies.map((c) => c.path).sort()).toEqual(['/en/admin', '/fr/admin']);
    for (const c of cookies) expect(c).toMatchObject({ name: 'passerelle_admin', httpOnly: true, sameSite: 'Strict', secure: false });
    // The reader's pages never receive it.
    const sent: Promise<[string, boolean]>[] = [];
    const listen = (req: import('playwright-core').Request) => sent.push(req.allHeaders().then((h) => [req.url(), Boolean(h.cookie?.includes('passerelle_admin'))]));
    page.on('request', listen);
    await page.goto(`${hub.url}/en/`);
    await page.goto(`${hub.url}/en/admin`);
    page.off('request', listen);
    const withCookie = (await Promise.all(sent)).filter(([, has]) => has).map(([url]) => url);
    expect(withCookie).toEqual([`${hub.url}/en/admin`]);
    expect((await Promise.all(sent)).length).toBeGreaterThan(2);
  });

  it('puts the failing source first, with its error in words and its sparkline', async () => {
    await page.goto(`${hub.url}/en/admin`);
    expect(await page.locator('.tally').textContent()).toBe('1 of 4 sources failing · 2 working · 1 paused');
    expect(await page.locator('tbody tr').first().getAttribute('id')).toBe('s-broken');
    const broken = rowOf('broken');
    expect(await broken.locator('td').first().textContent()).toBe('Active, failing');
    expect(await broken.locator('td').nth(3).textContent()).toBe('500');
    expect(await broken.locator('.error-cell').textContent()).toContain('The site had a server error.');
    const spark = broken.getByRole('img', { name: 'Last 15 fetches: 12 ok, 3 failed' });
    expect(await spark.count()).toBe(1);
    expect(await spark.locator('rect.sf').count()).toBe(3);
    // Failures hang below the line, successes stand on it.
    const ys = await spark.locator('rect').evaluateAll((rects) => rects.map((r) => [r.getAttribute('class'), Number(r.getAttribute('y'))] as const));
    for (const [cls, y] of ys) expect(cls === 'sf' ? y > 16 : y < 16).toBe(true);
    // The failing row is tinted, and its colours are not the only sign: the words are there.
    expect(await broken.evaluate((tr) => getComputedStyle(tr).backgroundColor)).toBe('rgb(253, 243, 242)');
  });

  it('adds a source by its site’s address, choosing one of the two feeds it offers', async () => {
    await page.goto(`${hub.url}/en/admin`);
    await page.getByRole('link', { name: 'Add a source' }).click();
    await page.getByLabel(/^Feed or website address/).fill(server.url('/two/'));
    await page.getByLabel(/^Organization/).fill('Two Feeds Settlement Services');
    await page.getByLabel(/^Region/).selectOption({ label: 'Ontario' });
    await page.getByLabel(/^Province or territory/).selectOption({ label: 'Ontario' });
    await page.getByLabel('Housing', { exact: true }).check();
    await page.getByRole('button', { name: 'Find the feed and add the source' }).click();
    await page.waitForURL(`${hub.url}/en/admin/add`);
    const choice = page.getByRole('group', { name: 'This address offers 2 feeds: choose one' });
    expect(await choice.getByRole('radio').count()).toBe(2);
    // What was typed is kept.
    expect(await page.getByLabel(/^Organization/).inputValue()).toBe('Two Feeds Settlement Services');
    expect(await page.getByLabel('Housing', { exact: true }).isChecked()).toBe(true);
    await choice.getByLabel(/Newcomer news/).check();
    await page.getByRole('button', { name: 'Find the feed and add the source' }).click();
    await page.waitForURL(`${hub.url}/en/admin/sources/newcomer-news?done=added`);
    expect(await page.locator('h1').textContent()).toBe('Newcomer news');
    expect(await page.getByRole('status').textContent()).toMatch(/^Source added\./);
    expect(await getSourceBySlug(database.db, 'newcomer-news')).toMatchObject({
      url: server.url('/two/news.xml'), siteUrl: server.url('/two/'), organization: 'Two Feeds Settlement Services', region: 'ontario', province: 'on', topics: ['housing'],
    });
  });

  it('refreshes a source now and shows the fetch in its history', async () => {
    await page.goto(`${hub.url}/en/admin/sources/newcomer-news`);
    expect(await page.getByText('No fetch yet').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.waitForURL(/done=refreshed/);
    expect(await page.getByRole('status').textContent()).toBe('Fetched now: OK; 2 new items, 0 updated.');
    const history = page.locator('table.history tbody tr');
    expect(await history.count()).toBe(1);
    expect(await history.first().locator('td').first().textContent()).toBe('OK');
    expect(await page.getByRole('link', { name: '2 items' }).count()).toBe(1);
  });

  it('pauses and resumes a source', async () => {
    await page.goto(`${hub.url}/en/admin/sources/newcomer-news`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForURL(/done=paused/);
    expect(await page.locator('.state-line').textContent()).toMatch(/^Paused/);
    expect(await page.getByRole('button', { name: 'Refresh now' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Back to all sources' }).click();
    expect(await rowOf('newcomer-news').locator('td').first().textContent()).toBe('Paused');
    await rowOf('newcomer-news').getByRole('link', { name: 'Newcomer news' }).click();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForURL(/done=resumed/);
    expect(await page.locator('.state-line').textContent()).toMatch(/^Active/);
    expect((await getSourceBySlug(database.db, 'newcomer-news'))!.status).toBe('active');
  });

  it('deletes a source only once the confirmation is ticked', async () => {
    await page.goto(`${hub.url}/en/admin/sources/newcomer-news`);
    await page.getByRole('link', { name: 'Delete…' }).click();
    await page.waitForURL(`${hub.url}/en/admin/sources/newcomer-news/delete`);
    expect(await page.locator('h1').textContent()).toBe('Delete “Newcomer news”?');
    // The box is required: the browser does not send the form without it.
    await page.getByRole('button', { name: 'Delete for good' }).click();
    expect(page.url()).toBe(`${hub.url}/en/admin/sources/newcomer-news/delete`);
    expect(await page.getByLabel('Yes, delete this source and its items for good').evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
    expect(await getSourceBySlug(database.db, 'newcomer-news')).toBeDefined();
    await page.getByLabel('Yes, delete this source and its items for good').check();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL(/\/en\/admin\?done=deleted/);
    expect(await page.getByRole('status').textContent()).toBe('Deleted “newcomer-news” with its 2 items and its fetch history.');
    expect(await rowOf('newcomer-news').count()).toBe(0);
    expect(await getSourceBySlug(database.db, 'newcomer-news')).toBeUndefined();
  });

  it('switches language on an admin page and stays signed in', async () => {
    await page.goto(`${hub.url}/en/admin/sources/broken`);
    await page.getByRole('link', { name: 'Français' }).click();
    await page.waitForURL(`${hub.url}/fr/admin/sources/broken`);
    expect(await page.getByRole('button', { name: 'Lire maintenant' }).count()).toBe(1);
  });

  it('edits a source in French: a province that contradicts the region is refused in French; a province alone moves it', async () => {
    await page.goto(`${hub.url}/fr/admin/sources/broken`);
    await page.getByRole('link', { name: 'Modifier…' }).click();
    await page.waitForURL(`${hub.url}/fr/admin/sources/broken/edit`);
    await page.getByLabel(/^Organisation/).fill('Réseau d’établissement du Cap-Breton');
    await page.getByLabel(/^Région/).selectOption({ label: 'Colombie-Britannique' });
    await page.getByLabel(/^Province ou territoire/).selectOption({ label: 'Nouvelle-Écosse' });
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain('Nouvelle-Écosse n’est pas dans la région «\u00a0Colombie-Britannique\u00a0». Choisissez sa région, ou laissez la région vide\u00a0: la province la fixe.');
    expect(await alert.textContent()).not.toMatch(/is not in region|province "ns"/);
    expect(await page.getByLabel(/^Organisation/).inputValue()).toBe('Réseau d’établissement du Cap-Breton');
    // Leaving the region empty: the province sets it.
    await page.getByLabel(/^Région/).selectOption({ value: '' });
    await page.getByLabel(/^Province ou territoire/).selectOption({ label: 'Île-du-Prince-Édouard' });
    await page.getByLabel('Logement', { exact: true }).check();
    await page.getByLabel(/^Intervalle de lecture/).fill('90');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForURL(`${hub.url}/fr/admin/sources/broken?done=edited`);
    expect(await page.getByRole('status').textContent()).toBe('Modifications enregistrées.');
    expect(await getSourceBySlug(database.db, 'broken')).toMatchObject({ organization: 'Réseau d’établissement du Cap-Breton', region: 'atlantic', province: 'pe', topics: ['housing'], intervalOverrideMinutes: 90 });
    // A feeds.yaml source: the page says where to change it.
    await page.goto(`${hub.url}/en/admin/sources/filed/edit`);
    expect(await page.locator('main').textContent()).toContain('in the entry whose slug is “filed”');
    expect(await page.locator('form.admin-form').count()).toBe(0);
  });

  it('imports an OPML file: a dry run first, then for real', async () => {
    const file = {
      name: 'members.opml',
      mimeType: 'text/x-opml',
      buffer: Buffer.from(`<?xml version="1.0"?><opml version="2.0"><head><title>Members</title></head><body>
        <outline text="Housing"><outline text="Shelter Network News" xmlUrl="${server.url('/two/news.xml')}" category="/ontario/on"/></outline>
      </body></opml>`),
    };
    await page.goto(`${hub.url}/en/admin`);
    await page.getByRole('link', { name: 'Import OPML' }).click();
    await page.getByLabel(/^OPML file/).setInputFiles(file);
    expect(await page.getByLabel(/dry run/).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Read the file' }).click();
    await page.waitForSelector('#report-h');
    expect(await page.locator('.tally').textContent()).toBe('Dry run: 1 source to import, 0 skipped. Nothing was imported.');
    const row = page.locator('table.imported tbody tr');
    expect(await row.locator('th').textContent()).toContain('Shelter Network News');
    expect(await row.locator('td').allTextContents()).toEqual(['Shelter Network', 'Ontario', 'Englishdeclared by the feed', 'Housing']);
    expect(await getSourceBySlug(database.db, 'shelter-network-news')).toBeUndefined();
    await page.getByLabel(/^OPML file/).setInputFiles(file);
    await page.getByLabel(/dry run/).uncheck();
    await page.getByRole('button', { name: 'Read the file' }).click();
    await page.waitForSelector('#report-h');
    expect(await page.locator('.tally').textContent()).toBe('1 source imported, 0 skipped.');
    expect(await getSourceBySlug(database.db, 'shelter-network-news')).toMatchObject({ organization: 'Shelter Network', region: 'ontario', province: 'on', languages: ['en'], topics: ['housing'] });
  });

  it('on a phone, the health table is a card per source: the failing one’s error and next fetch in view, nothing sideways', async () => {
    const phone = await newContext(browser, { javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
    try {
      await phone.addCookies(await context.cookies());
      const p = await phone.newPage();
      await p.goto(`${hub.url}/en/admin`);
      const card = await p.evaluate(() => {
        const row = document.querySelector('tbody tr')!;
        const error = row.querySelector('.error-cell')!.getBoundingClientRect();
        const next = row.querySelector('td[data-label="Next fetch"]')!.getBoundingClientRect();
        return { id: row.id, width: document.documentElement.scrollWidth, errorRight: error.right, nextRight: next.right, rowHeight: row.getBoundingClientRect().height };
      });
      expect(card.id).toBe('s-broken');
      expect(card.width).toBe(375);
      expect(card.errorRight).toBeLessThanOrEqual(375);
      expect(card.nextRight).toBeLessThanOrEqual(375);
      expect(card.rowHeight).toBeLessThan(400);
      expect(await p.locator('tbody tr#s-broken .error-cell').textContent()).toContain('The site had a server error.');
    } finally {
      await phone.close();
    }
  });

  it('signs out, and a read-only token then sees everything but no action', async () => {
    await page.goto(`${hub.url}/en/admin`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${hub.url}/en/admin/sign-in?signed-out`);
    expect((await context.cookies()).filter((c) => c.name === 'passerelle_admin')).toEqual([]);
    await page.goto(`${hub.url}/en/admin/sources/broken`);
    await page.waitForURL(/sign-in\?next=/);
    await page.getByLabel('Token').fill(auditor);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${hub.url}/en/admin/sources/broken`);
    expect(await page.locator('.who').textContent()).toBe('Signed in with the token “auditor”read-only');
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    expect(await page.getByRole('link', { name: 'Add a source' }).count()).toBe(0);
    expect(await page.getByText('This token is read-only').count()).toBe(1);
  });
});
