// One worker process for the workers benchmark: opens the hub database, says "ready", waits for
// "go" on stdin, runs one fetch cycle over the due sources (leasing them beside the other
// workers), and prints its outcome as one JSON line.
//   node --import tsx bench/worker-runner.ts '{"databaseUrl":…,"concurrency":16}'
import { createInterface } from 'node:readline';
import { silentLogger } from '../src/core/logger.ts';
import { createHostLimiter } from '../src/fetch/host-limiter.ts';
import { compileTaxonomy } from '../src/normalize/topics.ts';
import { createScheduler } from '../src/schedule/scheduler.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase } from '../src/store/db.ts';
import { testFetchSettings } from '../tests/helpers/hub.ts';

const spec = JSON.parse(process.argv[2]) as { databaseUrl: string; concurrency: number };
const database = await openDatabase({ databaseUrl: spec.databaseUrl, poolSize: Math.min(20, spec.concurrency + 2) });
const fetch = testFetchSettings({ concurrency: spec.concurrency, hostConcurrency: spec.concurrency, timeoutMs: 60_000, maxBytes: 15 * 1024 * 1024 });
const scheduler = createScheduler({
  pipeline: {
    db: database.db, fetch, logger: silentLogger(),
    schedule: { minIntervalMinutes: 15, maxIntervalMinutes: 1440, historyPerSource: 50 },
    limiter: createHostLimiter({ concurrency: fetch.concurrency, hostConcurrency: fetch.hostConcurrency }),
    taxonomy: compileTaxonomy((await loadFeedsFile('feeds.yaml')).topics),
  },
  tick: '0 0 1 1 *', leaseSeconds: 300, concurrency: fetch.concurrency, logger: silentLogger(),
});
console.log('ready');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();
const t0 = performance.now();
const outcomes = await scheduler.runOnce({ which: 'due' });
console.log(JSON.stringify({
  sources: outcomes.length,
  itemsNew: outcomes.reduce((a, o) => a + o.itemsNew, 0),
  failed: outcomes.filter((o) => o.outcome === 'failed').length,
  ms: performance.now() - t0,
}));
await database.close();
