// The data directory's lock: one live owner at a time, named in the refusal; a lock whose process
// is gone (killed, or a pid now used by another program) is taken over, by exactly one of several
// processes starting at once.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirBusyError, holderState, LOCK_FILE, readDataDirOwner, type LockHolder } from '../../src/store/data-dir-lock.ts';
import { ROOT } from '../helpers/processes.ts';

/** The pid of a process that has exited (and was reaped), so no process has it now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('the data directory lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names its holder, refuses a second owner, and is free again once released', async () => {
    const lock = await acquireDataDirLock(dir, { command: 'serve', socket: '/tmp/x.sock' });
    expect(lock.recovered).toBeUndefined();
    const owner = await readDataDirOwner(dir);
    expect(owner).toMatchObject({ pid: process.pid, command: 'serve', socket: '/tmp/x.sock', host: hostname() });
    const second = await acquireDataDirLock(dir, { command: 'worker' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DataDirBusyError);
    expect((second as Error).message).toMatch(new RegExp(`in use by passerelle serve \\(pid ${process.pid}, since \\d{4}-`));
    await lock.release();
    expect(await readDataDirOwner(dir)).toBeUndefined();
    const again = await acquireDataDirLock(dir, { command: 'worker' });
    await again.release();
  });

  it('takes over a lock whose process is gone, and says whose it was', async () => {
    const stale: LockHolder = { pid: await deadPid(), command: 'serve', since: '2024-05-01T12:00:00.000Z', host: hostname(), token: 'stale-one' };
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify(stale));
    expect(holderState(stale)).toBe('dead');
    expect(await readDataDirOwner(dir)).toBeUndefined();
    const lock = await acquireDataDirLock(dir, { command: 'serve' });
    expect(lock.recovered).toMatchObject({ pid: stale.pid, command: 'serve' });
    expect(JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8')).token).toBe(lock.holder.token);
    await lock.release();
  });

  it('does not mistake a reused pid, a damaged file or a lock from before a reboot for a live owner', async () => {
    // Our parent is alive, but started at another time than the lock says.
    expect(holderState({ pid: process.ppid, command: 'serve', since: '', host: hostname(), started: '1', token: 'a' })).toBe('dead');
    expect(holderState({ pid: process.ppid, command: 'serve', since: '', host: hostname(), boot: 'another-boot', token: 'b' })).toBe('dead');
    // A holder on another machine (a shared volume) cannot be checked: it counts as alive.
    expect(holderState({ pid: 1, command: 'serve', since: '', host: 'elsewhere', token: 'c' })).toBe('unknown');
    await writeFile(path.join(dir, LOCK_FILE), '');
    const lock = await acquireDataDirLock(dir, { command: 'sources list' });
    expect(lock.recovered?.command).toBe('unknown');
    await lock.release();
  });

  it('of several processes starting at once over a stale lock, exactly one becomes the owner', async () => {
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid: await deadPid(), command: 'serve', since: '', host: hostname(), token: 'stale-two' }));
    // Every process spins until the same moment, then reaches for the lock.
    const go = Date.now() + 8000;
    const script = `import { acquireDataDirLock } from ${JSON.stringify(path.join(ROOT, 'src/store/data-dir-lock.ts'))};
      while (Date.now() < ${go}) {}
      try { const lock = await acquireDataDirLock(${JSON.stringify(dir)}, { command: 'serve' }); console.log('owner'); setTimeout(() => lock.release(), 2000); }
      catch (err) { console.log(err.name); }`;
    const outputs = await Promise.all(
      Array.from({ length: 5 }, () => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        return new Promise<string>((r) => child.on('exit', () => (clearTimeout(timer), r(out.trim()))));
      }),
    );
    expect(outputs.filter((o) => o === 'owner')).toHaveLength(1);
    expect(outputs.filter((o) => o === 'DataDirBusyError')).toHaveLength(4);
  }, 90_000);
});
