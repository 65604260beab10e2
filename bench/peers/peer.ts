// Peer: FreshRSS beside `passerelle fetch --once --all`, first cycle of the same generated feeds
// (the same bytes from one farm), on the same PostgreSQL server (a scratch database each), then
// the embedded pair (FreshRSS on SQLite, Passerelle on PGlite). Runs alternate, A B A B, and every
// run is measured from outside the same way: wall, CPU of the process tree, CPU of the database
// backends, peak RSS. A run counts only if every item is in its database afterwards.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startFeedFarm, type FeedFarm } from '../feed-farm.ts';
import { farmSources } from '../bench-hub.ts';
import { fmt, printTable } from '../table.ts';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.ts';
import { readDbWork, resetDbWork, type DbWork } from './db-work.ts';
import { checkPhp, exportFreshRss, installFreshRss } from './freshrss.ts';
import { preparePasserelle, reportedNewItems, writeFeedsFile } from './passerelle-side.ts';
import { runMeasured, type Measured } from './process-meter.ts';
import { ADMIN_URL, createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';
import { readStatementLog, startStatementLog, type StatementLogOptions } from './statement-log.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 1000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 50);
/** Publishers' hosts the feeds are spread over (loopback addresses 127.0.0.1 … 127.0.0.N). */
const HOSTS = Number(process.env.BENCH_HOSTS ?? 100);
/** Interleaved rounds: each round runs every pair once, FreshRSS then Passerelle. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PAIRS = (process.env.BENCH_PEER_PAIRS ?? 'postgres,embedded').split(',').map((s) => s.trim()) as Pair[];
/** Passerelle's fetch settings: what a deployment would run (the defaults), unless set. */
const FETCH_ENV = {
  FETCH_CONCURRENCY: process.env.FETCH_CONCURRENCY ?? '16',
  FETCH_HOST_CONCURRENCY: process.env.FETCH_HOST_CONCURRENCY ?? '2',
  // The farm is on loopback addresses: allowed as a deployment allows an internal platform.
  PRIVATE_NETWORK_ALLOWLIST: '127.0.0.0/8',
};
/** Which sides run (both unless set): `passerelle` alone is quicker when only its profile is wanted. */
const SIDES = (process.env.BENCH_PEER_SIDES ?? 'freshrss,passerelle').split(',').map((s) => s.trim()) as Side[];
const PROFILE = /^(1|true|yes)$/.test(process.env.BENCH_PEER_PROFILE ?? '');
const KEEP = /^(1|true|yes)$/.test(process.env.BENCH_KEEP ?? '');

type Pair = 'postgres' | 'embedded';
type Side = 'freshrss' | 'passerelle';

interface Run {
  pair: Pair;
  side: Side;
  round: number;
  m: Measured;
  items: number;
  requests: number;
  work?: DbWork;
  diskMiB: number;
}

const LABEL: Record<Pair, Record<Side, string>> = {
  postgres: { freshrss: 'FreshRSS on Postgres', passerelle: 'Passerelle on Postgres' },
  embedded: { freshrss: 'FreshRSS on SQLite', passerelle: 'Passerelle on PGlite' },
};

async function duMiB(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return bytes / 1024 / 1024;
}

function opml(farm: FeedFarm): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const outlines = Array.from({ length: SOURCES }, (_, s) => `    <outline type="rss" text="Bench ${s}" title="Bench ${s}" xmlUrl="${esc(farm.url(s))}"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Bench farm</title></head><body>\n  <outline text="Bench">\n${outlines.join('\n')}\n  </outline>\n</body></opml>\n`;
}

interface Context {
  work: string;
  farm: FeedFarm;
  freshSrc: string;
  opmlFile: string;
  feedsFile: string;
}

/** One measured run of one side on one database; checks that every item was stored. */
async function runSide(ctx: Context, pair: Pair, side: Side, round: number, extra: { nodeArgs?: string[]; statementLog?: StatementLogOptions } = {}): Promise<Run & { statementOffset?: number; db?: ScratchDatabase }> {
  const label = `${round}-${pair}-${side}`;
  const dir = path.join(ctx.work, label);
  const db = pair === 'postgres' ? await createScratchDatabase(side === 'freshrss' ? 'fr' : 'ps') : undefined;
  // The profile run hands its database on, to read the statement log; the caller drops it.
  let handOn = false;
  try {
    let command: string;
    let args: string[];
    let env: NodeJS.ProcessEnv;
    let cwd: string;
    let count: () => Promise<number>;
    let dataDir: string;
    if (side === 'freshrss') {
      const fr = await installFreshRss(ctx.freshSrc, dir, db ? { kind: 'pgsql', database: db } : { kind: 'sqlite' }, ctx.opmlFile);
      const before = await fr.countEntries();
      if (before.feeds !== SOURCES || before.entries !== 0) throw new Error(`FreshRSS setup: ${before.feeds} feeds and ${before.entries} entries, expected ${SOURCES} and 0`);
      ({ command, args, env } = fr);
      cwd = fr.dir;
      dataDir = path.join(fr.dir, 'data');
      count = async () => {
        const after = await fr.countEntries();
        if (after.pending) throw new Error(`FreshRSS left ${after.pending} entries uncommitted`);
        return after.entries;
      };
    } else {
      dataDir = path.join(dir, 'data');
      await mkdir(dir, { recursive: true });
      const ps = await preparePasserelle({
        feedsFile: ctx.feedsFile,
        db: db ? { kind: 'postgres', database: db } : { kind: 'pglite', dataDir },
        fetchEnv: FETCH_ENV,
        nodeArgs: extra.nodeArgs,
      });
      ({ command, args, env } = ps);
      cwd = dir;
      count = ps.countItems;
    }
    if (db) await resetDbWork(db);
    const statementOffset = db && extra.statementLog ? await startStatementLog(db, extra.statementLog) : undefined;
    const requests0 = ctx.farm.requests();
    const m = await runMeasured({ command, args, cwd, env, outDir: ctx.work, label, database: db ? { adminUrl: ADMIN_URL, name: db.name } : undefined });
    const requests = ctx.farm.requests() - requests0;
    // The scratch directory goes unless BENCH_KEEP is set: a failure carries the end of what the run said.
    const said = async () => `\n--- stdout (end)\n${(await readFile(m.stdoutFile, 'utf8')).slice(-2000)}\n--- stderr (end)\n${(await readFile(m.stderrFile, 'utf8')).slice(-2000)}`;
    if (m.code !== 0) throw new Error(`${LABEL[pair][side]} exited with ${m.code}${await said()}`);
    const items = await count();
    if (side === 'passerelle') {
      const reported = reportedNewItems(await readFile(m.stdoutFile, 'utf8'));
      if (reported !== items) throw new Error(`Passerelle reported ${reported} new items but its database holds ${items}${await said()}`);
    }
    if (items !== SOURCES * ITEMS) throw new Error(`${LABEL[pair][side]} stored ${items} items of ${SOURCES * ITEMS} (${requests} requests to the farm)${await said()}`);
    const work = db ? await readDbWork(db) : undefined;
    const diskMiB = db ? work!.sizeMiB : await duMiB(side === 'freshrss' ? path.join(dataDir, 'users') : dataDir);
    handOn = !!extra.statementLog;
    return { pair, side, round, m, items, requests, work, diskMiB, statementOffset, db };
  } finally {
    if (!handOn) await db?.drop();
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** The median, with the range of the runs beside it when they differ. */
const summary = (xs: number[], digits: number) => {
  const lo = fmt(Math.min(...xs), digits);
  const hi = fmt(Math.max(...xs), digits);
  return lo === hi ? fmt(median(xs), digits) : `${fmt(median(xs), digits)} (${lo}–${hi})`;
};
const cpuPerItemMs = (r: Run) => ((r.m.appCpuS + (r.m.dbCpuS ?? 0)) / r.items) * 1000;

export async function benchPeer(): Promise<void> {
  const php = await checkPhp();
  const work = await mkdtemp(path.join(os.tmpdir(), 'passerelle-peer-'));
  try {
    await compare(work, php);
  } finally {
    if (!KEEP) await rm(work, { recursive: true, force: true });
    else console.log(`\nkept: ${work}`);
  }
  console.log(`\nload average at the end: ${os.loadavg().map((l) => fmt(l, 2)).join(' ')}`);
}

async function compare(work: string, php: string): Promise<void> {
  const freshSrc = path.join(work, 'freshrss-src');
  const { from, version } = await exportFreshRss(freshSrc);
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const pgVersion = (await admin<{ v: string }[]>`select current_setting('server_version') as v`)[0].v;
  await admin.end();

  const farm = await startFeedFarm(SOURCES, ITEMS, { hosts: HOSTS });
  const runs: Run[] = [];
  const loadStart = os.loadavg();
  try {
    const ctx: Context = { work, farm, freshSrc, opmlFile: path.join(work, 'feeds.opml'), feedsFile: path.join(work, 'feeds.yaml') };
    await writeFile(ctx.opmlFile, opml(farm));
    await writeFeedsFile(ctx.feedsFile, farmSources(SOURCES, farm.url));
    const mib = farm.bodies.reduce((a, b) => a + b.length, 0) / 1024 / 1024;
    console.log(
      `${SOURCES} feeds × ${ITEMS} items (${fmt(mib, 1)} MiB) on ${Math.min(HOSTS, SOURCES)} hosts, first cycle; ${ROUNDS} interleaved round(s).\n` +
        `FreshRSS ${version} (from ${from}), PHP ${php}, one feed at a time (actualize-user.php is sequential).\n` +
        `Passerelle: FETCH_CONCURRENCY=${FETCH_ENV.FETCH_CONCURRENCY}, FETCH_HOST_CONCURRENCY=${FETCH_ENV.FETCH_HOST_CONCURRENCY}; Node ${process.version}; PostgreSQL ${pgVersion} at ${new URL(ADMIN_URL).host}.\n` +
        `${os.cpus().length} CPUs, load average ${loadStart.map((l) => fmt(l, 2)).join(' ')} at start.\n`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const pair of PAIRS) {
        for (const side of SIDES) {
          const r = await runSide(ctx, pair, side, round);
          runs.push(r);
          console.log(
            `round ${round}  ${LABEL[pair][side].padEnd(24)} ${fmt(r.m.wallS, 1)} s wall, ${fmt(r.m.appCpuS, 1)} s CPU app` +
              `${r.m.dbCpuS !== undefined ? `, ${fmt(r.m.dbCpuS, 1)} s CPU database` : ''}, ${fmt(r.m.peakRssMiB, 0)} MiB peak, ${r.items} items, ` +
              `${r.requests} requests, load ${fmt(r.m.load[0], 1)}→${fmt(r.m.load[1], 1)}`,
          );
        }
      }
    }
    if (runs.length) printResults(runs);
    if (PROFILE) await profileRun(ctx, pgVersion);
  } finally {
    await farm.close();
  }
}

function printResults(runs: Run[]): void {
  const items = SOURCES * ITEMS;
  console.log(`\nfirst cycle, ${items.toLocaleString('en-CA')} new items: median (range) of ${ROUNDS} run(s) each\n`);
  const rows: string[][] = [];
  for (const pair of PAIRS) {
    for (const side of ['freshrss', 'passerelle'] as const) {
      const rs = runs.filter((r) => r.pair === pair && r.side === side);
      if (!rs.length) continue;
      const db = rs.map((r) => r.m.dbCpuS).filter((v): v is number => v !== undefined);
      rows.push([
        LABEL[pair][side],
        summary(rs.map((r) => r.m.wallS), 1),
        summary(rs.map((r) => r.m.appCpuS), 1),
        db.length ? summary(db, 1) : '(in process)',
        summary(rs.map(cpuPerItemMs), 2),
        summary(rs.map((r) => r.m.peakRssMiB), 0),
        fmt(median(rs.map((r) => r.diskMiB)), 0),
      ]);
    }
  }
  printTable(['side', 'wall s', 'CPU app s', 'CPU database s', 'CPU ms/item (app + db)', 'peak RSS MiB', 'database MiB'], rows);

  console.log(`\nPasserelle ÷ FreshRSS, each round's pair run back to back (below 1: Passerelle does better)\n`);
  const ratioRows: string[][] = [];
  for (const pair of PAIRS) {
    for (let round = 1; round <= ROUNDS; round++) {
      const a = runs.find((r) => r.pair === pair && r.side === 'freshrss' && r.round === round);
      const b = runs.find((r) => r.pair === pair && r.side === 'passerelle' && r.round === round);
      if (!a || !b) continue;
      const total = (r: Run) => r.m.appCpuS + (r.m.dbCpuS ?? 0);
      ratioRows.push([
        `${pair === 'postgres' ? 'Postgres' : 'embedded'}, round ${round}`,
        fmt(b.m.wallS / a.m.wallS, 2),
        fmt(b.m.appCpuS / a.m.appCpuS, 2),
        a.m.dbCpuS !== undefined && b.m.dbCpuS !== undefined ? fmt(b.m.dbCpuS / a.m.dbCpuS, 2) : '-',
        fmt(total(b) / total(a), 2),
        fmt(b.m.peakRssMiB / a.m.peakRssMiB, 1),
      ]);
    }
  }
  printTable(['pair', 'wall', 'CPU app', 'CPU database', 'CPU total per item', 'peak RSS'], ratioRows);

  const pg = runs.filter((r) => r.work && r.round === 1);
  if (pg.length) {
    console.log(`\nwhat each side asked of PostgreSQL (round 1, from the server's statistics of its scratch database)\n`);
    printTable(
      ['side', 'commits', 'rows inserted', 'rows updated', 'rows deleted', 'rows read', 'blocks touched', 'per item: rows written, blocks'],
      pg.map((r) => {
        const w = r.work!;
        return [
          LABEL[r.pair][r.side],
          w.commits.toLocaleString('en-CA'),
          w.rowsInserted.toLocaleString('en-CA'),
          w.rowsUpdated.toLocaleString('en-CA'),
          w.rowsDeleted.toLocaleString('en-CA'),
          w.rowsRead.toLocaleString('en-CA'),
          w.blocksTouched.toLocaleString('en-CA'),
          `${fmt((w.rowsInserted + w.rowsUpdated + w.rowsDeleted) / r.items, 1)}, ${fmt(w.blocksTouched / r.items, 1)}`,
        ];
      }),
    );
    console.log('');
    printTable(
      ['side', 'table', 'inserted', 'updated', 'deleted', 'indexes', 'table MiB', 'index MiB'],
      pg.flatMap((r) => r.work!.tables.map((t) => [LABEL[r.pair][r.side], t.name, String(t.inserted), String(t.updated), String(t.deleted), String(t.indexes), fmt(t.tableMiB, 1), fmt(t.indexMiB, 1)])),
    );
  }
}

/** One more Passerelle run on Postgres, outside the comparison: a CPU profile and the statement log. */
async function profileRun(ctx: Context, pgVersion: string): Promise<void> {
  const profDir = path.join(ctx.work, 'cpu-profile');
  // Debian's clusters write their stderr here.
  const logFile = process.env.BENCH_PG_LOG ?? `/var/log/postgresql/postgresql-${pgVersion.split('.')[0]}-main.log`;
  let statementLog: StatementLogOptions | undefined = { logFile, explainRate: Number(process.env.BENCH_PEER_EXPLAIN_RATE ?? 0.05) };
  try {
    await stat(logFile);
  } catch {
    console.log(`\n(no statement profile: cannot read the server log ${logFile}; set BENCH_PG_LOG)`);
    statementLog = undefined;
  }
  console.log(`\n## where Passerelle's time goes (one more run on Postgres with node --cpu-prof${statementLog ? ' and every statement logged' : ''}; not in the tables above)\n`);
  const r = await runSide(ctx, 'postgres', 'passerelle', 0, { nodeArgs: [`--cpu-prof`, `--cpu-prof-dir=${profDir}`], statementLog });
  try {
    console.log(`${fmt(r.m.wallS, 1)} s wall, ${fmt(r.m.appCpuS, 1)} s CPU app, ${fmt(r.m.dbCpuS ?? 0, 1)} s CPU database (profiling and logging slow both)\n`);
    // One profile per thread: the two busiest (the main thread and a parse worker) told in full; the others in a line.
    const profiles = await Promise.all(
      (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile')).map(async (f) => ({ f, p: await summarizeProfile(path.join(profDir, f)) })),
    );
    const busyOf = (p: ProfileSummary) => p.totalMs - (p.byPart.find(([k]) => k === '(idle)')?.[1] ?? 0);
    profiles.sort((a, b) => busyOf(b.p) - busyOf(a.p));
    for (const [i, { f, p }] of profiles.entries()) {
      const busy = busyOf(p);
      console.log(`${f}: ${fmt(busy / 1000, 1)} s busy of ${fmt(p.totalMs / 1000, 1)} s${i > 1 ? ' (another thread)' : '\n'}`);
      if (i > 1) continue;
      const share = (ms: number) => `${fmt((ms / busy) * 100, 1)} %`;
      const stages = new Map<string, number>();
      for (const [k, ms] of p.byProjectFile) {
        if (k === '(idle)') continue;
        const stage = k.startsWith('src/') ? k.split('/').slice(0, 2).join('/') : k;
        stages.set(stage, (stages.get(stage) ?? 0) + ms);
      }
      printTable(['charged to (stage of the nearest project file)', 's', 'share of busy'], [...stages].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, ms]) => [k, fmt(ms / 1000, 2), share(ms)]));
      console.log('');
      printTable(['charged to (nearest project file on the stack)', 's', 'share of busy'], p.byProjectFile.filter(([k]) => k !== '(idle)').slice(0, 20).map(([k, ms]) => [k, fmt(ms / 1000, 2), share(ms)]));
      console.log('');
      printTable(['self time in', 's', 'share of busy'], p.byPart.filter(([k]) => k !== '(idle)').slice(0, 15).map(([k, ms]) => [k, fmt(ms / 1000, 2), share(ms)]));
      console.log('');
      printTable(['function (self time)', 's'], p.topFunctions.filter(([k]) => !k.startsWith('(idle)')).slice(0, 15).map(([k, ms]) => [k, fmt(ms / 1000, 2)]));
      console.log('');
    }
    if (statementLog && r.db && r.statementOffset !== undefined) {
      const s = await readStatementLog(r.db, statementLog, r.statementOffset);
      console.log(`\ndatabase: ${fmt(s.cpuMs / 1000, 1)} s CPU in the backends' statements, ${fmt(s.loggedMs / 1000, 1)} s of server-side duration (waits included)\n`);
      printTable(['phase', 'calls', 'CPU s', 'duration s'], s.phases.map((p) => [p.phase, String(p.calls), fmt(p.cpuMs / 1000, 2), fmt(p.ms / 1000, 2)]));
      console.log('');
      printTable(
        ['statement (shape)', 'calls', 'CPU s', 'CPU ms/call', 'duration s'],
        s.statements.slice(0, 15).map((x) => [x.text.slice(0, 140), String(x.calls), fmt(x.cpuMs / 1000, 2), fmt(x.cpuMs / x.calls, 3), fmt(x.ms / 1000, 2)]),
      );
      if (s.triggers.length) {
        console.log(`\ntriggers and constraint checks, from ${fmt(statementLog.explainRate * 100, 0)} % of statements explained with ANALYZE, scaled up\n`);
        printTable(
          ['trigger', 'calls (est.)', 'duration s (est.)', "share of its statements' duration"],
          s.triggers.slice(0, 12).map((t) => [t.name, fmt(t.calls, 0), fmt(t.ms / 1000, 2), `${fmt(t.share * 100, 0)} %`]),
        );
      }
    }
  } finally {
    await r.db?.drop();
  }
}
