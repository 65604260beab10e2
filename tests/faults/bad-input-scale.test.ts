// Bad input at scale, through the whole pipeline on both databases: a feed of 50,000 items, feeds
// whose GUIDs all collide (one post repeated, or different posts under one GUID), and a feed that
// gives every item a new GUID on every fetch.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSource } from '../../src/pipeline/ingest-source.ts';
import type { Database } from '../../src/store/db.ts';
import { items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testFetchSettings, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const HUGE = 50_000;
const CAP = 500;

function feed(entries: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Platform</title><link>https://platform.example.ca/</link><description>d</description>\n${entries.join('\n')}\n</channel></rss>`;
}

function entry(guid: string, i: number, title = `Announcement ${i}: a new settlement resource for newcomers`): string {
  return `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title><link>https://platform.example.ca/news/${i}</link><description>Note ${i} for service providers in small centres.</description><pubDate>Wed, 01 May 2024 12:00:00 GMT</pubDate></item>`;
}

const hugeFeed = feed(Array.from({ length: HUGE }, (_, i) => entry(`big-${i}`, i)));
// The same post listed 2,000 times, and 400 different posts (under the cap) given one GUID.
const collidingFeed = feed(Array.from({ length: 2000 }, () => entry('same-guid-for-all', 0)));
const sharedGuidFeed = feed(Array.from({ length: 400 }, (_, i) => entry('same-guid-for-all', i)));

describe.each(databaseKinds)('bad input at scale on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let churnFetches = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    server.route('/huge.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(hugeFeed));
    server.route('/colliding.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(collidingFeed));
    server.route('/shared-guid.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(sharedGuidFeed));
    // Every fetch: the same 300 stories, each under a GUID never seen before.
    server.route('/churn.xml', (_req, res) => {
      churnFetches++;
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(Array.from({ length: 300 }, (_, i) => entry(`fetch${churnFetches}-item${i}-${Math.random()}`, i))));
    });
    await syncSources(database.db, [
      spec('huge', { url: server.url('/huge.xml') }),
      spec('colliding', { url: server.url('/colliding.xml') }),
      spec('shared-guid', { url: server.url('/shared-guid.xml') }),
      spec('churn', { url: server.url('/churn.xml') }),
    ]);
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const pipeline = () => testPipeline(database.db, { fetch: testFetchSettings({ maxBytes: 32 * 1024 * 1024, maxItems: CAP, timeoutMs: 20_000 }) });
  const ingest = async (slug: string) => ingestSource(pipeline(), (await getSourceBySlug(database.db, slug))!, 'test');
  const stored = async (slug: string) => {
    const source = (await getSourceBySlug(database.db, slug))!;
    return { source, count: (await database.db.select({ id: items.id }).from(items).where(eq(items.sourceId, source.id))).length };
  };

  it('a feed of 50,000 items: the first FETCH_MAX_ITEMS are kept, the cap is recorded, in bounded time and memory', async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const t0 = performance.now();
    const outcome = await ingest('huge').finally(() => clearInterval(sampler));
    const seconds = (performance.now() - t0) / 1000;
    expect(outcome).toMatchObject({ outcome: 'ok', itemsNew: CAP });
    expect(outcome.warnings).toContainEqual({ code: 'parse-note', params: { detail: `kept the first ${CAP} of ${HUGE} items` } });
    expect(outcome.warnings).toContainEqual({ code: 'items-dropped', params: { reason: `over the per-feed cap (${CAP})`, count: HUGE - CAP } });
    const { source, count } = await stored('huge');
    expect(count).toBe(CAP);
    expect(source.itemCount).toBe(CAP);
    expect(source.lastWarnings).toContainEqual({ code: 'parse-note', params: { detail: `kept the first ${CAP} of ${HUGE} items` } });
    // 12 MB of XML: generous bounds that still catch a blow-up (the whole feed stored, or kept many times over).
    expect(seconds).toBeLessThan(25);
    expect((peak - rssBefore) / 1024 / 1024).toBeLessThan(700);
  }, 60_000);

  it('a feed listing one post 2,000 times under one GUID: one item stored, the others counted as dropped', async () => {
    // Parsing stops at the cap: the 1,500 entries past it are never built, the 499 repeats within it are dropped.
    const dropped = [
      { code: 'parse-note', params: { detail: `kept the first ${CAP} of 2000 items` } },
      { code: 'items-dropped', params: { reason: 'duplicate guid', count: CAP - 1 } },
      { code: 'items-dropped', params: { reason: `over the per-feed cap (${CAP})`, count: 2000 - CAP } },
    ];
    const outcome = await ingest('colliding');
    expect(outcome).toMatchObject({ outcome: 'ok', itemsNew: 1 });
    expect(outcome.warnings).toEqual(dropped);
    const { source, count } = await stored('colliding');
    expect(count).toBe(1);
    expect(source.lastWarnings).toEqual(dropped);
    // Fetched again, the same: still one.
    await database.db.update(sources).set({ bodyHash: null }).where(eq(sources.id, source.id));
    expect(await ingest('colliding')).toMatchObject({ outcome: 'ok', itemsNew: 0 });
    expect((await stored('colliding')).count).toBe(1);
  });

  it('a feed giving 400 different posts one GUID: each stored once, by its link, and again none new', async () => {
    expect(await ingest('shared-guid')).toMatchObject({ outcome: 'ok', itemsNew: 400 });
    const { source, count } = await stored('shared-guid');
    expect(count).toBe(400);
    await database.db.update(sources).set({ bodyHash: null }).where(eq(sources.id, source.id));
    expect(await ingest('shared-guid')).toMatchObject({ outcome: 'ok', itemsNew: 0 });
    expect((await stored('shared-guid')).count).toBe(400);
  });

  it('a feed that changes every GUID on every fetch: detected as churn, not stored again five times', async () => {
    const first = await ingest('churn');
    expect(first).toMatchObject({ outcome: 'ok', itemsNew: 300, itemsRekeyed: 0 });
    for (let fetch = 2; fetch <= 5; fetch++) {
      const again = await ingest('churn');
      expect(again).toMatchObject({ outcome: 'ok', itemsNew: 0, itemsRekeyed: 300 });
      expect(again.warnings).toContainEqual({ code: 'guid-churn', params: { count: 300 } });
    }
    const { source, count } = await stored('churn');
    expect(count).toBe(300);
    expect(source.itemCount).toBe(300);
    expect(source.lastWarnings).toContainEqual({ code: 'guid-churn', params: { count: 300 } });
  });
});
