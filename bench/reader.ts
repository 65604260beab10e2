// Reader: the river's time to first byte and requests per second, beside the JSON feed of the same
// hub (/feeds/all.json), measured side by side in one run over real HTTP on 127.0.0.1, on an
// embedded PGlite holding a few hundred items. Requests ask for gzip, as browsers do.
import http from 'node:http';
import { openDatabase } from '../src/store/db.ts';
import { seedFiller, seedReader } from '../tests/helpers/reader-fixture.ts';
import { startHub } from '../tests/browser/reader-server.ts';
import { fmt, printTable } from './table.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SAMPLES = 50;

const ROUTES = ['/en/', '/fr/?topic=housing', '/en/?limit=50', '/en/directory', '/embed?ui=fr&limit=10', '/feeds/all.json'];

interface Timing {
  ttfbMs: number;
  bytes: number;
}

function fetchOnce(agent: http.Agent, url: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent, headers: { 'Accept-Encoding': 'gzip', Cookie: 'passerelle_ui=en' } }, (res) => {
      const ttfbMs = performance.now() - t0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve({ ttfbMs, bytes }) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

export async function benchReader(): Promise<void> {
  const database = await openDatabase({ dataDir: 'memory://' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const rows: (string | number)[][] = [];
  try {
    const { topics } = await seedReader(database.db);
    await seedFiller(database.db, ITEMS, { topics });
    const hub = await startHub(database, topics);
    try {
      // Every route's first request renders (the column shows that cost); then the JIT warms up on all of them.
      const firsts = new Map<string, Timing>();
      for (const route of ROUTES) firsts.set(route, await fetchOnce(agent, hub.url + route));
      const warm = performance.now() + 1000;
      while (performance.now() < warm) for (const route of ROUTES) await fetchOnce(agent, hub.url + route);
      for (const route of ROUTES) {
        const url = hub.url + route;
        const first = firsts.get(route)!;
        const samples: number[] = [];
        for (let i = 0; i < SAMPLES; i++) samples.push((await fetchOnce(agent, url)).ttfbMs);
        samples.sort((a, b) => a - b);
        let done = 0;
        const until = performance.now() + SECONDS * 1000;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (performance.now() < until) {
              await fetchOnce(agent, url);
              done++;
            }
          }),
        );
        rows.push([route, fmt(first.bytes / 1024, 1), fmt(first.ttfbMs, 1), fmt(percentile(samples, 50), 2), fmt(percentile(samples, 95), 2), fmt(done / SECONDS, 0)]);
      }
    } finally {
      await hub.close();
    }
  } finally {
    agent.destroy();
    await database.close();
  }
  console.log(`${ITEMS + 11} stories on PGlite (in memory), gzip, ${CONCURRENCY} connections for ${SECONDS} s per route, Node ${process.version}\n`);
  printTable(['route', 'KiB (gzip)', 'first request ms', 'TTFB median ms', 'TTFB p95 ms', 'requests/s'], rows);
}
