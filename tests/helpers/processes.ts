// Runs `passerelle` commands as real child processes (serve, worker, fetch), the way an operator
// does, so tests can kill them, restart them and read their logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/passerelle.js');

export interface HubProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The base URL once a web process logged "listening". */
  listening(timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to release anything. */
  kill9(): Promise<void>;
}

export function spawnPasserelle(args: string[], env: NodeJS.ProcessEnv): HubProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d;
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(output);
        if (m) {
          finish();
          resolve(m);
        } else if (done) {
          finish();
          reject(new Error(`process exited before ${pattern}:\n${output.slice(-4000)}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output.slice(-4000)}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return {
    child,
    pid: child.pid!,
    output: () => output,
    waitFor,
    listening: async (timeoutMs) => (await waitFor(/"msg":"listening".*?"url":"(http:\/\/[^"]+)"|"url":"(http:\/\/[^"]+)".*?"msg":"listening"/, timeoutMs)).slice(1).find(Boolean)!,
    exited,
    alive: () => !done,
    async stop() {
      if (done) return (await exited).code;
      child.kill('SIGTERM');
      return (await exited).code;
    },
    async kill9() {
      if (done) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface FarmSource {
  slug: string;
  url: string;
  languages?: ('en' | 'fr')[];
}

/** Writes a feeds.yaml listing `sources` (national, English unless said otherwise). */
export async function writeFeedsFile(file: string, sources: FarmSource[]): Promise<void> {
  const lines = ['sources:'];
  for (const s of sources) {
    lines.push(
      `  - slug: ${s.slug}`,
      `    url: ${s.url}`,
      `    title: Source ${s.slug}`,
      `    organization: Org ${s.slug}`,
      '    region: national',
      `    languages: [${(s.languages ?? ['en']).join(', ')}]`,
    );
  }
  await writeFile(file, `${lines.join('\n')}\n`);
}

/** Pino lines that mean something escaped: an unhandled rejection or an uncaught exception. */
export const CRASH_PATTERN = /unhandled|uncaught|TypeError|Node\.js v\d+/i;

/** Runs a one-off `passerelle` command as a real process; killed if it outlives `timeoutMs`. */
export async function runPasserelle(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; output: string; ms: number }> {
  const t0 = performance.now();
  const p = spawnPasserelle(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  try {
    const { code } = await p.exited;
    return { code, output: p.output(), ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}
