// POST /websub: subscription requests (W3C WebSub §5.1), verification of intent against a live
// subscriber on 127.0.0.1 (§5.3), refusals with a reason, and the callback address guard.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { GuardSettings } from '../../src/fetch/address-guard.ts';
import { createFeedCache, type FeedCache } from '../../src/publish/feed-cache.ts';
import { createFeedRenderer, type FeedRenderer } from '../../src/publish/feed-renderer.ts';
import { createWebsubHub, LEASE_LIMITS, type WebsubOptions } from '../../src/publish/websub.ts';
import { createWebsubJobs, type WebsubJobs, type WebsubJobsOptions } from '../../src/schedule/websub-jobs.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { readGeneration } from '../../src/store/hub-state.ts';
import { websubRequests, websubSubscriptions } from '../../src/store/schema.ts';
import { syncSources } from '../../src/store/sources-repo.ts';
import { activateSubscription, getSubscription, listRequests, listSubscriptions } from '../../src/store/websub-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer, type RouteHandler } from '../helpers/feed-server.ts';
import { spec } from '../helpers/items.ts';

const PUBLIC = 'https://hub.example.ca';
const TOPIC = `${PUBLIC}/sources/alpha.rss`;
const LOOPBACK_ONLY: GuardSettings = { allowPrivateNetworks: false, privateAllowlist: ['127.0.0.1/32'] };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A subscriber that agrees to everything: echoes hub.challenge. */
const echo: RouteHandler = (req, res) => {
  const challenge = new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge') ?? '';
  res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
};

describe.each(databaseKinds)('POST /websub on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let subscriber: FeedServer;
  let cache: FeedCache;
  let renderer: FeedRenderer;
  const hubs: WebsubJobs[] = [];

  /** The endpoint, and the jobs that verify what it queues (run by idle(), as a worker would). */
  const makeApp = (extra: Partial<WebsubJobsOptions & WebsubOptions> = {}) => {
    const jobs = createWebsubJobs({ db: database.db, renderer, cache, publicUrl: PUBLIC, logger: silentLogger(), guard: LOOPBACK_ONLY, userAgent: 'Passerelle/test', timeoutMs: 1000, ...extra });
    hubs.push(jobs);
    const hub = createWebsubHub({ db: database.db, renderer, publicUrl: PUBLIC, guard: LOOPBACK_ONLY, ...extra });
    const app = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: 'test', topics: [], feedCache: cache, websub: hub });
    return { app, websub: jobs };
  };
  let app: ReturnType<typeof createApp>;
  let websub: WebsubJobs;

  const post = (target: ReturnType<typeof createApp>, fields: Record<string, string>) =>
    target.request('/websub', { method: 'POST', headers: FORM, body: new URLSearchParams(fields).toString() });
  const subscribe = (callback: string, extra: Record<string, string> = {}) =>
    post(app, { 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': callback, ...extra });
  const row = (callback: string, topic = TOPIC) => getSubscription(database.db, topic, callback);

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const { topics } = await loadFeedsFile('feeds.yaml');
    await syncSources(database.db, [spec('alpha'), spec('beta')]);
    cache = createFeedCache({ readGeneration: async () => (await readGeneration(database.db)).generation });
    renderer = createFeedRenderer({ db: database.db, topics, publicUrl: PUBLIC, version: 'test', cache });
    subscriber = await startFeedServer();
  });
  beforeEach(async () => {
    subscriber.reset();
    await database.db.delete(websubSubscriptions);
    await database.db.delete(websubRequests);
    ({ app, websub } = makeApp());
  });
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.stop(100);
  });
  afterAll(async () => {
    await subscriber.close();
    await cleanup();
  });

  it('subscribe: 202, then a GET to the callback with a random challenge; echoing it makes the subscription active', async () => {
    subscriber.route('/cb', echo);
    const callback = subscriber.url('/cb?id=7&x=a%20b');
    const res = await subscribe(callback, { 'hub.secret': 'k'.repeat(32) });
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    await websub.idle();

    const [check] = subscriber.requests('/cb');
    expect(check.method).toBe('GET');
    // §5.1.1: the callback's own query string is kept as it was, ours appended after it.
    expect(check.url.startsWith('/cb?id=7&x=a%20b&hub.mode=subscribe&')).toBe(true);
    const q = new URL(check.url, 'http://x').searchParams;
    expect(q.get('hub.topic')).toBe(TOPIC);
    expect(q.get('hub.lease_seconds')).toBe(String(LEASE_LIMITS.defaultSeconds));
    expect(q.get('hub.challenge')).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const sub = (await row(callback))!;
    expect(sub).toMatchObject({ leaseSeconds: 864_000, secret: 'k'.repeat(32), pendingSince: null });
    const expected = Date.now() + 864_000_000;
    expect(Math.abs(sub.expiresAt!.getTime() - expected)).toBeLessThan(10_000);
    expect(sub.lastContentHash).toBe((await renderer.render(renderer.addressOf(TOPIC)!)).etag);

    // A second request for the same subscription gets a fresh challenge.
    await subscribe(callback);
    await websub.idle();
    const challenges = subscriber.requests('/cb').map((r) => new URL(r.url, 'http://x').searchParams.get('hub.challenge'));
    expect(new Set(challenges).size).toBe(2);
  });

  it('a callback that does not echo the challenge exactly (other body, 404, redirect) stays inactive', async () => {
    subscriber.route('/wrong', (_req, res) => res.writeHead(200).end('yes please'));
    subscriber.route('/padded', (req, res) => res.writeHead(200).end(`${new URL(req.url!, 'http://x').searchParams.get('hub.challenge')}\n`));
    subscriber.route('/refuse', (_req, res) => res.writeHead(404).end());
    subscriber.route('/moved', (_req, res) => res.writeHead(302, { location: '/cb' }).end());
    subscriber.route('/cb', echo);
    for (const path of ['/wrong', '/padded', '/refuse', '/moved']) expect((await subscribe(subscriber.url(path))).status).toBe(202);
    await websub.idle();
    for (const path of ['/wrong', '/padded', '/refuse', '/moved']) {
      expect(subscriber.hits(path)).toBe(1);
      expect(await row(subscriber.url(path))).toBeUndefined();
    }
    expect(subscriber.hits('/cb')).toBe(0); // the redirect was not followed
  });

  it('lease_seconds is clamped to [1 h, 30 d]; renewing replaces lease and secret only once verified', async () => {
    subscriber.route('/cb', echo);
    const callback = subscriber.url('/cb');
    await subscribe(callback, { 'hub.lease_seconds': '60', 'hub.secret': 'first' });
    await websub.idle();
    expect(await row(callback)).toMatchObject({ leaseSeconds: 3600, secret: 'first' });
    expect(new URL(subscriber.lastRequest('/cb')!.url, 'http://x').searchParams.get('hub.lease_seconds')).toBe('3600');

    await subscribe(callback, { 'hub.lease_seconds': '999999999' });
    await websub.idle();
    const renewed = (await row(callback))!;
    expect(renewed).toMatchObject({ leaseSeconds: 2_592_000, secret: null });
    expect(renewed.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    // A renewal the subscriber does not confirm leaves the subscription as it was (§5.1).
    subscriber.route('/cb', (_req, res) => res.writeHead(404).end());
    await subscribe(callback, { 'hub.lease_seconds': '7200', 'hub.secret': 'other' });
    await websub.idle();
    expect(await row(callback)).toMatchObject({ leaseSeconds: 2_592_000, secret: null });
  });

  it('unsubscribe is verified, then the subscription is removed; an unconfirmed one is kept', async () => {
    subscriber.route('/cb', echo);
    const callback = subscriber.url('/cb');
    await subscribe(callback);
    await websub.idle();
    expect(await row(callback)).toBeDefined();

    subscriber.route('/cb', (_req, res) => res.writeHead(404).end());
    expect((await post(app, { 'hub.mode': 'unsubscribe', 'hub.topic': TOPIC, 'hub.callback': callback })).status).toBe(202);
    await websub.idle();
    expect(await row(callback)).toBeDefined();

    subscriber.route('/cb', echo);
    expect((await post(app, { 'hub.mode': 'unsubscribe', 'hub.topic': TOPIC, 'hub.callback': callback })).status).toBe(202);
    await websub.idle();
    const last = new URL(subscriber.lastRequest('/cb')!.url, 'http://x').searchParams;
    expect(last.get('hub.mode')).toBe('unsubscribe');
    expect(last.get('hub.lease_seconds')).toBeNull();
    expect(await row(callback)).toBeUndefined();

    // Unsubscribing what is not subscribed: accepted, and nobody is called.
    const before = subscriber.hits('/cb');
    expect((await post(app, { 'hub.mode': 'unsubscribe', 'hub.topic': TOPIC, 'hub.callback': callback })).status).toBe(202);
    await websub.idle();
    expect(subscriber.hits('/cb')).toBe(before);
  });

  it('refuses a topic that is not one of our feeds, or whose filter does not validate, with the reason', async () => {
    subscriber.route('/cb', echo);
    const callback = subscriber.url('/cb');
    const cases: [string, RegExp][] = [
      ['https://elsewhere.example/feed.rss', /^hub\.topic: not a feed of this hub/],
      [`${PUBLIC}/sources/nobody.rss`, /^hub\.topic: source: unknown value "nobody"/],
      [`${PUBLIC}/topics/knitting.atom`, /^hub\.topic: topic: unknown value "knitting"/],
      [`${PUBLIC}/feeds/all.rss?lang=xx`, /^hub\.topic: .*lang/],
      [`${PUBLIC}/f/missing.json`, /^hub\.topic: no saved feed "missing"/],
      [`${PUBLIC}/feeds/all.html`, /^hub\.topic: not a feed of this hub/],
    ];
    for (const [topic, reason] of cases) {
      const res = await post(app, { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback });
      expect(res.status, topic).toBe(400);
      expect(await res.text(), topic).toMatch(reason);
    }
    await websub.idle();
    expect(subscriber.hits('/cb')).toBe(0);
  });

  it('one feed has one spelling: every way of writing a topic is stored as its canonical self URL', async () => {
    subscriber.route('/cb', echo);
    const callback = subscriber.url('/cb');
    const canonical = `${PUBLIC}/feeds/all.rss?lang=en%2Cfr&topic=housing`;
    const spellings = [
      `${PUBLIC}/feeds/all.rss?topic=housing&lang=fr,en`,
      `${PUBLIC}/feeds/all.rss?lang=fr&lang=en&topic=housing,housing`,
      `${PUBLIC}/feeds/all.rss?topic=HOUSING&lang=en+fr&limit=50&clusters=true`,
      `HTTPS://HUB.EXAMPLE.CA:443/feeds/all.rss?lang=en%2Cfr&topic=housing`,
      `${PUBLIC}/feeds/%61ll.RSS?topic=housing&lang=en,fr`,
    ];
    for (const topic of spellings) expect((await post(app, { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback })).status, topic).toBe(202);
    // One request waits, the last spelling's: each replaced the one before.
    expect((await listRequests(database.db)).map((r) => [r.topic, r.requestedTopic])).toEqual([[canonical, spellings.at(-1)]]);
    await websub.idle();
    expect((await listSubscriptions(database.db)).map((r) => r.topic)).toEqual([canonical]);
    // The verification names the topic as the subscriber wrote it (§5.3).
    expect(new URL(subscriber.lastRequest('/cb')!.url, 'http://x').searchParams.get('hub.topic')).toBe(spellings.at(-1));
    // Unsubscribing in any spelling finds it.
    expect((await post(app, { 'hub.mode': 'unsubscribe', 'hub.topic': spellings[2], 'hub.callback': callback })).status).toBe(202);
    await websub.idle();
    expect(await listSubscriptions(database.db)).toEqual([]);
  });

  it('refuses a topic with a parameter our feeds do not have, naming it', async () => {
    const callback = subscriber.url('/cb');
    for (const [query, name] of [['utm_source=x', 'utm_source'], ['before=abc', 'before'], ['topic=housing&Topic=employment', 'Topic']]) {
      const res = await post(app, { 'hub.mode': 'subscribe', 'hub.topic': `${PUBLIC}/feeds/all.rss?${query}`, 'hub.callback': callback });
      expect(res.status, query).toBe(400);
      expect(await res.text()).toMatch(new RegExp(`^hub\\.topic: "${name}": not a parameter of our feeds; accepted: topic, region`));
    }
    expect(await listRequests(database.db)).toEqual([]);
  });

  it('caps verifications waiting, overall (503) and per callback host (429), each with Retry-After', async () => {
    const { app: capped } = makeApp({ limits: { maxPending: 4, maxPendingPerHost: 2 } });
    const ask = (callback: string) => post(capped, { 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': callback });
    // Nothing verifies them here: they wait, as they would with every worker busy.
    expect((await ask('https://one.example/a')).status).toBe(202);
    expect((await ask('https://one.example/b')).status).toBe(202);
    const host = await ask('https://one.example/c');
    expect(host.status).toBe(429);
    expect(host.headers.get('retry-after')).toBe('60');
    expect(await host.text()).toMatch(/^hub\.callback: 2 requests for this callback host are waiting/);
    // Another host is not held up by the first.
    expect((await ask('https://two.example/a')).status).toBe(202);
    expect((await ask('https://three.example/a')).status).toBe(202);
    const full = await ask('https://four.example/a');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('60');
    expect(await listRequests(database.db)).toHaveLength(4);
    // The same subscription asked again replaces its request: the queue does not grow.
    await database.db.delete(websubRequests);
    for (let i = 0; i < 10; i++) expect((await ask('https://one.example/a')).status).toBe(202);
    expect(await listRequests(database.db)).toHaveLength(1);
  });

  it('caps subscriptions per callback host (403) and overall (503); a renewal is always accepted', async () => {
    const { app: capped } = makeApp({ limits: { maxSubscriptions: 5, maxSubscriptionsPerHost: 3 } });
    const ask = (callback: string, topic = TOPIC) => post(capped, { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': callback });
    for (const path of ['/a', '/b', '/c']) {
      await activateSubscription(database.db, { topic: TOPIC, callback: `https://one.example${path}`, callbackHost: 'one.example', leaseSeconds: 3600, secret: null, contentHash: null });
    }
    const refused = await ask('https://one.example/d');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/^hub\.callback: this callback host has 3 subscriptions, the most this hub accepts/);
    expect((await ask('https://one.example/a')).status).toBe(202);
    for (const path of ['/a', '/b']) {
      await activateSubscription(database.db, { topic: TOPIC, callback: `https://two.example${path}`, callbackHost: 'two.example', leaseSeconds: 3600, secret: null, contentHash: null });
    }
    expect((await ask('https://three.example/a')).status).toBe(503);
  });

  it('refuses malformed requests with a plain-text reason', async () => {
    const callback = subscriber.url('/cb');
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ 'hub.topic': TOPIC, 'hub.callback': callback }, 400, /^hub\.mode: missing/],
      [{ 'hub.mode': 'publish', 'hub.topic': TOPIC, 'hub.callback': callback }, 400, /^hub\.mode: unknown value "publish"/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': TOPIC }, 400, /^hub\.callback: missing/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': '/relative' }, 400, /^hub\.callback: not an absolute URL/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': 'ftp://127.0.0.1/x' }, 400, /^hub\.callback: unsupported URL scheme "ftp"/],
      [{ 'hub.mode': 'subscribe', 'hub.callback': callback }, 400, /^hub\.topic: missing/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': callback, 'hub.lease_seconds': '-5' }, 400, /^hub\.lease_seconds/],
      [{ 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': callback, 'hub.secret': 'é'.repeat(100) }, 400, /^hub\.secret: must be less than 200 bytes/],
    ];
    for (const [fields, status, reason] of cases) {
      const res = await post(app, fields);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect(await res.text()).toMatch(reason);
    }
    // A secret of 199 bytes is fine; unknown parameters are ignored (§5.1).
    subscriber.route('/cb', echo);
    expect((await subscribe(callback, { 'hub.secret': 's'.repeat(199), 'hub.verify': 'sync' })).status).toBe(202);

    const json = await app.request('/websub', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    const get = await app.request('/websub');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    await websub.idle();
  });

  it('a private callback is refused with an empty allowlist, by literal address, by name, and after DNS', async () => {
    subscriber.route('/cb', echo);
    const strict = makeApp({
      guard: { allowPrivateNetworks: false, privateAllowlist: [] },
      // sub.example.net looks public but resolves to loopback (the rebinding case).
      callbackDeps: { resolve: async () => [{ address: '127.0.0.1', family: 4 }] },
    });
    for (const callback of [subscriber.url('/cb'), `http://localhost:${subscriber.port}/cb`, `http://[::1]:${subscriber.port}/cb`, 'http://169.254.169.254/latest']) {
      const res = await post(strict.app, { 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': callback });
      expect(res.status, callback).toBe(400);
      expect(await res.text()).toMatch(/^hub\.callback: blocked: non-public address/);
    }
    const sneaky = `http://sub.example.net:${subscriber.port}/cb`;
    expect((await post(strict.app, { 'hub.mode': 'subscribe', 'hub.topic': TOPIC, 'hub.callback': sneaky })).status).toBe(202);
    await strict.websub.idle();
    expect(subscriber.hits('/cb')).toBe(0);
    expect(await row(sneaky)).toBeUndefined();
  });
});
