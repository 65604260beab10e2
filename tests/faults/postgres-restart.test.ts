// Postgres restarted in the middle of a fetch cycle, under a real worker process and a real web
// process (neither may crash or leave a rejection unhandled). The server is a private one,
// started for this file: the shared test server must never be restarted under the other files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProcessHooks } from '../../src/cli/process-hooks.ts';
import { openDatabase } from '../../src/store/db.ts';
import { isDriverWriteRace } from '../../src/store/postgres-driver.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.ts';
import { CRASH_PATTERN, spawnPasserelle, writeFeedsFile, type HubProcess } from '../helpers/processes.ts';

const SOURCES = 60;
const ITEMS = 5;

/** One short-lived connection per question, so the test's own client never carries over a dead socket. */
async function ask<T extends Record<string, unknown>>(url: string, query: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return (await sql.unsafe(query)) as unknown as T[];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function readyStatus(base: string): Promise<number> {
  try {
    return (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(8000) })).status;
  } catch {
    return 0;
  }
}

describe('Postgres restarted during a fetch cycle', () => {
  let pg: PrivatePostgres;
  let server: FeedServer;
  let dir: string;
  const processes: HubProcess[] = [];

  beforeAll(async () => {
    [pg, server, dir] = await Promise.all([startPrivatePostgres(), startFeedServer(), mkdtemp(path.join(tmpdir(), 'passerelle-restart-'))]);
    for (let s = 0; s < SOURCES; s++) {
      const body = rss(Array.from({ length: ITEMS }, (_, i): [string, string] => [`s${s}-i${i}`, `Story ${i} of source ${s}`]));
      // Slow enough that a cycle of SOURCES sources at 4 at a time spans the restart.
      server.route(`/s${s}.xml`, (_req, res) => {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body), 250);
      });
    }
    await writeFeedsFile(
      path.join(dir, 'feeds.yaml'),
      Array.from({ length: SOURCES }, (_, s) => ({ slug: `s${s}`, url: server.url(`/s${s}.xml`) })),
    );
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill9()));
    await server?.close();
    await pg?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the worker and the web process reconnect and carry on; /readyz fails while it is down', async () => {
    const env = {
      DATABASE_URL: pg.url,
      FEEDS_FILE: path.join(dir, 'feeds.yaml'),
      PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LEASE_SECONDS: '10',
      SCHEDULER_TICK: '*/1 * * * * *',
      FETCH_CONCURRENCY: '4',
      FETCH_HOST_CONCURRENCY: '4',
      FETCH_TIMEOUT_MS: '5000',
      HOST: '127.0.0.1',
      PORT: '0',
    };
    const web = spawnPasserelle(['serve', '--no-scheduler'], env);
    processes.push(web);
    const base = await web.listening(30_000);
    const worker = spawnPasserelle(['worker'], env);
    processes.push(worker);
    await worker.waitFor(/"msg":"scheduler started"/, 30_000);
    expect(await readyStatus(base)).toBe(200);

    // Mid-cycle: some sources stored, most still to come.
    await expect.poll(() => server.allRequests().length, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(12);
    const before = await ask<{ n: number }>(pg.url, 'select count(*)::int as n from items');
    expect(before[0].n).toBeLessThan(SOURCES * ITEMS);

    // Readers keep coming through the restart, so connections are busy when the server goes.
    let reading = true;
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) {
        await fetch(`${base}/api/items?limit=20`, { signal: AbortSignal.timeout(15_000) }).then((r) => r.arrayBuffer(), () => {});
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    await pg.stop('fast');
    await expect.poll(() => readyStatus(base), { timeout: 10_000, interval: 200 }).toBe(503);
    // Let the worker meet the missing database: ingests fail, ticks fail.
    await new Promise((r) => setTimeout(r, 2000));
    await pg.start();

    await expect.poll(() => readyStatus(base), { timeout: 20_000, interval: 250 }).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    reading = false;
    await Promise.all(readers);
    // Every source fetched and stored once, the ones caught by the outage after their lease expired.
    await expect
      .poll(async () => (await ask<{ n: number }>(pg.url, 'select count(*)::int as n from sources where last_success_at is not null'))[0].n, {
        timeout: 45_000,
        interval: 500,
      })
      .toBe(SOURCES);
    const counts = await ask<{ items: number; distinct_keys: number; bad: number }>(
      pg.url,
      `select (select count(*)::int from items) as items,
              (select count(distinct (source_id, key))::int from items) as distinct_keys,
              (select count(*)::int from sources where item_count <> ${ITEMS}) as bad`,
    );
    expect(counts[0]).toEqual({ items: SOURCES * ITEMS, distinct_keys: SOURCES * ITEMS, bad: 0 });

    // The web process answers real queries again, several times over (every pooled connection).
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/items?limit=5&clusters=false&source=s${i}`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(ITEMS);
      expect(performance.now() - t0).toBeLessThan(3000);
    }

    // The outage was met mid-cycle, and survived.
    expect(worker.output()).toMatch(/"msg":"database connections reset"/);
    expect(web.alive() && worker.alive()).toBe(true);
    expect(web.output()).not.toMatch(CRASH_PATTERN);
    expect(worker.output()).not.toMatch(CRASH_PATTERN);
    // SIGTERM: both stop cleanly and promptly, even with connections the outage left behind.
    const stopping = performance.now();
    expect(await Promise.all([worker.stop(), web.stop()])).toEqual([0, 0]);
    expect(performance.now() - stopping).toBeLessThan(15_000);
  }, 120_000);

  it('under load, the pool is replaced after a restart: afterwards no query waits on a dead connection', async () => {
    // What the command line installs in every process it runs, this test's process included.
    installProcessHooks();
    const resets: string[] = [];
    const database = await openDatabase({ databaseUrl: pg.url, poolSize: 4, onConnectionReset: (r) => resets.push(r) });
    try {
      let going = true;
      const load = Array.from({ length: 8 }, async () => {
        while (going) await database.rows(sql`select count(*) from items`).catch(() => {});
      });
      await new Promise((r) => setTimeout(r, 200));
      await pg.stop('fast');
      expect(await database.ping()).toBe(false);
      await pg.start();
      await new Promise((r) => setTimeout(r, 1500));
      going = false;
      await Promise.all(load);
      expect(resets.length).toBeGreaterThan(0);
      // Several rounds, every pooled connection used: each answers at once.
      for (let round = 0; round < 3; round++) {
        const t0 = performance.now();
        const answers = await Promise.all(Array.from({ length: 12 }, () => database.rows<{ one: number }>(sql`select 1 as one`)));
        expect(answers.flat().map((r) => r.one)).toEqual(Array(12).fill(1));
        expect(performance.now() - t0).toBeLessThan(2000);
      }
      expect(await database.ping()).toBe(true);
    } finally {
      await database.close();
    }
  }, 60_000);
});

describe('the postgres.js write-after-close race', () => {
  it('is recognized by its stack, and nothing else is', () => {
    const race = new TypeError("Cannot read properties of null (reading 'write')");
    race.stack = `${race.message}\n    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)\n    at process.processImmediate (node:internal/timers:483:21)`;
    expect(isDriverWriteRace(race)).toBe(true);
    const ours = new TypeError("Cannot read properties of null (reading 'write')");
    ours.stack = `${ours.message}\n    at writeFeed (file:///app/src/publish/rss.ts:10:1)`;
    expect(isDriverWriteRace(ours)).toBe(false);
    expect(isDriverWriteRace(new Error('boom'))).toBe(false);
  });
});
