// Page sources on the admin pages, in memory (app.request) against both databases, with sites
// without feeds on 127.0.0.1: the "Add a source" round trip (the page's blocks proposed, a preview
// that saves nothing, then saving) in English and French, refusals worded in the page's language,
// the source's page showing how it is read, changing the selectors with the same checks, and the
// health saying plainly that the selectors stopped matching after a redesign.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createMetrics } from '../../src/core/metrics.ts';
import type { Database } from '../../src/store/db.ts';
import { items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testPipeline } from '../helpers/hub.ts';
import { FIXTURE_SELECTORS, servePageSites, type PageSites } from '../helpers/page-sites.ts';
import { readerTopics } from '../helpers/reader-fixture.ts';

const PUBLIC = 'http://hub.test';
const ADMIN_TOKEN = 'bootstrap-secret-0123456789';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const NOW = new Date('2026-12-15T00:00:00Z');

function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
const textOf = (html: string) => decode(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));

describe.each(databaseKinds)('page sources on the admin pages on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let sites: PageSites;
  let app: ReturnType<typeof createApp>;
  let cookie: string;
  let ip = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    sites = servePageSites(server);
    app = createApp({
      database,
      logger: silentLogger(),
      publicUrl: PUBLIC,
      version: 'test',
      topics: await readerTopics(),
      pipeline: testPipeline(database.db, { metrics: createMetrics(), now: () => NOW }),
      adminToken: ADMIN_TOKEN,
      trustProxy: true,
      metrics: createMetrics(),
    });
    const signIn = await app.request('/en/admin/sign-in', {
      method: 'POST',
      headers: { ...FORM, origin: PUBLIC, 'x-forwarded-for': '192.0.2.1' },
      body: `token=${ADMIN_TOKEN}`,
    });
    cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  });
  afterAll(async () => {
    await server?.close();
    await cleanup?.();
  });

  const from = () => ({ 'x-forwarded-for': `192.0.2.${(++ip % 200) + 10}` });
  async function page(path: string) {
    const res = await app.request(path, { headers: { ...from(), cookie } });
    return { res, html: await res.text() };
  }
  async function post(path: string, fields: Record<string, string | string[]>) {
    const formPage = await page('/en/admin');
    const token = /name="_csrf" value="([^"]+)"/.exec(formPage.html)![1];
    const body = new URLSearchParams({ _csrf: token });
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    const res = await app.request(path, { method: 'POST', headers: { ...FORM, origin: PUBLIC, ...from(), cookie }, body: body.toString() });
    return { res, html: res.status === 303 ? '' : await res.text() };
  }
  /** The fields a browser sends back from a rendered form: its inputs, checked radios and boxes, selected options. */
  function fieldsOf(html: string): Record<string, string | string[]> {
    const out: Record<string, string[]> = {};
    const add = (name: string, value: string) => (out[name] ??= []).push(decode(value));
    for (const m of html.matchAll(/<input ([^>]*)\/?>/g)) {
      const attrs = m[1];
      const name = /name="([^"]*)"/.exec(attrs)?.[1];
      const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
      if (!name || name === '_csrf') continue;
      if ((type === 'radio' || type === 'checkbox') && !/checked=""/.test(attrs)) continue;
      add(name, /value="([^"]*)"/.exec(attrs)?.[1] ?? '');
    }
    for (const m of html.matchAll(/<select [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
      const chosen = /<option value="([^"]*)" selected=""/.exec(m[2]);
      if (chosen) add(m[1], chosen[1]);
    }
    return out;
  }
  const storedCount = async (slug: string) => {
    const row = await getSourceBySlug(database.db, slug);
    return row ? (await database.db.select({ n: sql<number>`count(*)::int` }).from(items).where(sql`source_id = ${row.id}`))[0].n : 0;
  };

  it.each([
    ['en', 'Find the feed', 'This page publishes no feed: the hub can read the page itself', 'These selectors find 8 items on the page', 'Add this page as a source', 'mardi 3 mars 2026', 'Mar 3, 2026'],
    ['fr', 'Trouver le fil', 'Cette page ne publie aucun fil : le carrefour peut lire la page elle-même', 'Ces sélecteurs trouvent 8 contenus dans la page', 'Ajouter cette page comme source', 'mardi 3 mars 2026', '3 mars 2026'],
  ])('%s: proposes the page’s blocks, previews the items without saving, then saves the source', async (ui, _find, offerHeading, previewCount, saveLabel, proposedDate, shownDate) => {
    const slug = `cartes-${ui}`;
    const path = ui === 'en' ? '/cartes/evenements' : '/copie/evenements';
    const first = await post(`/${ui}/admin/add`, { url: server.url(path), organization: 'Accueil Familles', region: 'quebec', province: 'qc', slug });
    expect(first.res.status).toBe(422);
    const offer = textOf(first.html);
    expect(offer).toContain(offerHeading);
    expect(first.html).not.toMatch(/<script/i);
    // The block a person would call the list comes first, with its first items and their dates as the page writes them.
    expect(first.html).toMatch(/<input type="radio" id="proposal-0" name="proposal" value="\{&quot;item&quot;:&quot;div.carte.carte--evenement&quot;/);
    expect(offer).toContain(`Café-rencontre des nouveaux arrivants (${proposedDate})`);
    expect(first.html).toContain('<input type="hidden" name="kind" value="page"/>');
    expect(first.html).toContain('value="Accueil Familles"');
    expect(await getSourceBySlug(database.db, slug)).toBeUndefined();

    const preview = await post(`/${ui}/admin/add`, { ...fieldsOf(first.html), step: 'preview' });
    expect(preview.res.status).toBe(200);
    const shown = textOf(preview.html);
    expect(shown).toContain(previewCount);
    expect(shown).toContain(`Café-rencontre des nouveaux arrivants ${shownDate}`);
    expect(preview.html).toContain(`<a href="${server.url('/evenements/cafe-rencontre-mars')}">Café-rencontre des nouveaux arrivants</a>`);
    // The chosen block's selectors now fill the fields, to be changed or saved.
    expect(preview.html).toContain('id="f-sel-item" name="sel-item" value="div.carte.carte--evenement"');
    expect(preview.html).toContain(`<button type="submit" name="step" value="save">${saveLabel}</button>`);
    expect(await getSourceBySlug(database.db, slug)).toBeUndefined();

    const saved = await post(`/${ui}/admin/add`, { ...fieldsOf(preview.html), step: 'save' });
    expect(saved.res.status).toBe(303);
    expect(saved.res.headers.get('location')).toBe(`/${ui}/admin/sources/${slug}?done=added`);
    expect(await getSourceBySlug(database.db, slug)).toMatchObject({
      kind: 'page', url: server.url(path), languages: ['fr'], region: 'quebec', province: 'qc', origin: 'api',
      selectors: { item: 'div.carte.carte--evenement', title: 'h3.carte__titre', date: 'p.carte__date' },
    });
    const sourcePage = textOf((await page(saved.res.headers.get('location')!)).html);
    expect(sourcePage).toContain(ui === 'en' ? 'How the page is read Kind Web page, read with CSS selectors Items div.carte.carte--evenement' : 'Comment la page est lue Type Page web, lue avec des sélecteurs CSS Contenus div.carte.carte--evenement');
  });

  it('previews selectors typed by hand, then refuses ones that find nothing, with the reason on the field, in French', async () => {
    const base = { url: server.url('/table/appels'), organization: 'Table', region: 'quebec', kind: 'page', proposal: 'own' };
    const typed = await post('/fr/admin/add', { ...base, 'sel-item': FIXTURE_SELECTORS.drupal.item, 'sel-title': 'td.views-field-title a', step: 'preview' });
    expect(typed.res.status).toBe(200);
    expect(textOf(typed.html)).toContain('Ces sélecteurs trouvent 5 contenus dans la page');
    // A deadline still ahead is no publication date: the day the item is first seen.
    expect(textOf(typed.html)).toContain('aucune date dans la page : le jour où il est vu la première fois');

    const nothing = await post('/fr/admin/add', { ...base, 'sel-item': 'article.appel', step: 'preview' });
    expect(nothing.res.status).toBe(422);
    expect(textOf(nothing.html)).toContain('Le sélecteur des contenus ne trouve rien dans la page.');
    expect(nothing.html).toMatch(/id="f-sel-item" name="sel-item" value="article.appel"[^>]*aria-invalid="true"/);
    expect(nothing.html).not.toContain('name="step" value="save"');

    const title = await post('/en/admin/add', { ...base, 'sel-item': 'tbody tr', 'sel-title': 'h2.title', step: 'preview' });
    expect(title.res.status).toBe(422);
    expect(textOf(title.html)).toContain('The selector for the title finds nothing in any item.');
    expect(title.html).toMatch(/id="f-sel-title"[^>]*aria-invalid="true"/);

    const invalid = await post('/en/admin/add', { ...base, 'sel-item': 'tr[', step: 'preview' });
    expect(invalid.res.status).toBe(400);
    expect(invalid.html).toMatch(/id="f-sel-item" name="sel-item" value="tr\["[^>]*aria-invalid="true"/);
    expect(textOf(invalid.html)).toMatch(/The selector for the items \(“tr\[”\) is not CSS the hub can run\./);

    const whole = await post('/en/admin/add', { ...base, 'sel-item': 'body', step: 'save' });
    expect(whole.res.status).toBe(422);
    expect(textOf(whole.html)).toContain('The selector for the items takes in the whole page, not the entries of a list.');
    expect(await database.db.select().from(sources).where(sql`url = ${server.url('/table/appels')}`)).toEqual([]);
  });

  it.each([
    ['en', '/portal/news', 'The page asks for a password before it shows anything: the hub reads public pages only.'],
    ['fr', '/portal/news', 'La page demande un mot de passe avant de montrer quoi que ce soit : le carrefour ne lit que des pages publiques.'],
    ['en', '/api/items.json', 'The address does not answer with a web page: it sends JSON.'],
    ['fr', '/api/items.json', 'L’adresse ne répond pas par une page web : elle envoie du JSON.'],
  ])('%s: refuses %s as a page with the reason', async (ui, path, words) => {
    const res = await post(`/${ui}/admin/add`, { url: server.url(path), organization: 'Org', region: 'national', kind: 'page', proposal: 'own', 'sel-item': 'li', step: 'preview' });
    expect(res.res.status).toBe(422);
    expect(textOf(res.html)).toContain(words);
  });

  it('changes the selectors from the source’s page: preview, save; the health says when they stop matching after a redesign, and the items stay', async () => {
    sites.redesign(false);
    const added = await post('/en/admin/add', {
      url: server.url('/news'), organization: 'Prairie Settlement', region: 'prairies', slug: 'prairie-news', kind: 'page', proposal: 'own',
      'sel-item': FIXTURE_SELECTORS.news.item, 'sel-title': FIXTURE_SELECTORS.news.title, 'sel-date': FIXTURE_SELECTORS.news.date, 'sel-summary': FIXTURE_SELECTORS.news.summary, step: 'save',
    });
    expect(added.res.status).toBe(303);
    expect((await post('/en/admin/sources/prairie-news/refresh', {})).res.status).toBe(303);
    expect(await storedCount('prairie-news')).toBe(12);

    sites.redesign();
    await post('/en/admin/sources/prairie-news/refresh', {});
    const health = textOf((await page('/en/admin/sources/prairie-news')).html);
    expect(health).toContain('The selectors found no items on the page, where they found 12 the last time: the site was most likely redesigned.');
    expect(health).toContain('Items found by the last successful read 12');
    const list = textOf((await page('/fr/admin')).html);
    expect(list).toContain('alors qu’ils en avaient trouvé 12 la dernière fois');
    expect(await storedCount('prairie-news')).toBe(12);

    const edit = await page('/en/admin/sources/prairie-news/selectors');
    expect(edit.res.status).toBe(200);
    expect(edit.html).toContain(`value="${FIXTURE_SELECTORS.news.item.replace('>', '&gt;')}"`);
    const proposed = await post('/en/admin/sources/prairie-news/selectors', { ...fieldsOf(edit.html), step: 'propose' });
    expect(proposed.res.status).toBe(200);
    expect(proposed.html).toMatch(/id="proposal-0" name="proposal" value="\{&quot;item&quot;:&quot;article.story-card&quot;/);
    const previewed = await post('/en/admin/sources/prairie-news/selectors', { ...fieldsOf(proposed.html), step: 'preview' });
    expect(textOf(previewed.html)).toContain('These selectors find 12 items on the page');
    expect((await getSourceBySlug(database.db, 'prairie-news'))!.selectors).toEqual(FIXTURE_SELECTORS.news);
    const saved = await post('/en/admin/sources/prairie-news/selectors', { ...fieldsOf(previewed.html), step: 'save' });
    expect(saved.res.status).toBe(303);
    expect(saved.res.headers.get('location')).toBe('/en/admin/sources/prairie-news?done=selectors');
    expect(textOf((await page(saved.res.headers.get('location')!)).html)).toContain('Selectors saved: the page is read with them on its next fetch');
    expect((await getSourceBySlug(database.db, 'prairie-news'))!.selectors).toMatchObject({ item: 'article.story-card' });

    await post('/en/admin/sources/prairie-news/refresh', {});
    const after = (await getSourceBySlug(database.db, 'prairie-news'))!;
    expect(after).toMatchObject({ lastErrorCode: null, errorCount: 0, lastItemsFound: 12 });
    // The redesign moved every story to a new address: twelve new items beside the twelve kept.
    expect(await storedCount('prairie-news')).toBe(24);
  });

  it('refuses new selectors that find nothing, keeping the old ones', async () => {
    const res = await post('/fr/admin/sources/prairie-news/selectors', { proposal: 'own', 'sel-item': 'ul.gone > li', step: 'save' });
    expect(res.res.status).toBe(422);
    expect(textOf(res.html)).toContain('Ces sélecteurs ne peuvent pas servir Le sélecteur des contenus ne trouve rien dans la page.');
    expect((await getSourceBySlug(database.db, 'prairie-news'))!.selectors).toMatchObject({ item: 'article.story-card' });
  });
});
