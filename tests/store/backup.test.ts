// A backup restored into a fresh database, of either kind, brings back every table as it was:
// backing the restored database up again gives the same rows, byte for byte. Stories (clusters),
// translation links, tokens, saved feeds, WebSub subscriptions, the admin log and the fetch log
// come back; search works (the search vectors are computed again) and new rows get new ids.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, findLiveToken, hashToken, recordAdminAction } from '../../src/store/api-tokens.ts';
import { writeBackup } from '../../src/store/backup.ts';
import { readBackup } from '../../src/store/backup-format.ts';
import { analyzeTables, checkTarget, loadBackup, restoreBackup } from '../../src/store/restore.ts';
import type { Database } from '../../src/store/db.ts';
import { saveFeed } from '../../src/store/saved-feeds.ts';
import { insertSources } from '../../src/store/sources-repo.ts';
import { requestSubscription } from '../../src/store/digests-repo.ts';
import { activateSubscription, putRequest } from '../../src/store/websub-repo.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { openDatabase } from '../../src/store/db.ts';
import { appliedSchema, latestSchema } from '../../src/store/schema-version.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';
import { seedReader } from '../helpers/reader-fixture.ts';

/** The row lines of a backup (what it holds, without when and from where it was taken). */
async function rowsOf(file: string): Promise<string[]> {
  return gunzipSync(await readFile(file)).toString('utf8').split('\n').filter((l) => l && !l.startsWith('@passerelle-backup') && !l.startsWith('@end'));
}

async function count(database: Database, query: ReturnType<typeof sql>): Promise<number> {
  return Number((await database.rows<{ n: number }>(query))[0].n);
}

describe.each(databaseKinds)('a backup of %s', (kind) => {
  let dir: string;
  let source: Awaited<ReturnType<typeof freshDatabase>>;
  let file: string;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-backup-'));
    file = path.join(dir, 'hub.backup.gz');
    source = await freshDatabase(kind);
    const db = source.database.db;
    await seedReader(db);
    token = (await createApiToken(db, { name: 'ops', readOnly: false })).token;
    await recordAdminAction(db, { tokenId: null, token: 'cli:ops', action: 'token.create', detail: { name: 'ops', note: 'l’équipe « accueil »\nsecond line' } });
    await saveFeed(db, { id: 'housing-atlantic', title: 'Logement — Atlantique', query: 'topic=housing&region=atlantic', ui: 'fr' });
    await putRequest(db, {
      mode: 'subscribe', topic: 'https://hub.example.ca/feeds/all.rss', requestedTopic: 'https://hub.example.ca/feeds/all.rss',
      callback: 'https://reader.example.org/cb/1', callbackHost: 'reader.example.org', leaseSeconds: 3600, secret: null, holdSeconds: 60,
    });
    await activateSubscription(db, { topic: 'https://hub.example.ca/feeds/all.atom', callback: 'https://reader.example.org/cb/2', callbackHost: 'reader.example.org', leaseSeconds: 86_400, secret: 's3cret', contentHash: 'abc' });
    await requestSubscription(db, { email: 'agente@example.ca', selection: 'topic=housing&lang=fr', ui: 'fr', frequency: 'weekly', token: 'a'.repeat(43), from: '203.0.113.7', maxPending: 100 });
    // A fingerprint at the edge of 64 bits must come back exact.
    await db.execute(sql`update items set fingerprint = -9223372036854775807 where id = (select min(id) from items)`);
  }, 120_000);
  afterAll(async () => {
    await source?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('is one file that says what it holds', async () => {
    const report = await writeBackup(source.database, file);
    expect(report.rows.items).toBeGreaterThan(10);
    const { header, trailer } = await readBackup(file);
    expect(header).toMatchObject({ version: 1, database: kind, schema: { tag: report.schema } });
    expect(header.tables.indexOf('sources')).toBeLessThan(header.tables.indexOf('items'));
    expect(trailer.rows).toEqual(report.rows);
    // The generated search vector is not in the file: the database computes it again.
    expect((await rowsOf(file)).find((l) => l.startsWith('@table {"name":"items"'))).not.toMatch(/"search"/);
  });

  describe.each(databaseKinds)('restored into a fresh %s database', (targetKind) => {
    let target: Awaited<ReturnType<typeof freshDatabase>>;
    beforeAll(async () => {
      target = await freshDatabase(targetKind);
      const plan = await readBackup(file);
      await checkTarget(target.database, plan, false);
      await loadBackup(target.database, file);
      await analyzeTables(target.database);
    }, 120_000);
    afterAll(async () => {
      await target?.cleanup();
    });

    it('holds the same rows: backed up again, it gives the same file content', async () => {
      const again = path.join(dir, `again-${kind}-${targetKind}.gz`);
      await writeBackup(target.database, again);
      expect(await rowsOf(again)).toEqual(await rowsOf(file));
    });

    it('keeps stories, translations, tokens, saved feeds, subscriptions and the logs', async () => {
      const t = target.database;
      const s = source.database;
      for (const query of [
        sql`select count(distinct cluster_id)::int as n from items`,
        sql`select count(*)::int as n from items where translation_of is not null`,
        sql`select count(*)::int as n from fetches`,
        sql`select count(*)::int as n from admin_log`,
        sql`select count(*)::int as n from websub_subscriptions`,
        sql`select count(*)::int as n from websub_requests`,
        sql`select count(*)::int as n from digest_subscriptions where email = 'agente@example.ca'`,
        sql`select count(*)::int as n from saved_feeds`,
        sql`select count(*)::int as n from item_fingerprint_keys`,
      ]) {
        expect(await count(t, query)).toBe(await count(s, query));
      }
      expect(await count(t, sql`select count(*)::int as n from items where translation_of is not null`)).toBeGreaterThan(0);
      expect(await count(t, sql`select count(*)::int as n from items i where exists (select 1 from items j where j.cluster_id = i.cluster_id and j.id <> i.id)`)).toBeGreaterThan(0);
      expect(await findLiveToken(t.db, hashToken(token))).toMatchObject({ name: 'ops' });
      expect((await t.rows<{ f: string }>(sql`select min(fingerprint)::text as f from items`))[0].f).toBe('-9223372036854775807');
    });

    it('finds items by search again, in both languages', async () => {
      for (const [config, word] of [['passerelle_fr', 'logement'], ['passerelle_en', 'housing']]) {
        const query = sql`select count(*)::int as n from items where search @@ plainto_tsquery(${config}::regconfig, ${word})`;
        const n = await count(target.database, query);
        expect(n).toBeGreaterThan(0);
        expect(n).toBe(await count(source.database, query));
      }
    });

    it('gives new rows ids after the restored ones', async () => {
      const before = await count(target.database, sql`select max(id)::int as n from sources`);
      const [added] = await insertSources(target.database.db, [spec('after-restore')]);
      expect(added.id).toBeGreaterThan(before);
      await recordAdminAction(target.database.db, { tokenId: null, token: 'cli:ops', action: 'source.add', detail: {} });
    });
  });
});

describe('a backup taken while PostgreSQL takes writes', () => {
  it('is one consistent moment: each source count agrees with its items', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-backup-writes-'));
    const source = await freshDatabase('postgres');
    const target = await freshDatabase('postgres');
    try {
      const db = source.database.db;
      const sources = await insertSources(db, Array.from({ length: 4 }, (_, i) => spec(`w${i}`)));
      let writing = true;
      let commits = 0;
      // Each commit adds items to a source and moves its item count, in one transaction.
      const writer = (async () => {
        for (let round = 0; writing; round++) {
          const s = sources[round % sources.length];
          await commitIngest(db, {
            sourceId: s.id, owner: 'writer', historyLimit: 3,
            log: { startedAt: new Date(), durationMs: 1, outcome: 'ok', httpStatus: 200 },
            patch: { lastFetchAt: new Date(), lastStatus: 200 },
            items: Array.from({ length: 20 }, (_, i) => item(`r${round}-${i}`, { title: `Round ${round} item ${i}` })),
          });
          commits++;
        }
      })();
      await expect.poll(() => commits, { timeout: 30_000 }).toBeGreaterThan(3);
      const file = path.join(dir, 'writes.gz');
      await writeBackup(source.database, file);
      const during = commits;
      await expect.poll(() => commits, { timeout: 30_000 }).toBeGreaterThan(during + 2);
      writing = false;
      await writer;
      await restoreBackup(target.database, file, await readBackup(file), { force: true });
      const t = target.database;
      expect(await t.rows(sql`select slug from sources s where item_count <> (select count(*) from items i where i.source_id = s.id)`)).toEqual([]);
      const restored = await count(t, sql`select count(*)::int as n from items`);
      expect(restored).toBeGreaterThan(0);
      expect(restored).toBeLessThan(await count(source.database, sql`select count(*)::int as n from items`));
    } finally {
      await source.cleanup();
      await target.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a backup from an older schema', () => {
  it('is loaded at its own schema, then brought up to date', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-backup-older-'));
    const older = latestSchema().index - 1;
    const source = await openDatabase({ dataDir: 'memory://', migrate: { upTo: older } });
    const target = await openDatabase({ dataDir: 'memory://', migrate: 'none' });
    try {
      expect(await appliedSchema(source)).toMatchObject({ index: older });
      // Written as rows of the older schema: today's ingest writes columns it may not have yet.
      await source.db.execute(sql`insert into sources (slug, url, host, title, organization, region, languages) values ('old', 'https://old.example.ca/feed', 'old.example.ca', 'Old', 'Old Org', 'bc', '{en}')`);
      await source.db.execute(sql`insert into items (source_id, key, title, published_at, content_hash)
        select s.id, 'k' || n, 'Item ' || n, now() - n * interval '1 day', 'h' || n from sources s, generate_series(1, 3) n`);
      const file = path.join(dir, 'older.gz');
      await writeBackup(source, file);
      const plan = await readBackup(file);
      expect(plan.header.schema.index).toBe(older);
      await restoreBackup(target, file, plan, { force: false });
      expect(await appliedSchema(target)).toMatchObject({ index: latestSchema().index });
      expect(await count(target, sql`select count(*)::int as n from items`)).toBe(await count(source, sql`select count(*)::int as n from items`));
      // A database migrated past the backup cannot take it.
      const newer = await freshDatabase('pglite');
      try {
        await expect(checkTarget(newer.database, plan, true)).rejects.toThrow(/newer than the backup's/);
      } finally {
        await newer.cleanup();
      }
    } finally {
      await source.close();
      await target.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
