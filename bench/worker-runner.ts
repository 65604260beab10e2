// One worker process for the workers benchmark: opens the hub database, says "ready", waits for
// "go" on stdin, runs one fetch cycle over the due sources (leasing them beside the other
// workers), and prints its outcome as one JSON line.
//   node --import tsx bench/worker-runner.ts '{"databaseUrl":…,"concurrency":16}'
import { createInterface } from 'node:readline';
import { openDatabase } from '../src/store/db.ts';
import { createBenchScheduler } from './bench-hub.ts';

const spec = JSON.parse(process.argv[2]) as { databaseUrl: string; concurrency: number };
const database = await openDatabase({ databaseUrl: spec.databaseUrl, poolSize: Math.min(20, spec.concurrency + 2) });
const scheduler = await createBenchScheduler(database.db, spec.concurrency);
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
