// The admin API in memory (app.request) against both databases, with fixture sites on 127.0.0.1
// for autodiscovery: a page that links to its feed (relative href), one that links to two, a page
// that is itself a feed, a site whose feed sits at a usual path, and a site that offers none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createMetrics } from '../../src/core/metrics.ts';
import type { Topic } from '../../src/core/types.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../src/store/api-tokens.ts';
import type { Database } from '../../src/store/db.ts';
import { sources } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveBody, serveRedirect, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testFetchSettings, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';
import { eq, sql } from 'drizzle-orm';

const json = (res: Response): Promise<any> => res.json();
const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const HTML = { 'content-type': 'text/html; charset=utf-8' };
const ADMIN_TOKEN = 'bootstrap-secret-0123456789';

const topic = (slug: string, en: string, fr: string): Topic => ({ slug, label: { en, fr }, keywords: { en: [], fr: [] }, categories: [] });
const TOPICS = [topic('housing', 'Housing', 'Logement'), topic('health', 'Health', 'Santé'), topic('employment', 'Employment', 'Emploi')];

const page = (head: string) => `<!doctype html><html lang="en"><head><title>Site</title>${head}</head><body><p>Welcome</p></body></html>`;
const feedDoc = (title: string, extra = '') => rss([[`${title}-1`, `${title} first`], [`${title}-2`, `${title} second`]], extra).replace('<title>Test platform</title>', `<title>${title}</title>`);

describe.each(databaseKinds)('admin API on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let site: FeedServer;
  let bare: FeedServer;
  let guessing: FeedServer;
  let twoGuesses: FeedServer;
  let app: ReturnType<typeof createApp>;
  let metrics: ReturnType<typeof createMetrics>;
  let writer: string;
  let reader: string;
  let revoked: string;
  let clock = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    [site, bare, guessing, twoGuesses] = await Promise.all([startFeedServer(), startFeedServer(), startFeedServer(), startFeedServer()]);

    site.route('/direct.xml', serveBody(feedDoc('Direct news', '<language>fr-CA</language>'), { headers: RSS }));
    site.route('/no-lang.xml', serveBody(feedDoc('No language'), { headers: RSS }));
    site.route('/one/', serveBody(page('<link rel="alternate" type="application/rss+xml" title="One news" href="feed.xml">'), { headers: HTML }));
    site.route('/one/feed.xml', serveBody(feedDoc('One news', '<language>en</language>'), { headers: RSS }));
    site.route('/two/', serveBody(page(`<link rel="alternate" type="application/rss+xml" title="Posts" href="/two/posts.xml">
      <link rel="alternate" type="application/atom+xml" title="Comments" href="/two/comments.xml">`), { headers: HTML }));
    site.route('/two/posts.xml', serveBody(feedDoc('Two posts', '<language>en</language>'), { headers: RSS }));
    site.route('/two/comments.xml', serveBody(feedDoc('Two comments', '<language>en</language>'), { headers: RSS }));
    site.route('/other.xml', serveBody(feedDoc('Other', '<language>en</language>'), { headers: RSS }));
    site.route('/filed.xml', serveBody(feedDoc('Filed', '<language>en</language>'), { headers: RSS }));
    site.route('/not-a-feed.txt', serveBody('hello, plain text', { headers: { 'content-type': 'text/plain' } }));

    bare.route('/', serveBody(page(''), { headers: HTML }));
    guessing.route('/', serveBody(page(''), { headers: HTML }));
    guessing.route('/feed', serveRedirect('/feed/', 301));
    guessing.route('/feed/', serveBody(feedDoc('Guessed', '<language>en</language>'), { headers: RSS }));
    guessing.route('/rss.xml', serveBody(feedDoc('Guessed', '<language>en</language>'), { headers: RSS }));
    twoGuesses.route('/', serveBody(page(''), { headers: HTML }));
    twoGuesses.route('/rss.xml', serveBody(feedDoc('First guess', '<language>en</language>'), { headers: RSS }));
    twoGuesses.route('/atom.xml', serveBody(feedDoc('Second guess', '<language>en</language>'), { headers: RSS }));

    await syncSources(database.db, [spec('filed', { url: site.url('/filed.xml') })]);
    writer = (await createApiToken(database.db, { name: 'writer', readOnly: false })).token;
    reader = (await createApiToken(database.db, { name: 'reader', readOnly: true })).token;
    revoked = (await createApiToken(database.db, { name: 'old', readOnly: false })).token;
    await revokeApiToken(database.db, 'old');

    metrics = createMetrics();
    app = createApp({
      database,
      logger: silentLogger(),
      publicUrl: 'http://hub.test',
      version: 'test',
      topics: TOPICS,
      pipeline: testPipeline(database.db, { metrics }),
      adminToken: ADMIN_TOKEN,
      trustProxy: true,
      authThrottle: { maxFailures: 3, decaySeconds: 60, now: () => clock },
      metrics,
    });
  });
  afterAll(async () => {
    await Promise.all([site, bare, guessing, twoGuesses].map((s) => s.close()));
    await cleanup();
  });

  let ip = 0;
  /** Each call comes from its own client address unless one is given, so throttling stays out of the way. */
  function call(method: string, path: string, options: { token?: string | null; body?: unknown; raw?: string; type?: string; from?: string } = {}) {
    const headers: Record<string, string> = { 'x-forwarded-for': `198.51.100.7, ${options.from ?? `192.0.2.${++ip % 250}`}` };
    const token = options.token === undefined ? writer : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.type ?? 'text/x-opml';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    return app.request(path, { method, headers, body });
  }
  const add = (body: Record<string, unknown>, token?: string) => call('POST', '/api/sources', { body: { organization: 'Org', region: 'national', ...body }, token });

  describe('tokens', () => {
    it('refuses a missing, wrong or revoked token with a bare 401 and WWW-Authenticate', async () => {
      for (const token of [null, 'psl_not-a-real-token', revoked, `${ADMIN_TOKEN}x`]) {
        const res = await call('GET', '/api/sources/filed', { token });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
        expect(await res.json()).toEqual({ error: 'unauthorized' });
      }
      const basic = await app.request('/api/sources/filed', { headers: { authorization: `Basic ${Buffer.from(`x:${writer}`).toString('base64')}` } });
      expect(basic.status).toBe(401);
    });

    it('accepts ADMIN_TOKEN, created tokens, and read-only tokens for GET only', async () => {
      expect((await call('GET', '/api/sources/filed', { token: ADMIN_TOKEN })).status).toBe(200);
      expect((await call('GET', '/api/sources/filed', { token: writer })).status).toBe(200);
      expect((await call('GET', '/api/sources/filed', { token: reader })).status).toBe(200);
      const denied = await call('POST', '/api/sources/filed/pause', { token: reader });
      expect(denied.status).toBe(403);
      expect((await json(denied)).error).toMatch(/read-only/);
      const tokens = await listApiTokens(database.db);
      const r = tokens.find((t) => t.name === 'reader')!;
      expect(r.useCount).toBe(2);
      expect(r.lastUsedAt).toBeInstanceOf(Date);
      expect(tokens.find((t) => t.name === 'old')!.useCount).toBe(0);
    });

    it('keeps GET /api/sources public and read-only', async () => {
      const res = await app.request('/api/sources');
      expect(res.status).toBe(200);
      expect((await json(res)).sources.map((s: { slug: string }) => s.slug)).toContain('filed');
      expect((await app.request('/api/sources', { method: 'DELETE' })).status).toBe(404);
    });

    it('slows a client down after repeated wrong tokens, with Retry-After, then forgets', async () => {
      const from = '203.0.113.50';
      for (let i = 0; i < 3; i++) expect((await call('GET', '/api/sources/filed', { token: `wrong-${i}`, from })).status).toBe(401);
      const blocked = await call('GET', '/api/sources/filed', { token: writer, from });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
      expect((await call('GET', '/api/sources/filed', { token: writer, from: '203.0.113.51' })).status).toBe(200);
      // A missing token is not a guess and does not fill the bucket.
      for (let i = 0; i < 5; i++) expect((await call('GET', '/api/sources/filed', { token: null, from: '203.0.113.52' })).status).toBe(401);
      expect((await call('GET', '/api/sources/filed', { token: writer, from: '203.0.113.52' })).status).toBe(200);
      clock += 10 * 60_000;
      expect((await call('GET', '/api/sources/filed', { token: writer, from })).status).toBe(200);
    });
  });

  describe('registering sources', () => {
    it('registers a URL that is a feed, taking title and language from it and deriving the slug', async () => {
      const res = await add({ url: site.url('/direct.xml'), topics: ['housing'], region: 'quebec', province: 'qc' });
      expect(res.status).toBe(201);
      const body = await json(res);
      expect(body.source).toMatchObject({ slug: 'direct-news', title: 'Direct news', languages: ['fr'], region: 'quebec', province: 'qc', topics: ['housing'], origin: 'api', status: 'active' });
      expect(body.discoveredVia).toBe('direct');
      expect(res.headers.get('location')).toBe('http://hub.test/api/sources/direct-news');
    });

    it('finds the feed a page links to with a relative href', async () => {
      const res = await add({ url: site.url('/one/'), organization: 'One Org' });
      expect(res.status).toBe(201);
      const body = await json(res);
      expect(body.source).toMatchObject({ slug: 'one-news', url: site.url('/one/feed.xml'), siteUrl: site.url('/one/'), languages: ['en'] });
      expect(body.discoveredVia).toBe('link');
    });

    it('lists the candidates when a page links to several feeds, then takes the one chosen', async () => {
      const res = await add({ url: site.url('/two/') });
      expect(res.status).toBe(409);
      const body = await json(res);
      expect(body.error).toMatch(/several feeds found \(2\); choose one and send it as feedUrl/);
      expect(body.candidates).toEqual([
        { feedUrl: site.url('/two/posts.xml'), title: 'Posts', type: 'application/rss+xml' },
        { feedUrl: site.url('/two/comments.xml'), title: 'Comments', type: 'application/atom+xml' },
      ]);
      const chosen = await add({ url: site.url('/two/'), feedUrl: body.candidates[0].feedUrl, slug: 'two' });
      expect(chosen.status).toBe(201);
      expect((await json(chosen)).source).toMatchObject({ slug: 'two', url: site.url('/two/posts.xml'), siteUrl: site.url('/two/') });
    });

    it('tries the usual feed paths on a site that links to none', async () => {
      const res = await add({ url: guessing.url('/') });
      expect(res.status).toBe(201);
      const body = await json(res);
      // /feed 301s to /feed/ and /rss.xml carries the same bytes: one feed, stored at its final URL.
      expect(body.source).toMatchObject({ slug: 'guessed', url: guessing.url('/feed/') });
      expect(body.discoveredVia).toBe('guess');
      const several = await add({ url: twoGuesses.url('/') });
      expect(several.status).toBe(409);
      expect((await json(several)).candidates.map((c: { feedUrl: string }) => c.feedUrl)).toEqual([twoGuesses.url('/rss.xml'), twoGuesses.url('/atom.xml')]);
    });

    it('answers 422 for a page that offers no feed, or a body that is not one', async () => {
      const none = await add({ url: bare.url('/') });
      expect(none.status).toBe(422);
      expect((await json(none)).error).toMatch(/not a feed \(HTML\), and the page offers none/);
      const text = await add({ url: site.url('/not-a-feed.txt') });
      expect(text.status).toBe(422);
      expect((await json(text)).error).toMatch(/^not a feed .*not a web page/);
      const missing = await add({ url: site.url('/nothing-here.xml') });
      expect(missing.status).toBe(422);
      expect((await json(missing)).error).toMatch(/^cannot fetch .*404/);
    });

    it('refuses non-public addresses before sending anything', async () => {
      for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/feed', 'http://[::ffff:127.0.0.2]/', 'http://2130706434/']) {
        const res = await add({ url });
        expect(res.status, url).toBe(422);
        expect((await json(res)).error).toMatch(/^blocked: non-public address/);
      }
      const file = await add({ url: 'file:///etc/passwd' });
      expect(file.status).toBe(400);
      // Without an allowlist, names that only mean an internal host are refused without DNS too.
      const strict = createApp({
        database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: TOPICS, metrics, adminToken: ADMIN_TOKEN,
        pipeline: testPipeline(database.db, { fetch: testFetchSettings({ privateAllowlist: [] }) }),
      });
      for (const url of ['http://metadata.google.internal/computeMetadata/v1/', 'http://localhost:8080/feed', 'http://intranet/feed', site.url('/other.xml')]) {
        const res = await strict.request('/api/sources', {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url, organization: 'O', region: 'national' }),
        });
        expect(res.status, url).toBe(422);
        expect((await json(res)).error, url).toMatch(/^blocked: non-public address/);
      }
    });

    it('refuses duplicates: same URL, the same URL spelled differently, an alias, a slug', async () => {
      for (const url of [site.url('/direct.xml'), site.url('/direct.xml/').replace('http://', 'HTTP://')]) {
        const res = await add({ url });
        expect(res.status).toBe(409);
        expect(await json(res)).toMatchObject({ error: expect.stringMatching(/already registered as source "direct-news"/), existing: 'direct-news' });
      }
      await database.db.update(sources).set({ aliases: [site.url('/old-direct.xml')] }).where(eq(sources.slug, 'direct-news'));
      expect((await json(await add({ url: site.url('/old-direct.xml') }))).existing).toBe('direct-news');
      const slug = await add({ url: site.url('/other.xml'), slug: 'filed' });
      expect(slug.status).toBe(409);
      expect((await json(slug)).error).toMatch(/slug "filed" is already used/);
    });

    it('validates every field, naming it, before fetching anything', async () => {
      const hitsBefore = site.allRequests().length;
      const cases: [Record<string, unknown>, RegExp, string][] = [
        [{ url: site.url('/other.xml'), region: 'mars' }, /^region: /, 'not-one-of'],
        [{ url: 'not a url' }, /^url: must be an absolute http\(s\) URL/, 'not-a-url'],
        [{ url: site.url('/other.xml'), region: 'atlantic', province: 'on' }, /province "on" is not in region "atlantic"/, 'province-not-in-region'],
        [{ url: site.url('/other.xml'), topics: ['housing', 'gardening'] }, /topics\.1: unknown topic "gardening"/, 'unknown-topic'],
        [{ url: site.url('/other.xml'), languages: ['de'] }, /^languages\.0: /, 'not-one-of'],
        [{ url: site.url('/other.xml'), colour: 'blue' }, /colour: unknown field/, 'unknown-field'],
        [{ url: site.url('/other.xml'), slug: 'Not A Slug' }, /^slug: must be lowercase/, 'bad-slug'],
        [{ url: site.url('/other.xml'), organization: '' }, /^organization: /, 'required'],
        [{ url: site.url('/other.xml'), region: undefined }, /^region: required/, 'required'],
      ];
      for (const [body, message, code] of cases) {
        const res = await add(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        const b = await json(res);
        expect(b.error).toMatch(message);
        // Each problem also comes as a code (and its values), for clients that word it themselves.
        expect(b.details[0]).toMatchObject({ field: expect.any(String), message: expect.any(String), code });
      }
      expect((await json(await add({ url: site.url('/other.xml'), region: 'atlantic', province: 'on' }))).details[0].params).toEqual({ province: 'on', region: 'atlantic' });
      const notJson = await call('POST', '/api/sources', { raw: '{nope', type: 'application/json' });
      expect(notJson.status).toBe(400);
      expect(site.allRequests().length).toBe(hitsBefore);
    });

    it('asks for languages when the feed does not give one', async () => {
      const res = await add({ url: site.url('/no-lang.xml') });
      expect(res.status).toBe(400);
      expect((await json(res)).error).toMatch(/^languages: required/);
      expect((await add({ url: site.url('/no-lang.xml'), languages: ['en', 'fr'] })).status).toBe(201);
    });
  });

  describe('managing sources', () => {
    it('shows one source with its fetch history after a refresh', async () => {
      const refresh = await call('POST', '/api/sources/one-news/refresh');
      expect(refresh.status).toBe(200);
      const r = await json(refresh);
      expect(r.outcome).toMatchObject({ outcome: 'ok', itemsNew: 2 });
      expect(r.source.health.itemCount).toBe(2);
      const one = await json(await call('GET', '/api/sources/one-news', { token: reader }));
      expect(one.source).toMatchObject({ slug: 'one-news', aliases: [], origin: 'api' });
      expect(one.fetches).toHaveLength(1);
      expect(one.fetches[0]).toMatchObject({ outcome: 'ok', httpStatus: 200, itemsNew: 2 });
      expect((await call('GET', '/api/sources/nope')).status).toBe(404);
      expect((await call('GET', '/api/sources/one-news?fetches=-1')).status).toBe(400);
    });

    it('pauses, refuses to refresh a paused source, and resumes', async () => {
      const paused = await json(await call('POST', '/api/sources/one-news/pause'));
      expect(paused.source.status).toBe('paused');
      const refused = await call('POST', '/api/sources/one-news/refresh');
      expect(refused.status).toBe(409);
      expect((await json(refused)).error).toMatch(/is paused: resume it first/);
      const resumed = await json(await call('POST', '/api/sources/one-news/resume'));
      expect(resumed.source.status).toBe('active');
      const again = await json(await call('POST', '/api/sources/one-news/refresh'));
      // The fixture sends no validators: the same bytes are recognised by their hash.
      expect(again.outcome.outcome).toBe('unchanged');
    });

    it('edits a source, moving its URL to another feed and keeping the old one as an alias', async () => {
      const res = await call('PATCH', '/api/sources/two', { body: { title: 'Two, renamed', topics: ['health'], province: null, url: site.url('/two/comments.xml') } });
      expect(res.status).toBe(200);
      const s = (await json(res)).source;
      expect(s).toMatchObject({ title: 'Two, renamed', topics: ['health'], url: site.url('/two/comments.xml'), aliases: [site.url('/two/posts.xml')] });
      expect((await call('PATCH', '/api/sources/two', { body: { slug: 'three' } })).status).toBe(400);
      expect((await call('PATCH', '/api/sources/two', { body: { region: 'atlantic', province: 'qc' } })).status).toBe(400);
      const dup = await call('PATCH', '/api/sources/two', { body: { url: site.url('/direct.xml') } });
      expect(dup.status).toBe(409);
      expect((await call('PATCH', '/api/sources/nope', { body: { title: 'x' } })).status).toBe(404);
    });

    it('pauses, resumes and refreshes a feeds.yaml source, but leaves editing and removing to the file', async () => {
      expect((await call('POST', '/api/sources/filed/refresh')).status).toBe(200);
      expect((await call('POST', '/api/sources/filed/pause')).status).toBe(200);
      expect((await call('POST', '/api/sources/filed/resume')).status).toBe(200);
      for (const [method, body] of [['PATCH', { title: 'x' }], ['DELETE', undefined]] as const) {
        const res = await call(method, '/api/sources/filed', { body });
        expect(res.status).toBe(409);
        expect(await json(res)).toMatchObject({ error: expect.stringMatching(/managed by feeds\.yaml/), origin: 'file' });
      }
    });

    it('deletes a source with its items, and says so', async () => {
      const before = await getSourceBySlug(database.db, 'one-news');
      expect(before!.itemCount).toBe(2);
      const res = await call('DELETE', '/api/sources/one-news');
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ deleted: 'one-news', itemsDeleted: 2, note: expect.stringMatching(/items/) });
      expect((await call('GET', '/api/sources/one-news')).status).toBe(404);
      const [{ n }] = await database.rows<{ n: number }>(sql`select count(*)::int as n from items where source_id = ${before!.id}`);
      expect(Number(n)).toBe(0);
      expect((await call('DELETE', '/api/sources/one-news')).status).toBe(404);
    });

    it('records every change in the admin log with the token name', async () => {
      const res = await call('GET', '/api/admin/log?limit=100', { token: reader });
      const entries = (await json(res)).entries as { action: string; token: string; detail: { source?: string } }[];
      expect(entries.find((e) => e.action === 'source.remove')).toMatchObject({ token: 'writer', detail: { source: 'one-news' } });
      expect(entries.some((e) => e.action === 'source.add' && e.detail.source === 'direct-news')).toBe(true);
      expect(entries.some((e) => e.action === 'source.pause' && e.detail.source === 'filed')).toBe(true);
      expect((await call('GET', '/api/admin/log?limit=0')).status).toBe(400);
    });
  });

  describe('OPML import', () => {
    const opml = (body: string) => `<?xml version="1.0"?><opml version="2.0"><head><title>Import</title></head><body>${body}</body></opml>`;
    const count = async () => (await database.rows<{ n: number }>(sql`select count(*)::int as n from sources`))[0].n;

    it('imports every feed, folders named like topics becoming default topics', async () => {
      const doc = opml(`
        <outline text="Logement">
          <outline text="Housing Hub — Housing Org" xmlUrl="https://housing.example.org/feed" htmlUrl="https://housing.example.org/"/>
          <outline text="Santé"><outline text="Clinic" xmlUrl="https://clinic.example.org/rss" language="fr"/></outline>
        </outline>
        <outline text="Misc"><outline text="Direct again" xmlUrl="${site.url('/direct.xml')}"/></outline>
        <outline text="Twice" xmlUrl="https://twice.example.org/feed"/>
        <outline text="Twice again" xmlUrl="https://www.twice.example.org/feed/"/>`);
      const res = await call('POST', '/api/opml?region=ontario', { raw: doc });
      expect(res.status).toBe(201);
      const report = await json(res);
      // Feeds the hub cannot read (these hosts do not resolve) declare no language: both are assumed, and said so.
      expect(report.imported).toEqual([
        { slug: 'housing-hub', url: 'https://housing.example.org/feed', title: 'Housing Hub', organization: 'Housing Org', region: 'ontario', languages: ['en', 'fr'], languagesFrom: 'assumed', topics: ['housing'] },
        { slug: 'clinic', url: 'https://clinic.example.org/rss', title: 'Clinic', organization: 'Clinic', region: 'ontario', languages: ['fr'], languagesFrom: 'outline', topics: ['housing', 'health'] },
        { slug: 'twice', url: 'https://twice.example.org/feed', title: 'Twice', organization: 'Twice', region: 'ontario', languages: ['en', 'fr'], languagesFrom: 'assumed', topics: [] },
      ]);
      expect(report.skipped).toEqual([
        { url: site.url('/direct.xml'), reason: 'already registered as "direct-news"', code: 'already-registered', existing: 'direct-news' },
        { url: 'https://www.twice.example.org/feed/', reason: 'listed twice in the file (imported as "twice")', code: 'listed-twice', existing: 'twice' },
      ]);
      expect(report.unmatchedFolders).toEqual(['Misc']);
      const clinic = await getSourceBySlug(database.db, 'clinic');
      expect(clinic).toMatchObject({ origin: 'api', languages: ['fr'], region: 'ontario' });
      expect((await getSourceBySlug(database.db, 'housing-hub'))!.languages).toEqual(['en', 'fr']);
    });

    it('reads what each outline and its feed say: the place from the category, the language, the publisher’s name', async () => {
      site.route('/opml/english.xml', serveBody(feedDoc('Harbour News', '<language>en-CA</language>'), { headers: RSS }));
      site.route('/opml/french.xml', serveBody(feedDoc('Nouvelles', '<language>fr</language>'), { headers: RSS }));
      site.route('/opml/silent.xml', serveBody(feedDoc('Silent'), { headers: RSS }));
      const doc = opml(`
        <outline text="Harbourview Newcomer Centre News" xmlUrl="${site.url('/opml/english.xml')}" category="NS"/>
        <outline text="Accueil Yukon — Actualités" xmlUrl="${site.url('/opml/french.xml')}" category="/Canada/Yukon"/>
        <outline title="IRCC: News releases" xmlUrl="${site.url('/opml/silent.xml')}" category="Nouvelle-Écosse"/>
        <outline text="Prairie Partners Blog" xmlUrl="https://prairie.example.org/feed" category="Prairies" language="en"/>
        <outline text="National voice — National Org" xmlUrl="https://national.example.org/feed" category="/national/on"/>`);
      const report = await json(await call('POST', '/api/opml?dryRun=true', { raw: doc }));
      const shown = report.imported.map((s: Record<string, unknown>) => [s.title, s.organization, s.region, s.province ?? null, s.languages, s.languagesFrom]);
      expect(shown).toEqual([
        ['Harbourview Newcomer Centre News', 'Harbourview Newcomer Centre', 'atlantic', 'ns', ['en'], 'feed'],
        ['Accueil Yukon — Actualités', 'Accueil Yukon', 'north', 'yt', ['fr'], 'feed'],
        ['IRCC: News releases', 'IRCC', 'atlantic', 'ns', ['en', 'fr'], 'assumed'],
        ['Prairie Partners Blog', 'Prairie Partners', 'prairies', null, ['en'], 'outline'],
        ['National voice', 'National Org', 'national', 'on', ['en', 'fr'], 'assumed'],
      ]);
      // The import's own options win over what the outlines say.
      const forced = await json(await call('POST', '/api/opml?dryRun=true&region=quebec&lang=fr', { raw: doc }));
      expect(forced.imported.map((s: Record<string, unknown>) => [s.region, s.province ?? null, s.languages, s.languagesFrom])[0]).toEqual(['quebec', null, ['fr'], 'option']);
    });

    it('a province given without a region sets it', async () => {
      site.route('/maritime.xml', serveBody(feedDoc('Maritime', '<language>en</language>'), { headers: RSS }));
      const res = await call('POST', '/api/sources', { body: { url: site.url('/maritime.xml'), organization: 'Maritime Org', province: 'pe' } });
      expect(res.status).toBe(201);
      expect((await json(res)).source).toMatchObject({ region: 'atlantic', province: 'pe' });
    });

    it('round-trips our own export: region and province from the category', async () => {
      const doc = opml('<outline text="Atlantic feed — Atlantic Org" xmlUrl="https://atl.example.org/feed" category="/atlantic/ns" language="en"/>');
      const report = await json(await call('POST', '/api/opml?dryRun=true', { raw: doc }));
      expect(report).toMatchObject({ dryRun: true, imported: [{ slug: 'atlantic-feed', region: 'atlantic', organization: 'Atlantic Org' }] });
      expect(await getSourceBySlug(database.db, 'atlantic-feed')).toBeUndefined();
      expect((await call('POST', '/api/opml', { raw: doc, type: 'application/xml' })).status).toBe(201);
      expect(await getSourceBySlug(database.db, 'atlantic-feed')).toMatchObject({ region: 'atlantic', province: 'ns' });
    });

    it('refuses the whole file when one outline is wrong: nothing is half-imported', async () => {
      const before = await count();
      const doc = opml(`<outline text="Good" xmlUrl="https://good.example.org/feed"/>
        <outline text="Metadata" xmlUrl="http://169.254.169.254/latest/"/>
        <outline text="Broken" xmlUrl="not a url"/>`);
      const res = await call('POST', '/api/opml', { raw: doc });
      expect(res.status).toBe(422);
      const body = await json(res);
      expect(body.error).toMatch(/OPML import refused: 2 problem\(s\); nothing was imported/);
      expect(body.problems).toEqual([
        'outline 2 ("Metadata"): blocked: non-public address (169.254.169.254)',
        'outline 3 ("Broken"): xmlUrl "not a url" is not an absolute URL',
      ]);
      // And as data, for the admin pages to word: which outline, and what is wrong with it.
      expect(body.details.map((d: { outline: number; code: string }) => [d.outline, d.code])).toEqual([[2, 'invalid'], [3, 'not-a-url']]);
      expect(await count()).toBe(before);
      expect(await getSourceBySlug(database.db, 'good')).toBeUndefined();
    });

    it('refuses what is not OPML, too many outlines, too large a body, or the wrong media type', async () => {
      const notOpml = await call('POST', '/api/opml', { raw: rss([['1', 'x']]), type: 'application/xml' });
      expect(notOpml.status).toBe(422);
      expect((await json(notOpml)).error).toMatch(/not an OPML document/);
      const many = opml(Array.from({ length: 2001 }, (_, i) => `<outline xmlUrl="https://e${i}.example.org/"/>`).join(''));
      const tooMany = await call('POST', '/api/opml', { raw: many });
      expect(tooMany.status).toBe(422);
      expect((await json(tooMany)).error).toMatch(/too many outlines \(at most 2000\)/);
      const huge = await call('POST', '/api/opml', { raw: opml(`<!-- ${'x'.repeat(1100 * 1024)} -->`) });
      expect(huge.status).toBe(413);
      const wrongType = await call('POST', '/api/opml', { raw: opml(''), type: 'application/json' });
      expect(wrongType.status).toBe(415);
      expect((await call('POST', '/api/opml?region=mars', { raw: opml('') })).status).toBe(400);
      expect((await call('POST', '/api/opml', { raw: opml(''), token: reader })).status).toBe(403);
    });
  });

  it('exposes fetch and HTTP metrics by route pattern after all this', async () => {
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/^passerelle_fetches_total\{outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^passerelle_items_ingested_total\{kind="new"\} [1-9]/m);
    expect(text).toMatch(/^passerelle_http_request_duration_seconds_count\{method="POST",route="\/api\/sources\/:slug\/refresh",status="200"\} [1-9]/m);
    expect(text).toMatch(/^passerelle_auth_failures_total\{reason="throttled"\} [1-9]/m);
    expect(text).not.toMatch(/route="\/api\/sources\/one-news/);
  });
});
