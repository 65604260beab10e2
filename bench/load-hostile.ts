// Load under attack: the honest mix of the load benchmark (LOAD_MIX, BENCH_LOAD_CONNECTIONS
// connections) against one hub process wired as `passerelle serve` wires it (web, fetcher and
// WebSub on Postgres), first alone and then beside a hostile client (bench/hostile-client.ts:
// chunked 50 MiB POSTs, a new query spelling per request, WebSub subscriptions whose callbacks
// hang, saved-feed floods), BENCH_HOSTILE_SECONDS (30) each, while the hub ingests a farm whose
// feeds move on at every fetch. An honest WebSub subscriber is told of every change: the time
// from a change to its delivery is measured. Targets: the honest mix keeps 0 errors, an honest
// delivery arrives within 2 s, and the hub's resident memory stays under MEMORY_BOUND_MIB.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { assembleServices, type HubServices } from '../src/cli/hub.ts';
import { loadConfig, VERSION } from '../src/core/config.ts';
import { silentLogger } from '../src/core/logger.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase } from '../src/store/db.ts';
import { syncSources } from '../src/store/sources-repo.ts';
import { createApp } from '../src/web/app.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { farmSources } from './bench-hub.ts';
import { startFeedFarm } from './feed-farm.ts';
import { LOAD_MIX } from './load.ts';
import { fmt, printTable, withPeakMemory } from './table.ts';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_HOSTILE_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 100);
const SOURCES = Number(process.env.BENCH_LOAD_SOURCES ?? 200);
/** The resident memory the hub process must stay under, whatever the hostile client does. */
export const MEMORY_BOUND_MIB = 1024;

interface Summary {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  serverErrors: number;
  statuses: Record<string, number>;
}

export async function benchHostileLoad(): Promise<void> {
  const farm = await startFeedFarm(SOURCES, 20, { rotate: 3 });
  const scratch = await createScratchDatabase();
  const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 10 });
  // The server listens first: the hub's public URL (its WebSub topics) is its address.
  let handler: (req: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = serve({ fetch: (req) => handler(req), hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deliveries: number[] = [];
  const subscriber = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') return void res.writeHead(200).end(url.searchParams.get('hub.challenge') ?? '');
    req.resume();
    req.on('end', () => {
      deliveries.push(performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => subscriber.listen(0, '127.0.0.1', r));
  let services: HubServices | undefined;
  try {
    const config = loadConfig({ DATABASE_URL: scratch.url, PUBLIC_URL: base, ALLOW_PRIVATE_NETWORKS: 'true', FEEDS_FILE: 'feeds.yaml', LOG_LEVEL: 'silent' });
    const feeds = await loadFeedsFile('feeds.yaml');
    const changes: number[] = [];
    services = assembleServices(config, feeds, database, silentLogger(), {
      onItemsChanged: () => {
        changes.push(performance.now());
        services!.feedCache.invalidate();
        services!.websubJobs.itemsChanged();
      },
    });
    const hub = services;
    await syncSources(database.db, farmSources(SOURCES, farm.url));
    await hub.scheduler.runOnce({ which: 'all' });
    await database.rows(sql`analyze`);
    const app = createApp({
      database, logger: silentLogger(), publicUrl: base, version: VERSION, topics: feeds.topics, feedCache: hub.feedCache, websub: hub.websub,
      pipeline: hub.pipeline, savedFeeds: config.savedFeeds,
    });
    handler = app.fetch;
    hub.websubJobs.start();
    const subscribed = await fetch(`${base}/websub`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': `${base}/feeds/all.rss`, 'hub.callback': `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/honest` }).toString(),
    });
    if (subscribed.status !== 202) throw new Error(`the honest subscription was refused: ${subscribed.status}`);

    const honest = async (): Promise<Summary> => {
      const spec = { urls: LOAD_MIX.map((p) => `${base}${p}`), connections: CONNECTIONS, seconds: SECONDS };
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/load-client.ts', JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout.trim().split('\n').at(-1)!);
    };
    const hostile = async (): Promise<Record<string, { requests: number; statuses: Record<string, number> }>> => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/hostile-client.ts', JSON.stringify({ base, seconds: SECONDS, lanes: 2 })], { maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout.trim().split('\n').at(-1)!);
    };
    /** Runs `work` while the hub ingests; the delays from each change to the next honest delivery. */
    const phase = async <T>(work: () => Promise<T>) => {
      changes.length = 0;
      deliveries.length = 0;
      let ingesting = true;
      const loop = (async () => {
        while (ingesting) await hub.scheduler.runOnce({ which: 'all' });
      })();
      const measured = await withPeakMemory(work);
      ingesting = false;
      await loop;
      // Each delivery answers the changes since the one before it.
      const delays: number[] = [];
      let from = 0;
      for (const at of deliveries) {
        const first = changes.find((c) => c >= from && c <= at);
        if (first !== undefined) delays.push(at - first);
        from = at;
      }
      return { ...measured, delays: delays.sort((a, b) => a - b) };
    };

    const alone = await phase(honest);
    const attacked = await phase(() => Promise.all([honest(), hostile()]));
    const [underAttack, attack] = attacked.result;
    const [{ n: savedFeeds }] = await database.rows<{ n: number }>(sql`select count(*)::int as n from saved_feeds`);
    const [{ n: subscriptions }] = await database.rows<{ n: number }>(sql`select (select count(*) from websub_requests) + (select count(*) from websub_subscriptions) as n`);

    console.log(`honest mix: ${CONNECTIONS} connections on ${LOAD_MIX.length} URLs, ${SECONDS} s per phase, the hub ingesting ${SOURCES} moving feeds throughout; one hub process on Postgres with WebSub\n`);
    const row = (label: string, r: Summary, m: { peakMiB: number; delays: number[] }) => [
      label, fmt(r.rps, 0), fmt(r.p50, 1), fmt(r.p99, 1), r.errors + r.serverErrors, m.delays.length, m.delays.length ? fmt(m.delays.at(-1)! / 1000, 2) : '-', fmt(m.peakMiB, 0),
    ];
    printTable(
      ['honest mix', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'WebSub deliveries', 'slowest delivery s', 'hub peak RSS MiB'],
      [row('alone', alone.result, alone), row('beside the hostile client', underAttack, attacked)],
    );
    console.log(
      `\nhonest statuses beside the hostile client: ${JSON.stringify(underAttack.statuses)}; p99 ÷ alone: ${fmt(underAttack.p99 / alone.result.p99, 2)}; ` +
        `memory bound ${MEMORY_BOUND_MIB} MiB: ${attacked.peakMiB < MEMORY_BOUND_MIB ? 'kept' : 'EXCEEDED'}; honest deliveries within 2 s: ${attacked.delays.filter((d) => d <= 2000).length} of ${attacked.delays.length}\n`,
    );
    printTable(
      ['hostile lane', 'requests', 'statuses'],
      Object.entries(attack).map(([lane, t]) => [lane, t.requests, Object.entries(t.statuses).map(([s, k]) => `${s}: ${k}`).join(', ')]),
    );
    console.log(`\nheld afterwards: ${savedFeeds} saved feeds, ${subscriptions} WebSub requests and subscriptions`);
  } finally {
    await services?.scheduler.stop();
    await services?.reader.close();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => subscriber.close(() => r()));
    await database.close();
    await scratch.drop();
    await farm.close();
  }
}
