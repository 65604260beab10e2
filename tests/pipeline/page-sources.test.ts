// Page sources through the real pipeline (ingestSource: fetch → read with selectors → normalize →
// store) from a local HTTP server, on both databases: the WordPress-like list, the Drupal views
// table, the card grid with French dates, the page redesigned between two fetches (the health
// says so, the items stay), conditional GETs and change detection, items identified by their
// link, the day first seen when a page gives no date, hostile markup, a 5 MB page and a page
// that never finishes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageSelectors, SourceSpec } from '../../src/core/types.ts';
import { ingestSource, type PipelineDeps } from '../../src/pipeline/ingest-source.ts';
import type { Database } from '../../src/store/db.ts';
import { items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug, insertSources } from '../../src/store/sources-repo.ts';
import { errorWords } from '../../src/web/error-words.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveBody, serveDrip, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testFetchSettings } from '../helpers/fetch.ts';
import { testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';
import { FIXTURE_SELECTORS, servePageSites, type PageSites } from '../helpers/page-sites.ts';

const HTML = { 'content-type': 'text/html; charset=utf-8' };
const FORBIDDEN = new Set(['script', 'style', 'iframe', 'frame', 'object', 'embed', 'applet', 'svg', 'math', 'form', 'input', 'base', 'meta', 'link', 'template', 'noscript', 'textarea', 'title']);

/** A plain list page: <li class="post"> items with a linked heading, an optional date and a summary. */
function listPage(entries: { slug: string; title: string; date?: string; summary?: string }[], lang = 'en'): string {
  const li = entries.map(
    (e) => `<li class="post"><h3><a href="/notes/${e.slug}">${e.title}</a></h3>${e.date ? `<span class="when">${e.date}</span>` : ''}<div class="body">${e.summary ?? `About ${e.title}, for the clients of our member agencies.`}</div></li>`,
  );
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Notes</title></head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main><h1>Notes</h1><ul class="notes">${li.join('\n')}</ul></main><footer><p>Agency</p></footer></body></html>`;
}
const LIST_SELECTORS: PageSelectors = { item: 'ul.notes > li.post', title: 'h3 a', date: 'span.when', summary: 'div.body' };

describe.each(databaseKinds)('page sources through the pipeline on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let sites: PageSites;
  let n = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    sites = servePageSites(server);
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const deps = (now: Date, extra: Partial<PipelineDeps> = {}) => testPipeline(database.db, { now: () => now, ...extra });
  async function addPage(path: string, selectors: PageSelectors, extra: Partial<SourceSpec> = {}): Promise<string> {
    const slug = `page-${++n}`;
    await insertSources(database.db, [spec(slug, { url: server.url(path), kind: 'page', selectors, ...extra })]);
    return slug;
  }
  const row = async (slug: string) => (await getSourceBySlug(database.db, slug))!;
  const run = async (slug: string, d: PipelineDeps) => ingestSource(d, await row(slug), 'worker-1');
  const stored = async (slug: string) =>
    database.db.select().from(items).where(sql`source_id = ${(await row(slug)).id}`).orderBy(items.publishedAt, items.url);

  it('reads the WordPress-like list: each post by its link, with its date, excerpt and language', async () => {
    const slug = await addPage('/wp/news/', FIXTURE_SELECTORS.wordpress);
    const out = await run(slug, deps(new Date('2026-03-20T00:00:00Z')));
    expect(out).toMatchObject({ outcome: 'ok', status: 200, itemsNew: 6 });
    const rows = await stored(slug);
    expect(rows).toHaveLength(6);
    const fair = rows.find((r) => r.title === 'Spring job fair: 40 employers hiring')!;
    expect(fair).toMatchObject({
      key: 'g:https://welcome-centre.example.ca/2026/02/job-fair/',
      url: 'https://welcome-centre.example.ca/2026/02/job-fair/',
      publishedAt: new Date('2026-02-24T14:00:00.000Z'),
      dateFromFeed: true,
      language: 'en',
    });
    expect(fair.contentHtml).toContain('Bring your résumé');
    expect(await row(slug)).toMatchObject({ lastErrorCode: null, lastItemsFound: 6, feedTitle: 'News – Welcome Centre for Newcomers' });
  });

  it('reads the Drupal views table: calls with absolute links; a deadline still ahead is no publication date', async () => {
    const slug = await addPage('/table/appels', FIXTURE_SELECTORS.drupal, { languages: ['fr', 'en'] });
    const now = new Date('2026-11-02T00:00:00Z');
    expect(await run(slug, deps(now))).toMatchObject({ outcome: 'ok', itemsNew: 5 });
    const rows = await stored(slug);
    const call = rows.find((r) => r.url === 'https://table-concertation.example.ca/en/calls/settlement-innovation-2027')!;
    expect(call).toMatchObject({ title: 'Call for proposals: Settlement innovation fund 2027', publishedAt: now, dateFromFeed: false, language: 'en' });
    expect((await row(slug)).lastWarnings).toContainEqual({ code: 'unusable-date', params: { value: '2027-01-15T17:00:00Z' } });
    expect(rows.some((r) => r.language === 'fr')).toBe(true);
  });

  it('reads the card grid with its French dates, each kept on the day the page wrote', async () => {
    const slug = await addPage('/cartes/evenements', FIXTURE_SELECTORS.cards, { languages: ['fr'] });
    expect(await run(slug, deps(new Date('2026-03-10T00:00:00Z')))).toMatchObject({ outcome: 'ok', itemsNew: 8 });
    const byTitle = new Map((await stored(slug)).map((r) => [r.title, r]));
    expect(byTitle.get('Café-rencontre des nouveaux arrivants')).toMatchObject({ publishedAt: new Date('2026-03-03T12:00:00Z'), dateFromFeed: true, language: 'fr' });
    // "1er février 2026" and "28 janv. 2026", as French pages write them.
    expect([...byTitle.values()].map((r) => r.publishedAt.toISOString()).sort()).toEqual(
      expect.arrayContaining(['2026-02-01T12:00:00.000Z', '2026-01-28T12:00:00.000Z', '2025-12-06T12:00:00.000Z']),
    );
    expect(byTitle.get('Atelier : adapter son CV au marché québécois')!.summary).toBe('Nos conseillères en emploi vous aident à présenter votre expérience acquise à l\'étranger.');
  });

  it('says plainly when a redesign leaves the selectors matching nothing, keeps the items, and recovers with new selectors', async () => {
    sites.redesign(false);
    const slug = await addPage('/news', FIXTURE_SELECTORS.news);
    const now = new Date('2026-12-15T00:00:00Z');
    expect(await run(slug, deps(now))).toMatchObject({ outcome: 'ok', itemsNew: 12 });
    expect((await stored(slug)).find((r) => r.title === 'Newcomer Employment Week returns in December')!.publishedAt).toEqual(new Date('2026-12-14T12:00:00Z'));

    sites.redesign();
    const broken = await run(slug, deps(now));
    expect(broken).toMatchObject({ outcome: 'failed', status: 200, errorCode: 'selectors-stopped-matching', itemsNew: 0 });
    const s = await row(slug);
    expect(s).toMatchObject({ lastErrorCode: 'selectors-stopped-matching', lastErrorParams: { previous: 12 }, errorCount: 1, itemCount: 12, lastItemsFound: 12 });
    expect(s.lastError).toMatch(/found no items, where they found 12 last time/);
    expect(errorWords(s.lastErrorCode, s.lastErrorParams, 'en')).toMatch(/^The selectors found no items on the page, where they found 12 the last time: the site was most likely redesigned/);
    expect(errorWords(s.lastErrorCode, s.lastErrorParams, 'fr')).toMatch(/alors qu’ils en avaient trouvé 12 la dernière fois/);
    expect(await stored(slug)).toHaveLength(12);

    // Another fetch of the same redesigned page still says so, with the same count; nothing is deleted.
    await database.db.update(sources).set({ nextFetchAt: new Date() }).where(sql`id = ${s.id}`);
    expect(await run(slug, deps(now))).toMatchObject({ outcome: 'failed', errorCode: 'selectors-stopped-matching' });
    expect(await row(slug)).toMatchObject({ errorCount: 2, lastErrorParams: { previous: 12 } });

    await database.db.update(sources).set({ selectors: FIXTURE_SELECTORS.redesigned }).where(sql`id = ${s.id}`);
    expect(await run(slug, deps(now))).toMatchObject({ outcome: 'ok', itemsNew: 12 });
    expect(await row(slug)).toMatchObject({ lastErrorCode: null, errorCount: 0, itemCount: 24 });
  });

  it('revalidates with a conditional GET, skips the same bytes, and identifies items by their link whatever their order', async () => {
    let body = listPage([{ slug: 'a', title: 'Alpha notice', date: '2026-05-01' }, { slug: 'b', title: 'Beta notice', date: '2026-05-02' }]);
    let etag = '"v1"';
    let validators = true;
    server.route('/notes', (req, res) => {
      if (validators && req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
      res.writeHead(200, { ...HTML, ...(validators ? { etag } : {}) }).end(body);
    });
    const slug = await addPage('/notes', LIST_SELECTORS);
    const d = deps(new Date('2026-06-01T00:00:00Z'));
    expect(await run(slug, d)).toMatchObject({ outcome: 'ok', itemsNew: 2 });
    expect(await run(slug, d)).toMatchObject({ outcome: 'not-modified', status: 304 });
    expect(server.lastRequest('/notes')!.headers['if-none-match']).toBe('"v1"');

    validators = false;
    expect(await run(slug, d)).toMatchObject({ outcome: 'unchanged' });
    // The same posts listed the other way round, and one new: only the new one is new.
    body = listPage([{ slug: 'c', title: 'Gamma notice', date: '2026-05-03' }, { slug: 'b', title: 'Beta notice', date: '2026-05-02' }, { slug: 'a', title: 'Alpha notice', date: '2026-05-01' }]);
    expect(await run(slug, d)).toMatchObject({ outcome: 'ok', itemsNew: 1, itemsUpdated: 0 });
    expect((await stored(slug)).map((r) => r.key)).toEqual(['a', 'b', 'c'].map((x) => `g:${server.url(`/notes/${x}`)}`));
  });

  it('dates an item the page gives no date the day it was first seen, and keeps that day', async () => {
    let entries = [{ slug: 'p1', title: 'Program one' }];
    server.route('/undated', (_req, res) => res.writeHead(200, HTML).end(listPage(entries)));
    const slug = await addPage('/undated', { item: 'li.post' });
    const first = new Date('2026-06-01T10:00:00Z');
    await run(slug, deps(first));
    entries = [{ slug: 'p2', title: 'Program two' }, ...entries];
    const later = new Date('2026-06-03T10:00:00Z');
    expect(await run(slug, deps(later))).toMatchObject({ outcome: 'ok', itemsNew: 1 });
    const rows = await stored(slug);
    expect(rows.map((r) => [r.title, r.publishedAt.toISOString(), r.dateFromFeed])).toEqual([
      ['Program one', first.toISOString(), false],
      ['Program two', later.toISOString(), false],
    ]);
  });

  it('keeps hostile markup out of what it stores, and still reads the clean items around it', async () => {
    const dir = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
    const fragments = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
    const entries = [
      { slug: 'clean-first', title: 'Clean first notice' },
      ...fragments.map((file, i) => ({ slug: `h${i}`, title: `Notice ${i}`, summary: readFileSync(join(dir, file), 'utf8').replace(/^<!--[\s\S]*?-->\s*/, '') })),
    ];
    const html = listPage(entries).replace('<li class="post"><h3><a href="/notes/h0">', '<li class="post"><h3><a href="javascript:alert(1)">Trap</a></h3></li><li class="post"><h3><a href="/notes/h0">');
    server.route('/hostile', serveBody(html, { headers: HTML }));
    const slug = await addPage('/hostile', { item: 'li.post', summary: 'div.body' });
    const out = await run(slug, deps(new Date('2026-06-01T00:00:00Z')));
    expect(out.outcome).toBe('ok');
    const rows = await stored(slug);
    expect(rows.map((r) => r.title)).toContain('Clean first notice');
    expect(rows.length).toBeGreaterThan(fragments.length / 2);
    for (const r of rows) {
      expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notes\//);
      expect(r.title).not.toMatch(/[<>]/);
      for (const el of DomUtils.findAll(() => true, parseDocument(r.contentHtml).children)) {
        expect(FORBIDDEN.has(el.name), `${r.title}: <${el.name}>`).toBe(false);
        for (const [name, value] of Object.entries(el.attribs)) {
          expect(name, r.title).not.toMatch(/^(on|style$|srcdoc$|formaction$|xlink:)/i);
          expect(value, r.title).not.toMatch(/^\s*(javascript|vbscript|data):/i);
        }
      }
    }
  });

  describe('a 5 MB page', () => {
    const card = (i: number) =>
      `<div class="col"><div class="card"><h2 class="card-title"><a href="/p/${i}">Program update number ${i} for newcomer families</a></h2>` +
      `<span class="card-date">${(i % 28) + 1} février 2026</span><p class="card-text">${'Services, ateliers et rencontres pour les familles. '.repeat(35)}</p></div></div>`;
    const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Programmes</title></head><body><main><div class="grid">${Array.from({ length: 2000 }, (_, i) => card(i)).join('')}</div></main><div data-state="${'x'.repeat(1_500_000)}"></div></body></html>`;
    const selectors = { item: 'div.card', title: 'h2.card-title', date: 'span.card-date', summary: 'p.card-text' };

    it('is read within the production size cap, its items capped per fetch with the cap said', async () => {
      expect(html.length).toBeGreaterThan(5_000_000);
      server.route('/big', serveBody(html, { headers: HTML }));
      const slug = await addPage('/big', selectors, { languages: ['fr'] });
      const out = await run(slug, deps(new Date('2026-03-01T00:00:00Z'), { fetch: testFetchSettings({ maxBytes: 15 * 1024 * 1024, timeoutMs: 20_000 }) }));
      expect(out).toMatchObject({ outcome: 'ok', itemsNew: 500 });
      expect((await row(slug)).lastWarnings).toContainEqual({ code: 'items-dropped', params: { reason: 'over the per-feed cap (500)', count: 1500 } });
    });

    it('is refused with the reason past a smaller cap', async () => {
      const slug = await addPage('/big', selectors, { languages: ['fr'] });
      const out = await run(slug, deps(new Date('2026-03-01T00:00:00Z'), { fetch: testFetchSettings({ maxBytes: 1024 * 1024 }) }));
      expect(out).toMatchObject({ outcome: 'failed', errorCode: 'too-large' });
      expect(await row(slug)).toMatchObject({ lastErrorCode: 'too-large', lastErrorParams: { limitBytes: 1024 * 1024 } });
    });
  });

  it('gives up on a page that never finishes at the fetch’s total deadline, with the reason recorded', async () => {
    server.route('/endless', serveDrip('<li class="post"><h3><a href="/x">Still coming</a></h3></li>', 50, { headers: HTML }));
    const slug = await addPage('/endless', { item: 'li.post' });
    const out = await run(slug, deps(new Date('2026-06-01T00:00:00Z'), { fetch: testFetchSettings({ timeoutMs: 800 }) }));
    expect(out).toMatchObject({ outcome: 'failed', errorCode: 'timeout' });
    expect(await row(slug)).toMatchObject({ lastErrorCode: 'timeout', lastErrorParams: { seconds: 0.8 }, itemCount: 0 });
  });

  it('records a page that turned into a sign-in page as such', async () => {
    let wall = false;
    server.route('/members', (_req, res) => {
      res.writeHead(200, HTML).end(wall ? readFileSync(fileURLToPath(new URL('../fixtures/page/login-wall.html', import.meta.url))) : listPage([{ slug: 'm1', title: 'Members news', date: '2026-05-01' }]));
    });
    const slug = await addPage('/members', LIST_SELECTORS);
    const d = deps(new Date('2026-06-01T00:00:00Z'));
    await run(slug, d);
    wall = true;
    expect(await run(slug, d)).toMatchObject({ outcome: 'failed', errorCode: 'login-wall' });
    expect(await stored(slug)).toHaveLength(1);
  });
});
