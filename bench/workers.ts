// Workers: one fetch cycle over BENCH_WORKERS_SOURCES (1,000) sources of BENCH_WORKERS_ITEMS (20)
// items from the feed farm, run by 1, 2 and 4 worker processes on one Postgres database at once.
// They share the cycle through leases: the farm must see exactly one request per source. Cycle
// wall time (from "go" to the last worker's end) and the speed-up over one worker, side by side.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/store/db.ts';
import { syncSources } from '../src/store/sources-repo.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { startFeedFarm } from './feed-farm.ts';
import { fmt, printTable } from './table.ts';

const SOURCES = Number(process.env.BENCH_WORKERS_SOURCES ?? 1000);
const ITEMS = Number(process.env.BENCH_WORKERS_ITEMS ?? 20);
const PER_WORKER = 16;
const COUNTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);

interface WorkerResult {
  sources: number;
  itemsNew: number;
  failed: number;
  ms: number;
}

function startWorker(databaseUrl: string): { child: ChildProcess; ready: Promise<void>; result: Promise<WorkerResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/worker-runner.ts', JSON.stringify({ databaseUrl, concurrency: PER_WORKER })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const result = new Promise<WorkerResult>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') onReady();
      else if (line.startsWith('{')) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => (code ? reject(new Error(`worker exited with ${code}`)) : undefined));
  });
  return { child, ready, result };
}

export async function benchWorkers(): Promise<void> {
  const farm = await startFeedFarm(SOURCES, ITEMS);
  const rows: (string | number)[][] = [];
  let single = 0;
  try {
    for (const count of COUNTS) {
      const scratch = await createScratchDatabase();
      try {
        const setup = await openDatabase({ databaseUrl: scratch.url, poolSize: 2 });
        await syncSources(
          setup.db,
          Array.from({ length: SOURCES }, (_, s) => ({
            slug: `bench-${s}`, url: farm.url(s), title: `Bench ${s}`, organization: `Org ${s}`, region: 'national' as const,
            languages: [s % 3 === 0 ? ('fr' as const) : ('en' as const)], topics: [],
          })),
        );
        const workers = Array.from({ length: count }, () => startWorker(scratch.url));
        await Promise.all(workers.map((w) => w.ready));
        const requestsBefore = farm.requests();
        const t0 = performance.now();
        for (const w of workers) w.child.stdin!.end('go\n');
        const results = await Promise.all(workers.map((w) => w.result));
        const wall = (performance.now() - t0) / 1000;
        const requests = farm.requests() - requestsBefore;
        const [{ n: stored }] = await setup.rows<{ n: number }>(sql`select count(*)::int as n from items`);
        await setup.close();
        const fetched = results.reduce((a, r) => a + r.sources, 0);
        const failed = results.reduce((a, r) => a + r.failed, 0);
        if (requests !== SOURCES || fetched !== SOURCES) throw new Error(`${count} workers: ${requests} requests and ${fetched} fetches for ${SOURCES} sources`);
        if (count === 1) single = wall;
        rows.push([
          count, fmt(wall, 2), single ? fmt(single / wall, 2) : '-', requests, results.map((r) => r.sources).join(' / '),
          fmt(stored, 0), fmt(stored / wall, 0), failed,
        ]);
      } finally {
        await scratch.drop();
      }
    }
  } finally {
    await farm.close();
  }
  console.log(`${SOURCES} sources × ${ITEMS} items, ${PER_WORKER} fetches at once per worker, each worker its own process; ${(await import('node:os')).cpus().length} CPU cores, Node ${process.version}\n`);
  printTable(['workers', 'cycle s', 'speed-up', 'farm requests', 'sources per worker', 'items stored', 'items/s', 'failed'], rows);
}
