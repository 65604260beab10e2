import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { openDatabase } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { queryItems } from '../../src/store/items-query.ts';
import { fetches, items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug, leaseSources, RETIRED_REASON, syncSources } from '../../src/store/sources-repo.ts';
import { createScratchDatabase, databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

const log = { startedAt: new Date(), durationMs: 5, outcome: 'ok' as const, httpStatus: 200 };

describe.each(databaseKinds)('store on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
  });
  afterAll(() => cleanup());

  const sourceId = async (slug: string) => (await getSourceBySlug(database.db, slug))!.id;

  it('syncs feeds.yaml: adds, updates, pauses what the file dropped, resumes what it lists again', async () => {
    const db = database.db;
    let report = await syncSources(db, [spec('s-a'), spec('s-b')]);
    expect(report.added).toEqual(['s-a', 's-b']);
    report = await syncSources(db, [spec('s-a', { title: 'Renamed' }), spec('s-b')]);
    expect(report).toEqual({ added: [], updated: ['s-a'], retired: [] });
    expect((await getSourceBySlug(db, 's-a'))!.title).toBe('Renamed');
    report = await syncSources(db, [spec('s-a', { title: 'Renamed' })]);
    expect(report.retired).toEqual(['s-b']);
    const b = (await getSourceBySlug(db, 's-b'))!;
    expect(b.status).toBe('paused');
    expect(b).toMatchObject({ lastErrorCode: 'retired', lastErrorParams: {}, lastError: RETIRED_REASON });
    report = await syncSources(db, [spec('s-a', { title: 'Renamed' }), spec('s-b')]);
    expect(await getSourceBySlug(db, 's-b')).toMatchObject({ status: 'active', lastErrorCode: null, lastErrorParams: null, lastError: null });
    expect(await syncSources(db, [spec('s-a', { title: 'Renamed' }), spec('s-b')])).toEqual({ added: [], updated: [], retired: [] });
  });

  it('a changed URL in the file resets the conditional-GET state and fetches soon', async () => {
    const db = database.db;
    const id = await sourceId('s-a');
    await db.update(sources).set({ etag: '"x"', bodyHash: 'h', nextFetchAt: new Date(Date.now() + 3600_000) }).where(sql`id = ${id}`);
    await syncSources(db, [spec('s-a', { title: 'Renamed', url: 'https://moved.example.org/rss' }), spec('s-b')]);
    const a = (await getSourceBySlug(db, 's-a'))!;
    expect(a).toMatchObject({ url: 'https://moved.example.org/rss', host: 'moved.example.org', etag: null, bodyHash: null });
    expect(a.nextFetchAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('stores items once: re-ingesting the same feed adds nothing, an edit updates in place', async () => {
    const db = database.db;
    const id = await sourceId('s-a');
    const batch = [item('one'), item('two'), item('three')];
    const commit = { sourceId: id, owner: 'w1', patch: {}, log, historyLimit: 10 };
    expect(await commitIngest(db, { ...commit, items: batch })).toEqual({ itemsNew: 3, itemsUpdated: 0, itemsRekeyed: 0 });
    expect(await commitIngest(db, { ...commit, items: batch })).toEqual({ itemsNew: 0, itemsUpdated: 0, itemsRekeyed: 0 });
    const edited = [item('one'), item('two', { title: 'Two, corrected', contentHash: 'hash-two-v2' }), item('three')];
    expect(await commitIngest(db, { ...commit, items: edited })).toEqual({ itemsNew: 0, itemsUpdated: 1, itemsRekeyed: 0 });
    const rows = await db.select().from(items).where(sql`source_id = ${id}`);
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.key === 'two')!.title).toBe('Two, corrected');
    expect((await getSourceBySlug(db, 's-a'))!.itemCount).toBe(3);
  });

  it('keeps the first of duplicate keys in one batch', async () => {
    const id = await sourceId('s-b');
    const counts = await commitIngest(database.db, {
      sourceId: id, owner: 'w1', patch: {}, log, historyLimit: 10,
      items: [item('dup', { title: 'first' }), item('dup', { title: 'second', contentHash: 'other' })],
    });
    expect(counts.itemsNew).toBe(1);
    const [row] = await database.db.select().from(items).where(sql`source_id = ${id} and key = 'dup'`);
    expect(row.title).toBe('first');
  });

  it('recognises an item whose GUID changed but whose link and title did not (GUID churn)', async () => {
    const id = await sourceId('s-a');
    const counts = await commitIngest(database.db, {
      sourceId: id, owner: 'w1', patch: {}, log, historyLimit: 10,
      items: [item('one-new-guid', { url: 'https://example.org/one', title: 'Title one' })],
    });
    expect(counts).toEqual({ itemsNew: 0, itemsUpdated: 1, itemsRekeyed: 1 });
    expect((await getSourceBySlug(database.db, 's-a'))!.itemCount).toBe(3);
  });

  it('an item first seen without a date keeps its first-seen time on later fetches', async () => {
    const id = await sourceId('s-b');
    const first = new Date('2024-05-02T00:00:00Z');
    const commit = { sourceId: id, owner: 'w1', patch: {}, log, historyLimit: 10 };
    await commitIngest(database.db, { ...commit, items: [item('undated', { publishedAt: first, dateFromFeed: false })] });
    await commitIngest(database.db, { ...commit, items: [item('undated', { publishedAt: new Date('2024-05-09T00:00:00Z'), dateFromFeed: false, contentHash: 'v2' })] });
    const [row] = await database.db.select().from(items).where(sql`source_id = ${id} and key = 'undated'`);
    expect(row.publishedAt.toISOString()).toBe(first.toISOString());
  });

  it('keeps the fetch log bounded per source', async () => {
    const id = await sourceId('s-b');
    for (let i = 0; i < 6; i++) {
      await commitIngest(database.db, { sourceId: id, owner: 'w1', patch: {}, log: { ...log, startedAt: new Date(Date.now() + i * 1000) }, historyLimit: 4 });
    }
    const rows = await database.db.select().from(fetches).where(sql`source_id = ${id}`);
    expect(rows).toHaveLength(4);
  });

  it('commits the source state with its items, and releases only its own lease', async () => {
    const db = database.db;
    const id = await sourceId('s-a');
    await db.update(sources).set({ leaseOwner: 'w2', leaseUntil: new Date(Date.now() + 60_000) }).where(sql`id = ${id}`);
    await commitIngest(db, { sourceId: id, owner: 'w1', patch: { lastStatus: 200, etag: '"v9"' }, log, historyLimit: 10 });
    let row = (await getSourceBySlug(db, 's-a'))!;
    expect(row).toMatchObject({ lastStatus: 200, etag: '"v9"', leaseOwner: 'w2' });
    await commitIngest(db, { sourceId: id, owner: 'w2', patch: {}, log, historyLimit: 10 });
    row = (await getSourceBySlug(db, 's-a'))!;
    expect(row.leaseOwner).toBeNull();
    expect(row.leaseUntil).toBeNull();
  });

  it('rolls back everything when any part of the commit fails', async () => {
    const db = database.db;
    const id = await sourceId('s-a');
    const before = (await getSourceBySlug(db, 's-a'))!;
    await expect(
      commitIngest(db, {
        sourceId: id, owner: 'w1', patch: { etag: '"should-not-stick"' }, historyLimit: 10,
        items: [item('rollback-me')],
        log: { ...log, outcome: 'ok', durationMs: Number.NaN },
      }),
    ).rejects.toThrow();
    const after = (await getSourceBySlug(db, 's-a'))!;
    expect(after.etag).toBe(before.etag);
    expect(await db.select().from(items).where(sql`key = 'rollback-me'`)).toHaveLength(0);
  });

  it('leases only due, active, unleased sources, and hands expired leases to others', async () => {
    const db = database.db;
    await syncSources(db, [spec('s-a', { title: 'Renamed', url: 'https://moved.example.org/rss' }), spec('s-b'), spec('s-c'), spec('s-d')]);
    await db.update(sources).set({ nextFetchAt: sql`now() - interval '1 minute'`, leaseOwner: null, leaseUntil: null });
    await db.update(sources).set({ nextFetchAt: sql`now() + interval '1 hour'` }).where(sql`slug = 's-d'`);
    await db.update(sources).set({ status: 'paused' }).where(sql`slug = 's-c'`);
    const first = await leaseSources(db, { owner: 'w1', limit: 10, leaseSeconds: 60 });
    expect(first.map((s) => s.slug).sort()).toEqual(['s-a', 's-b']);
    expect(await leaseSources(db, { owner: 'w2', limit: 10, leaseSeconds: 60 })).toEqual([]);
    const all = await leaseSources(db, { owner: 'w2', limit: 10, leaseSeconds: 60, which: 'all' });
    expect(all.map((s) => s.slug)).toEqual(['s-d']);
    await db.update(sources).set({ leaseUntil: sql`now() - interval '1 second'` }).where(sql`slug = 's-a'`);
    const taken = await leaseSources(db, { owner: 'w3', limit: 10, leaseSeconds: 60 });
    expect(taken.map((s) => [s.slug, s.leaseOwner])).toEqual([['s-a', 'w3']]);
  });

  it('lists the newest items first with their source, filtered by source and language', async () => {
    const db = database.db;
    const id = await sourceId('s-d');
    await commitIngest(db, {
      sourceId: id, owner: 'x', patch: {}, log, historyLimit: 10,
      items: [
        item('fr-1', { language: 'fr', publishedAt: new Date('2024-06-03T00:00:00Z') }),
        item('en-1', { publishedAt: new Date('2024-06-02T00:00:00Z') }),
      ],
    });
    const rows = await queryItems(db, { limit: 2, sources: ['s-d'] });
    expect(rows.map((r) => r.title)).toEqual(['Title fr-1', 'Title en-1']);
    expect(rows[0].source).toMatchObject({ slug: 's-d', organization: 'Org s-d' });
    const fr = await queryItems(db, { limit: 10, languages: ['fr'] });
    expect(fr.map((r) => r.title)).toEqual(['Title fr-1']);
    const older = await queryItems(db, { limit: 10, sources: ['s-d'], before: { publishedAt: rows[0].publishedAt, id: rows[0].id } });
    expect(older.map((r) => r.title)).toEqual(['Title en-1']);
  });
});

describe('Postgres specifics', () => {
  it('two processes starting at once apply the migrations exactly once', async () => {
    const scratch = await createScratchDatabase();
    try {
      const [a, b] = await Promise.all([openDatabase({ databaseUrl: scratch.url }), openDatabase({ databaseUrl: scratch.url })]);
      const rows = await a.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(rows[0].n).toBeGreaterThan(0);
      await a.close();
      await b.close();
      const c = await openDatabase({ databaseUrl: scratch.url });
      expect((await c.rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0].n).toBe(rows[0].n);
      await c.close();
    } finally {
      await scratch.drop();
    }
  });

  it('concurrent workers lease disjoint sets of sources (FOR UPDATE SKIP LOCKED)', async () => {
    const { database, url, cleanup } = await freshDatabase('postgres');
    const others = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url, poolSize: 2 })));
    try {
      await syncSources(database.db, Array.from({ length: 40 }, (_, i) => spec(`p-${i}`)));
      const leases = await Promise.all([database, ...others].map((d, i) => leaseSources(d.db, { owner: `w${i}`, limit: 15, leaseSeconds: 60 })));
      const ids = leases.flat().map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(40);
    } finally {
      await Promise.all(others.map((o) => o.close()));
      await cleanup();
    }
  });
});
