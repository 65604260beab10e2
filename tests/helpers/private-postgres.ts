// A throwaway PostgreSQL server of our own, for tests that stop and start the database (the
// shared server on 5432 serves the other test files in parallel and must never be restarted).
// initdb refuses to run as root, so the server runs as the postgres user when we are root.
//
//   const pg = await startPrivatePostgres();
//   pg.url;                 // postgres://postgres@127.0.0.1:<port>/postgres
//   await pg.stop();        // fast shutdown: clients see their connections closed
//   await pg.start();       // same data, same port
//   await pg.destroy();     // stops it and removes its directory
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  start(): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  destroy(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux). A private server is
 * stopped and started again on its port; a port the kernel hands out for `listen(0)` could go to
 * another test's server in the moment it is stopped, and the restart would then find it taken.
 */
async function restartablePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port between 20000 and 30000');
}

function asPostgresUser(command: string, args: string[]): Promise<unknown> {
  const root = process.getuid?.() === 0;
  return root ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  const port = await restartablePort();
  await asPostgresUser(path.join(PG_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const pgCtl = (...args: string[]) => asPostgresUser(path.join(PG_BIN, 'pg_ctl'), ['-D', data, ...args]);
  const instance: PrivatePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    async start() {
      await pgCtl('-o', serverOptions, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start');
    },
    async stop(mode = 'fast') {
      await pgCtl('-m', mode, '-w', '-t', '30', 'stop');
    },
    async destroy() {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await instance.start();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return instance;
}
