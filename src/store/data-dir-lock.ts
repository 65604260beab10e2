// The embedded database has one owner: a process opens DATA_DIR only while it holds the lock file
// DATA_DIR/passerelle.lock, which names it (pid, command, since when). A lock whose process is gone
// (kill -9, a crash, a power cut) is recognized as stale and taken over.
//
// The file appears whole or not at all (written aside, then hard-linked into place, which fails if
// it exists). Taking over a stale lock is itself exclusive: the taker first creates a marker
// named after the stale lock's token, so of several processes starting at once after a crash,
// exactly one removes the stale file; the others then find the new owner's.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'passerelle.lock';

export interface LockHolder {
  pid: number;
  /** What the holder runs: `serve`, `worker`, `sources add`, … */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  host: string;
  /** The kernel's boot id and the process's start time: a reused pid or a reboot is not mistaken for the holder. */
  boot?: string;
  started?: string;
  /** The holder's command socket, when it takes commands from other processes. */
  socket?: string;
  token: string;
}

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const since = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(holder.since) ? `${holder.since.slice(0, 19).replace('T', ' ')} UTC` : holder.since;
    super(`the data directory ${dataDir} is in use by passerelle ${holder.command} (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''}, since ${since})`);
    this.name = 'DataDirBusyError';
  }
}

export interface DataDirLock {
  readonly holder: LockHolder;
  /** The dead process whose lock was taken over, if there was one. */
  readonly recovered?: LockHolder;
  release(): Promise<void>;
}

/** Tokens of the locks this process holds (a holder with our pid is only us if it is one of them). */
const heldHere = new Set<string>();

/**
 * Takes the lock of `dataDir` (created if missing) for this process. Throws DataDirBusyError when a
 * live process holds it.
 */
export async function acquireDataDirLock(dataDir: string, what: { command: string; socket?: string }): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    command: what.command,
    since: new Date().toISOString(),
    host: hostname(),
    boot: bootId(),
    started: processStart(process.pid),
    ...(what.socket ? { socket: what.socket } : {}),
    token: randomBytes(12).toString('hex'),
  };
  let recovered: LockHolder | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createExclusive(file, holder)) {
      heldHere.add(holder.token);
      return { holder, recovered, release: () => releaseLock(file, holder.token) };
    }
    const current = await readHolder(file);
    if (!current) continue; // removed meanwhile
    if (holderState(current) !== 'dead') throw new DataDirBusyError(dataDir, current);
    if (await breakStale(file, current, holder)) recovered = current;
    else await sleep(20);
  }
  const current = await readHolder(file);
  throw new DataDirBusyError(dataDir, current ?? holder);
}

/** Who holds the lock of `dataDir` now, if a live process does. */
export async function readDataDirOwner(dataDir: string): Promise<LockHolder | undefined> {
  const current = await readHolder(path.join(dataDir, LOCK_FILE));
  return current && holderState(current) !== 'dead' ? current : undefined;
}

/**
 * 'alive', 'dead', or 'unknown' when the holder runs on another host (a shared volume): that one
 * is treated as alive, since nothing here can tell.
 */
export function holderState(h: LockHolder): 'alive' | 'dead' | 'unknown' {
  if (h.host !== hostname()) return 'unknown';
  if (heldHere.has(h.token)) return 'alive';
  // pid 0: a file that names nobody (damaged); our own pid without our token: a previous life of this pid.
  if (h.pid <= 0 || h.pid === process.pid) return 'dead';
  const boot = bootId();
  if (h.boot && boot && h.boot !== boot) return 'dead';
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  const started = processStart(h.pid);
  if (h.started && started && h.started !== started) return 'dead';
  return 'alive';
}

async function createExclusive(file: string, holder: LockHolder): Promise<boolean> {
  const aside = `${file}.${holder.token}.new`;
  const handle = await open(aside, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(aside, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(aside).catch(() => {});
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (Number.isInteger(h.pid) && typeof h.token === 'string') return h;
  } catch {
    /* not ours or damaged: treated as a dead holder below */
  }
  return { pid: 0, command: 'unknown', since: 'unknown', host: hostname(), token: `damaged-${text.length}-${hashOf(text)}` };
}

/**
 * Removes `file` if it still names the stale holder. Returns true when this process removed it.
 * The marker `file.break-<token>` makes the removal exclusive; a marker left by a taker that died
 * is itself stale and broken the same way.
 */
async function breakStale(file: string, stale: LockHolder, me: LockHolder, depth = 0): Promise<boolean> {
  const marker = `${file}.break-${stale.token}`;
  if (!(await createExclusive(marker, me))) {
    const other = await readHolder(marker);
    if (other && holderState(other) === 'dead' && depth < 2) await breakStale(marker, other, me, depth + 1);
    return false;
  }
  try {
    const now = await readHolder(file);
    if (now?.token !== stale.token) return false;
    await unlink(file);
    return true;
  } finally {
    await unlink(marker).catch(() => {});
  }
}

async function releaseLock(file: string, token: string): Promise<void> {
  heldHere.delete(token);
  const now = await readHolder(file);
  if (now?.token === token) await unlink(file).catch(() => {});
}

/** The kernel's boot id (Linux), so a lock from before a reboot is never mistaken for a live one. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** When a process started, in clock ticks since boot (Linux): tells a reused pid from the holder. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after it do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function hashOf(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
