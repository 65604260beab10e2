// Ingest: N sources × M items from a local server, through the whole pipeline (fetch, parse,
// normalize, store), on PGlite and on Postgres; then a second, all-304 cycle. Beside it, in
// the same run, rss-parser alone on the same bytes: the floor any pipeline built on it pays.
import Parser from 'rss-parser';
import type { Region } from '../src/core/types.ts';
import { fetchFeed } from '../src/fetch/fetch-feed.ts';
import { normalizeItem } from '../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../src/normalize/topics.ts';
import { parseFeed } from '../src/parse/parse-feed.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { testFetchSettings } from '../tests/helpers/fetch.ts';
import { openDatabase } from '../src/store/db.ts';
import { syncSources } from '../src/store/sources-repo.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { startFeedFarm } from './feed-farm.ts';
import { fmt, printTable, withPeakMemory } from './table.ts';
import { farmSources, createBenchScheduler } from './bench-hub.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 1000);
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

    // The pipeline without its database: what fetching, parsing and normalizing cost on their own.
    const t1 = performance.now();
    const { result: normalized, peakMiB } = await withPeakMemory(() => fetchParseNormalize(farm.url));
    const noStoreMs = performance.now() - t1;
    rows.push(['fetch + parse + normalize, no store', normalized, fmt(noStoreMs / 1000, 2), fmt((SOURCES * ITEMS) / (noStoreMs / 1000), 0), fmt(peakMiB, 0), fmt(noStoreMs / parseOnlyMs, 2)]);

    for (const kind of ['pglite', 'postgres'] as const) {
      const scratch = kind === 'postgres' ? await createScratchDatabase() : undefined;
      const database = await openDatabase(scratch ? { databaseUrl: scratch.url, poolSize: 20 } : { dataDir: 'memory://' });
      try {
        await syncSources(database.db, farmSources(SOURCES, farm.url));
        const scheduler = await createBenchScheduler(database.db, 16);
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

/** Every farm feed through fetch, parse and normalize, 16 at once, as the scheduler runs them; returns the items made. */
async function fetchParseNormalize(url: (source: number) => string): Promise<number> {
  const settings = testFetchSettings({ timeoutMs: 60_000, maxBytes: 15 * 1024 * 1024 });
  const taxonomy = compileTaxonomy((await loadFeedsFile('feeds.yaml')).topics);
  let next = 0;
  let made = 0;
  const worker = async () => {
    for (let s = next++; s < SOURCES; s = next++) {
      const result = await fetchFeed({ url: url(s) }, settings);
      if (result.kind !== 'ok') throw new Error(`farm feed ${s}: ${result.kind}`);
      const feed = await parseFeed(result.text, { contentType: result.contentType, url: result.url, maxItems: settings.maxItems });
      const ctx = {
        now: new Date(),
        fetchUrl: result.url,
        feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
        source: { languages: [s % 3 === 0 ? ('fr' as const) : ('en' as const)], region: 'national' as Region, topics: [] },
        taxonomy,
      };
      for (const parsed of feed.items) if (!('dropped' in normalizeItem(parsed, ctx))) made++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return made;
}
