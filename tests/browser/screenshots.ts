// `npm run screenshots`: pictures of every reader page in English and French, for reviews and the
// README, in tests/screenshots/. The data is the offline demo's: its sample platforms are served
// locally and read once through the whole pipeline into an in-memory PGlite, then Chromium
// photographs the river (desktop and phone, and on a phone filtered, its chips above the results),
// an item, the directory, the events page (desktop and phone) and the embed (light, dark). Then a
// few more rounds of fetching give the admin pages some history, and Chromium photographs the
// sources' health table (wide and on a phone), the add form offering the two feeds a site
// announces, and a source's edit form refusing a province outside its region.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { composeDemoFeeds } from '../../demo/run-demo.ts';
import { startSamplePlatforms } from '../../demo/sample-platforms.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { Language } from '../../src/core/types.ts';
import { createHostLimiter } from '../../src/fetch/host-limiter.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';
import { openDatabase } from '../../src/store/db.ts';
import { queryItems, type ItemView } from '../../src/store/items-query.ts';
import { insertSources, syncSources } from '../../src/store/sources-repo.ts';
import { testFetchSettings } from '../helpers/hub.ts';
import { launchBrowser, newContext } from './browser.ts';
import { startHub } from './reader-server.ts';

const OUT = path.resolve('tests/screenshots');
const PUBLIC_URL = 'https://passerelle.example.ca';
const ADMIN_TOKEN = 'screenshots-admin-token';

/** The item that shows the most: other publishers, a translation, some content. */
function showcase(items: ItemView[]): ItemView {
  const score = (i: ItemView) => i.also.length * 2 + (i.translation ? 3 : 0) + Math.min(2, i.contentHtml.length / 800) + i.topics.length * 0.2;
  return [...items].sort((a, b) => score(b) - score(a))[0];
}

async function main(): Promise<void> {
  const platforms = await startSamplePlatforms({ port: 0 });
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const composed = await composeDemoFeeds({ repoFeedsFile: 'feeds.yaml', demoSourcesFile: 'demo/sources.yaml', platformsUrl: platforms.url });
    const { topics, sources } = parseFeedsFile(composed.text, 'demo feeds');
    await syncSources(database.db, sources);
    const fetch = testFetchSettings();
    const pipeline = {
      db: database.db, fetch, logger: silentLogger(),
      schedule: { minIntervalMinutes: 15, maxIntervalMinutes: 1440, historyPerSource: 20 },
      limiter: createHostLimiter({ concurrency: fetch.concurrency, hostConcurrency: fetch.hostConcurrency }),
      taxonomy: compileTaxonomy(topics),
    };
    const scheduler = createScheduler({ pipeline, tick: '0 0 1 1 *', leaseSeconds: 300, concurrency: 8, logger: silentLogger() });
    const outcomes = await scheduler.runOnce({ which: 'all' });
    console.log(`screenshots: ${outcomes.length} demo sources read, ${outcomes.reduce((n, o) => n + o.itemsNew, 0)} items`);

    const item = showcase(await queryItems(database.db, { limit: 200 }));
    const itemIn = (ui: Language) => (item.translation && item.translation.language === ui ? item.translation.id : item.id);
    const hub = await startHub(database, topics, PUBLIC_URL, { pipeline, adminToken: ADMIN_TOKEN });
    const browser = await launchBrowser();
    await mkdir(OUT, { recursive: true });
    try {
      const shots: [string, string, { width: number; height: number }][] = [];
      for (const ui of ['en', 'fr'] as const) {
        shots.push(
          [`river-${ui}`, `/${ui}/`, { width: 1280, height: 900 }],
          [`river-mobile-${ui}`, `/${ui}/`, { width: 390, height: 844 }],
          [`river-mobile-filtered-${ui}`, `/${ui}/?topic=housing&lang=en&lang=fr`, { width: 375, height: 740 }],
          [`item-${ui}`, `/${ui}/items/${itemIn(ui)}`, { width: 1280, height: 900 }],
          [`directory-${ui}`, `/${ui}/directory`, { width: 1280, height: 900 }],
          [`events-${ui}`, `/${ui}/${ui === 'fr' ? 'evenements' : 'events'}`, { width: 1280, height: 900 }],
          [`events-mobile-${ui}`, `/${ui}/${ui === 'fr' ? 'evenements' : 'events'}`, { width: 390, height: 844 }],
          [`embed-light-${ui}`, `/embed?ui=${ui}&limit=6`, { width: 420, height: 560 }],
          [`embed-dark-${ui}`, `/embed?ui=${ui}&theme=dark&limit=6`, { width: 420, height: 560 }],
        );
      }
      for (const [name, route, viewport] of shots) {
        const context = await newContext(browser, { viewport, locale: name.endsWith('fr') ? 'fr-CA' : 'en-CA' });
        try {
          const page = await context.newPage();
          await page.goto(hub.url + route);
          await page.screenshot({ path: path.join(OUT, `${name}.png`) });
          console.log(`screenshots: ${name}.png  ${route}`);
        } finally {
          await context.close();
        }
      }

      // Admin pages: more rounds give each source a few fetches (304s, a failing one) to draw, and
      // one source is added at run time, as the admin pages add them, for its edit form.
      for (let round = 0; round < 5; round++) await scheduler.runOnce({ which: 'all' });
      await insertSources(database.db, [
        { slug: 'partner-bulletin', url: `${platforms.url}/partner/bulletin.xml`, title: 'Newcomer Partner Network bulletin', organization: 'Newcomer Partner Network', region: 'ontario', province: 'on', languages: ['en', 'fr'], topics: ['partnerships'] },
      ]);
      for (const ui of ['en', 'fr'] as const) {
        const context = await newContext(browser, { viewport: { width: 1280, height: 900 }, locale: ui === 'fr' ? 'fr-CA' : 'en-CA' });
        try {
          // The session cookie as signing in sets it (PUBLIC_URL is https, the hub here is plain http).
          const { hostname } = new URL(hub.url);
          await context.addCookies(['en', 'fr'].map((lang) => ({ name: 'passerelle_admin', value: ADMIN_TOKEN, domain: hostname, path: `/${lang}/admin`, httpOnly: true, sameSite: 'Strict' as const })));
          const page = await context.newPage();
          await page.goto(`${hub.url}/${ui}/admin`);
          await page.screenshot({ path: path.join(OUT, `admin-${ui}.png`) });
          console.log(`screenshots: admin-${ui}.png  /${ui}/admin`);
          await page.setViewportSize({ width: 375, height: 740 });
          await page.screenshot({ path: path.join(OUT, `admin-mobile-${ui}.png`) });
          console.log(`screenshots: admin-mobile-${ui}.png  /${ui}/admin at 375 px`);
          await page.setViewportSize({ width: 1280, height: 900 });
          await page.goto(`${hub.url}/${ui}/admin/add`);
          await page.fill('#f-url', `${platforms.url}/newsroom/`);
          await page.fill('#f-organization', ui === 'fr' ? 'Immigration, Réfugiés et Citoyenneté Canada' : 'Immigration, Refugees and Citizenship Canada');
          await page.selectOption('#f-region', 'national');
          await page.check('#f-topic-refugees');
          await page.click('form.admin-form button[type=submit]');
          await page.waitForSelector('fieldset.candidates');
          await page.screenshot({ path: path.join(OUT, `admin-add-${ui}.png`) });
          console.log(`screenshots: admin-add-${ui}.png  /${ui}/admin/add, a site that announces two feeds`);
          // A source added at run time, its edit form refusing a province outside the region chosen.
          await page.goto(`${hub.url}/${ui}/admin/sources/partner-bulletin/edit`);
          await page.selectOption('#f-region', 'bc');
          await page.selectOption('#f-province', 'ns');
          await page.click('form.admin-form button[type=submit]');
          await page.waitForSelector('.field-error');
          await page.screenshot({ path: path.join(OUT, `admin-edit-${ui}.png`) });
          console.log(`screenshots: admin-edit-${ui}.png  /${ui}/admin/sources/…/edit, a province outside the region`);
        } finally {
          await context.close();
        }
      }
    } finally {
      await browser.close();
      await hub.close();
    }
  } finally {
    await database.close();
    await platforms.close();
  }
}

await main();
