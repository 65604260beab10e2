import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createRetentionJob, itemsSavedFeedsShow } from '../../src/schedule/retention-job.ts';
import type { Database } from '../../src/store/db.ts';
import { readGeneration } from '../../src/store/hub-state.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { queryItems } from '../../src/store/items-query.ts';
import { applyRetention, planRetention } from '../../src/store/retention.ts';
import { saveFeed } from '../../src/store/saved-feeds.ts';
import { adminLog, itemFingerprintKeys, items, savedFeeds, sources } from '../../src/store/schema.ts';
import { deleteSource, getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

describe.each(databaseKinds)('retention on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
  });
  afterAll(() => cleanup());

  /** Stores items for `slug`, each { key, ageDays, …extra }, published and first seen that many days ago. */
  async function store(slug: string, entries: { key: string; ageDays: number; seenDaysAgo?: number; topics?: string[] }[]) {
    await syncSources(database.db, [spec(slug)]);
    const source = (await getSourceBySlug(database.db, slug))!;
    await commitIngest(database.db, {
      sourceId: source.id, owner: 'test', patch: {}, historyLimit: 5, log: { startedAt: NOW, durationMs: 1, outcome: 'ok' },
      items: entries.map((e) => item(`${slug}-${e.key}`, { publishedAt: daysAgo(e.ageDays), topics: e.topics ?? [], fingerprint: String(BigInt(e.ageDays * 7919 + e.key.length) * 104729n) })),
    });
    for (const e of entries) {
      await database.db.update(items).set({ firstSeenAt: daysAgo(e.seenDaysAgo ?? e.ageDays) }).where(sql`key = ${`${slug}-${e.key}`}`);
    }
    return source;
  }
  const keys = async (slug: string) => {
    const source = (await getSourceBySlug(database.db, slug))!;
    return (await database.db.select({ key: items.key }).from(items).where(eq(items.sourceId, source.id))).map((r) => r.key).sort();
  };

  /** Near-duplicate keys whose item is gone: a deleted item's keys go with it. */
  const orphanKeys = async () =>
    (await database.db.execute(sql`select k.item_id from ${itemFingerprintKeys} k left join ${items} i on i.id = k.item_id where i.id is null`)) as unknown as unknown[] | { rows: unknown[] };
  const count = (r: unknown[] | { rows: unknown[] }) => (Array.isArray(r) ? r : r.rows).length;
  const keyRows = async () => (await database.db.select({ id: itemFingerprintKeys.itemId }).from(itemFingerprintKeys)).length;

  beforeEach(async () => {
    await database.db.delete(itemFingerprintKeys);
    await database.db.delete(items);
    await database.db.delete(sources);
    await database.db.delete(adminLog);
  });

  it('by age: older than the window by date and by first sighting; the newest item of a source stays', async () => {
    await store('a', [{ key: 'new', ageDays: 2 }, { key: 'old', ageDays: 100 }, { key: 'older', ageDays: 400 }, { key: 'old-but-just-found', ageDays: 200, seenDaysAgo: 1 }]);
    await store('quiet', [{ key: 'only', ageDays: 900 }, { key: 'before', ageDays: 950 }]);
    const policy = { days: 90, maxItemsPerSource: 0, adminLogDays: 0 };
    const plan = await planRetention(database.db, policy, { now: NOW });
    expect(plan).toMatchObject({ dryRun: true, itemsByAge: 3, itemsByCount: 0, kept: 1 });
    expect(await keys('a')).toHaveLength(4);

    const before = (await readGeneration(database.db)).generation;
    const report = await applyRetention(database.db, policy, { now: NOW });
    expect(report).toMatchObject({ dryRun: false, itemsByAge: 3, itemsByCount: 0, interrupted: false });
    expect(await keys('a')).toEqual(['a-new', 'a-old-but-just-found']);
    expect(await keys('quiet')).toEqual(['quiet-only']);
    expect((await getSourceBySlug(database.db, 'a'))!.itemCount).toBe(2);
    expect((await readGeneration(database.db)).generation).toBeGreaterThan(before);
    expect(count(await orphanKeys())).toBe(0);
    expect(await keyRows()).toBeGreaterThan(0);
    // Idempotent: nothing more to do.
    expect(await applyRetention(database.db, policy, { now: NOW })).toMatchObject({ itemsByAge: 0, batches: 0 });
  });

  it('deleting a source deletes its items and their near-duplicate keys, and no other source\'s', async () => {
    const gone = await store('gone', [{ key: 'x', ageDays: 1 }, { key: 'y', ageDays: 2 }]);
    await store('stays', [{ key: 'z', ageDays: 1 }]);
    const before = await keyRows();
    expect(await deleteSource(database.db, gone.id)).toEqual({ itemsDeleted: 2 });
    expect(count(await orphanKeys())).toBe(0);
    expect(await keyRows()).toBe(before / 3);
  });

  it('by count: beyond the newest N of a source, in small batches', async () => {
    await store('busy', Array.from({ length: 12 }, (_, i) => ({ key: `i${String(i).padStart(2, '0')}`, ageDays: i + 1 })));
    await store('calm', [{ key: 'x', ageDays: 3 }]);
    const report = await applyRetention(database.db, { days: 0, maxItemsPerSource: 5, adminLogDays: 0 }, { now: NOW, batchSize: 3, pauseMs: 0 });
    expect(report).toMatchObject({ itemsByCount: 7, itemsByAge: 0 });
    expect(report.batches).toBe(3);
    expect(await keys('busy')).toEqual(['busy-i00', 'busy-i01', 'busy-i02', 'busy-i03', 'busy-i04']);
    expect(await keys('calm')).toEqual(['calm-x']);
    expect((await getSourceBySlug(database.db, 'busy'))!.itemCount).toBe(5);
  });

  it('a translation pointing at a deleted item is cleared; the copies left of a story still group', async () => {
    await store('en', [{ key: 'keep', ageDays: 1 }, { key: 'story-first', ageDays: 200 }]);
    await store('fr', [{ key: 'keep', ageDays: 1 }, { key: 'story-copy', ageDays: 20 }, { key: 'translated', ageDays: 10 }]);
    await store('other', [{ key: 'keep', ageDays: 1 }, { key: 'story-copy2', ageDays: 25 }]);
    const id = async (key: string) => (await database.db.select({ id: items.id }).from(items).where(eq(items.key, key)))[0].id;
    const [first, copy, copy2, translated] = [await id('en-story-first'), await id('fr-story-copy'), await id('other-story-copy2'), await id('fr-translated')];
    await database.db.update(items).set({ clusterId: first }).where(inArray(items.id, [first, copy, copy2]));
    await database.db.update(items).set({ translationOf: first }).where(eq(items.id, translated));

    await applyRetention(database.db, { days: 90, maxItemsPerSource: 0, adminLogDays: 0 }, { now: NOW });
    const rows = await database.db.select().from(items).where(inArray(items.id, [first, copy, copy2, translated]));
    expect(rows.map((r) => r.id).sort()).toEqual([copy, copy2, translated].sort());
    expect(rows.find((r) => r.id === translated)!.translationOf).toBeNull();
    expect(rows.filter((r) => r.id !== translated).map((r) => r.clusterId)).toEqual([first, first]);
    // The story is still shown once, with its other copy beside it.
    const shown = await queryItems(database.db, { limit: 50, sources: ['fr', 'other'] });
    const story = shown.filter((v) => v.id === copy || v.id === copy2);
    expect(story).toHaveLength(1);
    expect(story[0].also.map((a) => a.id)).toEqual([story[0].id === copy ? copy2 : copy]);
  });

  it('keeps what a saved feed shows right now (its newest 50), whatever their age', async () => {
    await store('s', [
      { key: 'recent', ageDays: 1 },
      ...Array.from({ length: 60 }, (_, i) => ({ key: `housing-${String(i).padStart(2, '0')}`, ageDays: 200 + i, topics: ['housing'] })),
      ...Array.from({ length: 5 }, (_, i) => ({ key: `plain-${i}`, ageDays: 300 + i })),
    ]);
    await saveFeed(database.db, { id: 'housingfeed', title: 'Housing', query: 'topic=housing', ui: 'en' });
    const keep = await itemsSavedFeedsShow(database.db, ['housing']);
    expect(keep).toHaveLength(50);
    const report = await applyRetention(database.db, { days: 90, maxItemsPerSource: 0, adminLogDays: 0 }, { now: NOW, keepIds: keep });
    expect(report.itemsByAge).toBe(15);
    const left = await keys('s');
    expect(left).toHaveLength(51);
    expect(left).toContain('s-housing-00');
    expect(left).toContain('s-housing-49');
    expect(left).not.toContain('s-housing-50');
    expect(left.filter((k) => k.startsWith('s-plain'))).toEqual([]);
    // The saved feed shows exactly what it showed before.
    const feed = await queryItems(database.db, { topics: ['housing'], limit: 50 });
    expect(feed.map((f) => f.id).sort()).toEqual([...keep].sort());
  });

  it('a saved feed nobody has saved or read for the window is deleted, and keeps its items no more', async () => {
    await database.db.delete(savedFeeds);
    await store('u', [{ key: 'recent', ageDays: 1 }, ...Array.from({ length: 10 }, (_, i) => ({ key: `housing-${i}`, ageDays: 200 + i, topics: ['housing'] }))]);
    await saveFeed(database.db, { id: 'unusedfeed', title: 'Unused', query: 'topic=housing', ui: 'en' });
    await saveFeed(database.db, { id: 'usedfeedxx', title: 'Used', query: 'topic=employment', ui: 'en' });
    await database.db.update(savedFeeds).set({ lastUsedAt: daysAgo(400) }).where(eq(savedFeeds.id, 'unusedfeed'));
    await database.db.update(savedFeeds).set({ lastUsedAt: daysAgo(10) }).where(eq(savedFeeds.id, 'usedfeedxx'));
    const settings = { days: 90, maxItemsPerSource: 0, adminLogDays: 0, savedFeedUnusedDays: 365, schedule: '0 30 3 * * *' };
    const job = createRetentionJob({ db: database.db, settings, topicSlugs: ['housing', 'employment'], logger: silentLogger(), now: () => NOW });
    expect(await job.run({ dryRun: true })).toMatchObject({ savedFeeds: 1, itemsByAge: 10, kept: 0 });
    expect(await database.db.select().from(savedFeeds)).toHaveLength(2);
    expect(await job.run()).toMatchObject({ savedFeeds: 1, itemsByAge: 10 });
    expect((await database.db.select().from(savedFeeds)).map((f) => f.id)).toEqual(['usedfeedxx']);
    expect(await keys('u')).toEqual(['u-recent']);
    // The rule alone turns the job on.
    expect(createRetentionJob({ db: database.db, settings: { ...settings, days: 0 }, topicSlugs: [], logger: silentLogger() }).enabled).toBe(true);
  });

  it('the admin log is kept for its own window', async () => {
    await database.db.insert(adminLog).values([
      { action: 'source.add', at: daysAgo(400) },
      { action: 'source.pause', at: daysAgo(10) },
    ]);
    expect(await planRetention(database.db, { days: 0, maxItemsPerSource: 0, adminLogDays: 365 }, { now: NOW })).toMatchObject({ adminLog: 1 });
    expect(await applyRetention(database.db, { days: 0, maxItemsPerSource: 0, adminLogDays: 365 }, { now: NOW })).toMatchObject({ adminLog: 1 });
    expect((await database.db.select().from(adminLog)).map((r) => r.action)).toEqual(['source.pause']);
  });

  it('the job runs on its cron schedule and stops cleanly; with every rule off it never starts', async () => {
    await store('j', [{ key: 'new', ageDays: 0 }, { key: 'old', ageDays: 30 }]);
    const job = createRetentionJob({
      db: database.db,
      settings: { days: 7, maxItemsPerSource: 0, adminLogDays: 0, savedFeedUnusedDays: 0, schedule: '* * * * * *' },
      topicSlugs: [],
      logger: silentLogger(),
      now: () => NOW,
    });
    job.start();
    try {
      await expect.poll(() => keys('j'), { timeout: 5000, interval: 100 }).toEqual(['j-new']);
    } finally {
      await job.stop();
    }
    const off = createRetentionJob({ db: database.db, settings: { days: 0, maxItemsPerSource: 0, adminLogDays: 0, savedFeedUnusedDays: 0, schedule: '* * * * * *' }, topicSlugs: [], logger: silentLogger() });
    expect(off.enabled).toBe(false);
    expect(() => createRetentionJob({ db: database.db, settings: { days: 1, maxItemsPerSource: 0, adminLogDays: 0, savedFeedUnusedDays: 0, schedule: 'daily' }, topicSlugs: [], logger: silentLogger() })).toThrow(/RETENTION_SCHEDULE/);
  });

  if (kind === 'postgres') {
    it('one process at a time: a run finding another one under way stops at once', async () => {
      await store('l', [{ key: 'new', ageDays: 0 }, { key: 'old', ageDays: 30 }]);
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(4242019)`);
        const report = await applyRetention(database.db, { days: 7, maxItemsPerSource: 0, adminLogDays: 0 }, { now: NOW });
        expect(report).toMatchObject({ interrupted: true, itemsByAge: 0 });
      });
      expect(await keys('l')).toEqual(['l-new', 'l-old']);
    });
  }
});
