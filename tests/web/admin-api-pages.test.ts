// Page sources through the admin API, in memory (app.request) against both databases, with sites
// without feeds on 127.0.0.1: the offer when a page announces no feed, the preview that saves
// nothing, registering with selectors, every refusal with its reason as a code, changing the
// selectors (checked the same way), and the source's kind and selectors in /api/sources.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createMetrics } from '../../src/core/metrics.ts';
import type { Topic } from '../../src/core/types.ts';
import type { Database } from '../../src/store/db.ts';
import { items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testPipeline } from '../helpers/hub.ts';
import { FIXTURE_SELECTORS, servePageSites } from '../helpers/page-sites.ts';

const json = (res: Response): Promise<any> => res.json();
const ADMIN_TOKEN = 'bootstrap-secret-0123456789';
const NOW = new Date('2026-12-15T00:00:00Z');
const topic = (slug: string, en: string, fr: string): Topic => ({ slug, label: { en, fr }, keywords: { en: [], fr: [] }, categories: [] });
const TOPICS = [topic('housing', 'Housing', 'Logement'), topic('employment', 'Employment', 'Emploi')];

describe.each(databaseKinds)('page sources through the admin API on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    servePageSites(server);
    const metrics = createMetrics();
    app = createApp({
      database,
      logger: silentLogger(),
      publicUrl: 'http://hub.test',
      version: 'test',
      topics: TOPICS,
      pipeline: testPipeline(database.db, { metrics, now: () => NOW }),
      adminToken: ADMIN_TOKEN,
      metrics,
    });
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const add = (body: Record<string, unknown>, query = '') => call('POST', `/api/sources${query}`, { organization: 'Accueil Familles', region: 'quebec', ...body });
  const count = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(sources))[0].n;

  it('offers to read a page that announces no feed: its repeated blocks, each with its first items', async () => {
    const res = await add({ url: server.url('/cartes/evenements') });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toMatch(/not a feed \(HTML\), and the page offers none: .*the page itself can be read as a page source \(kind "page"\) with CSS selectors: 1 proposed/);
    expect(body.page.url).toBe(server.url('/cartes/evenements'));
    expect(body.page.title).toBe('Événements — Accueil Familles');
    const [best] = body.page.proposals;
    expect(best.selectors).toMatchObject({ item: 'div.carte.carte--evenement', title: 'h3.carte__titre', date: 'p.carte__date' });
    expect(best).toMatchObject({ itemCount: 8, withDate: 8 });
    expect(best.preview[0]).toMatchObject({ title: 'Café-rencontre des nouveaux arrivants', date: 'mardi 3 mars 2026', dateRead: '2026-03-03T00:00:00.000Z' });
    expect(await count()).toBe(0);
  });

  it('says so when the page has nothing to read as a list either', async () => {
    const body = await json(await add({ url: server.url('/plain/') }));
    expect(body.page).toEqual({ url: server.url('/plain/'), title: 'About us', proposals: [], problem: { code: 'no-repeated-blocks', params: {} } });
  });

  it('previews a page: the proposals without selectors, then the items the chosen ones read; nothing is saved', async () => {
    const offer = await add({ url: server.url('/cartes/evenements'), kind: 'page' }, '?preview=true');
    expect(offer.status).toBe(200);
    const proposed = (await json(offer)).preview;
    expect(proposed).toMatchObject({ kind: 'page', url: server.url('/cartes/evenements'), languages: ['fr'], itemCount: 0, items: [], selectors: null });
    expect(proposed.proposals[0].itemCount).toBe(8);

    const res = await add({ url: server.url('/cartes/evenements'), kind: 'page', selectors: proposed.proposals[0].selectors }, '?preview=true');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.note).toMatch(/nothing was saved/);
    expect(body.preview).toMatchObject({ kind: 'page', title: 'Événements — Accueil Familles', languages: ['fr'], discoveredVia: 'page', itemCount: 8 });
    expect(body.preview.items[0]).toEqual({
      title: 'Café-rencontre des nouveaux arrivants',
      url: server.url('/evenements/cafe-rencontre-mars'),
      // A day without a time of day is kept at noon UTC: the same day across Canada.
      published: '2026-03-03T12:00:00.000Z',
      dateFromFeed: true,
      summary: expect.stringMatching(/^Un moment convivial/),
      language: 'fr',
    });
    expect(body.preview.items[3].published).toBe('2026-01-28T12:00:00.000Z');
    expect(await count()).toBe(0);
  });

  it('registers a page with its selectors, shows its kind and selectors, and reads it like any source', async () => {
    const res = await add({ url: server.url('/cartes/evenements'), kind: 'page', selectors: FIXTURE_SELECTORS.cards, slug: 'cartes', topics: ['employment'] });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.discoveredVia).toBe('page');
    expect(body.source).toMatchObject({ slug: 'cartes', kind: 'page', selectors: FIXTURE_SELECTORS.cards, url: server.url('/cartes/evenements'), languages: ['fr'] });
    const listed = (await json(await app.request('/api/sources'))).sources.find((s: { slug: string }) => s.slug === 'cartes');
    expect(listed).toMatchObject({ kind: 'page', selectors: FIXTURE_SELECTORS.cards });
    const refreshed = await json(await call('POST', '/api/sources/cartes/refresh'));
    expect(refreshed.outcome).toMatchObject({ outcome: 'ok', itemsNew: 8 });
    const row = (await getSourceBySlug(database.db, 'cartes'))!;
    const stored = await database.db.select().from(items).where(sql`source_id = ${row.id}`);
    expect(stored.map((i) => i.key)).toContain(`g:${server.url('/evenements/cafe-rencontre-mars')}`);
    expect(row.lastItemsFound).toBe(8);
    expect((await json(await call('POST', '/api/sources/cartes/refresh'))).outcome.outcome).toBe('unchanged');
  });

  it('lists a page source in the sources OPML by the hub’s feed of it, and the directory links its page', async () => {
    const opml = await (await app.request('/opml/sources.opml')).text();
    expect(opml).toMatch(new RegExp(`<outline [^>]*xmlUrl="http://hub.test/sources/cartes.rss" htmlUrl="${server.url('/cartes/evenements')}"`));
    const directory = await (await app.request('/fr/directory')).text();
    expect(directory).toContain(`<a href="${server.url('/cartes/evenements')}">Page d’origine</a>`);
  });

  it.each([
    ['selectors that are not CSS', { item: 'tr[' }, 400, { details: [{ field: 'selectors.item', message: expect.stringMatching(/^not a CSS selector the hub can run/) }] }],
    ['an item selector that matches nothing', { item: 'article.event' }, 422, { problem: { code: 'selector-matches-nothing', params: { field: 'item' } } }],
    ['an item selector that matches the whole page', { item: 'body' }, 422, { problem: { code: 'selector-matches-page', params: { field: 'item' } } }],
    ['blocks nested in one another', { item: 'div' }, 422, { problem: { code: 'selector-matches-nested', params: { field: 'item' } } }],
    ['a title selector found in no item', { item: 'tbody tr', title: 'h2.title' }, 422, { problem: { code: 'selector-matches-nothing', params: { field: 'title' } } }],
    ['items with no link', { item: 'td.views-field-field-funder' }, 422, { problem: { code: 'items-without-links', params: { items: 5 } } }],
  ])('refuses %s at registration, with the reason', async (_name, selectors, status, expected) => {
    const res = await add({ url: server.url('/table/appels'), kind: 'page', selectors, slug: 'refused' });
    expect(res.status).toBe(status);
    expect(await json(res)).toMatchObject(expected);
    expect(await getSourceBySlug(database.db, 'refused')).toBeUndefined();
  });

  it.each([
    ['a login wall', '/portal/news', { code: 'login-wall', params: {} }],
    ['JSON', '/api/items.json', { code: 'not-html', params: { looksLike: 'json' } }],
    ['a feed', '/feed.xml', { code: 'page-is-a-feed', params: {} }],
  ])('refuses %s as a page, with the reason', async (_name, path, problem) => {
    const res = await add({ url: server.url(path), kind: 'page', selectors: { item: 'li' } });
    expect(res.status).toBe(422);
    expect((await json(res)).problem).toEqual(problem);
  });

  it('refuses a page source without selectors, with the proposals to choose from', async () => {
    const res = await add({ url: server.url('/table/appels'), kind: 'page' });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toMatch(/^selectors: required for a page source/);
    expect(body.page.proposals[0]).toMatchObject({ itemCount: 5, selectors: { item: 'tbody > tr' } });
  });

  it('refuses the same page twice, and feedUrl on a page', async () => {
    expect((await add({ url: server.url('/cartes/evenements'), kind: 'page', selectors: FIXTURE_SELECTORS.cards })).status).toBe(409);
    const chosen = await add({ url: server.url('/table/appels'), kind: 'page', selectors: FIXTURE_SELECTORS.drupal, feedUrl: server.url('/feed.xml') });
    expect(chosen.status).toBe(400);
    expect((await json(chosen)).details).toEqual([{ field: 'feedUrl', message: 'only for a feed: a page source is read at its url' }]);
  });

  it('changes the selectors with the same checks, previews them first, and reads the page afresh', async () => {
    expect((await add({ url: server.url('/news'), kind: 'page', selectors: FIXTURE_SELECTORS.news, slug: 'news', languages: ['en'] })).status).toBe(201);
    await call('POST', '/api/sources/news/refresh');
    const before = (await getSourceBySlug(database.db, 'news'))!;
    expect(before).toMatchObject({ lastItemsFound: 12 });
    expect(before.bodyHash).not.toBeNull();

    const bad = await call('PATCH', '/api/sources/news', { selectors: { item: 'article.story-card' } });
    expect(bad.status).toBe(422);
    expect((await json(bad)).problem).toEqual({ code: 'selector-matches-nothing', params: { field: 'item' } });
    expect((await getSourceBySlug(database.db, 'news'))!.selectors).toEqual(FIXTURE_SELECTORS.news);

    const preview = await call('PATCH', '/api/sources/news?preview=true', { selectors: { item: 'li.news-item', date: 'span.date' } });
    expect(preview.status).toBe(200);
    expect((await json(preview)).preview).toMatchObject({ kind: 'page', itemCount: 12, selectors: { item: 'li.news-item', date: 'span.date' } });
    expect((await getSourceBySlug(database.db, 'news'))!.selectors).toEqual(FIXTURE_SELECTORS.news);

    const saved = await call('PATCH', '/api/sources/news', { selectors: { item: 'li.news-item', date: 'span.date' } });
    expect(saved.status).toBe(200);
    expect((await json(saved)).source.selectors).toEqual({ item: 'li.news-item', date: 'span.date' });
    // New selectors read the same bytes again: what was fetched and counted says nothing of them.
    expect(await getSourceBySlug(database.db, 'news')).toMatchObject({ etag: null, lastModified: null, bodyHash: null, lastItemsFound: null });
    expect((await json(await call('POST', '/api/sources/news/refresh'))).outcome.outcome).toBe('ok');
  });

  it('refuses selectors on a feed source', async () => {
    const feed = await add({ url: server.url('/feed.xml'), slug: 'a-feed', languages: ['en'] });
    expect(feed.status).toBe(201);
    const res = await call('PATCH', '/api/sources/a-feed', { selectors: { item: 'li' } });
    expect(res.status).toBe(400);
    expect((await json(res)).details).toEqual([{ field: 'selectors', code: 'selectors-page-only', message: 'only a page source (kind: page) has selectors' }]);
  });
});
