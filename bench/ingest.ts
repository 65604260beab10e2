// Ingest: N sources × M items from a local server, through the whole pipeline (fetch, parse,
// normalize, store), on PGlite and on Postgres; then a second, all-304 cycle. Beside it, in
// the same run, rss-parser alone on the same bytes: the floor any pipeline built on it pays.
import Parser from 'rss-parser';
import { silentLogger } from '../src/core/logger.ts';
import { createHostLimiter } from '../src/fetch/host-limiter.ts';
import { compileTaxonomy } from '../src/normalize/topics.ts';
import { createScheduler } from '../src/schedule/scheduler.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase } from '../src/store/db.ts';
import { syncSources } from '../src/store/sources-repo.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { testFetchSettings } from '../tests/helpers/hub.ts';
import { startFeedFarm } from './feed-farm.ts';
import { fmt, printTable, withPeakMemory } from './table.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 200);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 50);

export async function benchIngest(): Promise<void> {
  const farm = await startFeedFarm(SOURCES, ITEMS);
  const rows: (string | number)[][] = [];
  try {
    // rss-parser alone, sequentially, on exactly the bytes the pipeline will fetch.
    const parser = new Parser();
    const t0 = performance.now();
    for (const body of farm.bodies) await parser.parseString(body.toString('utf8'));
    const parseOnlyMs = performance.now() - t0;
    rows.push(['rss-parser parse only', '-', fmt(parseOnlyMs / 1000, 2), fmt((SOURCES * ITEMS) / (parseOnlyMs / 1000), 0), '-', '1.00']);

    for (const kind of ['pglite', 'postgres'] as const) {
      const scratch = kind === 'postgres' ? await createScratchDatabase() : undefined;
      const database = await openDatabase(scratch ? { databaseUrl: scratch.url, poolSize: 20 } : { dataDir: 'memory://' });
      try {
        await syncSources(
          database.db,
          Array.from({ length: SOURCES }, (_, s) => ({
            slug: `bench-${s}`, url: farm.url(s), title: `Bench ${s}`, organization: `Org ${s}`, region: 'national' as const, languages: [s % 3 === 0 ? 'fr' as const : 'en' as const], topics: [],
          })),
        );
        const fetch = testFetchSettings({ concurrency: 16, hostConcurrency: 16, timeoutMs: 30_000, maxBytes: 15 * 1024 * 1024 });
        const scheduler = createScheduler({
          pipeline: {
            db: database.db, fetch, logger: silentLogger(),
            schedule: { minIntervalMinutes: 15, maxIntervalMinutes: 1440, historyPerSource: 50 },
            limiter: createHostLimiter({ concurrency: fetch.concurrency, hostConcurrency: fetch.hostConcurrency }),
            taxonomy: compileTaxonomy((await loadFeedsFile('feeds.yaml')).topics),
          },
          tick: '0 0 1 1 *', leaseSeconds: 300, concurrency: fetch.concurrency, logger: silentLogger(),
        });
        for (const cycle of ['first cycle', 'second cycle (all 304)']) {
          const t = performance.now();
          const { result, peakMiB } = await withPeakMemory(() => scheduler.runOnce({ which: 'all' }));
          const ms = performance.now() - t;
          const stored = result.reduce((a, o) => a + o.itemsNew, 0);
          const failed = result.filter((o) => o.outcome === 'failed').length;
          if (failed) throw new Error(`${failed} sources failed in the benchmark`);
          rows.push([`${kind}: ${cycle}`, stored, fmt(ms / 1000, 2), fmt((SOURCES * ITEMS) / (ms / 1000), 0), fmt(peakMiB, 0), cycle === 'first cycle' ? fmt(ms / parseOnlyMs, 2) : '-']);
        }
      } finally {
        await database.close();
        await scratch?.drop();
      }
    }
  } finally {
    await farm.close();
  }
  console.log(`${SOURCES} sources × ${ITEMS} items (${fmt((farm.bodies.reduce((a, b) => a + b.length, 0) / 1024 / 1024), 1)} MiB of feeds), 16 fetches at once, Node ${process.version}\n`);
  printTable(['run', 'items stored', 'seconds', 'items/s', 'peak RSS MiB', 'time ÷ parse-only'], rows);
}
