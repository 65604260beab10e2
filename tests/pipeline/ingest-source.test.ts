import { sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestSource, type PipelineDeps } from '../../src/pipeline/ingest-source.ts';
import type { Database } from '../../src/store/db.ts';
import { fetches, items, sources } from '../../src/store/schema.ts';
import { queryItems } from '../../src/store/items-query.ts';
import { getSourceBySlug, leaseSources, setSourceStatus, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveBody, serveRedirect, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testFetchSettings } from '../helpers/fetch.ts';
import { rss, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const XML = { 'content-type': 'application/rss+xml; charset=utf-8' };

describe.each(databaseKinds)('ingestSource on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let deps: PipelineDeps;
  let n = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });
  beforeEach(() => {
    deps = testPipeline(database.db);
  });

  /** Registers a fresh source for `path` on the fixture server and returns its slug. */
  async function addSource(path: string, extra: Parameters<typeof spec>[1] = {}): Promise<string> {
    const slug = `src-${++n}`;
    const existing = (await database.db.select().from(sources)).map((s) => ({
      slug: s.slug, url: s.url, title: s.title, organization: s.organization, region: s.region as 'national', languages: s.languages as ['en'], topics: [],
    }));
    await syncSources(database.db, [...existing, spec(slug, { url: server.url(path), ...extra })]);
    return slug;
  }
  /** A route serving a one-item feed until `failing.status` is set, then answering that status. */
  function feedThatFails(path: string, key: string, title: string) {
    const failing = { status: 0 };
    server.route(path, (_req, res) => (failing.status ? res.writeHead(failing.status).end() : res.writeHead(200, XML).end(rss([[key, title]]))));
    return failing;
  }
  const row = async (slug: string) => (await getSourceBySlug(database.db, slug))!;
  const run = async (slug: string) => ingestSource(deps, await row(slug), 'worker-1');
  const stored = async (slug: string) =>
    database.db.select().from(items).where(sql`source_id = ${(await row(slug)).id}`).orderBy(items.key);

  it('stores a feed, then revalidates with a conditional GET that costs no parse', async () => {
    let etagHits = 0;
    server.route('/cond.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        etagHits++;
        res.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      res.writeHead(200, { ...XML, etag: '"v1"', 'last-modified': 'Wed, 01 May 2024 12:00:00 GMT' }).end(rss([['a', 'Alpha'], ['b', 'Beta']]));
    });
    const slug = await addSource('/cond.xml');
    const first = await run(slug);
    expect(first).toMatchObject({ outcome: 'ok', status: 200, itemsNew: 2, itemsUpdated: 0 });
    const s = await row(slug);
    expect(s).toMatchObject({ etag: '"v1"', lastModified: 'Wed, 01 May 2024 12:00:00 GMT', lastStatus: 200, lastError: null, itemCount: 2, errorCount: 0, leaseOwner: null });
    expect(s.nextFetchAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const second = await run(slug);
    expect(second).toMatchObject({ outcome: 'not-modified', status: 304, itemsNew: 0 });
    expect(etagHits).toBe(1);
    expect(server.lastRequest('/cond.xml')!.headers['if-modified-since']).toBe('Wed, 01 May 2024 12:00:00 GMT');
    expect(await stored(slug)).toHaveLength(2);
    const log = await database.db.select().from(fetches).where(sql`source_id = ${s.id}`);
    expect(log.map((l) => l.outcome).sort()).toEqual(['not-modified', 'ok']);
  });

  it('a server that ignores validators and changes its ETag every time: the same bytes are "unchanged", never duplicated', async () => {
    let v = 0;
    server.route('/noisy.xml', (_req, res) => res.writeHead(200, { ...XML, etag: `"${++v}"` }).end(rss([['x', 'Same']])));
    const slug = await addSource('/noisy.xml');
    expect((await run(slug)).outcome).toBe('ok');
    expect((await run(slug)).outcome).toBe('unchanged');
    expect(await stored(slug)).toHaveLength(1);
  });

  it('updates an edited item in place and keeps items that left the feed', async () => {
    let body = rss([['1', 'One'], ['2', 'Two'], ['3', 'Three']]);
    server.route('/edit.xml', (_req, res) => res.writeHead(200, XML).end(body));
    const slug = await addSource('/edit.xml');
    await run(slug);
    body = rss([['2', 'Two (corrected)']]);
    expect(await run(slug)).toMatchObject({ outcome: 'ok', itemsNew: 0, itemsUpdated: 1 });
    body = rss([]);
    expect(await run(slug)).toMatchObject({ outcome: 'ok', itemsNew: 0, itemsUpdated: 0 });
    const rows = await stored(slug);
    expect(rows.map((r) => r.title)).toEqual(['One', 'Two (corrected)', 'Three']);
    expect((await row(slug)).itemCount).toBe(3);
  });

  it('a broken feed records a clear reason and keeps what was stored', async () => {
    let body = rss([['k', 'Kept']]);
    server.route('/breaks.xml', (_req, res) => res.writeHead(200, XML).end(body));
    const slug = await addSource('/breaks.xml');
    await run(slug);
    body = '<rss version="2.0"><channel><title>cut off';
    const out = await run(slug);
    expect(out.outcome).toBe('failed');
    expect(out.error).toMatch(/invalid XML|unclosed/i);
    const s = await row(slug);
    expect(s.lastError).toMatch(/invalid XML|unclosed/i);
    expect(s.errorCount).toBe(1);
    expect(s.lastErrorAt).toBeInstanceOf(Date);
    expect(s.nextFetchAt.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(await stored(slug)).toHaveLength(1);
    body = rss([['k', 'Kept'], ['k2', 'Back']]);
    expect((await run(slug)).outcome).toBe('ok');
    expect(await row(slug)).toMatchObject({ errorCount: 0, lastError: null });
  });

  it.each([
    ['an HTML page', serveBody('<!doctype html><html><body>Welcome</body></html>', { headers: { 'content-type': 'text/html' } }), /not a feed \(HTML/, { code: 'not-a-feed', params: { contentType: 'text/html' } }],
    ['an empty body', serveBody('', { headers: XML }), /empty/, { code: 'empty', params: {} }],
    ['a 404', serveStatus(404), /not found \(404\)/, { code: 'http', params: { status: 404 } }],
    ['a 500', serveStatus(500), /500/, { code: 'http', params: { status: 500 } }],
    ['a document declaring entities', serveBody('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>', { headers: XML }), /entities/, { code: 'not-a-feed', params: { contentType: 'application/rss+xml' } }],
    ['a gzip bomb', serveBody(zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024)), { headers: { ...XML, 'content-encoding': 'gzip' } }), /too large/, { code: 'too-large', params: { limitBytes: testFetchSettings().maxBytes } }],
  ])('%s is a failure with a reason and a code, not a crash', async (_name, handler, reason, error) => {
    const path = `/bad-${++n}.xml`;
    server.route(path, handler);
    const slug = await addSource(path);
    const out = await run(slug);
    expect(out).toMatchObject({ outcome: 'failed', errorCode: error.code });
    const s = await row(slug);
    expect(s.lastError).toMatch(reason);
    expect({ code: s.lastErrorCode, params: s.lastErrorParams }).toEqual(error);
    const [logged] = await database.db.select().from(fetches).where(sql`source_id = ${s.id}`);
    expect({ code: logged.errorCode, params: logged.errorParams, error: logged.error }).toEqual({ ...error, error: s.lastError });
  });

  it('a feed that starts answering 503 keeps its items published, backs off, and recovers', async () => {
    const flaky = feedThatFails('/flaky.xml', 'f1', 'Still here');
    const slug = await addSource('/flaky.xml');
    await run(slug);
    flaky.status = 503;
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      expect((await run(slug)).outcome).toBe('failed');
      const s = await row(slug);
      expect(s).toMatchObject({ errorCount: i + 1, lastStatus: 503, status: 'active' });
      expect(s.lastError).toMatch(/503/);
      waits.push(s.nextFetchAt.getTime() - started);
    }
    // Each failure waits longer than the one before (exponential, jittered, within the bounds).
    expect(waits[1]).toBeGreaterThan(waits[0]);
    expect(waits[2]).toBeGreaterThan(waits[1]);
    expect((await queryItems(database.db, { sources: [slug], limit: 10 })).map((i) => i.title)).toEqual(['Still here']);
    flaky.status = 0;
    expect((await run(slug)).outcome).toMatch(/^(ok|unchanged)$/);
    expect(await row(slug)).toMatchObject({ errorCount: 0, lastError: null });
  });

  it('refuses a source on a private address without contacting it', async () => {
    const slug = `src-${++n}`;
    await syncSources(database.db, [spec(slug, { url: 'http://10.0.0.5/feed.xml' })]);
    const out = await run(slug);
    expect(out.outcome).toBe('failed');
    expect(await row(slug)).toMatchObject({ lastError: expect.stringMatching(/blocked: non-public address/), lastErrorCode: 'blocked', lastErrorParams: { address: '10.0.0.5' } });
  });

  it('410 Gone stops the source; its items stay', async () => {
    const goneFeed = feedThatFails('/gone.xml', 'g', 'Last words');
    const slug = await addSource('/gone.xml');
    await run(slug);
    goneFeed.status = 410;
    await run(slug);
    const s = await row(slug);
    expect(s.status).toBe('gone');
    expect(s.lastError).toMatch(/gone/i);
    expect(await stored(slug)).toHaveLength(1);
    // Polling stops, even once the source is due; its items are still published.
    await database.db.update(sources).set({ nextFetchAt: new Date(Date.now() - 60_000) }).where(sql`id = ${s.id}`);
    const leased = await leaseSources(database.db, { owner: 'w-gone', limit: 1000, leaseSeconds: 60, slugs: [slug] });
    expect(leased).toEqual([]);
    expect((await queryItems(database.db, { sources: [slug], limit: 10 })).map((i) => i.title)).toEqual(['Last words']);
    // An operator who knows better turns it back on: it is due at once and fetched again.
    await setSourceStatus(database.db, slug, 'active');
    goneFeed.status = 0;
    expect((await leaseSources(database.db, { owner: 'w-back', limit: 1000, leaseSeconds: 60, slugs: [slug] })).map((l) => l.slug)).toEqual([slug]);
    expect((await run(slug)).outcome).toMatch(/^(ok|unchanged)$/);
    expect((await row(slug)).status).toBe('active');
  });

  it('characters Postgres or XML cannot hold (NUL, U+0001, U+000B) are stripped, and the items are stored', async () => {
    // The fixture helper repeats the title in the description: both carry the characters.
    const dirty = rss([['nul', 'Nul\u0000 and\u0001 vertical\u000B tab']]);
    server.route('/dirty.xml', (_req, res) => res.writeHead(200, XML).end(Buffer.from(dirty, 'utf8')));
    const slug = await addSource('/dirty.xml');
    expect(await run(slug)).toMatchObject({ outcome: 'ok', itemsNew: 1 });
    const [stored1] = await stored(slug);
    expect(stored1.title).toBe('Nul and vertical tab');
    expect(stored1.summary).toBe('About Nul and vertical tab');
    expect([stored1.title, stored1.summary, stored1.contentHtml].join(' ')).not.toMatch(/[\u0000\u0001\u000B]/);
    expect((await row(slug)).lastWarnings).toContainEqual({ code: 'parse-note', params: { detail: expect.stringMatching(/illegal in XML/) } });
  });

  it('a 304 that carries new validators refreshes the stored ones and the last-checked time', async () => {
    server.route('/revalidate.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"r1"') return res.writeHead(304, { etag: '"r2"', 'last-modified': 'Thu, 02 May 2024 08:00:00 GMT' }).end();
      if (req.headers['if-none-match'] === '"r2"') return res.writeHead(304, { etag: '"r2"' }).end();
      res.writeHead(200, { ...XML, etag: '"r1"', 'last-modified': 'Wed, 01 May 2024 12:00:00 GMT' }).end(rss([['r', 'Revalidated']]));
    });
    const slug = await addSource('/revalidate.xml');
    await run(slug);
    const before = await row(slug);
    await new Promise((r) => setTimeout(r, 20));
    expect((await run(slug)).outcome).toBe('not-modified');
    const after = await row(slug);
    expect(after).toMatchObject({ etag: '"r2"', lastModified: 'Thu, 02 May 2024 08:00:00 GMT', lastStatus: 304, errorCount: 0 });
    expect(after.lastFetchAt!.getTime()).toBeGreaterThan(before.lastFetchAt!.getTime());
    expect(after.bodyHash).toBe(before.bodyHash);
    // The next poll asks with the refreshed validator.
    expect((await run(slug)).outcome).toBe('not-modified');
    expect(server.lastRequest('/revalidate.xml')!.headers['if-none-match']).toBe('"r2"');
    expect(await stored(slug)).toHaveLength(1);
  });

  it('a permanent redirect seen twice updates the stored URL, keeps the old one as an alias, duplicates nothing', async () => {
    server.route('/old.xml', serveRedirect('/new.xml', 301));
    server.route('/new.xml', (_req, res) => res.writeHead(200, XML).end(rss([['m1', 'Moved one'], ['m2', 'Moved two']])));
    const slug = await addSource('/old.xml');
    await run(slug);
    let s = await row(slug);
    expect(s).toMatchObject({ url: server.url('/old.xml'), redirectTo: server.url('/new.xml'), redirectSeen: 1 });
    await database.db.update(sources).set({ bodyHash: null }).where(sql`id = ${s.id}`);
    await run(slug);
    s = await row(slug);
    expect(s.url).toBe(server.url('/new.xml'));
    expect(s.aliases).toEqual([server.url('/old.xml')]);
    expect(s.redirectTo).toBeNull();
    expect(await stored(slug)).toHaveLength(2);
  });

  it('a redirect to an HTML maintenance page does not rewrite the URL', async () => {
    server.route('/maint.xml', serveRedirect('/maintenance.html', 301));
    server.route('/maintenance.html', serveBody('<html><body>Down for maintenance</body></html>', { headers: { 'content-type': 'text/html' } }));
    const slug = await addSource('/maint.xml');
    await run(slug);
    await run(slug);
    const s = await row(slug);
    expect(s.url).toBe(server.url('/maint.xml'));
    expect(s.lastError).toMatch(/not a feed/);
  });

  it('429 with Retry-After defers every source of the host and blocks it in this process', async () => {
    server.route('/busy.xml', serveStatus(429, { 'retry-after': '3600' }));
    const slug = await addSource('/busy.xml');
    const sibling = await addSource('/sibling.xml');
    const out = await run(slug);
    expect(out.outcome).toBe('failed');
    const s = await row(slug);
    expect(s.lastStatus).toBe(429);
    expect(s.nextFetchAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect((await row(sibling)).nextFetchAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(deps.limiter.blockedUntil('127.0.0.1')).toBeGreaterThan(Date.now() + 3500_000);
    const before = server.hits('/sibling.xml');
    expect((await run(sibling)).outcome).toBe('released');
    expect(server.hits('/sibling.xml')).toBe(before);
  });

  it('decodes a French windows-1252 feed with its accents intact', async () => {
    const text = rss([['fr1', 'Séance d’information : programmes de français à Québec', 'Inscription gratuite — œuvres, « garderie », 5 €']]).replace('encoding="utf-8"', 'encoding="ISO-8859-1"');
    server.route('/latin.xml', serveBody(iconv.encode(text, 'windows-1252'), { headers: { 'content-type': 'application/rss+xml' } }));
    const slug = await addSource('/latin.xml', { languages: ['fr'] });
    await run(slug);
    const [it1] = await stored(slug);
    expect(it1.title).toBe('Séance d’information : programmes de français à Québec');
    expect(it1.summary).toBe('Inscription gratuite — œuvres, « garderie », 5 €');
    expect(it1.title + it1.summary).not.toContain('\ufffd');
    expect(it1.language).toBe('fr');
  });

  it('a crash in the middle of an ingest leaves the old state; the rerun stores everything once', async () => {
    server.route('/crash.xml', (_req, res) => res.writeHead(200, XML).end(rss([['c1', 'One'], ['c2', 'Two'], ['c3', 'Three']])));
    const slug = await addSource('/crash.xml');
    const s = await row(slug);
    // The transaction fails at its very end (the fetch log insert), after the items were written.
    await database.db.execute(sql.raw(`create or replace function fail_fetch_log() returns trigger language plpgsql as $$
      begin raise exception 'simulated crash'; end $$`));
    await database.db.execute(sql.raw('create trigger crash_once before insert on fetches for each row execute function fail_fetch_log()'));
    const crashed = await run(slug);
    expect(crashed.outcome).toBe('failed');
    expect(await stored(slug)).toHaveLength(0);
    expect((await row(slug)).etag).toBe(s.etag);
    await database.db.execute(sql.raw('drop trigger crash_once on fetches'));
    await database.db.update(sources).set({ leaseOwner: null, leaseUntil: null }).where(sql`id = ${s.id}`);
    expect(await run(slug)).toMatchObject({ outcome: 'ok', itemsNew: 3 });
    expect(await run(slug)).toMatchObject({ itemsNew: 0 });
    expect(await stored(slug)).toHaveLength(3);
  });

  it('caps a feed with too many items and says so', async () => {
    const many = Array.from({ length: 30 }, (_, i) => [`m${i}`, `Item ${i}`] as [string, string]);
    server.route('/many.xml', (_req, res) => res.writeHead(200, XML).end(rss(many)));
    const slug = await addSource('/many.xml');
    deps = testPipeline(database.db, { fetch: { ...deps.fetch, maxItems: 10 } });
    const out = await run(slug);
    expect(out.itemsNew).toBe(10);
    expect((await row(slug)).lastWarnings).toContainEqual({ code: 'items-dropped', params: { reason: 'over the per-feed cap (10)', count: 20 } });
  });

  it('tells listeners which source changed', async () => {
    server.route('/notify.xml', (_req, res) => res.writeHead(200, XML).end(rss([['n', 'News']])));
    const slug = await addSource('/notify.xml');
    const changes: unknown[] = [];
    deps = testPipeline(database.db, { onItemsChanged: (c) => changes.push(c) });
    await run(slug);
    await run(slug);
    expect(changes).toEqual([expect.objectContaining({ slug, itemsNew: 1, itemsUpdated: 0 })]);
  });

  it('leaves a source paused while its fetch was in flight paused', async () => {
    server.route('/paused-mid-fetch.xml', serveBody(rss([['p1', 'One']]), { headers: XML }));
    const slug = await addSource('/paused-mid-fetch.xml');
    const leased = await row(slug);
    await setSourceStatus(database.db, slug, 'paused');
    expect((await ingestSource(deps, leased, 'worker-1')).outcome).toBe('ok');
    expect((await row(slug)).status).toBe('paused');
  });
});
