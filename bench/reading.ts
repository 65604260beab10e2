// Reading: what the pool of parse workers buys, side by side in one run.
//  - Scaling: the reading alone (every body of a BENCH_READ_SOURCES (300) × BENCH_ITEMS (50) farm
//    parsed, sanitized and normalized, 16 at once) on the main thread and with 1 and 2 workers,
//    then a first cycle of the same farm through the whole pipeline on Postgres with 1 and 2.
//  - Responsiveness: p50/p99 of /healthz and of a cached feed, asked by a client process (one
//    connection each, back to back) for BENCH_PROBE_SECONDS (15) at a time, while the hub process
//    (web and fetcher, as `passerelle serve` runs) does nothing; ingests a 15 MiB feed of tiny
//    items again and again, read in a worker, then on the main thread; runs a first cycle of
//    BENCH_CYCLE_SOURCES (1,000) new sources. Target: p99 under 50 ms. Peak resident memory of the
//    hub process beside each.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { DEFAULT_FEED_STALE_SECONDS } from '../src/core/config.ts';
import { silentLogger } from '../src/core/logger.ts';
import type { SourceSpec } from '../src/core/types.ts';
import { compileTaxonomy } from '../src/normalize/topics.ts';
import { ingestSource } from '../src/pipeline/ingest-source.ts';
import { createReadPool, inProcessReader, type BodyReader } from '../src/pipeline/read-pool.ts';
import { createFeedCache } from '../src/publish/feed-cache.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase } from '../src/store/db.ts';
import { readGeneration } from '../src/store/hub-state.ts';
import { getSourceBySlug, syncSources } from '../src/store/sources-repo.ts';
import { createApp } from '../src/web/app.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { benchPipeline, createBenchScheduler, farmSources } from './bench-hub.ts';
import { startFeedFarm } from './feed-farm.ts';
import { fmt, printTable, withPeakMemory } from './table.ts';

const run = promisify(execFile);
const SOURCES = Number(process.env.BENCH_READ_SOURCES ?? 300);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 50);
const CYCLE_SOURCES = Number(process.env.BENCH_CYCLE_SOURCES ?? 1000);
const PROBE_SECONDS = Number(process.env.BENCH_PROBE_SECONDS ?? 15);
const MiB = 1024 * 1024;
const READ = { memoryMb: 256, timeoutMs: 60_000 };

export async function benchReading(): Promise<void> {
  console.log(`${os.availableParallelism()} CPUs, load average ${os.loadavg().map((l) => fmt(l, 2)).join(' ')} at start; Node ${process.version}\n`);
  await scaling();
  console.log('');
  await responsiveness();
}

async function scaling(): Promise<void> {
  const { topics } = await loadFeedsFile('feeds.yaml');
  const farm = await startFeedFarm(SOURCES, ITEMS);
  const rows: (string | number)[][] = [];
  try {
    const texts = farm.bodies.map((b) => b.toString('utf8'));
    let base = 0;
    for (const workers of [0, 1, 2]) {
      const reader = workers ? createReadPool({ workers, ...READ }, topics) : inProcessReader(compileTaxonomy(topics));
      try {
        await readAll(reader, texts.slice(0, 4)); // the workers start
        const t0 = performance.now();
        const items = await readAll(reader, texts);
        const s = (performance.now() - t0) / 1000;
        if (workers === 1) base = items / s;
        rows.push([`reading only, ${workers ? `${workers} worker${workers > 1 ? 's' : ''}` : 'main thread'}`, fmt(items, 0), fmt(s, 2), fmt(items / s, 0), workers && base ? fmt(items / s / base, 2) : '-']);
      } finally {
        await reader.close();
      }
    }
    let cycleBase = 0;
    for (const workers of [1, 2]) {
      const scratch = await createScratchDatabase();
      const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 18 });
      const reader = createReadPool({ workers, ...READ }, topics);
      try {
        await syncSources(database.db, farmSources(SOURCES, farm.url));
        const scheduler = await createBenchScheduler(database.db, 16, { reader });
        const t0 = performance.now();
        const outcomes = await scheduler.runOnce({ which: 'due' });
        const s = (performance.now() - t0) / 1000;
        const items = outcomes.reduce((a, o) => a + o.itemsNew, 0);
        if (workers === 1) cycleBase = items / s;
        rows.push([`first cycle on Postgres, ${workers} worker${workers > 1 ? 's' : ''}`, fmt(items, 0), fmt(s, 2), fmt(items / s, 0), fmt(items / s / cycleBase, 2)]);
      } finally {
        await reader.close();
        await database.close();
        await scratch.drop();
      }
    }
  } finally {
    await farm.close();
  }
  console.log(`scaling: ${SOURCES} feeds × ${ITEMS} items, 16 at once\n`);
  printTable(['run', 'items', 's', 'items/s', '÷ 1 worker'], rows);
}

async function readAll(reader: BodyReader, texts: string[]): Promise<number> {
  let next = 0;
  let items = 0;
  const lane = async () => {
    while (next < texts.length) {
      const text = texts[next++];
      const reading = await reader.readFeed({ text, url: 'http://127.0.0.1/feed', now: new Date(), maxItems: 500, source: { languages: ['en'], region: 'national', topics: [] } });
      if (reading.kind === 'feed') items += reading.items.length;
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return items;
}

/** About `bytes` of RSS made of tiny distinct items; `variant` changes every item, so each fetch is a new body. */
function hostileFeed(bytes: number, variant: string): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = `<item><title>${variant}${i}</title><link>https://hostile.example/${variant}${i}</link></item>`;
    parts.push(part);
    size += part.length;
  }
  return Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>${parts.join('')}</channel></rss>`);
}

interface Probe {
  healthz: { p50: number; p99: number; requests: number; errors: number };
  feed: { p50: number; p99: number; requests: number; errors: number };
}

async function responsiveness(): Promise<void> {
  const { topics } = await loadFeedsFile('feeds.yaml');
  const farm = await startFeedFarm(CYCLE_SOURCES, 20);
  // Two versions served in turn: every fetch is a body not read before.
  const hostile = [hostileFeed(15 * MiB, 'a'), hostileFeed(15 * MiB, 'b')];
  let turn = 0;
  const hostileServer = http.createServer((_req, res) => {
    const body = hostile[turn++ % 2];
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => hostileServer.listen(0, '127.0.0.1', r));
  const hostileUrl = `http://127.0.0.1:${(hostileServer.address() as AddressInfo).port}/feed.xml`;
  const scratch = await createScratchDatabase();
  const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 18 });
  const pool = createReadPool({ workers: Math.max(1, os.availableParallelism() - 1), ...READ }, topics);
  let server: ReturnType<typeof serve> | undefined;
  const rows: (string | number)[][] = [];
  try {
    const seeded = 50;
    const hostileSpec: SourceSpec = { slug: 'hostile', url: hostileUrl, title: 'Hostile', organization: 'Hostile', region: 'national', languages: ['en'], topics: [] };
    const specs = (n: number) => [...farmSources(n, farm.url), hostileSpec];
    await syncSources(database.db, specs(seeded));
    // As the hub's web cache: a feed rendered from older data is answered within the default bound.
    const feedCache = createFeedCache({ readGeneration: async () => (await readGeneration(database.db)).generation, staleMs: DEFAULT_FEED_STALE_SECONDS * 1000 });
    const onItemsChanged = () => feedCache.invalidate();
    const seeder = await createBenchScheduler(database.db, 16, { reader: pool, onItemsChanged });
    await seeder.runOnce({ which: 'all' });
    await database.rows(sql`analyze`);
    const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://127.0.0.1', version: 'bench', topics, feedCache });
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const feedPath = '/feeds/all.rss?lang=en';
    await fetch(`${base}${feedPath}`).then((r) => r.arrayBuffer());
    const probe = async (): Promise<Probe> => {
      const spec = { urls: [`${base}/healthz`, `${base}${feedPath}`], connections: 2, seconds: PROBE_SECONDS };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/load-client.ts', JSON.stringify(spec)], { maxBuffer: 16 * MiB });
      const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { byUrl: Record<string, { p50: number; p99: number; requests: number; errors: number; serverErrors: number }> };
      const pick = (u: string) => {
        const x = r.byUrl[u];
        return { p50: x.p50, p99: x.p99, requests: x.requests, errors: x.errors + x.serverErrors };
      };
      return { healthz: pick(spec.urls[0]), feed: pick(spec.urls[1]) };
    };
    const row = (what: string, p: Probe, peakMiB: number, note: string) =>
      rows.push([what, fmt(p.healthz.p50, 1), fmt(p.healthz.p99, 1), fmt(p.feed.p50, 1), fmt(p.feed.p99, 1), p.healthz.errors + p.feed.errors, fmt(peakMiB, 0), note]);

    const idle = await withPeakMemory(probe);
    row('nothing else', idle.result, idle.peakMiB, '');

    for (const [label, reader] of [['15 MiB hostile feed, read in a worker', pool], ['15 MiB hostile feed, read on the main thread', inProcessReader(compileTaxonomy(topics))]] as const) {
      const deps = await benchPipeline(database.db, 16, { reader, onItemsChanged });
      deps.fetch = { ...deps.fetch, maxBytes: 20 * MiB };
      let probing = true;
      const reads: string[] = [];
      const loop = (async () => {
        while (probing) {
          const source = (await getSourceBySlug(database.db, 'hostile'))!;
          const outcome = await ingestSource(deps, source, 'bench');
          reads.push(outcome.outcome);
        }
      })();
      const measured = await withPeakMemory(probe);
      probing = false;
      await loop;
      row(label, measured.result, measured.peakMiB, `${reads.length} reads (${[...new Set(reads)].join(', ')})`);
    }

    await syncSources(database.db, specs(CYCLE_SOURCES));
    const scheduler = await createBenchScheduler(database.db, 16, { reader: pool, onItemsChanged });
    const t0 = performance.now();
    const cycle = scheduler.runOnce({ which: 'due' });
    const measured = await withPeakMemory(probe);
    const outcomes = await cycle;
    const items = outcomes.reduce((a, o) => a + o.itemsNew, 0);
    row(`first cycle of ${CYCLE_SOURCES - seeded} new sources`, measured.result, measured.peakMiB, `${outcomes.length} sources, ${fmt(items, 0)} items in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  } finally {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await pool.close();
    await database.close();
    await scratch.drop();
    await new Promise<void>((r) => hostileServer.close(() => r()));
    await farm.close();
  }
  console.log(`responsiveness: /healthz and a cached feed asked back to back by a client process for ${PROBE_SECONDS} s per row (target p99 < 50 ms)\n`);
  printTable(['while the hub', '/healthz p50 ms', '/healthz p99 ms', 'feed p50 ms', 'feed p99 ms', 'errors', 'peak RSS MiB', ''], rows);
}

