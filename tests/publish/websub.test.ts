// WebSub content distribution (W3C WebSub §7): an ingest that changes a topic's items pushes the
// new document to its subscribers within seconds, signed (§7.1); failures back off and are
// dropped without holding up anyone else; leases end; two processes never deliver an update twice.
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { ingestSource, type PipelineDeps } from '../../src/pipeline/ingest-source.ts';
import { createFeedCache, type FeedCache } from '../../src/publish/feed-cache.ts';
import { createFeedRenderer, type FeedRenderer } from '../../src/publish/feed-renderer.ts';
import { createWebsubHub, type WebsubHub } from '../../src/publish/websub.ts';
import { createWebsubJobs, type DeliveryOutcome, type WebsubJobs, type WebsubJobsOptions } from '../../src/schedule/websub-jobs.ts';
import { openDatabase, type Database } from '../../src/store/db.ts';
import { readGeneration } from '../../src/store/hub-state.ts';
import { websubRequests, websubSubscriptions } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { getSubscription, leaseDeliveries, listSubscriptions, markTopicChanged } from '../../src/store/websub-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const PUBLIC = 'https://hub.example.ca';
const ALPHA = `${PUBLIC}/sources/alpha.rss`;
const BETA = `${PUBLIC}/sources/beta.atom`;
const XML = { 'content-type': 'application/rss+xml; charset=utf-8' };

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

type Answer = number | 'hang';

/**
 * A subscriber callback on the test server: agrees to verification, records every delivery and
 * answers it with `answer()` (a status, or never).
 */
function callback(server: FeedServer, path: string, answer: () => Answer = () => 204, delayMs = 0): Received[] {
  const got: Received[] = [];
  server.route(path, (req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200).end(new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge') ?? '');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: Date.now() });
      const a = answer();
      if (a === 'hang') return;
      setTimeout(() => res.writeHead(a).end(), delayMs);
    });
  });
  return got;
}

/** A port on 127.0.0.1 with nothing listening: connection refused. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(databaseKinds)('WebSub delivery on %s', (kind) => {
  let database: Database;
  let url: string | undefined;
  let cleanup: () => Promise<void>;
  let platform: FeedServer;
  let subscriber: FeedServer;
  let alphaItems: [string, string][];
  const hubs: WebsubJobs[] = [];
  const guard = { allowPrivateNetworks: false, privateAllowlist: ['127.0.0.1/32'] };

  /**
   * One process: its own feed cache and renderer over `db`, the /websub endpoint (`hub`) and the
   * WebSub jobs (`websub`), wired as cli/hub.ts wires them.
   */
  function process(
    db: Database,
    extra: Partial<WebsubJobsOptions> = {},
  ): { hub: WebsubHub; websub: WebsubJobs; cache: FeedCache; renderer: FeedRenderer; pipeline: PipelineDeps } {
    const cache = createFeedCache({ readGeneration: async () => (await readGeneration(db.db)).generation });
    const renderer = createFeedRenderer({ db: db.db, topics: [], publicUrl: PUBLIC, version: 'test', cache });
    const websub = createWebsubJobs({
      db: db.db,
      renderer,
      cache,
      publicUrl: PUBLIC,
      logger: silentLogger(),
      guard,
      userAgent: 'Passerelle/test',
      timeoutMs: 1000,
      retryDelaysMs: [100, 200],
      pollMs: 100,
      sweepMs: 100,
      checkDelayMs: 10,
      ...extra,
    });
    hubs.push(websub);
    const hub = createWebsubHub({ db: db.db, renderer, publicUrl: PUBLIC, guard, onQueued: () => websub.requestQueued() });
    const pipeline = testPipeline(db.db, {
      onItemsChanged: () => {
        cache.invalidate();
        websub.itemsChanged();
      },
    });
    return { hub, websub, cache, renderer, pipeline };
  }

  const ingest = async (pipeline: PipelineDeps, slug: string) => ingestSource(pipeline, (await getSourceBySlug(database.db, slug))!, 'worker');

  async function subscribe(p: { hub: WebsubHub; websub: WebsubJobs }, topic: string, path: string, secret?: string): Promise<void> {
    await p.hub.request(new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': subscriber.url(path), ...(secret ? { 'hub.secret': secret } : {}) }));
    await p.websub.idle();
    // Another process of the test may have taken the verification: wait for whoever did.
    await expect.poll(() => getSubscription(database.db, topic, subscriber.url(path)), { timeout: 5000, interval: 20 }).toBeDefined();
  }

  beforeAll(async () => {
    ({ database, url, cleanup } = await freshDatabase(kind));
    platform = await startFeedServer();
    subscriber = await startFeedServer();
    platform.route('/alpha.xml', (_req, res) => res.writeHead(200, XML).end(rss(alphaItems)));
    platform.route('/beta.xml', (_req, res) => res.writeHead(200, XML).end(rss([['b1', 'Beta one']])));
    await syncSources(database.db, [spec('alpha', { url: platform.url('/alpha.xml') }), spec('beta', { url: platform.url('/beta.xml') })]);
  });
  beforeEach(async () => {
    subscriber.reset();
    await database.db.delete(websubSubscriptions);
    await database.db.delete(websubRequests);
    alphaItems = [['a1', 'Alpha one']];
    const { pipeline } = process(database);
    await database.db.execute(sql`update sources set body_hash = null`);
    await ingest(pipeline, 'alpha');
    await ingest(pipeline, 'beta');
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((hub) => hub.stop(200)));
  });
  afterAll(async () => {
    await platform.close();
    await subscriber.close();
    await cleanup();
  });

  it('an ingest that changes a topic pushes the new document within seconds, signed, with hub and self links', async () => {
    const p = process(database);
    const { websub, renderer, pipeline } = p;
    const secret = 'a subscriber secret, é included';
    const alpha = callback(subscriber, '/alpha');
    const beta = callback(subscriber, '/beta');
    await subscribe(p, ALPHA, '/alpha', secret);
    await subscribe(p, BETA, '/beta');
    websub.start();
    await sleep(150);
    expect(alpha).toHaveLength(0); // subscribing sends nothing: the subscriber has the document

    alphaItems = [['a2', 'Alpha two'], ...alphaItems];
    const t0 = Date.now();
    expect(await ingest(pipeline, 'alpha')).toMatchObject({ outcome: 'ok', itemsNew: 1 });
    await expect.poll(() => alpha.length, { timeout: 3000, interval: 20 }).toBe(1);
    expect(alpha[0].at - t0).toBeLessThan(3000);

    const [got] = alpha;
    const expected = await renderer.render(renderer.addressOf(ALPHA)!);
    expect(got.body).toBe(Buffer.from(expected.body).toString('utf8'));
    expect(got.body).toContain('Alpha two');
    expect(got.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(got.headers.link).toBe(`<${PUBLIC}/websub>; rel="hub", <${ALPHA}>; rel="self"`);
    expect(got.headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', secret).update(Buffer.from(got.body, 'utf8')).digest('hex')}`);
    expect(got.headers['user-agent']).toBe('Passerelle/test');

    await websub.idle();
    const row = (await getSubscription(database.db, ALPHA, subscriber.url('/alpha')))!;
    expect(row).toMatchObject({ lastContentHash: expected.etag, pendingSince: null, nextAttemptAt: null, attempts: 0, lastError: null });
    expect(row.lastDeliveryAt).toBeInstanceOf(Date);

    // Beta's document did not change: nothing for its subscriber. Nor for an unchanged re-fetch.
    await sleep(200);
    expect(beta).toHaveLength(0);
    await database.db.execute(sql`update sources set body_hash = null`);
    expect(await ingest(pipeline, 'alpha')).toMatchObject({ outcome: 'ok', itemsNew: 0, itemsUpdated: 0 });
    await sleep(200);
    expect(alpha).toHaveLength(1);
    expect(beta).toHaveLength(0);
  });

  it('the ingest that changes a topic sets its delivery off itself: no lease poll is needed, and the subscriber gets the current document once', async () => {
    // Polls an hour apart: only the ingest's own wake can start the delivery.
    const p = process(database, { pollMs: 3_600_000, fullCheckMs: 3_600_000 });
    const { websub, renderer, pipeline } = p;
    const alpha = callback(subscriber, '/alpha');
    await subscribe(p, ALPHA, '/alpha');
    websub.start();
    await sleep(150);
    expect(alpha).toHaveLength(0);

    alphaItems = [['k1', 'Alpha kicked off'], ...alphaItems];
    expect(await ingest(pipeline, 'alpha')).toMatchObject({ outcome: 'ok', itemsNew: 1 });
    await expect.poll(() => alpha.length, { timeout: 5000, interval: 20 }).toBe(1);
    const expected = await renderer.render(renderer.addressOf(ALPHA)!);
    expect(alpha[0].body).toBe(Buffer.from(expected.body).toString('utf8'));
    expect(alpha[0].body).toContain('Alpha kicked off');

    await websub.idle();
    expect(await getSubscription(database.db, ALPHA, subscriber.url('/alpha'))).toMatchObject({ lastContentHash: expected.etag, pendingSince: null });
    expect(alpha).toHaveLength(1);
  });

  it('failing callbacks back off and are dropped, while a fast one is served at once and the ingest never waits', async () => {
    const outcomes: DeliveryOutcome[] = [];
    // Every callback here is on 127.0.0.1: one host, given all four slots.
    const p = process(database, { concurrency: 4, hostConcurrency: 4, timeoutMs: 500, onDelivery: (o) => outcomes.push(o) });
    const { hub, websub, pipeline } = p;
    const slow = callback(subscriber, '/slow', () => 'hang');
    const broken = callback(subscriber, '/broken', () => 500);
    const refusing = callback(subscriber, '/refusing', () => 403);
    const gone = callback(subscriber, '/gone', () => 410);
    const down = await startFeedServer();
    callback(down, '/down');
    const fast = callback(subscriber, '/fast');
    await subscribe(p, ALPHA, '/slow');
    await subscribe(p, ALPHA, '/broken');
    await subscribe(p, ALPHA, '/refusing');
    await subscribe(p, ALPHA, '/gone');
    await hub.request(new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': ALPHA, 'hub.callback': down.url('/down') }));
    await websub.idle();
    await down.close(); // from now on: connection refused
    await subscribe(p, ALPHA, '/fast');
    websub.start();

    alphaItems = [['a3', 'Alpha three'], ...alphaItems];
    await ingest(pipeline, 'alpha');
    // The ingest only asked for a check: it returned before any callback was even called.
    expect(slow.length + broken.length + fast.length).toBe(0);

    // Five failing subscribers were claimed first; four slots, one of them held by the hanging
    // callback, still serve the fast one while that callback hangs (it times out after 500 ms).
    await expect.poll(() => fast.length, { timeout: 5000, interval: 10 }).toBe(1);
    expect(slow).toHaveLength(1);
    expect(fast[0].at).toBeLessThan(slow[0].at + 500);

    const settled = async () =>
      (await listSubscriptions(database.db)).filter((s) => s.pendingSince === null).map((s) => s.callback.replace(subscriber.origin, '').replace(down.origin, '')).sort();
    await expect.poll(settled, { timeout: 6000, interval: 50 }).toEqual(['/broken', '/down', '/fast', '/refusing', '/slow']);

    expect(broken).toHaveLength(3);
    expect(refusing).toHaveLength(3);
    expect(slow).toHaveLength(3);
    // Backoff: 100 ms after the first failure, 200 ms after the second.
    expect(broken[1].at - broken[0].at).toBeGreaterThanOrEqual(90);
    expect(broken[2].at - broken[1].at).toBeGreaterThanOrEqual(190);
    const rows = new Map((await listSubscriptions(database.db)).map((s) => [s.callback, s]));
    expect(rows.get(subscriber.url('/broken'))!.lastError).toBe('gave up after 3 attempt(s): HTTP 500');
    expect(rows.get(subscriber.url('/slow'))!.lastError).toMatch(/^gave up after 3 attempt\(s\): no answer within 0\.5s/);
    expect(rows.get(down.url('/down'))!.lastError).toBe('gave up after 3 attempt(s): connection refused');
    expect(rows.get(subscriber.url('/broken'))!.lastDeliveryAt).toBeNull();
    // 410: the subscriber deleted its subscription, and so do we (§7).
    expect(gone).toHaveLength(1);
    expect(rows.has(subscriber.url('/gone'))).toBe(false);
    expect(outcomes.filter((o) => o === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'gone')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'retrying')).toHaveLength(8);

    // The subscriptions stay: the next update is tried afresh (§7).
    alphaItems = [['a4', 'Alpha four'], ...alphaItems];
    await ingest(pipeline, 'alpha');
    await expect.poll(() => broken.length, { timeout: 2000, interval: 20 }).toBe(4);
    await expect.poll(() => fast.length, { timeout: 2000, interval: 20 }).toBe(2);
    expect(fast[1].body).toContain('Alpha four');
  });

  it('a host whose callbacks hang holds its share of delivery slots and no more: another host is served at once', async () => {
    const outcomes: DeliveryOutcome[] = [];
    // Two callback hosts on this machine, told apart by name.
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const p = process(database, { concurrency: 4, hostConcurrency: 2, timeoutMs: 10_000, callbackDeps: { resolve }, onDelivery: (o) => void outcomes.push(o) });
    const hostile = Array.from({ length: 12 }, (_, i) => callback(subscriber, `/h${i}`, () => 'hang'));
    const honest = callback(subscriber, '/ok');
    // The hostile party came first, with topics that sort before the honest one ("feeds" < "sources").
    for (let i = 0; i < 12; i++) {
      await p.hub.request(new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': `${PUBLIC}/feeds/all.rss?limit=${i + 1}`, 'hub.callback': `http://hostile.test:${subscriber.port}/h${i}` }));
    }
    await p.hub.request(new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': ALPHA, 'hub.callback': `http://honest.test:${subscriber.port}/ok` }));
    await p.websub.idle();
    expect(await listSubscriptions(database.db)).toHaveLength(13);
    p.websub.start();

    alphaItems = [['f1', 'Fair one'], ...alphaItems];
    await ingest(p.pipeline, 'alpha');
    await expect.poll(() => honest.length, { timeout: 5000, interval: 10 }).toBe(1);
    // Delivered while the hanging ones still hang: none of them had come to an end.
    await expect.poll(() => outcomes).toEqual(['delivered']);
    expect(honest[0].body).toContain('Fair one');
    // Two of the four slots went to the hostile host, never more.
    expect(hostile.reduce((n, h) => n + h.length, 0)).toBe(2);
    const leased = (await listSubscriptions(database.db)).filter((s) => s.leaseUntil && s.leaseUntil.getTime() > Date.now());
    expect(leased.map((s) => s.callbackHost)).toEqual(['hostile.test', 'hostile.test']);
  });

  it('a host whose callbacks never answer a verification holds two verification slots: another subscriber is verified at once', async () => {
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const p = process(database, { concurrency: 4, hostConcurrency: 2, timeoutMs: 10_000, callbackDeps: { resolve } });
    let hostileAsked = 0;
    for (let i = 0; i < 10; i++) subscriber.route(`/v${i}`, () => void hostileAsked++);
    callback(subscriber, '/ok');
    for (let i = 0; i < 10; i++) {
      await p.hub.request(new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': ALPHA, 'hub.callback': `http://hostile.test:${subscriber.port}/v${i}` }));
    }
    await p.hub.request(new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': BETA, 'hub.callback': `http://honest.test:${subscriber.port}/ok` }));
    p.websub.start();
    await expect.poll(async () => (await listSubscriptions(database.db)).map((s) => s.callbackHost), { timeout: 5000, interval: 20 }).toEqual(['honest.test']);
    expect(hostileAsked).toBe(2);
  });

  it('a delivery leased by a worker that died is made by another once the lease runs out; a stopping worker gives its lease back', async () => {
    const p = process(database);
    const got = callback(subscriber, '/orphan');
    await subscribe(p, ALPHA, '/orphan');
    alphaItems = [['o1', 'Orphan one'], ...alphaItems];
    await ingest(p.pipeline, 'alpha');
    // What a check does: the subscription is due for the new document.
    expect(await markTopicChanged(database.db, ALPHA, (await p.renderer.render(p.renderer.addressOf(ALPHA)!)).etag)).toBe(1);
    // A worker leases it for one second, then dies.
    const [dead] = await leaseDeliveries(database.db, { limit: 10, leaseSeconds: 1, perHost: 10 });
    expect(dead.callback).toBe(subscriber.url('/orphan'));
    p.websub.start();
    await expect.poll(() => got.length, { timeout: 5000, interval: 20 }).toBe(1);
    expect(got[0].at).toBeGreaterThanOrEqual(dead.leaseUntil!.getTime());
    expect(got[0].body).toContain('Orphan one');

    // A worker stopped mid-delivery: the attempt is not counted and the delivery is due again at once.
    const q = process(database, { timeoutMs: 10_000 });
    const hanging = callback(subscriber, '/stopped', () => 'hang');
    await subscribe(q, ALPHA, '/stopped');
    q.websub.start();
    alphaItems = [['o2', 'Orphan two'], ...alphaItems];
    await ingest(q.pipeline, 'alpha');
    await expect.poll(() => hanging.length, { timeout: 5000, interval: 20 }).toBe(1);
    await p.websub.stop(0);
    await q.websub.stop(0);
    const row = (await getSubscription(database.db, ALPHA, subscriber.url('/stopped')))!;
    expect(row).toMatchObject({ leaseUntil: null, attempts: 0, lastError: null });
    expect(row.pendingSince).toBeInstanceOf(Date);
  });

  it('a lease that ends removes the subscription, and it gets nothing more', async () => {
    const p = process(database);
    const { websub, pipeline } = p;
    const got = callback(subscriber, '/lease');
    await subscribe(p, ALPHA, '/lease');
    websub.start();
    await database.db.update(websubSubscriptions).set({ expiresAt: sql`now() - interval '1 second'` });
    await expect.poll(async () => (await listSubscriptions(database.db)).length, { timeout: 2000, interval: 20 }).toBe(0);
    alphaItems = [['a5', 'Alpha five'], ...alphaItems];
    await ingest(pipeline, 'alpha');
    await sleep(300);
    expect(got).toHaveLength(0);
  });

  it('a topic that stops being valid is denied to its subscribers (§5.2) and removed', async () => {
    const p = process(database);
    const { websub, pipeline } = p;
    const got = callback(subscriber, '/denied');
    await subscribe(p, `${PUBLIC}/sources/beta.json`, '/denied');
    websub.start();
    await database.db.execute(sql`update sources set slug = 'beta-renamed' where slug = 'beta'`);
    alphaItems = [['a6', 'Alpha six'], ...alphaItems];
    await ingest(pipeline, 'alpha');
    await expect.poll(() => subscriber.requests('/denied').filter((r) => r.url.includes('hub.mode=denied')).length, { timeout: 2000, interval: 20 }).toBe(1);
    const q = new URL(subscriber.lastRequest('/denied')!.url, 'http://x').searchParams;
    expect(q.get('hub.topic')).toBe(`${PUBLIC}/sources/beta.json`);
    expect(q.get('hub.reason')).toMatch(/source: unknown value "beta"/);
    expect(await listSubscriptions(database.db)).toHaveLength(0);
    expect(got).toHaveLength(0);
    await database.db.execute(sql`update sources set slug = 'beta' where slug = 'beta-renamed'`);
  });

  it('two processes sharing the database never deliver the same update twice', async () => {
    // A second connection pool on Postgres, as a second process would have; PGlite has one.
    const other = url ? await openDatabase({ databaseUrl: url, poolSize: 3 }) : database;
    try {
      const a = process(database, { concurrency: 3, hostConcurrency: 6, pollMs: 20, checkDelayMs: 0 });
      const b = process(other, { concurrency: 3, hostConcurrency: 6, pollMs: 20, checkDelayMs: 0 });
      const received = Array.from({ length: 12 }, (_, i) => callback(subscriber, `/p${i}`, () => 204, 15));
      for (let i = 0; i < 12; i++) await subscribe(i % 2 ? a : b, ALPHA, `/p${i}`);
      a.websub.start();
      b.websub.start();

      for (const [round, title] of [[1, 'Alpha seven'], [2, 'Alpha eight']] as const) {
        alphaItems = [[`r${round}`, title], ...alphaItems];
        await ingest(a.pipeline, 'alpha');
        b.websub.itemsChanged(); // the other process hears of it too, at the same moment
        await expect.poll(() => received.every((r) => r.length >= round), { timeout: 4000, interval: 20 }).toBe(true);
        await sleep(250); // several sweeps of both processes
        expect(received.map((r) => r.length)).toEqual(Array(12).fill(round));
        expect(received.every((r) => r[round - 1].body.includes(title))).toBe(true);
      }
    } finally {
      await Promise.all(hubs.splice(0).map((hub) => hub.stop(200)));
      if (other !== database) await other.close();
    }
  });
});
