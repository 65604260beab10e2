// The admin pages in memory (app.request) against both databases, with fixture sites on
// 127.0.0.1: signing in and out and the cookie's flags, the throttle shared with the API, the
// checks against cross-site forms, read-only tokens, each action's effect, discovery choices and
// every refusal of the add form, editing a source, importing an OPML file, the health table and a
// source's page, in English and French, every message in the page's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createMetrics } from '../../src/core/metrics.ts';
import { createApiToken, listAdminLog, revokeApiToken } from '../../src/store/api-tokens.ts';
import type { Database } from '../../src/store/db.ts';
import { sources } from '../../src/store/schema.ts';
import { getSourceBySlug, listFetches } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { seedAdminHub, serveAdminSites } from '../helpers/admin-fixture.ts';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testPipeline } from '../helpers/hub.ts';
import { readerTopics } from '../helpers/reader-fixture.ts';
import { eq } from 'drizzle-orm';

const PUBLIC = 'http://hub.test';
const ADMIN_TOKEN = 'bootstrap-secret-0123456789';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
/** The page's text without tags, for looking for sentences that span elements. */
const textOf = (html: string) => decode(html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.includes('Path=/en/admin'))!.split(';')[0];

describe.each(databaseKinds)('admin pages on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let app: ReturnType<typeof createApp>;
  let writer: string;
  let reader: string;
  let ip = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    serveAdminSites(server);
    await seedAdminHub(database.db, server);
    writer = (await createApiToken(database.db, { name: 'writer', readOnly: false })).token;
    reader = (await createApiToken(database.db, { name: 'auditor', readOnly: true })).token;
    app = createApp({
      database,
      logger: silentLogger(),
      publicUrl: PUBLIC,
      version: 'test',
      topics: await readerTopics(),
      pipeline: testPipeline(database.db, { metrics: createMetrics() }),
      adminToken: ADMIN_TOKEN,
      trustProxy: true,
      metrics: createMetrics(),
    });
  });
  afterAll(async () => {
    await server?.close();
    await cleanup?.();
  });

  /** Each request from its own address unless told, so the failure throttle stays out of the way. */
  const from = (address?: string) => ({ 'x-forwarded-for': address ?? `192.0.2.${++ip % 250}` });
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { ...from(), ...headers } });
  async function page(path: string, cookie?: string) {
    const res = await get(path, cookie ? { cookie } : {});
    return { res, html: await res.text() };
  }
  async function signIn(token: string, headers: Record<string, string> = {}, extra = '') {
    return app.request('/en/admin/sign-in', {
      method: 'POST',
      headers: { ...FORM, origin: PUBLIC, ...from(), ...headers },
      body: `token=${encodeURIComponent(token)}${extra}`,
    });
  }
  const sessionFor = async (token: string) => cookieOf(await signIn(token));
  const formTokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  /** A form POST as a browser sends it from our page: Origin and the page's form token. */
  async function post(path: string, cookie: string, fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
    const token = formTokenOf((await page('/en/admin', cookie)).html)!;
    const body = new URLSearchParams({ _csrf: token });
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    return app.request(path, { method: 'POST', headers: { ...FORM, origin: PUBLIC, ...from(), cookie, ...headers }, body: body.toString() });
  }

  describe('signing in and out', () => {
    it('sends /admin to the admin pages in the reader’s language, and asks for a token first', async () => {
      const fr = await get('/admin', { 'accept-language': 'fr-CA,fr;q=0.9' });
      expect(fr.status).toBe(302);
      expect(fr.headers.get('location')).toBe('/fr/admin');
      expect((await get('/admin', { cookie: 'passerelle_ui=fr', 'accept-language': 'en' })).headers.get('location')).toBe('/fr/admin');
      expect((await get('/admin')).headers.get('location')).toBe('/en/admin');
      expect((await get('/en/admin/')).headers.get('location')).toBe('/en/admin');
      const anonymous = await get('/en/admin');
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers.get('location')).toBe('/en/admin/sign-in');
      const deep = await get('/fr/admin/sources/broken');
      expect(deep.headers.get('location')).toBe('/fr/admin/sign-in?next=%2Ffr%2Fadmin%2Fsources%2Fbroken');
    });

    it('shows a plain form under the reader’s CSP, in both languages', async () => {
      for (const [path, label] of [['/en/admin/sign-in', 'Token'], ['/fr/admin/sign-in', 'Jeton']]) {
        const { res, html } = await page(path);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-security-policy')).toMatch(/script-src 'none'/);
        expect(res.headers.get('content-security-policy')).toMatch(/form-action 'self'/);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('x-robots-tag')).toBe('noindex');
        expect(html).not.toMatch(/<script/i);
        expect(html).toContain(`<label for="token">${label}</label>`);
        expect(html).toMatch(/<form method="post" action="\/(en|fr)\/admin\/sign-in"/);
        expect(html).toMatch(/<input type="password" id="token" name="token" required=""/);
      }
    });

    it('sets a session cookie for the admin paths only: HttpOnly, SameSite=Strict, 8 hours', async () => {
      const res = await signIn(ADMIN_TOKEN);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/en/admin');
      expect(res.headers.getSetCookie()).toEqual([
        `passerelle_admin=${ADMIN_TOKEN}; Path=/en/admin; Max-Age=28800; HttpOnly; SameSite=Strict`,
        `passerelle_admin=${ADMIN_TOKEN}; Path=/fr/admin; Max-Age=28800; HttpOnly; SameSite=Strict`,
      ]);
      const next = await signIn(writer, {}, `&next=${encodeURIComponent('/fr/admin/sources/broken')}`);
      expect(next.headers.get('location')).toBe('/fr/admin/sources/broken');
      for (const bad of ['//evil.example/admin', 'https://evil.example/', '/en/directory', '/en/admin/../../x']) {
        expect((await signIn(writer, {}, `&next=${encodeURIComponent(bad)}`)).headers.get('location'), bad).toBe('/en/admin');
      }
    });

    it('marks the cookie Secure when PUBLIC_URL is https, and scopes it below its path', async () => {
      const secure = createApp({ database, logger: silentLogger(), publicUrl: 'https://hub.example.ca/passerelle/', version: 'test', topics: [], pipeline: testPipeline(database.db), adminToken: ADMIN_TOKEN });
      const res = await secure.request('/en/admin/sign-in', { method: 'POST', headers: { ...FORM, origin: 'https://hub.example.ca' }, body: `token=${ADMIN_TOKEN}` });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/passerelle/en/admin');
      expect(res.headers.getSetCookie()).toEqual([
        `passerelle_admin=${ADMIN_TOKEN}; Path=/passerelle/en/admin; Max-Age=28800; HttpOnly; SameSite=Strict; Secure`,
        `passerelle_admin=${ADMIN_TOKEN}; Path=/passerelle/fr/admin; Max-Age=28800; HttpOnly; SameSite=Strict; Secure`,
      ]);
    });

    it('answers a wrong, revoked or missing token with the same generic failure, setting nothing', async () => {
      const old = (await createApiToken(database.db, { name: 'revoked-one', readOnly: false })).token;
      await revokeApiToken(database.db, 'revoked-one');
      const bodies = new Set<string>();
      for (const token of ['psl_not-a-real-token', old, `${ADMIN_TOKEN}x`, '']) {
        const res = await signIn(token);
        expect(res.status, token).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(res.headers.getSetCookie()).toEqual([]);
        const html = await res.text();
        expect(html).toContain('That token was not accepted.');
        bodies.add(html);
      }
      expect(bodies.size).toBe(1);
    });

    it('accepts the cookie on every admin page in both languages, never on the API', async () => {
      const cookie = await sessionFor(writer);
      const en = await page('/en/admin', cookie);
      expect(en.res.status).toBe(200);
      expect(en.html).toContain('Signed in with the token “writer”');
      expect((await page('/fr/admin', cookie)).html).toContain('Connecté avec le jeton «\u00a0writer\u00a0»');
      expect((await get('/api/sources/broken', { cookie })).status).toBe(401);
      expect((await get('/api/sources/broken', { authorization: `Bearer ${writer}` })).status).toBe(200);
      // An Authorization header is taken in place of the cookie.
      expect((await get('/en/admin', { authorization: `Bearer ${writer}` })).status).toBe(200);
    });

    it('signs out by clearing both cookies, from our pages only', async () => {
      const cookie = await sessionFor(writer);
      const foreign = await app.request('/en/admin/sign-out', { method: 'POST', headers: { ...FORM, origin: 'https://evil.example', cookie }, body: '' });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.getSetCookie()).toEqual([]);
      const res = await post('/en/admin/sign-out', cookie);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/en/admin/sign-in?signed-out');
      expect(res.headers.getSetCookie()).toEqual([
        'passerelle_admin=; Path=/en/admin; Max-Age=0; HttpOnly; SameSite=Strict',
        'passerelle_admin=; Path=/fr/admin; Max-Age=0; HttpOnly; SameSite=Strict',
      ]);
      expect((await page('/en/admin/sign-in?signed-out')).html).toContain('You are signed out.');
    });

    it('ends the session of a revoked token at its next page, clearing the cookie', async () => {
      const token = (await createApiToken(database.db, { name: 'short-lived', readOnly: false })).token;
      const cookie = await sessionFor(token);
      expect((await page('/en/admin', cookie)).res.status).toBe(200);
      await revokeApiToken(database.db, 'short-lived');
      const { res, html } = await page('/en/admin/sources/broken', cookie);
      expect(res.status).toBe(401);
      expect(html).toContain('Your session has ended');
      expect(html).toContain('name="next" value="/en/admin/sources/broken"');
      expect(res.headers.getSetCookie()[0]).toMatch(/^passerelle_admin=; Path=\/en\/admin; Max-Age=0/);
    });

    it('throttles wrong tokens with the API’s throttle, whichever door they come through', async () => {
      let clock = 0;
      const throttled = createApp({
        database, logger: silentLogger(), publicUrl: PUBLIC, version: 'test', topics: [], pipeline: testPipeline(database.db), adminToken: ADMIN_TOKEN,
        trustProxy: true, authThrottle: { maxFailures: 3, decaySeconds: 60, now: () => clock },
      });
      const client = { 'x-forwarded-for': '203.0.113.9' };
      const attempt = (token: string) =>
        throttled.request('/en/admin/sign-in', { method: 'POST', headers: { ...FORM, origin: PUBLIC, ...client }, body: `token=${encodeURIComponent(token)}` });
      // Missing tokens are mistakes, not guesses.
      for (let i = 0; i < 4; i++) expect((await attempt('')).status).toBe(401);
      expect((await attempt('wrong-1')).status).toBe(401);
      expect((await throttled.request('/api/sources/broken', { headers: { authorization: 'Bearer wrong-2', ...client } })).status).toBe(401);
      // A wrong cookie is a guess too.
      expect((await throttled.request('/en/admin', { headers: { cookie: 'passerelle_admin=wrong-3', ...client } })).status).toBe(401);
      const blocked = await attempt(ADMIN_TOKEN);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
      expect(await blocked.text()).toMatch(/Too many failed attempts from this address\. Try again in \d+ minutes?\./);
      expect((await throttled.request('/api/sources/broken', { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...client } })).status).toBe(429);
      clock += 10 * 60_000;
      expect((await attempt(ADMIN_TOKEN)).status).toBe(303);
    });
  });

  describe('forms from elsewhere', () => {
    it('refuses a change without Origin or Referer, from another origin, cross-site, or without the form token', async () => {
      const cookie = await sessionFor(writer);
      const token = formTokenOf((await page('/en/admin', cookie)).html)!;
      expect(token).toMatch(/^[\w-]{43}$/);
      const attempts: [string, Record<string, string>, string][] = [
        ['no origin', { cookie }, `_csrf=${token}`],
        ['other origin', { cookie, origin: 'https://evil.example' }, `_csrf=${token}`],
        ['origin null', { cookie, origin: 'null' }, `_csrf=${token}`],
        ['other referer', { cookie, referer: 'https://evil.example/page' }, `_csrf=${token}`],
        ['cross-site fetch', { cookie, origin: PUBLIC, 'sec-fetch-site': 'cross-site' }, `_csrf=${token}`],
        ['same-site sibling', { cookie, origin: PUBLIC, 'sec-fetch-site': 'same-site' }, `_csrf=${token}`],
        ['no form token', { cookie, origin: PUBLIC }, ''],
        ['wrong form token', { cookie, origin: PUBLIC }, `_csrf=${token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`],
        ['another session’s token', { cookie, origin: PUBLIC }, `_csrf=${formTokenOf((await page('/en/admin', await sessionFor(ADMIN_TOKEN))).html)}`],
      ];
      for (const [name, headers, body] of attempts) {
        const res = await app.request('/en/admin/sources/working/pause', { method: 'POST', headers: { ...FORM, ...from(), ...headers }, body });
        expect(res.status, name).toBe(403);
        expect(await res.text(), name).toContain('This form was refused');
      }
      expect((await getSourceBySlug(database.db, 'working'))!.status).toBe('active');
      const signIn = await app.request('/en/admin/sign-in', { method: 'POST', headers: { ...FORM, origin: 'https://evil.example' }, body: `token=${writer}` });
      expect(signIn.status).toBe(403);
      expect(signIn.headers.getSetCookie()).toEqual([]);
    });

    it('takes a Referer of ours when Origin is missing, the address the request reached, and a bearer header without a form token', async () => {
      const cookie = await sessionFor(writer);
      const token = formTokenOf((await page('/en/admin', cookie)).html)!;
      const viaReferer = await app.request('/en/admin/sources/working/pause', { method: 'POST', headers: { ...FORM, cookie, referer: `${PUBLIC}/en/admin/sources/working`, 'sec-fetch-site': 'same-origin' }, body: `_csrf=${token}` });
      expect(viaReferer.status).toBe(303);
      // Reached through a tunnel at another address: Origin is that address, as the request's own.
      const tunnel = await app.request('http://localhost:8080/en/admin/sources/working/resume', { method: 'POST', headers: { ...FORM, cookie, origin: 'http://localhost:8080' }, body: `_csrf=${token}` });
      expect(tunnel.status).toBe(303);
      const bearer = await app.request('/en/admin/sources/working/pause', { method: 'POST', headers: { ...FORM, authorization: `Bearer ${writer}` }, body: '' });
      expect(bearer.status).toBe(303);
      expect((await post('/en/admin/sources/working/resume', cookie)).status).toBe(303);
      // A reload the person started (Sec-Fetch-Site: none) is no other site's doing.
      const reload = await app.request('/en/admin/sources/working/resume', { method: 'POST', headers: { ...FORM, cookie, origin: PUBLIC, 'sec-fetch-site': 'none' }, body: `_csrf=${token}` });
      expect(reload.status).toBe(303);
    });

    it('refuses a token too long to keep in a cookie, before checking it', async () => {
      const res = await signIn('x'.repeat(1025));
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
    });
  });

  describe('read-only tokens', () => {
    it('see every page without a single action, and have their changes refused', async () => {
      const cookie = await sessionFor(reader);
      const table = await page('/en/admin', cookie);
      expect(table.res.status).toBe(200);
      expect(table.html).toContain('Signed in with the token “auditor”<strong class="badge">read-only</strong>');
      expect(table.html).not.toContain('Add a source');
      // The sign-out form is the only form.
      expect(table.html.match(/<form /g)).toHaveLength(1);
      const source = await page('/en/admin/sources/working', cookie);
      expect(source.html.match(/<form /g)).toHaveLength(1);
      expect(source.html).not.toMatch(/Refresh now|>Pause<|Delete…/);
      expect(source.html).toContain('This token is read-only');
      expect((await page('/en/admin/add', cookie)).res.status).toBe(403);
      expect((await page('/en/admin/sources/working/delete', cookie)).res.status).toBe(403);
      for (const path of ['/en/admin/sources/working/pause', '/en/admin/sources/working/refresh', '/en/admin/sources/working/delete', '/en/admin/add']) {
        const res = await post(path, cookie, { confirm: 'yes', url: server.url('/working.xml'), organization: 'x', region: 'national' });
        expect(res.status, path).toBe(403);
        expect(await res.text()).toContain('Not allowed with this token');
      }
      const row = (await getSourceBySlug(database.db, 'working'))!;
      expect(row.status).toBe('active');
      expect((await listFetches(database.db, row.id, 100)).length).toBe(30);
    });
  });

  describe('the health table', () => {
    it('lists failing sources first, counts them on top, and draws each source’s recent fetches', async () => {
      const cookie = await sessionFor(writer);
      const { html } = await page('/en/admin', cookie);
      const order = [...html.matchAll(/<tr role="row" id="s-([a-z-]+)"/g)].map((m) => m[1]);
      expect(order).toEqual(['broken', 'paused', 'filed', 'working']);
      expect(textOf(html)).toContain('1 of 4 sources failing · 2 working · 1 paused');
      const row = (slug: string) => html.slice(html.indexOf(`id="s-${slug}"`), html.indexOf('</tr>', html.indexOf(`id="s-${slug}"`)));
      const broken = row('broken');
      expect(textOf(broken)).toMatch(/Active , failing/);
      expect(broken).toContain('Broken Settlement Network');
      expect(broken).toContain('Atlantic — Nova Scotia');
      expect(broken).toMatch(/<td role="cell" data-label="HTTP" class="minor">500<\/td>/);
      expect(broken).toContain('The site had a server error. This is often temporary');
      expect(broken).toContain('<svg class="spark" role="img" aria-label="Last 15 fetches: 12 ok, 3 failed"');
      expect(broken.match(/class="sf"/g)).toHaveLength(3);
      expect(broken.match(/class="so"/g)).toHaveLength(12);
      expect(textOf(broken)).toMatch(/2 hours ago \d{4}-\d\d-\d\d \d+:\d\d [ap]\.m\. E[DS]T/);
      expect(textOf(broken)).toMatch(/in 2 hours/);
      expect(row('working')).toContain('aria-label="Last 30 fetches: 8 ok, 4 not modified, 17 unchanged, 1 failed"');
      expect(textOf(row('paused'))).toMatch(/Paused .*never .*none while paused/);
      expect(html).not.toMatch(/<script/i);
    });

    it('speaks French on /fr/admin', async () => {
      const { html } = await page('/fr/admin', await sessionFor(writer));
      expect(html).toContain('<html lang="fr">');
      expect(textOf(html)).toContain('1 source sur 4 en échec · 2 fonctionnent · 1 en pause');
      expect(html).toContain('aria-label="Les 15 dernières lectures\u00a0: 12 réussies, 3 en échec"');
      expect(html).toContain('Le site a eu une erreur de serveur.');
      expect(html).toContain('Atlantique — Nouvelle-Écosse');
      expect(html).toMatch(/il y a 2 heures/);
      expect(html).toContain('href="/en/admin"');
    });
  });

  describe('a source’s page', () => {
    it('shows its fields, aliases, health in plain words and the fetch history', async () => {
      await database.db.update(sources).set({ aliases: ['http://old.example.org/broken.xml'] }).where(eq(sources.slug, 'broken'));
      const { res, html } = await page('/en/admin/sources/broken', await sessionFor(writer));
      expect(res.status).toBe(200);
      const text = textOf(html);
      expect(text).toContain('Broken Platform Updates');
      expect(text).toContain(server.url('/broken.xml'));
      expect(text).toContain('http://old.example.org/broken.xml');
      expect(text).toContain('English, French');
      expect(text).toMatch(/Failures in a row 3/);
      expect(text).toContain('The site had a server error. This is often temporary; the hub tries again later, less often. the server had an internal error (500)');
      expect(text).toContain('Last 15 fetches: 12 ok, 3 failed');
      expect(html.match(/<tr><th scope="row"><time/g)).toHaveLength(15);
      expect(text).toMatch(/Failed 500 90\sms 0 0 —/);
      expect(html).toMatch(/<button type="submit" aria-describedby="refresh-hint">Refresh now<\/button>/);
      expect(html).toContain('href="/en/admin/sources/broken/delete"');
    });

    it('says a feeds.yaml source is managed there, offering no deletion', async () => {
      const cookie = await sessionFor(writer);
      const { html } = await page('/en/admin/sources/filed', cookie);
      expect(html).toContain('Managed by feeds.yaml: edit or remove it in the file');
      expect(html).not.toContain('/delete');
      const confirm = await page('/en/admin/sources/filed/delete', cookie);
      expect(confirm.res.status).toBe(409);
      const del = await post('/en/admin/sources/filed/delete', cookie, { confirm: 'yes' });
      expect(del.status).toBe(409);
      expect(await del.text()).toContain('is managed by feeds.yaml');
      expect(await getSourceBySlug(database.db, 'filed')).toBeDefined();
    });

    it('answers a missing source with a page, in its language', async () => {
      const cookie = await sessionFor(writer);
      const { res, html } = await page('/fr/admin/sources/nope', cookie);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(html).toContain('Cette source n’existe pas.');
    });
  });

  describe('actions', () => {
    it('pauses and resumes, saying so on the source’s page', async () => {
      const cookie = await sessionFor(writer);
      const paused = await post('/en/admin/sources/working/pause', cookie);
      expect(paused.status).toBe(303);
      expect(paused.headers.get('location')).toBe('/en/admin/sources/working?done=paused');
      expect((await getSourceBySlug(database.db, 'working'))!.status).toBe('paused');
      const after = await page(paused.headers.get('location')!, cookie);
      expect(after.html).toContain('<div class="notice ok" role="status">Paused: it is no longer fetched');
      expect(after.html).toMatch(/>Resume<\/button>/);
      expect(after.html).toContain('Resume it to refresh it.');
      const refused = await post('/en/admin/sources/working/refresh', cookie);
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain('is paused: resume it first');
      const resumed = await post('/fr/admin/sources/working/resume', cookie);
      expect(resumed.headers.get('location')).toBe('/fr/admin/sources/working?done=resumed');
      expect((await getSourceBySlug(database.db, 'working'))!.status).toBe('active');
    });

    it('refreshes now, recording the fetch and telling its outcome', async () => {
      const cookie = await sessionFor(writer);
      const res = await post('/en/admin/sources/working/refresh', cookie);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/en/admin/sources/working?done=refreshed&outcome=ok&new=2&updated=0');
      const row = (await getSourceBySlug(database.db, 'working'))!;
      expect(row.itemCount).toBe(2);
      const [newest] = await listFetches(database.db, row.id, 1);
      expect(newest).toMatchObject({ outcome: 'ok', httpStatus: 200, itemsNew: 2 });
      const { html } = await page(res.headers.get('location')!, cookie);
      expect(html).toContain('Fetched now: OK; 2 new items, 0 updated.');
      const failed = await post('/en/admin/sources/broken/refresh', cookie);
      expect(failed.headers.get('location')).toBe('/en/admin/sources/broken?done=refreshed&outcome=failed&new=0&updated=0');
      const failedPage = await page(failed.headers.get('location')!, cookie);
      expect(failedPage.html).toContain('<div class="notice bad" role="alert">Fetched now: Failed; 0 new items, 0 updated.');
      expect((await getSourceBySlug(database.db, 'broken'))!.errorCount).toBe(4);
    });

    it('deletes only after the confirmation step, with the source’s items', async () => {
      const cookie = await sessionFor(writer);
      const confirm = await page('/en/admin/sources/working/delete', cookie);
      expect(confirm.res.status).toBe(200);
      expect(confirm.html).toContain('Delete “Working Platform News”?');
      expect(confirm.html).toContain('its 2 items and its fetch history for good');
      expect(confirm.html).toMatch(/<input type="checkbox" id="confirm" name="confirm" value="yes" required=""/);
      const unconfirmed = await post('/en/admin/sources/working/delete', cookie);
      expect(unconfirmed.status).toBe(400);
      expect(await unconfirmed.text()).toContain('Tick the box to confirm the deletion.');
      expect(await getSourceBySlug(database.db, 'working')).toBeDefined();
      const done = await post('/en/admin/sources/working/delete', cookie, { confirm: 'yes' });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe('/en/admin?done=deleted&slug=working&items=2');
      expect(await getSourceBySlug(database.db, 'working')).toBeUndefined();
      expect((await page(done.headers.get('location')!, cookie)).html).toContain('Deleted “working” with its 2 items and its fetch history.');
      expect((await post('/en/admin/sources/working/pause', cookie)).status).toBe(404);
    });

    it('writes every change to the admin log under the token’s name', async () => {
      const log = await listAdminLog(database.db, 100);
      const actions = log.map((e) => `${e.action} ${(e.detail as { token: string; source: string }).source} ${(e.detail as { token: string }).token}`);
      expect(actions).toContain('source.remove working writer');
      expect(actions).toContain('source.pause working writer');
      expect(actions).toContain('source.refresh broken writer');
    });
  });

  describe('adding a source', () => {
    it('offers the form with topics labelled in the page’s language', async () => {
      const cookie = await sessionFor(writer);
      const en = await page('/en/admin/add', cookie);
      expect(en.html).toContain('<label for="f-topic-housing">Housing</label>');
      const fr = await page('/fr/admin/add', cookie);
      expect(fr.html).toContain('<label for="f-topic-housing">Logement</label>');
      expect(fr.html).toContain('<option value="quebec">Québec</option>');
      expect(fr.html).toMatch(/<optgroup label="Atlantique"><option value="nl">Terre-Neuve-et-Labrador<\/option>/);
    });

    it('lists the feeds a site offers as choices, then registers the one chosen', async () => {
      const cookie = await sessionFor(writer);
      const fields = { url: server.url('/two/'), organization: 'Two Feeds Org', region: 'ontario', province: 'on', topics: ['housing', 'employment'], slug: '' };
      const res = await post('/en/admin/add', cookie, fields);
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain('This address offers 2 feeds: choose one');
      expect(html).toContain(`<input type="radio" id="candidate-0" name="feedUrl" value="${server.url('/two/news.xml')}" required=""/>`);
      expect(html).toContain(`<input type="radio" id="candidate-1" name="feedUrl" value="${server.url('/two/fr.atom')}" required=""/>`);
      expect(textOf(html)).toContain('Newcomer news (RSS)');
      expect(textOf(html)).toContain('Nouvelles en français (Atom)');
      // What was typed comes back.
      expect(html).toContain('value="Two Feeds Org"');
      expect(html).toContain('<option value="ontario" selected="">Ontario</option>');
      expect(html).toMatch(/id="f-topic-housing" name="topics" value="housing" checked=""/);
      const chosen = await post('/en/admin/add', cookie, { ...fields, feedUrl: server.url('/two/fr.atom') });
      expect(chosen.status).toBe(303);
      expect(chosen.headers.get('location')).toBe('/en/admin/sources/nouvelles-en-francais?done=added');
      expect(await getSourceBySlug(database.db, 'nouvelles-en-francais')).toMatchObject({
        url: server.url('/two/fr.atom'), siteUrl: server.url('/two/'), organization: 'Two Feeds Org', region: 'ontario', province: 'on', languages: ['fr'], topics: ['housing', 'employment'], origin: 'api',
      });
      expect((await page(chosen.headers.get('location')!, cookie)).html).toContain('Source added.');
    });

    it('shows a duplicate as the existing source, with a link to it', async () => {
      const cookie = await sessionFor(writer);
      const res = await post('/fr/admin/add', cookie, { url: server.url('/broken.xml'), organization: 'Again', region: 'national' });
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(textOf(html)).toMatch(/Ce fil est déjà inscrit sous Broken Platform Updates \( broken \)\./);
      expect(html).toContain('<a href="/fr/admin/sources/broken">Broken Platform Updates</a>');
      const slug = await post('/en/admin/add', cookie, { url: server.url('/two/news.xml'), organization: 'Org', region: 'national', slug: 'broken' });
      expect(slug.status).toBe(409);
      const slugHtml = await slug.text();
      expect(textOf(slugHtml)).toMatch(/This slug is already used by Broken Platform Updates \( broken \)\./);
      expect(slugHtml).toMatch(/id="f-slug"[^>]*aria-invalid="true"/);
    });

    it('says why when no feed is found, or the address is not public', async () => {
      const cookie = await sessionFor(writer);
      const none = await post('/en/admin/add', cookie, { url: server.url('/bare/'), organization: 'Bare', region: 'national' });
      expect(none.status).toBe(422);
      const noneText = textOf(await none.text());
      expect(noneText).toContain('This page announces no feed, and none was found at the usual places');
      expect(noneText).toMatch(/Technical detail: not a feed \(HTML\), and the page offers none/);
      const blocked = await post('/fr/admin/add', cookie, { url: 'http://10.0.0.5/feed', organization: 'Private', region: 'national' });
      expect(blocked.status).toBe(422);
      const blockedHtml = await blocked.text();
      expect(textOf(blockedHtml)).toContain('Cette adresse n’est pas publique');
      expect(blockedHtml).toContain('<span lang="en">blocked: non-public address (10.0.0.5)</span>');
      const missing = await post('/en/admin/add', cookie, { url: server.url('/missing.xml'), organization: 'Missing', region: 'national' });
      expect(missing.status).toBe(422);
      expect(textOf(await missing.text())).toMatch(/This address could not be fetched\. Technical detail: cannot fetch .*404/);
    });

    it('names every wrong field, marks it, and keeps what was typed', async () => {
      const cookie = await sessionFor(writer);
      const res = await post('/en/admin/add', cookie, { url: 'not a url', organization: '', region: '', slug: 'Not A Slug', title: 'Kept title' });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain('<title>Error: Add a source — Administration — Passerelle</title>');
      expect(html).toContain('<h2 id="problem-h">The source was not added</h2>');
      for (const field of ['url', 'organization', 'region', 'slug']) {
        expect(html, field).toContain(`<a href="#f-${field}">`);
        expect(html, field).toMatch(new RegExp(`id="f-${field}"[^>]*aria-describedby="[^"]*f-${field}-error"`));
      }
      expect(html).toContain('value="Kept title"');
      expect(html).toContain('value="Not A Slug"');
      const province = await post('/en/admin/add', cookie, { url: server.url('/working.xml'), organization: 'Org', region: 'atlantic', province: 'on' });
      expect(province.status).toBe(400);
      expect(textOf(await province.text())).toContain('Ontario is not in the region “Atlantic”. Choose its region, or leave the region empty: the province sets it.');
    });

    it('says every refusal in French on the French page, with no English but the technical detail', async () => {
      const cookie = await sessionFor(writer);
      const res = await post('/fr/admin/add', cookie, { url: 'pas une adresse', organization: '', region: 'bc', province: 'ns', slug: 'Pas Bon' });
      expect(res.status).toBe(400);
      const text = textOf(await res.text());
      expect(text).toContain('Adresse du fil ou du site web : Il faut ici une adresse qui commence par http:// ou https://.');
      expect(text).toContain('Organisation : Obligatoire.');
      expect(text).toContain('Identifiant : Lettres minuscules, chiffres et traits d’union simples seulement');
      expect(text).not.toMatch(/must be|Too small|Invalid|is not in region/);
      const province = await post('/fr/admin/add', cookie, { url: server.url('/working.xml'), organization: 'Org', region: 'bc', province: 'ns' });
      expect(textOf(await province.text())).toContain('Nouvelle-Écosse n’est pas dans la région « Colombie-Britannique ». Choisissez sa région, ou laissez la région vide : la province la fixe.');
    });

    it('takes the region from the province when none is chosen', async () => {
      const cookie = await sessionFor(writer);
      server.route('/pei.xml', serveBody(rss([['p1', 'Island news']], '<language>en</language>'), { headers: { 'content-type': 'application/rss+xml' } }));
      const res = await post('/en/admin/add', cookie, { url: server.url('/pei.xml'), organization: 'Island Newcomer Centre', region: '', province: 'pe', slug: 'island' });
      expect(res.status).toBe(303);
      expect(await getSourceBySlug(database.db, 'island')).toMatchObject({ region: 'atlantic', province: 'pe' });
    });
  });

  describe('editing a source', () => {
    it('offers its fields filled in, and saves them with the API’s checks; a new province moves its region', async () => {
      const cookie = await sessionFor(writer);
      const form = await page('/en/admin/sources/paused/edit', cookie);
      expect(form.res.status).toBe(200);
      expect(form.html).toContain('<h1>Edit “Paused Partner Feed”</h1>');
      expect(form.html).toContain('value="Paused Partner"');
      expect(form.html).toMatch(/<option value="prairies" selected="">Prairies<\/option>/);
      expect(form.html).toMatch(/<option value="mb" selected="">Manitoba<\/option>/);
      // Manitoba chosen anew as Nova Scotia, the region left as it was: the province moves it.
      const res = await post('/en/admin/sources/paused/edit', cookie, {
        title: 'Paused Partner — News',
        organization: 'Paused Partner of Halifax',
        url: server.url('/paused.xml'),
        siteUrl: 'https://partner.example.ca/',
        region: 'prairies',
        province: 'ns',
        languages: ['en', 'fr'],
        topics: ['housing', 'employment'],
        intervalMinutes: '120',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/en/admin/sources/paused?done=edited');
      expect(await getSourceBySlug(database.db, 'paused')).toMatchObject({
        title: 'Paused Partner — News',
        organization: 'Paused Partner of Halifax',
        region: 'atlantic',
        province: 'ns',
        siteUrl: 'https://partner.example.ca/',
        languages: ['en', 'fr'],
        topics: ['housing', 'employment'],
        intervalOverrideMinutes: 120,
      });
      expect(textOf((await page(res.headers.get('location')!, cookie)).html)).toContain('Changes saved.');
      expect((await listAdminLog(database.db, 5)).find((e) => e.action === 'source.update')).toBeTruthy();
    });

    it('refuses what the API refuses, in French on the French page, keeping what was typed', async () => {
      const cookie = await sessionFor(writer);
      const before = await getSourceBySlug(database.db, 'broken');
      const res = await post('/fr/admin/sources/broken/edit', cookie, {
        title: '',
        organization: 'Réseau modifié',
        url: server.url('/broken.xml'),
        region: 'bc',
        province: 'ns',
        languages: [],
        intervalMinutes: 'souvent',
      });
      expect(res.status).toBe(400);
      const html = await res.text();
      const text = textOf(html);
      expect(text).toContain('Les modifications n’ont pas été enregistrées');
      expect(text).toContain('Titre : Obligatoire.');
      expect(text).toContain('Langues : Choisissez-en au moins 1.');
      expect(text).toContain('Intervalle de lecture, en minutes : Il faut ici un nombre entier.');
      expect(text).not.toMatch(/Too small|expected|received|must be/);
      expect(html).toContain('value="Réseau modifié"');
      // Both the region and the province chosen, and they disagree: said in French.
      const place = await post('/fr/admin/sources/broken/edit', cookie, { title: 'Broken', organization: 'Org', url: server.url('/broken.xml'), region: 'bc', province: 'ns', languages: ['en'] });
      expect(textOf(await place.text())).toContain('Nouvelle-Écosse n’est pas dans la région « Colombie-Britannique »');
      expect(await getSourceBySlug(database.db, 'broken')).toEqual(before);
    });

    it('checks a new feed address like a new source', async () => {
      const cookie = await sessionFor(writer);
      const res = await post('/en/admin/sources/broken/edit', cookie, { title: 'Broken', organization: 'Org', url: server.url('/bare/'), region: 'atlantic', province: 'ns', languages: ['en'] });
      expect(res.status).toBe(422);
      expect(textOf(await res.text())).toContain('This page announces no feed');
      expect((await getSourceBySlug(database.db, 'broken'))!.url).toBe(server.url('/broken.xml'));
    });

    it('sends a feeds.yaml source to the file, and changes nothing', async () => {
      const cookie = await sessionFor(writer);
      const { html } = await page('/fr/admin/sources/filed/edit', cookie);
      expect(textOf(html)).toContain('Cette source est inscrite dans feeds.yaml (le fichier que nomme FEEDS_FILE)');
      expect(textOf(html)).toContain('dans l’entrée dont l’identifiant (slug) est « filed »');
      expect(html).not.toContain('name="title"');
      const res = await post('/en/admin/sources/filed/edit', cookie, { title: 'Changed', organization: 'Org', url: server.url('/filed.xml'), region: 'national', languages: ['en'] });
      expect(res.status).toBe(409);
      expect((await getSourceBySlug(database.db, 'filed'))!.title).toBe('Filed Hub Bulletin');
    });

    it('is not offered to a read-only token', async () => {
      expect((await page('/en/admin/sources/broken/edit', await sessionFor(reader))).res.status).toBe(403);
    });
  });

  describe('importing an OPML file', () => {
    const opml = (body: string) => `<?xml version="1.0"?><opml version="2.0"><head><title>Import</title></head><body>${body}</body></opml>`;
    async function upload(path: string, cookie: string, file: string | undefined, fields: Record<string, string | string[]> = {}) {
      const token = formTokenOf((await page('/en/admin', cookie)).html)!;
      const body = new FormData();
      body.append('_csrf', token);
      if (file !== undefined) body.append('file', new File([file], 'subscriptions.opml', { type: 'text/x-opml' }));
      for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
      return app.request(path, { method: 'POST', headers: { origin: PUBLIC, ...from(), cookie }, body });
    }

    it('offers a file form, then shows the dry run’s report in the page’s language, importing nothing', async () => {
      const cookie = await sessionFor(writer);
      const { html } = await page('/fr/admin/import', cookie);
      expect(html).toContain('enctype="multipart/form-data"');
      expect(html).toContain('<input type="checkbox" id="f-dry-run" name="dryRun" value="yes" checked=""/>');
      server.route('/opml-fr.xml', serveBody(rss([['o1', 'Nouvelle']], '<language>fr-CA</language>'), { headers: { 'content-type': 'application/rss+xml' } }));
      const doc = opml(`<outline text="Logement"><outline text="Accueil Nord — Actualités" xmlUrl="${server.url('/opml-fr.xml')}" category="Yukon"/></outline>
        <outline text="Divers"><outline text="Filed again" xmlUrl="${server.url('/filed.xml')}"/></outline>`);
      const res = await upload('/fr/admin/import', cookie, doc, { dryRun: 'yes' });
      expect(res.status).toBe(200);
      const text = textOf(await res.text());
      expect(text).toContain('Essai : 1 source à importer, 1 écartée. Rien n’a été importé.');
      expect(text).toMatch(/Accueil Nord — Actualités .* Accueil Nord Le Nord — Yukon Français déclarées par le fil Logement/);
      expect(text).toContain('déjà inscrite sous « filed »');
      expect(text).toContain('Dossiers qui ne nomment aucun thème (leurs fils n’en reçoivent pas) : Divers.');
      expect(await getSourceBySlug(database.db, 'accueil-nord-actualites')).toBeUndefined();
      // Without the dry run, the sources are there.
      const done = await upload('/en/admin/import', cookie, doc, {});
      expect(done.status).toBe(201);
      expect(textOf(await done.text())).toContain('1 source imported, 1 skipped.');
      expect(await getSourceBySlug(database.db, 'accueil-nord-actualites')).toMatchObject({ organization: 'Accueil Nord', region: 'north', province: 'yt', languages: ['fr'], topics: ['housing'] });
    });

    it('refuses the whole file for one wrong outline, naming it in French; and what is not OPML, or no file', async () => {
      const cookie = await sessionFor(writer);
      const bad = await upload('/fr/admin/import', cookie, opml('<outline text="Bon" xmlUrl="https://good.example.org/feed"/><outline text="Cassé" xmlUrl="pas une adresse"/>'), {});
      expect(bad.status).toBe(422);
      const text = textOf(await bad.text());
      expect(text).toContain('Rien n’a été importé');
      expect(text).toContain('Le fichier a 1 problème.');
      expect(text).toContain('Entrée 2 (« Cassé ») : Il faut ici une adresse qui commence par http:// ou https://.');
      expect(await getSourceBySlug(database.db, 'bon')).toBeUndefined();
      const notOpml = await upload('/en/admin/import', cookie, rss([['1', 'x']]), {});
      expect(notOpml.status).toBe(422);
      expect(textOf(await notOpml.text())).toContain('This file could not be read as an OPML subscription list.');
      const none = await upload('/en/admin/import', cookie, undefined, {});
      expect(none.status).toBe(400);
      expect(textOf(await none.text())).toContain('Choose a file.');
    });

    it('answers a file larger than the import takes with a page, before reading it all', async () => {
      const cookie = await sessionFor(writer);
      const huge = await upload('/fr/admin/import', cookie, opml(`<!-- ${'x'.repeat(1100 * 1024)} -->`), {});
      expect(huge.status).toBe(413);
      expect(textOf(await huge.text())).toContain('Le fichier dépasse la taille que le carrefour accepte (au plus 1 Mo).');
    });
  });
});
