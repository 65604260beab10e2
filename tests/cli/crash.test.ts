// kill -9 of the embedded hub in the middle of its ingests (at several points) and in the middle of
// admin writes, then a restart: the database opens, the dead process's lock is recovered with a
// log line, every commit the hub had acknowledged is there exactly once, and the ingest then
// completes with every item stored once. Real processes, real SIGKILL, a real data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../src/store/data-dir-lock.ts';
import { openDatabase } from '../../src/store/db.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';
import { CRASH_PATTERN, runPasserelle, spawnPasserelle, writeFeedsFile, type HubProcess } from '../helpers/processes.ts';

const SOURCES = 16;
const ITEMS = 200;
const ADMIN_TOKEN = 'crash-admin-token-0123456789';
const RSS = { 'content-type': 'application/rss+xml' };
const RECOVERED = /"msg":"stale data directory lock recovered: its process is gone"/;

interface SourceJson {
  slug: string;
  url: string;
  health: { itemCount: number };
}

describe('kill -9 of the embedded hub', () => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const started: HubProcess[] = [];

  const start = async (args: string[]) => {
    const p = spawnPasserelle(args, env);
    started.push(p);
    return { p, base: await p.listening(90_000) };
  };
  const list = async (base: string) =>
    ((await (await fetch(`${base}/api/sources`, { signal: AbortSignal.timeout(30_000) })).json()) as { sources: SourceJson[] }).sources;
  const committed = async (base: string) => new Map((await list(base)).map((s) => [s.slug, s.health.itemCount]));
  const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

  /** After the hub stopped: this process opens the data directory (as its one owner) and checks it. */
  const inspect = async <T>(check: (rows: <R>(q: ReturnType<typeof sql>) => Promise<R[]>) => Promise<T>): Promise<T> => {
    const lock = await acquireDataDirLock(env.DATA_DIR!, { command: 'test' });
    const database = await openDatabase({ dataDir: env.DATA_DIR });
    try {
      return await check((q) => database.rows(q));
    } finally {
      await database.close();
      await lock.release();
    }
  };
  const consistent = () =>
    inspect(async (rows) => {
      // Each source's count moves in the same transaction as its items; keys are stored once.
      expect(await rows(sql`select slug from sources s where item_count <> (select count(*) from items i where i.source_id = s.id)`)).toEqual([]);
      expect(await rows(sql`select source_id, key from items group by 1, 2 having count(*) > 1`)).toEqual([]);
      expect(await rows(sql`select k.item_id from item_fingerprint_keys k left join items i on i.id = k.item_id where i.id is null limit 1`)).toEqual([]);
    });

  beforeAll(async () => {
    server = await startFeedServer();
    for (let s = 0; s < SOURCES; s++) {
      const body = rss(Array.from({ length: ITEMS }, (_, i): [string, string, string] => [`s${s}-${i}`, `Source ${s} story ${i}`, `Story ${i} as source ${s} tells it, long enough to be summarized and tagged.`]));
      server.route(`/s${s}.xml`, (_req, res) => void setTimeout(() => res.writeHead(200, RSS).end(body), 100 + 60 * s));
    }
    for (let i = 0; i < 40; i++) {
      server.route(`/extra${i}.xml`, (_req, res) => res.writeHead(200, RSS).end(rss([[`extra${i}`, `Extra ${i}`]]).replace('<title>Test platform</title>', `<title>Extra platform ${i}</title>`)));
    }
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-crash-'));
    await writeFeedsFile(path.join(dir, 'feeds.yaml'), Array.from({ length: SOURCES }, (_, s) => ({ slug: `s${s}`, url: server.url(`/s${s}.xml`) })));
    env = {
      DATA_DIR: path.join(dir, 'data'),
      FEEDS_FILE: path.join(dir, 'feeds.yaml'),
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1',
      SCHEDULER_TICK: '* * * * * *',
      FETCH_CONCURRENCY: '4',
      // The killed hub's leases expire quickly, so the next one takes its sources back soon.
      LEASE_SECONDS: '10',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    for (const p of started) await p.kill9();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['as the first feeds are stored', 1],
    ['a third of the way', Math.round((SOURCES * ITEMS) / 3)],
    ['two thirds of the way', Math.round((SOURCES * ITEMS * 2) / 3)],
  ])('in the middle of ingesting, %s: every acknowledged item is there after a restart', async (_, threshold) => {
    const { p: hub, base } = await start(['serve']);
    await expect.poll(async () => total(await committed(base)), { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(threshold);
    const before = await committed(base);
    await hub.kill9();
    expect(hub.output()).not.toMatch(CRASH_PATTERN);

    const { p: again, base: base2 } = await start(['serve', '--no-scheduler']);
    expect(again.output()).toMatch(RECOVERED);
    const after = await committed(base2);
    for (const [slug, n] of before) expect(after.get(slug), slug).toBeGreaterThanOrEqual(n);
    expect(await again.stop()).toBe(0);
    await consistent();
    // The kill came while fetches were in flight: their leases, taken by the dead hub, are still there.
    const inFlight = await inspect((rows) => rows<{ n: number }>(sql`select count(*)::int as n from sources where lease_owner is not null`));
    expect(inFlight[0].n).toBeGreaterThan(0);
  }, 300_000);

  it('in the middle of admin writes: every acknowledged source and token is there, once', async () => {
    const { p: hub, base } = await start(['serve']);
    const ackedSources: string[] = [];
    const ackedTokens: string[] = [];
    const cliOutputs: string[] = [];
    let next = 0;
    let killed = false;
    const apiLane = async () => {
      while (!killed) {
        const i = next++;
        const res = await fetch(`${base}/api/sources`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: server.url(`/extra${i}.xml`), organization: `Extra ${i}`, region: 'national', languages: ['en'], slug: `extra-${i}` }),
          signal: AbortSignal.timeout(30_000),
        }).catch(() => undefined);
        if (res?.status === 201) ackedSources.push(`extra-${i}`);
        else if (res) expect(res.status, await res.text()).toBeLessThan(500);
      }
    };
    const cliLane = async (lane: number) => {
      for (let i = 0; !killed; i++) {
        const r = await runPasserelle(['tokens', 'create', '--name', `crash-${lane}-${i}`], env);
        cliOutputs.push(r.output);
        const token = /psl_[A-Za-z0-9_-]{43}/.exec(r.output)?.[0];
        if (r.code === 0 && token) ackedTokens.push(token);
      }
    };
    const killer = (async () => {
      // Both kinds of write acknowledged before the kill, however slowly a loaded machine starts the commands.
      await expect.poll(() => Math.min(ackedSources.length, ackedTokens.length) > 0 && ackedSources.length + ackedTokens.length >= 8, { timeout: 120_000, interval: 20 }).toBe(true);
      killed = true;
      await hub.kill9();
    })();
    await Promise.all([apiLane(), apiLane(), cliLane(0), cliLane(1), killer]);
    expect(ackedSources.length).toBeGreaterThan(0);
    expect(ackedTokens.length).toBeGreaterThan(0);

    const { p: again, base: base2 } = await start(['serve', '--no-scheduler']);
    // A command started as the hub died runs by itself, and it is the one that finds the stale lock.
    const tookOver = /lock was left by passerelle serve \(pid \d+\), which is gone; taken over/;
    expect(RECOVERED.test(again.output()) || cliOutputs.some((o) => tookOver.test(o))).toBe(true);
    const sources = await list(base2);
    for (const slug of ackedSources) expect(sources.filter((s) => s.slug === slug), slug).toHaveLength(1);
    const urls = sources.map((s) => s.url);
    expect(new Set(urls).size).toBe(urls.length);
    for (const token of ackedTokens) {
      const res = await fetch(`${base2}/api/admin/log?limit=1`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
      expect(res.status).toBe(200);
    }
    expect(await again.stop()).toBe(0);
    await consistent();
  }, 300_000);

  it('after all that, the ingest completes with every item stored exactly once', async () => {
    const { p: hub, base } = await start(['serve']);
    await expect
      .poll(async () => [...(await committed(base))].filter(([slug]) => /^s\d+$/.test(slug)).every(([, n]) => n === ITEMS), { timeout: 180_000, interval: 500 })
      .toBe(true);
    expect(await hub.stop()).toBe(0);
    await inspect(async (rows) => {
      expect(await rows(sql`select count(*)::int as n from items i join sources s on s.id = i.source_id where s.slug ~ '^s[0-9]+$'`)).toEqual([{ n: SOURCES * ITEMS }]);
    });
    await consistent();
  }, 300_000);
});
