// Where a database command runs. With DATABASE_URL: here, on its own connections, beside any
// number of other processes. On the embedded database, whose data directory has one owner: in the
// running hub when there is one (sent over its command socket), else here, under the directory's
// lock. Only this file decides; cli/main.ts hands it every database command.
import { hostname } from 'node:os';
import type { Config } from '../core/config.ts';
import { DataDirBusyError, readDataDirOwner, type LockHolder } from '../store/data-dir-lock.ts';
import { HubUnreachableError, runInHub } from './control-client.ts';
import type { Io } from './io.ts';
import type { CommandRequest } from './requests.ts';

/** How long a command waits for a hub that is starting, or for another command, before giving up. */
export const OWNER_WAIT_MS = 60_000;

export async function dispatch(config: Readonly<Config>, request: CommandRequest, io: Io): Promise<number> {
  return withDataDir(config, io, {
    inHub: (socket) => runInHub(socket, request, io),
    here: async () => {
      const [{ openLocalContext }, { runRequest }] = await Promise.all([import('./command-context.ts'), import('./run-request.ts')]);
      const ctx = await openLocalContext(config, request.name, io.err);
      try {
        return await runRequest(ctx, request, io);
      } finally {
        await ctx.close();
      }
    },
  });
}

/**
 * Runs `inHub` with the running hub's command socket when a hub owns the embedded data directory,
 * else `here` (which takes the directory's lock itself). Waits, saying so, while a hub is starting
 * or another command holds the directory. With DATABASE_URL, always `here`.
 */
export async function withDataDir<T>(
  config: Readonly<Config>,
  io: Io,
  run: { inHub: (socket: string) => Promise<T>; here: () => Promise<T> },
): Promise<T> {
  if (config.databaseUrl) return run.here();
  const deadline = Date.now() + OWNER_WAIT_MS;
  let waitingFor: string | undefined;
  for (;;) {
    const owner = await readDataDirOwner(config.dataDir);
    if (!owner) {
      try {
        return await run.here();
      } catch (err) {
        if (!(err instanceof DataDirBusyError)) throw err;
        continue; // another process took the directory meanwhile: ask again who
      }
    }
    if (owner.host !== hostname()) throw new DataDirBusyError(config.dataDir, owner);
    if (owner.socket) {
      try {
        return await run.inHub(owner.socket);
      } catch (err) {
        if (!(err instanceof HubUnreachableError)) throw err;
      }
    }
    const what = describeOwner(owner);
    if (waitingFor !== what) io.err(`waiting for ${what} to ${owner.socket ? 'finish starting' : 'finish'}…`);
    waitingFor = what;
    if (Date.now() > deadline) throw new DataDirBusyError(config.dataDir, owner);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function describeOwner(owner: LockHolder): string {
  return `passerelle ${owner.command} (pid ${owner.pid})`;
}
