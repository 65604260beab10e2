// Where a run's database time goes, statement by statement, without touching the server's
// configuration: settings on the scratch database alone (dropped with it) make the server log
// every statement's duration, and auto_explain log a sample of plans with their trigger times
// (foreign-key checks, triggers). The server's log file is read from where it stood before.
import { open, stat } from 'node:fs/promises';
import type { ScratchDatabase } from './scratch-database.ts';

export interface StatementLogOptions {
  /** The server's log file (stderr of the cluster). */
  logFile: string;
  /** Share of statements explained with ANALYZE (their trigger times are scaled up by 1/rate). */
  explainRate: number;
}

export interface StatementStats {
  statements: { text: string; calls: number; ms: number }[];
  phases: { phase: string; calls: number; ms: number }[];
  /** Trigger and constraint time seen in the sampled plans, scaled to the whole run. */
  triggers: { name: string; calls: number; ms: number }[];
  loggedMs: number;
}

/** Turns the logging on for new sessions to this database; returns where the log stood. */
export async function startStatementLog(db: ScratchDatabase, options: StatementLogOptions): Promise<number> {
  const offset = (await stat(options.logFile)).size;
  const settings: [string, string][] = [
    ['log_min_duration_statement', '0'],
    ['log_parameter_max_length', '0'],
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

  const statements = new Map<string, { calls: number; ms: number }>();
  const phases = new Map<string, { calls: number; ms: number }>();
  const triggers = new Map<string, { calls: number; ms: number }>();
  let loggedMs = 0;
  const add = (m: Map<string, { calls: number; ms: number }>, key: string, calls: number, ms: number) => {
    const e = m.get(key) ?? { calls: 0, ms: 0 };
    e.calls += calls;
    e.ms += ms;
    m.set(key, e);
  };
  for (const entry of entries) {
    const d = /LOG: {2}duration: ([\d.]+) ms {2}(statement|execute|parse|bind)( [^:]*)?: ([\s\S]*)$/.exec(entry);
    if (d) {
      const ms = Number(d[1]);
      add(phases, d[2], 1, ms);
      loggedMs += ms;
      if (d[2] === 'execute' || d[2] === 'statement') add(statements, statementShape(d[4]), 1, ms);
      continue;
    }
    if (entry.includes('LOG:  duration:') && entry.includes('plan:')) {
      for (const t of entry.matchAll(/Trigger (.+?): time=([\d.]+) calls=(\d+)/g)) {
        add(triggers, t[1], Number(t[3]) / options.explainRate, Number(t[2]) / options.explainRate);
      }
    }
  }
  const list = <K extends string>(m: Map<string, { calls: number; ms: number }>, key: K) =>
    [...m].map(([k, v]) => ({ [key]: k, ...v }) as { [P in K]: string } & { calls: number; ms: number }).sort((a, b) => b.ms - a.ms);
  return { statements: list(statements, 'text'), phases: list(phases, 'phase'), triggers: list(triggers, 'name'), loggedMs };
}
