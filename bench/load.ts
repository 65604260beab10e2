// Load: BENCH_LOAD_CONNECTIONS (100) connections on 127.0.0.1 for BENCH_LOAD_SECONDS (60 s),
// round-robin over a mix of output feeds, OPML and the JSON API, against one hub process on
// Postgres (web and fetcher together, as `passerelle serve` runs) while it ingests: a feed farm
// whose feeds move on at every fetch is fetched again and again for the whole run. Errors (target
// 0), p99 and requests/s, overall and per URL, beside the same load on the same process with no
// ingest running (each phase BENCH_LOAD_SECONDS). The load client is a child process.
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { silentLogger } from '../src/core/logger.ts';
import { createFeedCache } from '../src/publish/feed-cache.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase } from '../src/store/db.ts';
import { readGeneration } from '../src/store/hub-state.ts';
import { syncSources } from '../src/store/sources-repo.ts';
import { createApp } from '../src/web/app.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { startFeedFarm } from './feed-farm.ts';
import { fmt, printTable } from './table.ts';
import { farmSources, createBenchScheduler } from './bench-hub.ts';
import { benchHostileLoad } from './load-hostile.ts';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 100);
const SOURCES = Number(process.env.BENCH_LOAD_SOURCES ?? 200);
const ITEMS = 20;

/**
 * What readers ask for, in turn. Add the reader pages here (`/en/?topic=housing`, `/fr/`) when
 * the web reader lands: every path is relative to the hub.
 */
export const LOAD_MIX = [
  '/api/items?limit=20',
  '/api/items?topic=housing,employment&lang=fr&limit=20',
  '/api/items?q=logement',
  '/api/items?q=mental%20health&region=national',
  '/feeds/all.rss',
  '/feeds/all.atom?topic=employment,health&region=national',
  '/feeds/all.json?lang=en&type=news,event',
  '/topics/housing.rss',
  '/sources/bench-3.rss',
  '/opml/topics.opml',
  '/opml/sources.opml',
  '/api/sources',
  '/en/',
  '/fr/?topic=housing&lang=fr',
  '/en/directory',
];

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  serverErrors: number;
  statuses: Record<string, number>;
  byUrl?: Record<string, Omit<LoadResult, 'byUrl'>>;
}

export async function benchLoad(): Promise<void> {
  const { topics } = await loadFeedsFile('feeds.yaml');
  const farm = await startFeedFarm(SOURCES, ITEMS, { rotate: 3 });
  const scratch = await createScratchDatabase();
  const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 10 });
  let server: ReturnType<typeof serve> | undefined;
  try {
    await syncSources(
      database.db,
      farmSources(SOURCES, farm.url),
    );
    // One process: the web app and the fetcher share the feed cache, as `passerelle serve` wires them.
    const feedCache = createFeedCache({ readGeneration: async () => (await readGeneration(database.db)).generation });
    const scheduler = await createBenchScheduler(database.db, 8, { onItemsChanged: () => feedCache.invalidate() });
    const seeded = await scheduler.runOnce({ which: 'all' });
    // What autovacuum would have done by now on a live hub: without statistics the planner guesses.
    await database.rows(sql`analyze`);
    const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://127.0.0.1', version: 'bench', topics, feedCache });
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const spec = { urls: LOAD_MIX.map((p) => `${base}${p}`), connections: CONNECTIONS, seconds: SECONDS };
    const load = async (): Promise<LoadResult> => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/load-client.ts', JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout.trim().split('\n').at(-1)!);
    };
    // First with nothing else going on: the same process and data, the ceiling for this mix.
    const idle = await load();

    // Then while ingesting for as long as the load runs: every cycle fetches every source, and each has moved on.
    let loading = true;
    const ingest = { cycles: 0, itemsNew: 0, failed: 0 };
    const ingesting = (async () => {
      while (loading) {
        const outcomes = await scheduler.runOnce({ which: 'all' });
        ingest.cycles++;
        ingest.itemsNew += outcomes.reduce((a, o) => a + o.itemsNew, 0);
        ingest.failed += outcomes.filter((o) => o.outcome === 'failed').length;
      }
    })();
    let result: LoadResult;
    try {
      result = await load();
    } finally {
      loading = false;
      await scheduler.stop(60_000);
      await ingesting;
    }

    const [{ n: stored }] = await database.rows<{ n: number }>(sql`select count(*)::int as n from items`);
    console.log(
      `${CONNECTIONS} connections for ${SECONDS} s per phase on 127.0.0.1, one hub process on Postgres (web and fetcher); meanwhile ${ingest.cycles} ingest cycles over ${SOURCES} sources ` +
        `(${fmt(ingest.itemsNew, 0)} new items, ${ingest.failed} failed fetches; ${fmt(stored, 0)} items stored, ${seeded.length} sources seeded first); Node ${process.version}\n`,
    );
    const rows = Object.entries(result.byUrl ?? {}).map(([url, r]) => {
      const i = idle.byUrl?.[url];
      return [url.slice(base.length), fmt(r.rps, 0), fmt(r.p50, 1), fmt(r.p99, 1), r.errors + r.serverErrors, i ? fmt(i.rps, 0) : '-', i ? fmt(i.p99, 1) : '-', i ? i.errors + i.serverErrors : '-'];
    });
    rows.push(['all', fmt(result.rps, 0), fmt(result.p50, 1), fmt(result.p99, 1), result.errors + result.serverErrors, fmt(idle.rps, 0), fmt(idle.p99, 1), idle.errors + idle.serverErrors]);
    printTable(['request', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'no ingest: req/s', 'no ingest: p99 ms', 'no ingest: errors'], rows);
    console.log(`\nstatuses while ingesting: ${JSON.stringify(result.statuses)}; with no ingest: ${JSON.stringify(idle.statuses)}; req/s while ingesting ÷ with none: ${fmt(result.rps / idle.rps, 2)}`);
  } finally {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await database.close();
    await scratch.drop();
    await farm.close();
  }
  console.log('');
  await benchHostileLoad();
}
