// Several `passerelle worker` and `passerelle serve --no-scheduler` processes on one Postgres:
// sources are shared through leases (never fetched by two at once, never stored twice), and a
// worker killed with SIGKILL in the middle of its ingests loses its sources only until its leases
// expire. Real processes on the real Postgres server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';
import { CRASH_PATTERN, spawnPasserelle, writeFeedsFile, type HubProcess } from '../helpers/processes.ts';

interface Farm {
  server: FeedServer;
  /** Requests per source index, and the most that were ever in flight at once for one source. */
  hits: number[];
  maxConcurrent: number[];
}

/** `count` sources of `items` items each; every response takes about `delayMs`, its body sent in two halves. */
async function startFarm(count: number, items: number, delayMs: number): Promise<Farm> {
  const server = await startFeedServer();
  const hits = Array<number>(count).fill(0);
  const inFlight = Array<number>(count).fill(0);
  const maxConcurrent = Array<number>(count).fill(0);
  for (let s = 0; s < count; s++) {
    const body = Buffer.from(
      rss(Array.from({ length: items }, (_, i): [string, string, string] => [`src${s}-item${i}`, `Source ${s} story ${i}`, `Details of story ${i} told by source ${s}.`])),
    );
    server.route(`/s${s}.xml`, (_req, res) => {
      hits[s]++;
      inFlight[s]++;
      maxConcurrent[s] = Math.max(maxConcurrent[s], inFlight[s]);
      res.on('close', () => inFlight[s]--);
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1));
      setTimeout(() => res.end(body.subarray(body.length >> 1)), delayMs);
    });
  }
  return { server, hits, maxConcurrent };
}

async function ask<T>(url: string, query: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(query)) as unknown as T[];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const scalar = async (url: string, query: string) => (await ask<{ n: number }>(url, query))[0].n;

describe('workers on one Postgres', () => {
  let dir: string;
  const processes: HubProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-workers-'));
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill9()));
    for (const c of cleanups.reverse()) await c();
    await rm(dir, { recursive: true, force: true });
  });

  const envFor = (url: string, feedsFile: string, extra: NodeJS.ProcessEnv = {}) => ({
    DATABASE_URL: url,
    FEEDS_FILE: feedsFile,
    PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SCHEDULER_TICK: '*/1 * * * * *',
    FETCH_CONCURRENCY: '6',
    FETCH_HOST_CONCURRENCY: '100',
    HOST: '127.0.0.1',
    PORT: '0',
    ...extra,
  });

  it('three workers and two web processes: every source fetched once, by one worker at a time; every item stored once', async () => {
    const SOURCES = 150;
    const ITEMS = 4;
    const farm = await startFarm(SOURCES, ITEMS, 120);
    const scratch = await createScratchDatabase();
    cleanups.push(() => farm.server.close(), () => scratch.drop());
    const feedsFile = path.join(dir, 'many.yaml');
    await writeFeedsFile(feedsFile, Array.from({ length: SOURCES }, (_, s) => ({ slug: `s${s}`, url: farm.server.url(`/s${s}.xml`) })));
    const env = envFor(scratch.url, feedsFile);

    const started = [
      ...Array.from({ length: 3 }, () => spawnPasserelle(['worker'], env)),
      ...Array.from({ length: 2 }, () => spawnPasserelle(['serve', '--no-scheduler'], env)),
    ];
    processes.push(...started);
    const [workers, webs] = [started.slice(0, 3), started.slice(3)];
    const bases = await Promise.all(webs.map((w) => w.listening(30_000)));

    await expect.poll(() => scalar(scratch.url, 'select count(*)::int as n from sources where last_success_at is not null'), { timeout: 60_000, interval: 250 }).toBe(SOURCES);
    // Nothing is due for a while now; give any duplicate fetch time to show up.
    await new Promise((r) => setTimeout(r, 1500));

    expect(farm.hits.filter((h) => h !== 1)).toEqual([]);
    expect(Math.max(...farm.maxConcurrent)).toBe(1);
    const [counts] = await ask<{ items: number; keys: number; wrong: number }>(
      scratch.url,
      `select (select count(*)::int from items) as items, (select count(distinct (source_id, key))::int from items) as keys,
              (select count(*)::int from sources where item_count <> ${ITEMS}) as wrong`,
    );
    expect(counts).toEqual({ items: SOURCES * ITEMS, keys: SOURCES * ITEMS, wrong: 0 });
    // The work was shared, and the web processes fetched nothing.
    const fetchedBy = workers.map((w) => (w.output().match(/"msg":"fetched"/g) ?? []).length);
    expect(fetchedBy.reduce((a, b) => a + b, 0)).toBe(SOURCES);
    expect(fetchedBy.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    for (const web of webs) expect(web.output()).not.toMatch(/"msg":"fetched"/);
    // Either web process serves what the workers stored.
    for (const base of bases) {
      const res = await fetch(`${base}/api/items?source=s7&clusters=false`);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(ITEMS);
    }
    for (const p of started) {
      expect(p.output()).not.toMatch(CRASH_PATTERN);
      expect(await p.stop()).toBe(0);
    }
  }, 120_000);

  it('a worker killed with SIGKILL mid-cycle: nothing half-written, its sources fetched again once its leases expire, every item once', async () => {
    const SOURCES = 160;
    const ITEMS = 12;
    const LEASE_SECONDS = 10;
    const farm = await startFarm(SOURCES, ITEMS, 300);
    const scratch = await createScratchDatabase();
    cleanups.push(() => farm.server.close(), () => scratch.drop());
    const feedsFile = path.join(dir, 'kill.yaml');
    await writeFeedsFile(feedsFile, Array.from({ length: SOURCES }, (_, s) => ({ slug: `s${s}`, url: farm.server.url(`/s${s}.xml`) })));
    const env = envFor(scratch.url, feedsFile, { LEASE_SECONDS: String(LEASE_SECONDS), FETCH_CONCURRENCY: '8' });

    const doomed = spawnPasserelle(['worker'], env);
    processes.push(doomed);
    await doomed.waitFor(/"msg":"scheduler started"/, 30_000);
    // Mid-cycle: some sources stored, others being fetched and committed right now.
    await expect.poll(() => scalar(scratch.url, 'select count(*)::int as n from sources where last_success_at is not null'), { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(30);
    await doomed.kill9();
    expect((await doomed.exited).signal).toBe('SIGKILL');

    const orphans = await ask<{ slug: string; item_count: number; items: number; lease_until: Date }>(
      scratch.url,
      `select slug, item_count, (select count(*)::int from items i where i.source_id = s.id) as items, lease_until
         from sources s where lease_owner is not null`,
    );
    expect(orphans.length).toBeGreaterThan(0);
    // A lease is released in the same transaction that stores the items: a source still leased by
    // the dead worker has nothing of this cycle stored, not even part of its feed.
    expect(orphans.filter((o) => o.items !== 0 || o.item_count !== 0)).toEqual([]);
    const stored = await scalar(scratch.url, 'select count(*)::int as n from items');
    expect(stored % ITEMS).toBe(0);

    const heir = spawnPasserelle(['worker'], env);
    processes.push(heir);
    await expect.poll(() => scalar(scratch.url, 'select count(*)::int as n from sources where last_success_at is not null'), { timeout: 60_000, interval: 250 }).toBe(SOURCES);

    // The orphans were fetched again, and only after their lease ran out (the killed worker may or
    // may not have sent its request yet); every other source was fetched exactly once.
    const orphanSlugs = new Set(orphans.map((o) => o.slug));
    for (const o of orphans) {
      const times = farm.server.requests(`/${o.slug}.xml`).map((r) => r.at);
      expect(times.length).toBeLessThanOrEqual(2);
      expect(times.at(-1)).toBeGreaterThanOrEqual(new Date(o.lease_until).getTime() - 250);
    }
    expect(farm.hits.map((h, s) => [s, h]).filter(([s, h]) => !orphanSlugs.has(`s${s}`) && h !== 1)).toEqual([]);
    const [counts] = await ask<{ items: number; keys: number; wrong: number }>(
      scratch.url,
      `select (select count(*)::int from items) as items, (select count(distinct (source_id, key))::int from items) as keys,
              (select count(*)::int from sources where item_count <> ${ITEMS}) as wrong`,
    );
    expect(counts).toEqual({ items: SOURCES * ITEMS, keys: SOURCES * ITEMS, wrong: 0 });
    expect(heir.output()).not.toMatch(CRASH_PATTERN);
    expect(await heir.stop()).toBe(0);
  }, 120_000);
});
