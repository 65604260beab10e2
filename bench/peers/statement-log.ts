// Where a run's database time goes, statement by statement, without touching the server's
// configuration: settings on the scratch database alone (dropped with it) make the server log
// every statement's duration and CPU, and auto_explain log a sample of plans with their trigger times
// (foreign-key checks, triggers). The server's log file is read from where it stood before.
import { open, stat } from 'node:fs/promises';
import type { ScratchDatabase } from './scratch-database.ts';

export interface StatementLogOptions {
  /** The server's log file (stderr of the cluster). */
  logFile: string;
  /** Share of statements explained with ANALYZE (their trigger times are scaled up by 1/rate). */
  explainRate: number;
}

/** Server-side duration (waits included) and the backend's own CPU (user + sys) for it. */
interface Timed {
  calls: number;
  ms: number;
  cpuMs: number;
}

export interface StatementStats {
  statements: ({ text: string } & Timed)[];
  phases: ({ phase: string } & Timed)[];
  /** Trigger and constraint time (wall, inside their statements) seen in the sampled plans, scaled to the whole run. */
  triggers: ({ name: string; share: number } & Timed)[];
  loggedMs: number;
  cpuMs: number;
}

/** Turns the logging on for new sessions to this database; returns where the log stood. */
export async function startStatementLog(db: ScratchDatabase, options: StatementLogOptions): Promise<number> {
  const offset = (await stat(options.logFile)).size;
  const settings: [string, string][] = [
    ['log_min_duration_statement', '0'],
    ['log_parameter_max_length', '0'],
    // getrusage around each statement and protocol step: the CPU it used, apart from waits.
    ['log_statement_stats', 'on'],
    ['session_preload_libraries', 'auto_explain'],
    ['auto_explain.log_min_duration', '0'],
    ['auto_explain.sample_rate', String(options.explainRate)],
    ['auto_explain.log_analyze', 'on'],
    ['auto_explain.log_triggers', 'on'],
    ['auto_explain.log_nested_statements', 'on'],
  ];
  for (const [name, value] of settings) await db.query(`alter database ${db.name} set ${name} = '${value}'`);
  return offset;
}

/** Literals, placeholders, lists of them and repeated VALUES rows folded, so one shape is one line. */
export function statementShape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, 'N')
    .replace(/([?N])(?:, ?[?N])+/g, '$1…')
    .replace(/(\([^()]*\))(?:, ?\1)+/g, '$1, …')
    .trim();
}

export async function readStatementLog(db: ScratchDatabase, options: StatementLogOptions, offset: number): Promise<StatementStats> {
  const file = await open(options.logFile, 'r');
  let text: string;
  try {
    const size = (await file.stat()).size;
    const buffer = Buffer.alloc(size - offset);
    await file.read(buffer, 0, buffer.length, offset);
    text = buffer.toString('utf8');
  } finally {
    await file.close();
  }
  // Entries of this database only (the log line prefix names user@database); continuation lines start with a tab.
  const entries: string[] = [];
  const marker = `@${db.name} `;
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('\t') || line.startsWith(' ')) {
      if (current !== undefined) current += `\n${line}`;
      continue;
    }
    if (current !== undefined) entries.push(current);
    current = line.includes(marker) ? line : undefined;
  }
  if (current !== undefined) entries.push(current);

  type Tally = { calls: number; ms: number; cpuMs: number };
  const statements = new Map<string, Tally>();
  const phases = new Map<string, Tally>();
  const triggers = new Map<string, Tally>();
  let loggedMs = 0;
  let cpuMs = 0;
  const add = (m: Map<string, Tally>, key: string, calls: number, ms: number, cpu = 0) => {
    const e = m.get(key) ?? { calls: 0, ms: 0, cpuMs: 0 };
    e.calls += calls;
    e.ms += ms;
    e.cpuMs += cpu;
    m.set(key, e);
  };
  // A backend logs a statement's (or protocol step's) duration, then the CPU it used.
  const awaitingCpu = new Map<string, { phase: string; shape?: string }>();
  // Per trigger, the duration of the explained statements it fired in: its share of their time.
  const inStatements = new Map<string, number>();
  for (const entry of entries) {
    const pid = /\[(\d+)\]/.exec(entry)?.[1] ?? '';
    const usage = /!\s+([\d.]+) s user, ([\d.]+) s system, [\d.]+ s elapsed/.exec(entry);
    if (usage) {
      const owner = awaitingCpu.get(pid);
      awaitingCpu.delete(pid);
      if (!owner) continue;
      const cpu = (Number(usage[1]) + Number(usage[2])) * 1000;
      cpuMs += cpu;
      add(phases, owner.phase, 0, 0, cpu);
      if (owner.shape) add(statements, owner.shape, 0, 0, cpu);
      continue;
    }
    const d = /LOG: {2}duration: ([\d.]+) ms {2}(statement|execute|parse|bind)( [^:]*)?: ([\s\S]*)$/.exec(entry);
    if (d) {
      const ms = Number(d[1]);
      const shape = d[2] === 'execute' || d[2] === 'statement' ? statementShape(d[4]) : undefined;
      add(phases, d[2], 1, ms);
      if (shape) add(statements, shape, 1, ms);
      loggedMs += ms;
      awaitingCpu.set(pid, { phase: d[2], shape });
      continue;
    }
    const plan = /LOG: {2}duration: ([\d.]+) ms {2}plan:/.exec(entry);
    if (plan) {
      for (const t of entry.matchAll(/Trigger (.+?): time=([\d.]+) calls=(\d+)/g)) {
        add(triggers, t[1], Number(t[3]) / options.explainRate, Number(t[2]) / options.explainRate);
        inStatements.set(t[1], (inStatements.get(t[1]) ?? 0) + Number(plan[1]) / options.explainRate);
      }
    }
  }
  const list = <K extends string>(m: Map<string, Tally>, key: K, by: 'ms' | 'cpuMs') =>
    [...m].map(([k, v]) => ({ [key]: k, ...v }) as { [P in K]: string } & Tally).sort((a, b) => b[by] - a[by]);
  return {
    statements: list(statements, 'text', 'cpuMs'),
    phases: list(phases, 'phase', 'cpuMs'),
    triggers: list(triggers, 'name', 'ms').map((t) => ({ ...t, share: t.ms / (inStatements.get(t.name) ?? t.ms) })),
    loggedMs,
    cpuMs,
  };
}
