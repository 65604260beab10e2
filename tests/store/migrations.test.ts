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

describe('migration 0010 (WebSub requests as rows; callback hosts; saved feeds remember their use)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('keeps active subscriptions with their callback host, drops pending placeholders, dates saved feeds', async () => {
    const client = await PGlite.create('memory://', { extensions: { unaccent } });
    try {
      const before = await migrationsUpTo(9);
      dirs.push(before);
      await migrate(drizzle(client), { migrationsFolder: before });
      await client.query(`insert into websub_subscriptions (topic, callback, lease_seconds, state, expires_at) values
        ('https://hub.example.ca/feeds/all.rss', 'https://Sub.Example.org:8443/cb?x=1', 3600, 'active', now() + interval '1 day'),
        ('https://hub.example.ca/feeds/all.rss', 'http://[2001:db8::1]:8080/cb', 3600, 'active', now() + interval '1 day'),
        ('https://hub.example.ca/feeds/all.rss', 'https://pending.example/cb', 3600, 'pending', now() + interval '1 hour')`);
      await client.query(`insert into saved_feeds (id, title, query) values ('abcdefghij', 'Saved', 'topic=housing')`);

      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });

      const subs = await client.query<{ callback: string; callback_host: string }>('select callback, callback_host from websub_subscriptions order by id');
      // The hosts as the URL parser names them, which is how new subscriptions are counted.
      expect(subs.rows).toEqual([
        { callback: 'https://Sub.Example.org:8443/cb?x=1', callback_host: new URL('https://Sub.Example.org:8443/cb').hostname },
        { callback: 'http://[2001:db8::1]:8080/cb', callback_host: new URL('http://[2001:db8::1]:8080/cb').hostname },
      ]);
      const saved = await client.query<{ last_used_at: Date }>('select last_used_at from saved_feeds');
      expect(saved.rows[0].last_used_at).toBeInstanceOf(Date);
      expect((await client.query('select * from websub_requests')).rows).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe('migration 0011 (errors and warnings stored as codes)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('recovers the code and its facts from each stored English message, and keeps the words as the detail', async () => {
    const client = await PGlite.create('memory://', { extensions: { unaccent } });
    const messages: [string, string, Record<string, unknown>][] = [
      ['blocked: non-public address (feeds.example → 10.20.30.40)', 'blocked', { host: 'feeds.example', address: '10.20.30.40' }],
      ['blocked: non-public address (192.168.1.9)', 'blocked', { address: '192.168.1.9' }],
      ['blocked: redirect to non-public address (10.0.0.5)', 'blocked', { address: '10.0.0.5', viaRedirect: true }],
      ['DNS lookup failed for feeds.gone.example (ENOTFOUND)', 'dns', { host: 'feeds.gone.example', cause: 'ENOTFOUND' }],
      ['blocked by bot protection (403)', 'bot-protection', { status: 403 }],
      ['feed not found (404)', 'http', { status: 404 }],
      ['gone (410): the source has been removed', 'http', { status: 410 }],
      ['unexpected HTTP status 418', 'http', { status: 418 }],
      ['timed out after 30s', 'timeout', { seconds: 30 }],
      ['connection refused', 'connect', {}],
      ['TLS error: certificate has expired', 'tls', {}],
      ['response too large (over 5 MiB)', 'too-large', {}],
      ['empty response (204)', 'empty', { status: 204 }],
      ['not a feed (HTML page)', 'not-a-feed', { contentType: 'text/html' }],
      ['not a feed (image/png)', 'not-a-feed', { contentType: 'image/png' }],
      ['invalid JSON at line 123', 'not-a-feed', {}],
      ['invalid XML: unclosed root tag at line 3', 'not-a-feed', {}],
      ['cannot determine the character encoding: UTF-8 assumed but the bytes are neither UTF-8 nor Latin text', 'charset', {}],
      ['no longer listed in feeds.yaml', 'retired', {}],
    ];
    try {
      const before = await migrationsUpTo(10);
      dirs.push(before);
      await migrate(drizzle(client), { migrationsFolder: before });
      for (const [i, [message]] of messages.entries()) {
        await client.query(
          `insert into sources (slug, url, host, title, organization, region, languages, last_error, last_warnings)
           values ($1, $2, 'a.example', 'S', 'Org', 'national', '{en}', $3, $4)`,
          [`s${i}`, `https://a.example/${i}`, message, JSON.stringify(['GUIDs changed for 3 items (churn): matched to stored items by link and title'])],
        );
        await client.query(`insert into fetches (source_id, started_at, duration_ms, outcome, error) values ($1, now(), 5, 'failed', $2)`, [i + 1, message]);
      }
      await client.query(`insert into sources (slug, url, host, title, organization, region, languages) values ('fine', 'https://a.example/fine', 'a.example', 'S', 'Org', 'national', '{en}')`);

      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });

      const { rows } = await client.query<{ slug: string; last_error: string | null; last_error_code: string | null; last_error_params: unknown; last_warnings: unknown }>(
        `select slug, last_error, last_error_code, last_error_params, last_warnings from sources order by id`,
      );
      expect(rows.slice(0, messages.length).map((r) => [r.last_error, r.last_error_code, r.last_error_params])).toEqual(messages);
      expect(rows[0].last_warnings).toEqual([{ code: 'note', params: { detail: 'GUIDs changed for 3 items (churn): matched to stored items by link and title' } }]);
      expect(rows.at(-1)).toMatchObject({ slug: 'fine', last_error_code: null, last_error_params: null, last_warnings: null });
      const logged = await client.query<{ error: string; error_code: string; error_params: unknown }>(`select error, error_code, error_params from fetches order by id`);
      expect(logged.rows.map((r) => [r.error, r.error_code, r.error_params])).toEqual(messages);
      const leftover = await client.query(`select 1 from pg_proc where proname = 'passerelle_legacy_error'`);
      expect(leftover.rows).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
