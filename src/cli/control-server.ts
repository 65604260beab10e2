// The running hub's command socket (embedded database only): `passerelle` commands typed while the
// hub runs are sent here and run in this process, against its open database, with the same code
// a one-off process runs (cli/run-request.ts). Their output and exit code go back over the socket.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { PGLITE_DIR } from '../store/db.ts';
import { hubContext } from './command-context.ts';
import { PROTOCOL_VERSION, readFrames, writeFrame, type ClientMessage } from './control-protocol.ts';
import type { Hub } from './hub.ts';
import type { Io } from './io.ts';
import { COMMAND_NAMES } from './requests.ts';
import { runRequest } from './run-request.ts';

export interface ControlServer {
  /** Stops taking commands and waits up to `graceMs` for the ones running. */
  close(graceMs?: number): Promise<void>;
}

/** Where a running hub copies its database for a backup; emptied at start (copies left by a crash). */
export const SNAPSHOTS_DIR = 'snapshots';

export async function startControlServer(hub: Hub, socketPath: string): Promise<ControlServer> {
  const log = hub.logger.child({ component: 'commands' });
  const snapshots = path.join(hub.config.dataDir, SNAPSHOTS_DIR);
  await rm(snapshots, { recursive: true, force: true });
  await mkdir(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  // A socket file left by a process that died: this process holds the data directory's lock now.
  await rm(socketPath, { force: true });
  const running = new Set<Promise<unknown>>();
  const connections = new Set<Socket>();

  const handle = (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    let started = false;
    readFrames<ClientMessage>(socket, (message) => {
      if (started) return;
      started = true;
      const work = serve(socket, message).catch((err: unknown) => log.error({ err }, 'command failed'));
      running.add(work);
      void work.finally(() => running.delete(work));
    });
  };

  const serve = async (socket: Socket, message: ClientMessage) => {
    const send = (m: Parameters<typeof writeFrame>[1]) => {
      if (!socket.destroyed) writeFrame(socket, m);
    };
    const known = message.t === 'snapshot' || (message.t === 'run' && COMMAND_NAMES.includes(message.request?.name));
    if (message.v !== PROTOCOL_VERSION || !known) {
      send({ t: 'err', line: 'error: the running hub does not know this command (it runs another version of passerelle): restart it, then run the command again' });
      send({ t: 'exit', code: 1 });
      socket.end();
      return;
    }
    if (message.t === 'snapshot') {
      const dir = path.join(snapshots, `${Date.now()}-${randomBytes(4).toString('hex')}`);
      await mkdir(snapshots, { recursive: true, mode: 0o700 });
      const closed = new Promise((resolve) => socket.once('close', resolve));
      try {
        const t0 = performance.now();
        await hub.database.snapshot!(path.join(dir, PGLITE_DIR));
        log.info({ durationMs: Math.round(performance.now() - t0) }, 'database copied for a backup');
        send({ t: 'snapshot', dir });
        await closed;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      return;
    }
    const { request } = message;
    log.info({ command: request.name }, 'command received');
    const io: Io = { out: (line) => send({ t: 'out', line }), err: (line) => send({ t: 'err', line }), env: process.env };
    let code: number;
    try {
      code = await runRequest(hubContext(hub), request, io);
    } catch (err) {
      if (err instanceof ConfigError) {
        io.err(err.message);
        code = 78;
      } else {
        log.error({ err, command: request.name }, 'command failed');
        io.err(`error: ${(err as Error).message}`);
        code = 1;
      }
    }
    send({ t: 'exit', code });
    socket.end();
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  log.info({ socket: socketPath }, 'taking commands');

  return {
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (running.size) {
        const timer = new Promise((r) => setTimeout(r, graceMs).unref());
        await Promise.race([Promise.allSettled([...running]), timer]);
      }
      for (const socket of connections) socket.destroy();
      await closed;
    },
  };
}
