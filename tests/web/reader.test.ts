// The reader, the directory and the embed in memory (app.request): language negotiation and the
// remembered language, security headers, validators, filters and paging with the feeds' query
// vocabulary, the subscribe box, friendly error pages, and the weight of pages and embed.js.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Database } from '../../src/store/db.ts';
import { createApp } from '../../src/web/app.ts';
import { formatDayAndDate } from '../../src/core/locale.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { ENTRIES, seedFiller, seedReader, type EntryName } from '../helpers/reader-fixture.ts';

const PUBLIC = 'https://hub.example.ca';
const FILLER = 60;

/** The titles of the river's items, in order, as a reader sees them. */
function riverTitles(html: string): string[] {
  return [...html.matchAll(/<h3(?: lang="(?:en|fr)")?><a href="\/(?:en|fr)\/items\/\d+">([^<]*)<\/a><\/h3>/g)].map((m) => decode(m[1]));
}

function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function attr(html: string, pattern: RegExp): string {
  const m = pattern.exec(html);
  if (!m) throw new Error(`no match for ${pattern} in the page`);
  return decode(m[1]);
}

describe.each(databaseKinds)('web reader on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let ids: Record<EntryName, number>;
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
  const page = async (path: string, headers: Record<string, string> = {}) => {
    const res = await get(path, headers);
    return { res, html: await res.text() };
  };

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const seeded = await seedReader(database.db);
    ids = seeded.ids;
    await seedFiller(database.db, FILLER, { topics: seeded.topics });
    app = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: 'test', topics: seeded.topics });
  });
  afterAll(() => cleanup());

  describe('language', () => {
    it.each([
      ['fr-CA,fr;q=0.9,en;q=0.8', '/fr/'],
      ['en-US,en;q=0.9', '/en/'],
      ['de-DE, fr;q=0.5, en;q=0.4', '/fr/'],
      ['es', '/en/'],
      ['', '/en/'],
    ])('/ with Accept-Language "%s" lands on %s', async (acceptLanguage, target) => {
      const res = await get('/', acceptLanguage ? { 'Accept-Language': acceptLanguage } : {});
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(target);
      expect(res.headers.get('vary')).toBe('Accept-Language, Cookie');
    });

    it('remembers the language chosen on a page, over Accept-Language', async () => {
      const fr = await get('/fr/', { 'Accept-Language': 'en' });
      const cookie = fr.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^passerelle_ui=fr; Path=\/; Max-Age=31536000; SameSite=Lax; HttpOnly; Secure$/);
      expect(fr.headers.get('cache-control')).toBe('private, no-cache');
      const home = await get('/?topic=housing', { 'Accept-Language': 'en', Cookie: cookie.split(';')[0] });
      expect(home.headers.get('location')).toBe('/fr/?topic=housing');
      // Once remembered, pages set no cookie and can be cached.
      const again = await get('/fr/', { Cookie: 'passerelle_ui=fr' });
      expect(again.headers.get('set-cookie')).toBeNull();
      expect(again.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=60');
      expect(again.headers.get('vary')).toBe('Accept-Encoding, Cookie');
    });

    it('links under the path of PUBLIC_URL when the hub sits below a path', async () => {
      const below = createApp({ database, logger: silentLogger(), publicUrl: `${PUBLIC}/passerelle/`, version: 'test', topics: [] });
      const home = await below.request('/', { headers: { 'Accept-Language': 'fr' } });
      expect(home.headers.get('location')).toBe('/passerelle/fr/');
      const res = await below.request('/fr/directory');
      const html = await res.text();
      expect(res.headers.get('set-cookie')).toMatch(/; Path=\/passerelle;/);
      expect(html).toMatch(/<link rel="stylesheet" href="\/passerelle\/assets\/site\.[0-9a-f]{12}\.css"\/>/);
      expect(html).toContain('<a href="/passerelle/en/directory" lang="en" hreflang="en">English</a>');
      expect(html).toContain(`<a href="${PUBLIC}/passerelle/sources/harbourview.rss?ui=fr">`);
    });

    it('/en redirects to /en/, keeping the query', async () => {
      const res = await get('/en?topic=housing');
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/en/?topic=housing');
    });

    it('every page links to itself in the other language and marks text in the other language', async () => {
      const { html } = await page('/fr/?topic=housing');
      expect(html).toMatch(/^<!doctype html><html lang="fr">/);
      expect(html).toContain('<a href="/en/?topic=housing" lang="en" hreflang="en">English</a>');
      expect(html).toContain('<link rel="alternate" hreflang="en" href="/en/?topic=housing"/>');
      // The story told in both languages is listed once, in French, with the way to its English twin.
      expect(html).toContain(`<h3><a href="/fr/items/${ids.housingFr}">`);
      expect(html).not.toContain(`<h3 lang="en"><a href="/fr/items/${ids.housing}">`);
      expect(html).toContain(`<a href="/fr/items/${ids.housing}" lang="en" hreflang="en">Read in English</a>`);
      // An item only in English stays, marked as English.
      expect((await page('/fr/?source=ontario-hub&type=job')).html).toContain(`<h3 lang="en"><a href="/fr/items/${ids.job}">${ENTRIES.job.title}</a></h3>`);
      expect(html).toContain('Filtrer');
      expect(html).toContain('<a href="/fr/?topic=housing">Logement</a>');
      const item = await page(`/fr/items/${ids.housing}`);
      expect(item.html).toContain(`<a href="/en/items/${ids.housing}" lang="en" hreflang="en">English</a>`);
      const dir = await page('/en/directory');
      expect(dir.html).toContain('<a href="/fr/directory" lang="fr" hreflang="fr">Français</a>');
    });
  });

  describe('headers', () => {
    it.each(['/en/', '/fr/directory', '/en/items/1', '/fr/?topic=nope'])('%s carries a CSP that allows no script, and the other safety headers', async (path) => {
      const res = await get(path);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'none'");
      // No frame, font or connection to another origin (frame-src falls back to default-src).
      expect(csp).toMatch(/^default-src 'self';/);
      expect(csp).not.toMatch(/frame-src|child-src/);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).not.toMatch(/<script|\son[a-z]+=|style="/i);
    });

    it('pages answer 304 to a matching If-None-Match', async () => {
      for (const path of ['/en/', '/en/?topic=housing', `/fr/items/${ids.report}`, '/en/directory', '/embed?topic=housing']) {
        const first = await get(path, { Cookie: 'passerelle_ui=en' });
        const etag = first.headers.get('etag')!;
        expect(etag, path).toMatch(/^"[\w-]+"$/);
        const again = await get(path, { Cookie: 'passerelle_ui=en', 'If-None-Match': etag });
        expect(again.status, path).toBe(304);
      }
    });

    it('pages, the stylesheet and embed.js are served compressed', async () => {
      const css = attr((await page('/en/')).html, /<link rel="stylesheet" href="([^"]+)"/);
      for (const path of ['/en/?limit=50', `/fr/items/${ids.housing}`, '/fr/directory', '/embed?limit=50&ui=fr', css, '/embed.js']) {
        const res = await get(path, { 'Accept-Encoding': 'gzip' });
        expect(res.headers.get('content-encoding'), path).toBe('gzip');
      }
    });
  });

  describe('river', () => {
    it('lists the newest stories, one per story, each with organization, date, language, type, topics and summary', async () => {
      const { res, html } = await page('/en/');
      expect(res.status).toBe(200);
      const titles = riverTitles(html);
      expect(titles).toHaveLength(20);
      // The French twin of the housing clinic is not listed again on the English river.
      expect(titles.slice(0, 2)).toEqual([ENTRIES.housing.title, ENTRIES.funding.title]);
      expect(titles).not.toContain(ENTRIES.housingFr.title);
      // The cross-post joined its original's cluster: shown once, with the other publisher named.
      expect(titles).not.toContain(ENTRIES.housingRepost.title);
      expect(html).toContain('Also published by: Pacific Settlement Knowledge Hub');
      // "today" and "yesterday" turn at midnight in Toronto (formatDayAndDate, tested in words.test): the
      // items are 3 and 26 hours old, which is "today" and "yesterday" except just after midnight.
      const shownDay = (hoursAgo: number) => formatDayAndDate(new Date(Date.now() - hoursAgo * 3_600_000), Date.now(), 'en');
      expect(shownDay(3)).toMatch(/^(today|yesterday) · [A-Z][a-z]{2} \d{1,2}$/);
      expect(html).toMatch(new RegExp(`Harbourview Newcomer Centre · <time datetime="[^"]+">${shownDay(ENTRIES.housing.hoursAgo)}</time> · English · News`));
      expect(html).toMatch(new RegExp(`Carrefour acadien d’accueil · <time datetime="[^"]+">${shownDay(ENTRIES.funding.hoursAgo)}</time> · French · Funding`));
      expect(html).toContain('<a href="/en/?topic=funding">Funding and calls for proposals</a>');
      expect(html).toContain('Our settlement counsellors help newcomer families');
    });

    it('filters with the feeds’ vocabulary: topic, region, province, language, type, source, search', async () => {
      const titles = async (q: string) => riverTitles((await page(`/en/?${q}`)).html);
      expect(await titles('topic=housing')).toEqual(expect.arrayContaining([ENTRIES.housing.title]));
      expect(await titles('topic=housing')).not.toContain(ENTRIES.job.title);
      expect(await titles('type=job')).toEqual([ENTRIES.job.title]);
      expect(await titles('province=ns')).toEqual([ENTRIES.housing.title]);
      // Asked for French items, the English river shows the French twin.
      expect(await titles('province=ns&lang=fr')).toEqual([ENTRIES.housingFr.title]);
      expect(await titles('region=north')).toEqual([ENTRIES.french.title]);
      expect(await titles('source=carrefour')).toEqual([ENTRIES.funding.title]);
      const fr = await titles('lang=fr&limit=50');
      expect(fr.length).toBeGreaterThan(5);
      expect(fr).not.toContain(ENTRIES.housing.title);
      // A French search also finds the English items on its topic; of the clinic, told in both
      // languages, the English river lists the English twin.
      const logement = await titles('q=logement+abordable');
      expect(logement[0]).toBe(ENTRIES.housing.title);
      expect(logement).not.toContain(ENTRIES.housingFr.title);
      expect(logement).not.toContain(ENTRIES.job.title);
      expect(riverTitles((await page('/fr/?q=logement+abordable')).html)[0]).toBe(ENTRIES.housingFr.title);
      expect(await titles('q=whitehorse')).toEqual([ENTRIES.french.title]);
      // Ranked by relevance unless asked otherwise.
      expect((await titles('q=interpreter'))[0]).toBe(ENTRIES.interpretation.title);
    });

    it('the filter panel shows the current filter and keeps what it does not show', async () => {
      const { html } = await page('/en/?topic=housing,rural&type=event&q=clinic&since=2020-01-01');
      expect(html).toContain('<input type="checkbox" name="topic" value="housing" checked=""/>');
      expect(html).toContain('<input type="checkbox" name="topic" value="rural" checked=""/>');
      expect(html).toContain('<input type="checkbox" name="type" value="event" checked=""/>');
      expect(html).toContain('<input type="checkbox" name="type" value="news"/>');
      expect(html).toContain('<input type="hidden" name="since" value="2020-01-01T00:00:00.000Z"/>');
      expect(html).toContain('<input type="hidden" name="q" value="clinic"/>');
      expect(html).toContain('<input type="search" id="q" name="q" value="clinic" maxlength="200"/>');
      expect(html).toContain('<input type="hidden" name="topic" value="housing,rural"/>');
      expect(html).toContain('<a href="/en/">Clear filters</a>');
    });

    it('pages with the API’s keyset cursor: every story once, newest first, with the position and the way back', async () => {
      const seen: string[] = [];
      const visited: { path: string; titles: string[] }[] = [];
      let path: string | undefined = '/en/';
      let pages = 0;
      while (path && pages++ < 10) {
        const { html } = await page(path);
        const titles = riverTitles(html);
        seen.push(...titles);
        visited.push({ path, titles });
        // Where this page sits, at the top of the results (on later pages) and in the pager.
        expect(html).toContain(`<span class="position">Items ${20 * (pages - 1) + 1}–${20 * (pages - 1) + titles.length}</span>`);
        if (pages > 1) expect(html).toContain(`<p class="position-top">Items ${20 * (pages - 1) + 1}–${20 * (pages - 1) + titles.length}`);
        const next = /<a href="(\/en\/\?[^"]*before=[^"]+)" rel="next">/.exec(html);
        const newer = /<a href="(\/en\/[^"]*)" rel="prev">← Newer items<\/a>/.exec(html);
        if (pages > 1) {
          // "Newer" leads to exactly the page before.
          expect(newer, path).not.toBeNull();
          expect(decode(newer![1])).toBe(visited.at(-2)!.path);
        } else expect(newer).toBeNull();
        path = next ? decode(next[1]) : undefined;
      }
      expect(pages).toBe(4);
      expect(new Set(seen).size).toBe(seen.length);
      // Every story once: the cross-post joined its original, and the two French twins are reached from their English items.
      expect(seen).toHaveLength(Object.keys(ENTRIES).length - 3 + FILLER);
      const api = (await (await get('/api/items?limit=200&prefer=en')).json()) as { items: { title: string }[] };
      expect(seen).toEqual(api.items.map((i: { title: string }) => i.title));
    });

    it('the subscribe box and <link rel="alternate"> name the feeds of exactly this filter', async () => {
      const { html } = await page('/fr/?type=event&topic=health');
      const filter = 'topic=health&amp;type=event';
      expect(html).toContain(`<link rel="alternate" type="application/rss+xml" title="Santé et santé mentale · Événements (RSS)" href="${PUBLIC}/feeds/all.rss?${filter}&amp;ui=fr"/>`);
      expect(html).toContain(`type="application/atom+xml" title="Santé et santé mentale · Événements (Atom)" href="${PUBLIC}/feeds/all.atom?${filter}&amp;ui=fr"`);
      expect(html).toContain(`type="application/feed+json" title="Santé et santé mentale · Événements (JSON Feed)" href="${PUBLIC}/feeds/all.json?${filter}&amp;ui=fr"`);
      expect(html).toContain(`<a href="${PUBLIC}/opml/topics.opml?ui=fr">`);
      const iframe = attr(html, /<textarea id="embed-iframe" readonly="" rows="3">([^<]*)<\/textarea>/);
      // Five rows of a fixed height: the iframe fits them exactly, with no script.
      expect(iframe).toBe(`<iframe src="${PUBLIC}/embed?topic=health&amp;type=event&amp;ui=fr&amp;height=5" title="Santé et santé mentale · Événements — Passerelle" width="100%" height="442" style="border:0" loading="lazy"></iframe>`);
      expect(attr(html, /<input type="text" id="embed-url" class="copy" readonly="" value="([^"]*)"\/>/)).toBe(`${PUBLIC}/embed?topic=health&type=event&ui=fr&height=5`);
      const resize = attr(html, /<textarea id="embed-resize" readonly="" rows="3">([^<]*)<\/textarea>/);
      expect(resize).toMatch(/^<script>addEventListener\("message",function\(e\)\{if\(e\.origin==="https:\/\/hub\.example\.ca"&&/);
      expect(resize).toContain(`iframe[src^="${PUBLIC}/embed"]`);
      const script = attr(html, /<textarea id="embed-script" readonly="" rows="4">([^<]*)<\/textarea>/);
      // Where scripts are blocked, the element still shows a link to the same selection on the hub.
      expect(script).toBe(
        `<div data-passerelle="topic=health&amp;type=event&amp;ui=fr"><a href="${PUBLIC}/fr/?topic=health&amp;type=event">Santé et santé mentale · Événements sur Passerelle</a></div>\n<script src="${PUBLIC}/embed.js" async></script>`,
      );
    });

    it('the feeds in the subscribe box list the same items as the page', async () => {
      for (const query of ['topic=housing', 'lang=fr', 'region=atlantic&type=news,funding', 'q=housing']) {
        const { html } = await page(`/en/?${query}`);
        const jsonUrl = attr(html, /<b>JSON Feed<\/b> <a href="([^"]+)"/);
        const rssUrl = attr(html, /<b>RSS feed<\/b> <a href="([^"]+)"/);
        const feed = (await (await get(jsonUrl.slice(PUBLIC.length))).json()) as { items: { title: string }[] };
        const rss = await (await get(rssUrl.slice(PUBLIC.length))).text();
        const onPage = riverTitles(html);
        expect(onPage.length, query).toBeGreaterThan(0);
        expect(feed.items.map((i: { title: string }) => i.title).slice(0, onPage.length), query).toEqual(onPage);
        expect([...rss.matchAll(/<item>\s*<title><!\[CDATA\[([^\]]*)\]\]><\/title>|<item>\s*<title>([^<]*)<\/title>/g)].map((m) => decode(m[1] ?? m[2])).slice(0, onPage.length), query).toEqual(onPage);
      }
    });

    it.each([
      ['/en/?topic=nope', 'the “topic” parameter', 'Topic', /topic: unknown value &quot;nope&quot;/],
      ['/fr/?lang=de', 'le paramètre «\u00a0lang\u00a0»', 'Langue', /lang: unknown value/],
      ['/en/?limit=51', 'the “limit” parameter', '', /limit: must be a whole number from 1 to 50/],
      ['/fr/?before=garbage', 'le paramètre «\u00a0before\u00a0»', '', /before: not a cursor/],
    ])('%s → a 400 page in the page’s language that names the parameter', async (path, named, label, detail) => {
      const { res, html } = await page(path);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(html).toContain(named);
      if (label) expect(html).toContain(`(${label})`);
      expect(html).toMatch(detail);
      expect(html).toMatch(path.startsWith('/fr') ? /Cette sélection n’a pas pu être lue/ : /This selection could not be read/);
    });
  });

  describe('addresses people share', () => {
    it('a filter form’s empty fields and trackers’ parameters are redirected away, once', async () => {
      const res = await get('/en/?topic=housing&province=&source=&q=&utm_source=newsletter&fbclid=abc');
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/en/?topic=housing');
      expect((await get('/fr/?q=')).headers.get('location')).toBe('/fr/');
      expect((await get('/en/?topic=housing&lang=en&lang=fr')).status).toBe(200);
    });

    it('a misspelt parameter is a 400 page in the page’s language, with the address that works', async () => {
      const fr = await page('/fr/?topc=housing&lang=fr');
      expect(fr.res.status).toBe(400);
      expect(fr.html).toContain('«\u00a0topc\u00a0» n’est pas un paramètre de cette adresse. Vouliez-vous dire «\u00a0topic\u00a0»\u00a0?');
      expect(fr.html).toContain('<a href="/fr/?lang=fr">Afficher cette page sans lui</a>');
      // "&amp;" copied from HTML into an address: the corrected address keeps the filter.
      const en = await page('/en/?lang=en&amp;topic=housing');
      expect(en.res.status).toBe(400);
      expect(en.html).toContain('<a href="/en/?lang=en&amp;topic=housing">Open the corrected address</a>');
      expect((await page('/en/?lang=en&topic=housing')).res.status).toBe(200);
    });

    it('the active filters show as chips above the results, each a link to the selection without it', async () => {
      const { html } = await page('/en/?topic=housing&lang=en,fr&q=clinic');
      const chips = [...html.matchAll(/<li><a href="([^"]*)"><span class="vh">Remove the filter: <\/span>([^<]*)<span aria-hidden="true"> ×<\/span><\/a><\/li>/g)].map((m) => [decode(m[1]), decode(m[2])]);
      expect(chips).toEqual([
        ['/en/?lang=en%2Cfr&q=clinic', 'Housing'],
        ['/en/?lang=fr&q=clinic&topic=housing', 'English'],
        ['/en/?lang=en&q=clinic&topic=housing', 'French'],
        ['/en/?lang=en%2Cfr&topic=housing', '“clinic”'],
      ]);
      expect(html).toContain('<a class="clear" href="/en/">Clear all</a>');
      // The folded panel says how many filters it holds; no group is opened by them.
      expect(html).toContain('<span class="panel-h">Filter</span><span class="count"> · 3 active filters</span>');
      expect(html).not.toMatch(/<details open/);
      expect((await page('/en/')).html).not.toContain('class="chips"');
    });
  });

  describe('item page', () => {
    it('shows the sanitized content as HTML, the organization, topics, the translation and the other publishers', async () => {
      const { res, html } = await page(`/en/items/${ids.housing}`);
      expect(res.status).toBe(200);
      expect(html).toContain(`<h1>${ENTRIES.housing.title}</h1>`);
      expect(html).toContain('<div class="content"><p>Our settlement counsellors help newcomer families');
      expect(html).toContain('<a href="https://harbourview.example.ca/en/news/housing-clinic" rel="nofollow noopener noreferrer">harbourview.example.ca</a>');
      expect(html).toContain('<a href="/en/directory#source-harbourview">Harbourview Newcomer Centre</a>');
      expect(html).toContain('<a href="/en/?topic=housing">Housing</a>');
      expect(html).toContain('<h2 id="translation-h">This item in French</h2>');
      expect(html).toContain(`<a href="/fr/items/${ids.housingFr}" lang="fr" hreflang="fr">${ENTRIES.housingFr.title}</a>`);
      expect(html).toContain('<h2 id="also-h">Also published by</h2>');
      expect(html).toContain(`<a href="/en/items/${ids.housingRepost}">${ENTRIES.housingRepost.title}</a> — Pacific Settlement Knowledge Hub`);
      expect(html).toContain(`<a class="button" href="${ENTRIES.housing.link}">Read it on the original site</a>`);
      // Feed readers find the source's feeds from the item.
      expect(html).toContain(`<link rel="alternate" type="application/rss+xml" title="Harbourview Newcomer Centre — News (RSS)" href="${PUBLIC}/sources/harbourview.rss"/>`);
    });

    it('in French, an English item keeps lang="en" on its title and content', async () => {
      const { html } = await page(`/fr/items/${ids.report}`);
      expect(html).toContain(`<h1 lang="en">${ENTRIES.report.title}</h1>`);
      expect(html).toContain('<div class="content" lang="en">');
      expect(html).toContain('<h2 id="translation-h">Ce contenu en français</h2>');
      expect(html).toContain('<dt>Langue</dt><dd>Anglais</dd>');
    });

    it.each(['/en/items/999999', '/fr/items/abc', '/fr/nulle-part', '/en/directory/', '/en/items/'])('%s → a 404 page in its language, under the CSP', async (path) => {
      const { res, html } = await page(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
      expect(html).toMatch(path.startsWith('/fr/') ? /^<!doctype html><html lang="fr">.*Cette page est introuvable/ : /^<!doctype html><html lang="en">.*This page is not here/);
    });
  });

  describe('directory', () => {
    it('draws the provinces as links to their rivers and lists organizations by region and province', async () => {
      const { html } = await page('/en/directory');
      const provinces = [...html.matchAll(/<a href="\/en\/\?province=([a-z]{2})"[^>]*aria-label="([^"]+)"><path d="M[^"]+"/g)].map((m) => [m[1], m[2]]);
      expect(provinces.map(([p]) => p).sort()).toEqual(['ab', 'bc', 'mb', 'nb', 'nl', 'ns', 'nt', 'nu', 'on', 'pe', 'qc', 'sk', 'yt']);
      expect(provinces).toContainEqual(['ns', 'NS — Nova Scotia — 1 organization']);
      expect(provinces).toContainEqual(['mb', 'MB — Manitoba — 0 organizations']);
      expect(html).toMatch(/<h2 id="region-atlantic">Atlantic <span class="count">\(2 organizations\)<\/span><\/h2>/);
      expect(html).toContain('<h3>Nova Scotia</h3>');
      expect(html).toContain('<h3>Across Canada</h3>');
      // One organization with two sources is listed once.
      expect(html.match(/<h4>National Settlement Research Partnership<\/h4>/g)).toHaveLength(1);
      expect(html).toContain(`<a href="${PUBLIC}/sources/harbourview.rss">Passerelle feed (RSS)</a>`);
      expect(html).toContain('<a href="https://harbourview.example.ca/feed/">Original feed</a>');
      expect(html).toContain(`<link rel="alternate" type="text/x-opml" title="Every source’s own feed (OPML)" href="${PUBLIC}/opml/sources.opml"/>`);
      expect(html).toContain(`<link rel="alternate" type="application/atom+xml" title="Latest items (Atom)" href="${PUBLIC}/feeds/all.atom"/>`);
    });

    it('says in plain words how each source is doing', async () => {
      const en = (await page('/en/directory')).html;
      expect(en).toMatch(/Health: <strong class="ok">Working<\/strong> · last read <time class="nw" datetime="[^"]+">5 minutes ago<\/time><\/p>/);
      expect(en).toMatch(/Health: <strong class="bad">Failing<\/strong> · last read <time class="nw" datetime="[^"]+">20 minutes ago<\/time><\/p>/);
      // HTTP statuses are for the operator's pages, not the public's.
      expect(en).not.toContain('HTTP');
      // The error as stored (not-a-feed, answered with text/html), said from its code in the page’s language.
      expect(en).toContain('Last error: <span>The address answers with a web page, not a feed. The site may have moved its feed.</span>');
      const fr = (await page('/fr/directory')).html;
      expect(fr).toMatch(/État\u00a0: <strong class="bad">En échec<\/strong> · dernière lecture <time class="nw" datetime="[^"]+">il y a 20 minutes<\/time>/);
      expect(fr).toContain('Dernière erreur\u00a0: <span>L’adresse répond par une page web, pas par un fil. Le site a peut-être déplacé son fil.</span>');
      expect(fr).not.toContain('not a feed');
    });
  });

  describe('embed', () => {
    it('/embed is a small page made for any site’s iframe: no cookie, its style and its one script allowed by hash', async () => {
      const res = await get('/embed?topic=housing&ui=fr&limit=1', { Cookie: 'passerelle_ui=en' });
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain('frame-ancestors *');
      // Nothing but its own hashed style and script and images: no other script, frame, object or base.
      expect(csp).toMatch(/^default-src 'none';/);
      expect(csp).toContain("base-uri 'none'");
      expect(csp).not.toMatch(/frame-src|object-src|unsafe/);
      expect(res.headers.get('x-frame-options')).toBeNull();
      const style = attr(html, /<style>([^<]*)<\/style>/);
      expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      expect(scripts).toHaveLength(1);
      expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(scripts[0]).digest('base64')}';`);
      // It answers only the page that framed it, and only once that page asks.
      expect(scripts[0]).toContain("e.source !== parent || e.data !== 'passerelle:resize'");
      expect(html.match(/<script/g)).toHaveLength(1);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).toMatch(/^<!doctype html><html lang="fr">/);
      expect(html).toContain('Plus sur Passerelle');
      expect(html.match(/<li>/g)).toHaveLength(1);
      expect(html).toContain(`<a href="${ENTRIES.housingFr.link}" target="_blank" rel="noopener">`);
      // A widget in French lists the housing clinic in French; asked for English items, it marks them.
      const en = await (await get('/embed?topic=housing&ui=fr&lang=en&limit=2')).text();
      expect(en).toContain(`<a href="${ENTRIES.housing.link}" target="_blank" rel="noopener" lang="en">`);
      expect(html).toContain(`<a href="${PUBLIC}/fr/?topic=housing" target="_blank" rel="noopener">Logement</a>`);
      expect(Buffer.byteLength(html)).toBeLessThan(8 * 1024);
    });

    it('ui= picks the widget’s words while lang= still filters items; theme=dark', async () => {
      const html = await (await get('/embed?lang=fr&ui=en&theme=dark')).text();
      expect(html).toMatch(/^<!doctype html><html lang="en">/);
      expect(html).toContain('<body class="psl dark">');
      expect(html).toContain('More on Passerelle');
      expect(html).toContain(ENTRIES.funding.title);
      expect(html).not.toContain(ENTRIES.housing.title);
    });

    it('without ui=, a widget asked for the items of one language speaks it', async () => {
      const fr = await (await get('/embed?topic=housing&lang=fr')).text();
      expect(fr).toMatch(/^<!doctype html><html lang="fr">/);
      expect(fr).toContain('Plus sur Passerelle');
      expect(fr).toContain(`href="${PUBLIC}/fr/?lang=fr&amp;topic=housing" target="_blank" rel="noopener">Plus sur Passerelle</a>`);
      expect(fr).toContain(ENTRIES.housingFr.title);
      expect(fr).not.toContain(ENTRIES.housing.title);
      for (const path of ['/embed?lang=en', '/embed?lang=en,fr', '/embed?lang=fr,other', '/embed']) {
        expect(await (await get(path)).text(), path).toMatch(/^<!doctype html><html lang="en">/);
      }
    });

    it.each([
      ['/embed?topic=nope', /“topic” does not take “nope”\. Accepted: employment, /],
      ['/embed?theme=blue', /“theme” does not take “blue”\. Accepted: light, dark\./],
      ['/embed?limit=99', /“limit” must be a whole number from 1 to 50\./],
      ['/embed?height=0', /“height” must be a whole number from 1 to 50\./],
      ['/embed?topc=housing&ui=en', /“topc” is not a parameter of this address\. Did you mean “topic”\? It takes: topic, region, province, lang, type, source, q, since, clusters, limit, sort, ui, prefer, theme, height, view\./],
      // Pasted into a CMS's URL field, the snippet's "&amp;" came back: said in the widget's language.
      ['/embed?ui=fr&amp;topic=housing', /L’adresse contient «\u00a0&amp;amp;\u00a0» là où il faut «\u00a0&amp;\u00a0» .*utilisez «\u00a0topic\u00a0»\./],
      ['/embed?lang=fr&topc=housing', /«\u00a0topc\u00a0» n’est pas un paramètre de cette adresse\. Vouliez-vous dire «\u00a0topic\u00a0»\u00a0\?/],
    ])('%s → 400, as a page the iframe can show, in the widget’s language', async (path, message) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toMatch(message);
    });

    it('height= gives the widget that many rows, and the iframe that height', async () => {
      const html = await (await get('/embed?ui=en&height=3&limit=10')).text();
      expect(html).toContain('<body class="psl rows">');
      expect(html.match(/<li>/g)).toHaveLength(3);
    });
  });

  describe('weight', () => {
    it.each(['/en/?limit=50', '/fr/?limit=50'])('%s with 50 items weighs less than 60 KB with its stylesheet', async (path) => {
      const { html } = await page(path);
      expect(riverTitles(html)).toHaveLength(50);
      const cssPath = attr(html, /<link rel="stylesheet" href="([^"]+)"/);
      const css = await get(cssPath);
      expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const bytes = Buffer.byteLength(html) + Buffer.byteLength(await css.text());
      expect(bytes).toBeLessThan(60 * 1024);
    });

    it('item pages and the directory weigh less than 60 KB with their stylesheet', async () => {
      for (const path of [`/en/items/${ids.housing}`, `/fr/items/${ids.housing}`, `/fr/items/${ids.report}`, '/en/directory', '/fr/directory']) {
        const { html } = await page(path);
        const css = await (await get(attr(html, /<link rel="stylesheet" href="([^"]+)"/))).text();
        expect(Buffer.byteLength(html) + Buffer.byteLength(css), path).toBeLessThan(60 * 1024);
      }
    });

    it.each(['/embed?limit=50&ui=en', '/embed?limit=50&ui=fr&theme=dark'])('%s with 50 items weighs less than 60 KB, its style inline', async (path) => {
      const { html } = await page(path);
      expect(html.match(/<li>/g)).toHaveLength(50);
      expect(html).not.toMatch(/<link rel="stylesheet"/);
      expect(Buffer.byteLength(html)).toBeLessThan(60 * 1024);
    });

    it('/embed.js is under 8 KB, builds the DOM without innerHTML and may be loaded from anywhere', async () => {
      const res = await get('/embed.js');
      const js = await res.text();
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(Buffer.byteLength(js)).toBeLessThan(8 * 1024);
      expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
      expect(js).toContain('textContent');
      expect(js).not.toContain('__EMBED_CSS__');
      const again = await get('/embed.js', { 'If-None-Match': res.headers.get('etag')! });
      expect(again.status).toBe(304);
    });
  });
});
