// Sends a command to the running hub over its command socket and relays what it prints.
import { createConnection, type Socket } from 'node:net';
import { PROTOCOL_VERSION, readFrames, writeFrame, type ClientMessage, type HubMessage } from './control-protocol.ts';
import type { Io } from './io.ts';
import type { CommandRequest } from './requests.ts';

/** Nothing listens on the socket (yet): the hub is starting, or gone. */
export class HubUnreachableError extends Error {}

function connect(socketPath: string, first: ClientMessage): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const early = (err: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK'].includes(err.code ?? '') ? new HubUnreachableError(err.message) : err);
    };
    socket.once('error', early);
    socket.once('connect', () => {
      socket.off('error', early);
      writeFrame(socket, first);
      resolve(socket);
    });
  });
}

const LOST = 'the hub closed the connection before the command finished (did it stop?); the command may or may not have been done';

/** Runs `request` in the hub; resolves with its exit code once the hub has answered in full. */
export async function runInHub(socketPath: string, request: CommandRequest, io: Io): Promise<number> {
  const socket = await connect(socketPath, { t: 'run', v: PROTOCOL_VERSION, request });
  return new Promise((resolve, reject) => {
    let code: number | undefined;
    readFrames<HubMessage>(socket, (m) => {
      if (m.t === 'out') io.out(m.line);
      else if (m.t === 'err') io.err(m.line);
      else if (m.t === 'exit') code = m.code;
    });
    socket.on('error', () => {});
    socket.on('close', () => (code === undefined ? reject(new Error(LOST)) : resolve(code)));
  });
}

export interface HubSnapshot {
  /** A copy of the hub's database files, consistent, for this process to read. */
  dir: string;
  /** Tells the hub the copy can go. */
  release(): void;
}

/** Asks the hub for a copy of its database files; the copy lasts until `release`. */
export async function snapshotInHub(socketPath: string, io: Io): Promise<HubSnapshot> {
  const socket = await connect(socketPath, { t: 'snapshot', v: PROTOCOL_VERSION });
  return new Promise((resolve, reject) => {
    let answered = false;
    readFrames<HubMessage>(socket, (m) => {
      if (m.t === 'err') io.err(m.line);
      else if (m.t === 'snapshot') {
        answered = true;
        resolve({ dir: m.dir, release: () => socket.end() });
      } else if (m.t === 'exit') {
        answered = true;
        reject(new Error('the hub refused the backup'));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!answered) reject(new Error(LOST));
    });
  });
}
