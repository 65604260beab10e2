// Runs one command and measures it from the outside, the same way for every side: wall time,
// CPU of its process tree, peak resident memory of that tree, and the CPU of the PostgreSQL
// backends that served its database. Linux only (/proc).
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';

export interface Measured {
  code: number;
  wallS: number;
  /** user + sys of the command and every descendant it waited for. */
  appCpuS: number;
  /** user + sys of the Postgres backends (and autovacuum workers) on the run's database; undefined without one. */
  dbCpuS?: number;
  /** Highest sum of resident memory over the tree, or the highest single-process peak if higher. */
  peakRssMiB: number;
  stdoutFile: string;
  stderrFile: string;
  /** Load average (1 min) when the run started and when it ended. */
  load: [number, number];
}

export interface MeterOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where stdout, stderr and the CPU times of the run are written. */
  outDir: string;
  label: string;
  /** The Postgres database the command works on, to measure its backends. */
  database?: { adminUrl: string; name: string };
}

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const SAMPLE_MS = 100;
const BACKEND_LOOKUP_MS = 200;

/** utime + stime of one process, in clock ticks; undefined once it is gone. */
async function cpuTicks(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

async function memoryKiB(pid: number): Promise<{ rss: number; hwm: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Every descendant of `pid` (not `pid` itself), through /proc/<pid>/task/<tid>/children. */
async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  const walk = async (p: number) => {
    let tasks: string[];
    try {
      tasks = await readdir(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let children = '';
      try {
        children = await readFile(`/proc/${p}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.split(' ').filter(Boolean).map(Number)) {
        found.push(c);
        await walk(c);
      }
    }
  };
  await walk(pid);
  return found;
}

/** Parses the children line of POSIX `times` ("0m1.230000s 0m0.450000s") into seconds. */
export function childrenSeconds(times: string): number {
  const lines = times.trim().split('\n');
  const values = [...(lines[1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (values.length !== 2) throw new Error(`cannot read the CPU times of the run from "${times}"`);
  return values[0] + values[1];
}

export async function runMeasured(options: MeterOptions): Promise<Measured> {
  const base = path.join(options.outDir, options.label);
  const stdoutFile = `${base}.stdout.txt`;
  const stderrFile = `${base}.stderr.txt`;
  const timesFile = `${base}.times.txt`;
  const out = createWriteStream(stdoutFile);
  const err = createWriteStream(stderrFile);
  const admin = options.database ? postgres(options.database.adminUrl, { max: 1, onnotice: () => {} }) : undefined;

  // Backends already on the database (none, normally) count from what they had used by now.
  const backendStart = new Map<number, number>();
  const backendLast = new Map<number, number>();
  const lookupBackends = async () => {
    if (!admin || !options.database) return;
    const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${options.database.name}`;
    for (const { pid } of rows) if (!backendLast.has(pid)) backendLast.set(pid, 0);
  };
  if (admin && options.database) {
    await lookupBackends();
    for (const pid of backendLast.keys()) backendStart.set(pid, (await cpuTicks(pid)) ?? 0);
  }

  const load0 = (await readFile('/proc/loadavg', 'utf8')).split(' ').map(Number)[0];
  const started = performance.now();
  // The shell reports the CPU its children used once it has waited for them: exact user + sys of
  // the whole tree, whatever happens to the processes in between.
  const child = spawn('/bin/sh', ['-c', 'f=$0; "$@"; rc=$?; times > "$f"; exit $rc', timesFile, options.command, ...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(err);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

  let peakSumKiB = 0;
  let peakOneKiB = 0;
  let done = false;
  const sampleTree = async () => {
    if (!child.pid) return;
    let sum = 0;
    for (const pid of await descendants(child.pid)) {
      const m = await memoryKiB(pid);
      if (!m) continue;
      sum += m.rss;
      peakOneKiB = Math.max(peakOneKiB, m.hwm);
    }
    peakSumKiB = Math.max(peakSumKiB, sum);
  };
  const sampleBackends = async () => {
    for (const pid of backendLast.keys()) {
      const t = await cpuTicks(pid);
      if (t !== undefined) backendLast.set(pid, t);
    }
  };
  const sampler = (async () => {
    let lastLookup = 0;
    while (!done) {
      await sampleTree();
      if (admin && performance.now() - lastLookup >= BACKEND_LOOKUP_MS) {
        lastLookup = performance.now();
        await lookupBackends().catch(() => {});
      }
      await sampleBackends();
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();

  const code = await exited;
  const wallS = (performance.now() - started) / 1000;
  done = true;
  await sampler;
  // Backends end when their client has gone; take what they used until then.
  await sampleBackends();
  await new Promise<void>((r) => out.end(r));
  await new Promise<void>((r) => err.end(r));
  await admin?.end();
  const load1 = (await readFile('/proc/loadavg', 'utf8')).split(' ').map(Number)[0];

  let appCpuS = NaN;
  try {
    appCpuS = childrenSeconds(await readFile(timesFile, 'utf8'));
  } catch {
    // The shell was killed before it could report; the caller sees NaN and the exit code.
  }
  const dbTicks = [...backendLast].reduce((a, [pid, t]) => a + Math.max(0, t - (backendStart.get(pid) ?? 0)), 0);
  return {
    code,
    wallS,
    appCpuS,
    dbCpuS: options.database ? dbTicks / TICKS : undefined,
    peakRssMiB: Math.max(peakSumKiB, peakOneKiB) / 1024,
    stdoutFile,
    stderrFile,
    load: [load0, load1],
  };
}
