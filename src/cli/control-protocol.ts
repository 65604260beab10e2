// The command socket of a hub on the embedded database: a unix socket in the data directory
// (mode 0600, so only the user who owns the data can use it). Messages are JSON, each framed by
// its length (4 bytes, big-endian).
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import type { CommandRequest } from './requests.ts';

export const PROTOCOL_VERSION = 1;
export const SOCKET_NAME = 'hub.sock';
/** The largest message accepted: a request carries at most an OPML file (1 MiB) and its JSON escaping. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/** What a unix socket path may hold on Linux and macOS (sun_path, less the terminating NUL). */
const MAX_SOCKET_PATH = 103;

export type ClientMessage =
  | { t: 'run'; v: number; request: CommandRequest }
  /** A backup: copy the database files aside and say where; removed when the connection closes. */
  | { t: 'snapshot'; v: number };

export type HubMessage =
  | { t: 'out'; line: string }
  | { t: 'err'; line: string }
  | { t: 'exit'; code: number }
  | { t: 'snapshot'; dir: string };

/**
 * Where the hub serving `dataDir` listens: in the data directory, or, when that path is too long
 * for a socket, in a directory of this user's under the system's temporary directory.
 */
export function controlSocketPath(dataDir: string): string {
  const inDataDir = path.join(path.resolve(dataDir), SOCKET_NAME);
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH) return inDataDir;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `passerelle-${process.getuid?.() ?? 'user'}`, `${key}.sock`);
}

export function writeFrame(socket: Socket, message: ClientMessage | HubMessage): boolean {
  const body = Buffer.from(JSON.stringify(message));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return socket.write(Buffer.concat([head, body]));
}

/** Calls `onMessage` for each whole message read from `socket`; a frame over the limit ends the connection. */
export function readFrames<M>(socket: Socket, onMessage: (message: M) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) {
        socket.destroy(new Error(`message of ${length} bytes is over the ${MAX_FRAME_BYTES}-byte limit`));
        return;
      }
      if (buffered.length < 4 + length) return;
      const body = buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
      let message: M;
      try {
        message = JSON.parse(body.toString('utf8')) as M;
      } catch {
        socket.destroy(new Error('a message that is not JSON'));
        return;
      }
      onMessage(message);
    }
  });
}
