// Serving feeds: requests/s and p50/p99 for a cached filtered feed, a 304 revalidation and an
// uncached query, each beside a route in the same process that returns a prebuilt string of
// the same size (the ceiling of the stack: Node, Hono, the middleware). Ratios = feed ÷ ceiling.
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { silentLogger } from '../src/core/logger.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase } from '../src/store/db.ts';
import { commitIngest } from '../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../src/store/sources-repo.ts';
import { createApp } from '../src/web/app.ts';
import { item } from '../tests/helpers/items.ts';
import { fmt, printTable } from './table.ts';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ITEMS = Number(process.env.BENCH_SERVE_ITEMS ?? 3000);

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
}

async function load(url: string, headers?: Record<string, string>): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/load-client.ts', JSON.stringify({ url, connections: CONNECTIONS, seconds: SECONDS, headers })], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/** A hub database with ITEMS items over 20 sources, the taxonomy's topics spread across them. */
export async function seedBenchDatabase(count = ITEMS) {
  const { topics } = await loadFeedsFile('feeds.yaml');
  const database = await openDatabase({ dataDir: 'memory://' });
  const regions = ['atlantic', 'quebec', 'ontario', 'prairies', 'bc'] as const;
  await syncSources(
    database.db,
    Array.from({ length: 20 }, (_, s) => ({
      slug: `bench-${s}`, url: `https://p${s}.example.ca/feed`, title: `Platform ${s}`, organization: `Organization ${s}`,
      region: regions[s % regions.length], languages: [s % 3 === 0 ? ('fr' as const) : ('en' as const)], topics: [],
    })),
  );
  for (let s = 0; s < 20; s++) {
    const source = (await getSourceBySlug(database.db, `bench-${s}`))!;
    const per = Math.ceil(count / 20);
    await commitIngest(database.db, {
      sourceId: source.id, owner: 'bench', patch: {}, historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' },
      items: Array.from({ length: per }, (_, i) =>
        item(`s${s}-i${i}`, {
          title: `Item ${i} from platform ${s}: ${topics[(s + i) % topics.length].label.en}`,
          summary: 'A realistic summary of a settlement-sector publication, long enough to matter in the output. '.repeat(3),
          contentHtml: `<p>${'Paragraph of sanitized content with a <a href="https://example.ca/x">link</a>. '.repeat(12)}</p>`,
          language: s % 3 === 0 ? 'fr' : 'en',
          topics: [topics[(s + i) % topics.length].slug, topics[(s * 7 + i) % topics.length].slug],
          regions: [regions[s % regions.length]],
          type: (['news', 'event', 'resource', 'research', 'funding', 'job'] as const)[i % 6],
          publishedAt: new Date(Date.UTC(2026, 9, 1) + (s * per + i) * 60_000),
          fingerprint: String(BigInt(s * 100_000 + i) * 7919n),
        }),
      ),
    });
  }
  // What the embedded database's own maintenance does within a minute of an ingest like this one.
  await database.maintain();
  return { database, topics };
}

export async function benchServe(): Promise<void> {
  const { database, topics } = await seedBenchDatabase();
  const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://127.0.0.1', version: 'bench', topics });
  // The ceiling routes are added to the same app, behind the same middleware (request id, request
  // log, compression), and return prebuilt answers of the feed's size.
  let ceilingBody = '';
  let ceilingBytes = new Uint8Array(0);
  let etag = '';
  app.get('/ceiling/body', (c) => c.body(ceilingBody, 200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }));
  app.get('/ceiling/bytes', (c) => c.body(ceilingBytes, 200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }));
  app.get('/ceiling/304', (c) => c.body(null, 304, { etag }));
  const feedPath = '/feeds/all.rss?topic=housing,health&region=atlantic,ontario,bc&limit=50';
  const cached = await app.request(feedPath);
  const body = await cached.text();
  etag = cached.headers.get('etag')!;
  ceilingBody = 'x'.repeat(Buffer.byteLength(body));
  ceilingBytes = new TextEncoder().encode(ceilingBody);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const rows: (string | number)[][] = [];
    const pair = async (name: string, feed: [string, Record<string, string>?], ceiling: [string, Record<string, string>?]) => {
      const f = await load(`${base}${feed[0]}`, feed[1]);
      const c = await load(`${base}${ceiling[0]}`, ceiling[1]);
      if (f.errors || c.errors) throw new Error(`${name}: ${f.errors + c.errors} errors`);
      rows.push([name, fmt(f.rps, 0), fmt(f.p50, 2), fmt(f.p99, 2), fmt(c.rps, 0), fmt(c.p50, 2), fmt(c.p99, 2), fmt(f.rps / c.rps, 2), JSON.stringify(f.statuses)]);
    };
    // The ceiling is a prebuilt string; we keep rendered feeds as bytes, so a prebuilt
    // byte array of the same size is the fairer ceiling, and both are shown.
    await pair('cached filtered feed (200) vs string', [feedPath], ['/ceiling/body']);
    await pair('cached filtered feed (200) vs bytes', [feedPath], ['/ceiling/bytes']);
    await pair('304 revalidation', [feedPath, { 'if-none-match': etag }], ['/ceiling/304']);
    // Same filter, but a `since` that differs on every request: every request renders.
    await pair('uncached query (200)', [`${feedPath}&since={iso}`], ['/ceiling/body']);
    console.log(`${ITEMS} items in PGlite, ${CONNECTIONS} connections, ${SECONDS} s per run, feed body ${fmt(Buffer.byteLength(body) / 1024, 1)} KiB, Node ${process.version}\n`);
    printTable(['route', 'req/s', 'p50 ms', 'p99 ms', 'ceiling req/s', 'ceiling p50', 'ceiling p99', 'ratio', 'statuses'], rows);
  } finally {
    server.close();
    await database.close();
  }
}
