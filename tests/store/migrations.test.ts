// Migrations carry stored data forward: a hub upgraded in place keeps its near-duplicate index.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/store/db.ts';

/** A copy of the migrations folder that stops after migration `last` (by index). */
async function migrationsUpTo(last: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migration 0008 (fingerprint keys carry the item date)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('gives every stored key its item date and keeps the keys findable by window', async () => {
    const client = await PGlite.create('memory://', { extensions: { unaccent } });
    try {
      const before = await migrationsUpTo(7);
      dirs.push(before);
      await migrate(drizzle(client), { migrationsFolder: before });
      await client.query(`insert into sources (slug, url, host, title, organization, region, languages) values ('s', 'https://a.example/feed', 'a.example', 'S', 'Org', 'national', '{en}')`);
      await client.query(`insert into items (source_id, key, title, published_at, content_hash, fingerprint) values
        (1, 'a', 'First', '2026-03-01T10:00:00Z', 'h1', 42), (1, 'b', 'Second', '2026-05-01T10:00:00Z', 'h2', 43)`);
      await client.query(`insert into item_fingerprint_keys (key, item_id) values (7, 1), (8, 1), (7, 2)`);

      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });

      const { rows } = await client.query<{ key: number; item_id: number; published_at: Date }>(
        'select key, item_id::int, published_at from item_fingerprint_keys order by key, item_id',
      );
      expect(rows.map((r) => [r.key, r.item_id, r.published_at.toISOString()])).toEqual([
        [7, 1, '2026-03-01T10:00:00.000Z'],
        [7, 2, '2026-05-01T10:00:00.000Z'],
        [8, 1, '2026-03-01T10:00:00.000Z'],
      ]);
      const inMarch = await client.query<{ item_id: number }>(
        `select item_id::int from item_fingerprint_keys where key = 7 and published_at between '2026-02-25' and '2026-03-05'`,
      );
      expect(inMarch.rows).toEqual([{ item_id: 1 }]);
      const options = await client.query<{ reloptions: string[] }>(`select reloptions from pg_class where relname = 'items_alternate_urls_idx'`);
      expect(options.rows[0].reloptions).toEqual(['fastupdate=off']);
    } finally {
      await client.close();
    }
  });
});
