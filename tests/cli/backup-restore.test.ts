// `passerelle backup` and `passerelle restore` as an operator uses them: the embedded database
// moved to PostgreSQL in one backup and one restore; files that are cut short, damaged, from a
// newer Passerelle or not backups at all refused with the reason, the target left as it was; a
// target with data refused unless --force.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSchema } from '../../src/store/schema-version.ts';
import { commandRunner } from '../helpers/cli.ts';
import { createScratchDatabase } from '../helpers/databases.ts';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';

describe('backup and restore from the command line', () => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let pg: { url: string; drop(): Promise<void> };
  let backup: string;

  beforeAll(async () => {
    server = await startFeedServer();
    server.route('/a.xml', serveBody(rss([['a1', 'Logement abordable'], ['a2', 'Cours de français']], '<language>fr</language>'), { headers: { 'content-type': 'application/rss+xml' } }));
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-backup-cli-'));
    await writeFile(path.join(dir, 'feeds.yaml'), `sources:\n  - slug: a\n    url: ${server.url('/a.xml')}\n    title: A\n    organization: Org A\n    region: quebec\n    languages: [fr]\n`);
    env = { FEEDS_FILE: path.join(dir, 'feeds.yaml'), DATA_DIR: path.join(dir, 'data'), PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'silent' };
    pg = await createScratchDatabase();
    backup = path.join(dir, 'hub.backup.gz');
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await pg.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const run = commandRunner(() => env);
  const onPostgres = { DATABASE_URL: '' };

  it('moves the embedded database to PostgreSQL with one backup and one restore', async () => {
    onPostgres.DATABASE_URL = pg.url;
    expect((await run(['sources', 'sync'])).code).toBe(0);
    expect((await run(['fetch', '--once'])).out).toMatch(/2 new/);
    expect((await run(['tokens', 'create', '--name', 'ops'])).code).toBe(0);
    const made = await run(['backup', backup]);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^backup written to .*hub\.backup\.gz \(\d+\.\d MB, [\d.]+ s; schema \d{4}_\w+\)$/m);
    expect(made.out).toMatch(/1 source, 2 items, 1 fetch log entry, 1 token, 0 saved feeds, 0 WebSub subscriptions, 1 admin log entry/);
    const restored = await run(['restore', backup], onPostgres);
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/restored .* into the PostgreSQL database/);
    expect((await run(['sources', 'list'], onPostgres)).out).toMatch(/^a\s+active\s+(just now|\S+( s)? ago)\s+200\s+2\s/m);
    expect((await run(['tokens', 'list'], onPostgres)).out).toMatch(/^ops\s+read-write/m);
  }, 120_000);

  it('refuses to restore over data unless --force, and then replaces it', async () => {
    expect((await run(['tokens', 'create', '--name', 'made-on-postgres'], onPostgres)).code).toBe(0);
    const refused = await run(['restore', backup], onPostgres);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/error: the target database is not empty \(.*2 api_tokens.*\): restore into an empty one, or give --force to replace everything in it; nothing was restored/);
    expect((await run(['tokens', 'list'], onPostgres)).out).toMatch(/^made-on-postgres/m);
    const forced = await run(['restore', backup, '--force'], onPostgres);
    expect(forced.code).toBe(0);
    expect((await run(['tokens', 'list'], onPostgres)).out).not.toMatch(/made-on-postgres/);
  }, 60_000);

  it('refuses to restore into an embedded database that already holds one', async () => {
    // The data directory already holds a database: refused as not empty, and nothing is touched.
    const refused = await run(['restore', backup]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/not empty/);
  }, 60_000);

  describe('a file it cannot restore is refused before anything is touched', () => {
    const fresh = () => ({ DATA_DIR: path.join(dir, `fresh-${Math.random().toString(36).slice(2)}`) });

    async function refused(file: string, message: RegExp | string) {
      const target = fresh();
      const r = await run(['restore', file], target);
      expect(r.code).toBe(1);
      if (typeof message === 'string') expect(r.err).toContain(message);
      else expect(r.err).toMatch(message);
      expect(r.err).toMatch(/nothing was restored$/);
      // Not even the data directory was created.
      await expect(stat(target.DATA_DIR)).rejects.toThrow(/ENOENT/);
      // And a database with data is left exactly as it was.
      const before = (await run(['sources', 'list'], onPostgres)).out;
      expect((await run(['restore', file, '--force'], onPostgres)).code).toBe(1);
      expect((await run(['sources', 'list'], onPostgres)).out).toBe(before);
    }

    it('cut short', async () => {
      const bytes = await readFile(backup);
      const cut = path.join(dir, 'cut.gz');
      await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await refused(cut, /is incomplete: it ends in the middle/);
      // Cut at a line boundary, the gzip stream still whole: the missing last line says so.
      const lines = gunzipSync(bytes).toString('utf8').split('\n');
      await writeFile(cut, gzipSync(lines.slice(0, -3).join('\n') + '\n'));
      await refused(cut, /is incomplete: it ends after \d+ lines, before its last line/);
    });

    it('altered', async () => {
      const text = gunzipSync(await readFile(backup)).toString('utf8').replace('Logement abordable', 'Logement abordablE');
      const altered = path.join(dir, 'altered.gz');
      await writeFile(altered, gzipSync(text));
      await refused(altered, /is damaged: its content does not match its checksum/);
    });

    it('from a newer Passerelle', async () => {
      const latest = latestSchema();
      const future = `${String(latest.index + 1).padStart(4, '0')}_future`;
      const text = gunzipSync(await readFile(backup))
        .toString('utf8')
        .replace(`"schema":{"index":${latest.index},"tag":"${latest.tag}"}`, `"schema":{"index":${latest.index + 1},"tag":"${future}"}`);
      const newer = path.join(dir, 'newer.gz');
      await writeFile(newer, gzipSync(text));
      await refused(newer, `comes from a newer Passerelle (database schema ${future}; this one knows up to ${latest.tag}): upgrade Passerelle, then restore`);
    });

    it('whole, but holding rows the database refuses: nothing of it is kept', async () => {
      // Written by hand with a correct checksum: the same source twice.
      const { createHash } = await import('node:crypto');
      const original = gunzipSync(await readFile(backup)).toString('utf8').split('\n').filter(Boolean);
      const body = original.slice(0, -1);
      const source = body.findIndex((l) => l.startsWith('@table {"name":"sources"'));
      body.splice(source + 2, 0, body[source + 1]);
      const rows = JSON.parse(original.at(-1)!.slice('@end '.length)).rows;
      rows.sources += 1;
      const sha256 = createHash('sha256').update(body.map((l) => `${l}\n`).join('')).digest('hex');
      const twice = path.join(dir, 'twice.gz');
      await writeFile(twice, gzipSync(`${body.join('\n')}\n@end ${JSON.stringify({ rows, sha256 })}\n`));
      const target = fresh();
      const r = await run(['restore', twice], target);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/error: the database refused rows 1–2 of table sources \(duplicate key value violates unique constraint "sources_pkey"\); nothing was restored/);
      expect(r.err.length).toBeLessThan(2000);
      // The target got its schema, and not one row.
      const empty = await run(['restore', backup], target);
      expect(empty.code).toBe(0);
    });

    it('not a backup at all', async () => {
      const notGzip = path.join(dir, 'feeds.yaml');
      await refused(notGzip, /is not a Passerelle backup \(it is not a gzip file\)/);
      const otherGzip = path.join(dir, 'other.gz');
      await writeFile(otherGzip, gzipSync('id,name\n1,something else\n'));
      await refused(otherGzip, /is not a Passerelle backup \(its first line is not a backup header\)/);
      const empty = path.join(dir, 'empty.gz');
      await writeFile(empty, gzipSync(''));
      await refused(empty, /is not a Passerelle backup: it is empty/);
    });
  });
});
