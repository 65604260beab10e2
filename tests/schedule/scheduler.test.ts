import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import type { Database } from '../../src/store/db.ts';
import { items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveDrip, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testFetchSettings, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

describe.each(databaseKinds)('scheduler on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    for (let i = 0; i < 6; i++) {
      server.route(`/f${i}.xml`, async (_req, res) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 60));
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss([[`g${i}`, `Item ${i}`]]));
      });
    }
    server.route('/slow.xml', serveDrip('<rss version="2.0"><channel>', 200));
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const scheduler = (extra: { concurrency?: number; hostConcurrency?: number; tick?: string } = {}) =>
    createScheduler({
      pipeline: testPipeline(database.db, {
        fetch: testFetchSettings({ concurrency: extra.concurrency ?? 8, hostConcurrency: extra.hostConcurrency ?? 2, timeoutMs: 5000 }),
      }),
      tick: extra.tick ?? '*/1 * * * * *',
      leaseSeconds: 60,
      concurrency: extra.concurrency ?? 8,
      logger: silentLogger(),
    });

  it('runOnce fetches every due source once, with at most two requests per host at a time', async () => {
    await syncSources(database.db, Array.from({ length: 6 }, (_, i) => spec(`s${i}`, { url: server.url(`/f${i}.xml`) })));
    const outcomes = await scheduler().runOnce();
    expect(outcomes.map((o) => o.slug).sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    expect(outcomes.every((o) => o.outcome === 'ok' && o.itemsNew === 1)).toBe(true);
    expect(maxInFlight).toBe(2);
    expect(await database.db.select().from(items)).toHaveLength(6);
  });

  it('after a run nothing is due; --all fetches everything again (conditional GETs), --source one', async () => {
    const s = scheduler();
    expect(await s.runOnce()).toEqual([]);
    const all = await s.runOnce({ which: 'all' });
    expect(all).toHaveLength(6);
    expect(all.every((o) => o.outcome === 'unchanged')).toBe(true);
    const one = await s.runOnce({ which: 'all', slugs: ['s3'] });
    expect(one.map((o) => o.slug)).toEqual(['s3']);
  });

  it('the cron tick picks up a source as soon as it is due', async () => {
    const s = scheduler();
    await database.db.update(sources).set({ nextFetchAt: sql`now()`, bodyHash: null }).where(sql`slug = 's1'`);
    const before = server.hits('/f1.xml');
    s.start();
    try {
      await expect.poll(() => server.hits('/f1.xml'), { timeout: 5000, interval: 100 }).toBe(before + 1);
      await expect.poll(async () => (await getSourceBySlug(database.db, 's1'))!.leaseOwner, { timeout: 3000 }).toBeNull();
    } finally {
      await s.stop();
    }
  });

  it('a started scheduler fills a freed slot at once, without waiting for the next tick', async () => {
    await syncSources(database.db, Array.from({ length: 6 }, (_, i) => spec(`s${i}`, { url: server.url(`/f${i}.xml`) })));
    await database.db.update(sources).set({ nextFetchAt: sql`now()`, bodyHash: null, etag: null });
    await database.db.update(sources).set({ nextFetchAt: sql`now() + interval '1 hour'` }).where(sql`slug = 'slow'`);
    const before = server.allRequests().length;
    // A tick that never comes again within the test: only the first pump and the refills run.
    const s = scheduler({ concurrency: 2, tick: '0 0 1 1 *' });
    s.start();
    try {
      await expect.poll(() => server.allRequests().length - before, { timeout: 5000, interval: 50 }).toBe(6);
      await expect.poll(() => s.inFlight(), { timeout: 3000 }).toBe(0);
    } finally {
      await s.stop();
    }
  });

  it('an ingest that throws (the database failing under it) is a failed outcome, never an unhandled rejection', async () => {
    await database.db.update(sources).set({ nextFetchAt: sql`now()` }).where(sql`slug in ('s1', 's2')`);
    const pipeline = testPipeline(database.db);
    pipeline.limiter = { ...pipeline.limiter, blockedUntil: () => { throw new Error('connection lost'); } };
    const s = createScheduler({ pipeline, tick: '0 0 1 1 *', leaseSeconds: 60, concurrency: 4, logger: silentLogger() });
    const outcomes = await s.runOnce({ which: 'all', slugs: ['s1', 's2'] });
    expect(outcomes.map((o) => [o.slug, o.outcome, o.error]).sort()).toEqual([
      ['s1', 'failed', 'internal error: connection lost'],
      ['s2', 'failed', 'internal error: connection lost'],
    ]);
    // The lease stays until it expires: the source is fetched again then, by whoever is running.
    expect((await getSourceBySlug(database.db, 's1'))!.leaseOwner).toBe(s.owner);
    await database.db.update(sources).set({ leaseOwner: null, leaseUntil: null });
  });

  it('stopping releases the lease of a fetch still in flight, recording no failure', async () => {
    await syncSources(database.db, [...Array.from({ length: 6 }, (_, i) => spec(`s${i}`, { url: server.url(`/f${i}.xml`) })), spec('slow', { url: server.url('/slow.xml') })]);
    await database.db.update(sources).set({ nextFetchAt: sql`now() + interval '1 hour'` });
    await database.db.update(sources).set({ nextFetchAt: sql`now()` }).where(sql`slug = 'slow'`);
    const s = scheduler();
    const run = s.runOnce();
    await expect.poll(() => server.hits('/slow.xml'), { timeout: 3000 }).toBe(1);
    expect((await getSourceBySlug(database.db, 'slow'))!.leaseOwner).toBe(s.owner);
    await s.stop(100);
    const outcomes = await run;
    expect(outcomes.map((o) => o.outcome)).toEqual(['released']);
    const row = (await getSourceBySlug(database.db, 'slow'))!;
    expect(row).toMatchObject({ leaseOwner: null, leaseUntil: null, errorCount: 0, lastError: null });
  });
});
