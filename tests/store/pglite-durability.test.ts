// The embedded database in a directory flushes each commit to disk: Postgres runs with fsync on and
// syncs its WAL with fsync, which PGlite's Node filesystem now carries out (store/pglite-driver.ts).
// In memory there is nothing to flush. What a kill -9 does to it is tested in tests/cli/crash.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/db.ts';

describe('PGlite durability', () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-durable-'));
    database = await openDatabase({ dataDir: dir });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('in a directory: fsync on, the WAL synced with fsync, commits acknowledged once written', async () => {
    expect(database.durability).toBe('fsync');
    const setting = async (name: string) => Object.values((await database.rows(sql.raw(`show ${name}`)))[0])[0];
    expect(await setting('fsync')).toBe('on');
    expect(await setting('wal_sync_method')).toBe('fsync');
    expect(await setting('synchronous_commit')).toBe('on');
    // Commits still work as before, and a checkpoint (which syncs every data file) completes.
    await database.db.execute(sql`create table durability_probe (id int)`);
    await database.db.execute(sql`insert into durability_probe values (1)`);
    await database.db.execute(sql`checkpoint`);
    expect(await database.rows(sql`select count(*)::int as n from durability_probe`)).toEqual([{ n: 1 }]);
  });

  it('in memory: nothing to flush', async () => {
    const memory = await openDatabase({ dataDir: 'memory://' });
    try {
      expect(memory.durability).toBe('write');
    } finally {
      await memory.close();
    }
  });
});
