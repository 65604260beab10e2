// The embedded database has one owner. While `passerelle serve` runs on ./data, an operator's
// commands (sources add and pause, opml import, tokens create, backup) are real processes sent to
// it, interleaved with admin API writes: each is seen by the hub at once, nothing answers 500, a
// restart keeps everything, a second serve or worker is refused, and a backup taken during an
// ingest restores into a fresh directory with the same rows. Real processes on a real data directory.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBackup } from '../../src/store/backup.ts';
import { acquireDataDirLock } from '../../src/store/data-dir-lock.ts';
import { openDatabase } from '../../src/store/db.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';
import { CRASH_PATTERN, runPasserelle, spawnPasserelle, writeFeedsFile, type HubProcess } from '../helpers/processes.ts';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const RSS = { 'content-type': 'application/rss+xml' };
const feed = (name: string, items = 2) =>
  rss(Array.from({ length: items }, (_, i): [string, string, string] => [`${name}-${i}`, `${name} story ${i}`, `What ${name} says in story ${i}, with enough words to summarize.`]));

interface SourceJson {
  slug: string;
  status: string;
  origin: string;
  health: { itemCount: number };
}

describe('one owner for the data directory', () => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let hub: HubProcess;
  let base: string;
  const started: HubProcess[] = [];
  const statuses: number[] = [];

  const start = async (args: string[] = ['serve']) => {
    const p = spawnPasserelle(args, env);
    started.push(p);
    return p;
  };
  const cli = (...args: string[]) => runPasserelle(args, env);
  const api = async (method: string, route: string, body?: unknown, token = ADMIN_TOKEN) => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    statuses.push(res.status);
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const sources = async () => new Map(((await api('GET', '/api/sources')).json.sources as SourceJson[]).map((s) => [s.slug, s]));

  beforeAll(async () => {
    server = await startFeedServer();
    for (const name of ['file0', 'file1', 'cli0', 'cli1', 'cli2', 'api0', 'api1', 'api2']) {
      server.route(`/${name}.xml`, (_req, res) => res.writeHead(200, RSS).end(feed(name).replace('<title>Test platform</title>', `<title>Platform ${name}</title>`)));
    }
    // Large feeds answered slowly: an ingest that lasts while a backup is taken.
    for (let i = 0; i < 24; i++) {
      const body = feed(`bulk${i}`, 120);
      server.route(`/bulk${i}.xml`, (_req, res) => void setTimeout(() => res.writeHead(200, RSS).end(body), 150 + 40 * i));
    }
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-owner-'));
    await writeFeedsFile(path.join(dir, 'feeds.yaml'), [
      { slug: 'file0', url: server.url('/file0.xml') },
      { slug: 'file1', url: server.url('/file1.xml') },
    ]);
    env = {
      DATA_DIR: path.join(dir, 'data'),
      FEEDS_FILE: path.join(dir, 'feeds.yaml'),
      PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'http://127.0.0.1:1',
      ADMIN_TOKEN,
      PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1',
      SCHEDULER_TICK: '* * * * * *',
      FETCH_CONCURRENCY: '4',
      LOG_LEVEL: 'info',
    };
    hub = await start();
    base = await hub.listening(60_000);
  }, 90_000);

  afterAll(async () => {
    for (const p of started) await p.kill9();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second serve or worker at once, naming the running hub and what to do instead', async () => {
    for (const command of ['serve', 'worker']) {
      const second = await cli(command);
      expect(second.code).toBe(1);
      expect(second.output).toMatch(new RegExp(`error: the data directory .*data is in use by passerelle serve \\(pid ${hub.pid}, since \\d{4}-\\d\\d-\\d\\d`));
      expect(second.output).toMatch(/passerelle commands \(sources, tokens, opml, backup, …\) are sent to it/);
      expect(second.output).toMatch(/use PostgreSQL: set DATABASE_URL/);
      expect(second.output).not.toMatch(/"msg":"listening"/);
    }
    expect(hub.alive()).toBe(true);
  }, 60_000);

  it('runs CLI commands in the hub while the admin API writes: each seen at once, no 500s', async () => {
    const opml = path.join(dir, 'subscriptions.opml');
    await writeFile(
      opml,
      `<opml version="2.0"><body><outline text="Logement">${[0, 1, 2]
        .map((i) => `<outline text="Imported ${i}" xmlUrl="https://imported${i}.example.org/feed"/>`)
        .join('')}</outline></body></opml>`,
    );
    const tokens: string[] = [];
    const cliLane = async () => {
      for (let i = 0; i < 3; i++) {
        const added = await cli('sources', 'add', server.url(`/cli${i}.xml`), '--org', `Cli Org ${i}`, '--region', 'bc', '--lang', 'en', '--slug', `cli${i}`);
        expect(added.output).toMatch(new RegExp(`^added cli${i}: Platform cli${i} — Cli Org ${i}$`, 'm'));
        expect(added.code).toBe(0);
        expect((await sources()).get(`cli${i}`)?.origin).toBe('api');
        const token = await cli('tokens', 'create', '--name', `cli-token-${i}`);
        expect(token.code).toBe(0);
        const value = /psl_[A-Za-z0-9_-]{43}/.exec(token.output)![0];
        tokens.push(value);
        // The hub knows the token at once: it opens the admin API.
        expect((await api('GET', '/api/admin/log?limit=5', undefined, value)).status).toBe(200);
      }
      expect((await cli('sources', 'pause', 'file1')).code).toBe(0);
      expect((await sources()).get('file1')?.status).toBe('paused');
      const imported = await cli('opml', 'import', opml, '--region', 'ontario', '--lang', 'fr');
      expect(imported.output).toMatch(/3 imported, 0 skipped/);
      expect([...(await sources()).keys()].filter((s) => s.startsWith('imported'))).toHaveLength(3);
    };
    const apiLane = async () => {
      for (let i = 0; i < 3; i++) {
        const r = await api('POST', '/api/sources', { url: server.url(`/api${i}.xml`), organization: `Api Org ${i}`, region: 'quebec', languages: ['fr'], slug: `api${i}` });
        expect(r.status).toBe(201);
        expect((await api('POST', `/api/sources/api${i}/pause`)).status).toBe(200);
        expect((await api('POST', `/api/sources/api${i}/resume`)).status).toBe(200);
        expect((await api('GET', '/api/admin/log?limit=50')).status).toBe(200);
      }
    };
    await Promise.all([cliLane(), apiLane()]);
    const listed = await cli('sources', 'list');
    expect(listed.code).toBe(0);
    for (const slug of ['file0', 'file1', 'cli0', 'cli2', 'api0', 'api2', 'imported-0']) expect(listed.output).toMatch(new RegExp(`^${slug}\\s`, 'm'));
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(hub.output()).not.toMatch(CRASH_PATTERN);
    expect(hub.output()).toMatch(/"command":"sources add","msg":"command received"/);
    expect(tokens).toHaveLength(3);
  }, 180_000);

  it('keeps every write after a restart', async () => {
    const before = await sources();
    const log = (await api('GET', '/api/admin/log?limit=200')).json.entries as unknown[];
    expect(await hub.stop()).toBe(0);
    hub = await start();
    base = await hub.listening(60_000);
    const after = await sources();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(after.get('file1')?.status).toBe('paused');
    expect(after.get('api1')?.status).toBe('active');
    expect((await api('GET', '/api/admin/log?limit=200')).json.entries).toHaveLength(log.length);
    const listed = await cli('tokens', 'list');
    for (let i = 0; i < 3; i++) expect(listed.output).toMatch(new RegExp(`^cli-token-${i}\\s+read-write`, 'm'));
  }, 120_000);

  it('refuses a restore while the hub runs, and says to stop it first', async () => {
    const r = await cli('restore', path.join(dir, 'feeds.yaml'));
    // The file is checked first (it is not a backup), so nothing reaches the hub's data either way.
    expect(r.code).toBe(1);
    const backup = path.join(dir, 'early.backup.gz');
    expect((await cli('backup', backup)).code).toBe(0);
    const refused = await cli('restore', backup, '--force');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(new RegExp(`in use by passerelle serve \\(pid ${hub.pid}`));
    expect(refused.output).toMatch(/A restore replaces the data: stop that process first/);
  }, 120_000);

  it('backs up during an ingest without stopping it; the backup restores into a fresh directory with the same rows', async () => {
    const opml = path.join(dir, 'bulk.opml');
    await writeFile(opml, `<opml version="2.0"><body>${Array.from({ length: 24 }, (_, i) => `<outline text="Bulk ${i}" xmlUrl="${server.url(`/bulk${i}.xml`)}"/>`).join('')}</body></opml>`);
    expect((await cli('opml', 'import', opml, '--region', 'national', '--lang', 'en')).code).toBe(0);
    const bulkItems = async () => [...(await sources()).values()].filter((s) => s.slug.startsWith('bulk')).reduce((n, s) => n + s.health.itemCount, 0);
    await expect.poll(bulkItems, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
    const backup = path.join(dir, 'during-ingest.backup.gz');
    const made = await cli('backup', backup);
    expect(made.code).toBe(0);
    const atBackup = await bulkItems();
    // The hub went on ingesting: every bulk item arrives.
    await expect.poll(bulkItems, { timeout: 120_000, interval: 500 }).toBe(24 * 120);
    expect(atBackup).toBeLessThan(24 * 120);
    expect(hub.output()).toMatch(/"msg":"database copied for a backup"/);

    const fresh = { ...env, DATA_DIR: path.join(dir, 'fresh') };
    const restored = await runPasserelle(['restore', backup], fresh);
    expect(restored.output).toMatch(/restored .* into .*fresh/);
    expect(restored.code).toBe(0);
    // The restored directory, opened by this process as its one owner.
    const lock = await acquireDataDirLock(fresh.DATA_DIR!, { command: 'test' });
    const database = await openDatabase({ dataDir: fresh.DATA_DIR });
    try {
      // One consistent moment: each source's item count agrees with its items.
      const mismatched = await database.rows(sql`select s.slug from sources s where s.item_count <> (select count(*) from items i where i.source_id = s.id)`);
      expect(mismatched).toEqual([]);
      const again = path.join(dir, 'again.backup.gz');
      await writeBackup(database, again);
      // A restore drops the leases of the hub that was running (fetches in flight at the backup).
      const withoutLeases = (l: string) => l.replace(/"lease_owner":("[^"]*"|null),"lease_until":("[^"]*"|null)/, '"lease_owner":null,"lease_until":null');
      const rows = async (f: string) =>
        gunzipSync(await readFile(f)).toString('utf8').split('\n').filter((l) => l && !l.startsWith('@passerelle-backup') && !l.startsWith('@end')).map(withoutLeases);
      const original = await rows(backup);
      expect(original.some((l) => /"slug":"bulk-\d+".*"item_count":0,/.test(l))).toBe(true);
      expect(await rows(again)).toEqual(original);
    } finally {
      await database.close();
      await lock.release();
    }
  }, 300_000);
});
