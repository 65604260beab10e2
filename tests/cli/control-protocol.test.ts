// The command socket's plumbing: where it lives when the data directory's path is too long for a
// socket, and messages read whole however the bytes arrive; an oversized one ends the connection.
import { createServer, createConnection, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlSocketPath, MAX_FRAME_BYTES, readFrames, writeFrame, type HubMessage } from '../../src/cli/control-protocol.ts';

describe('the command socket', () => {
  it('sits in the data directory, or under the temporary directory when that path is too long', () => {
    expect(controlSocketPath('/srv/passerelle/data')).toBe('/srv/passerelle/data/hub.sock');
    const deep = `/srv/${'very-long-directory-name/'.repeat(8)}data`;
    const p = controlSocketPath(deep);
    expect(p.startsWith(tmpdir())).toBe(true);
    expect(Buffer.byteLength(p)).toBeLessThanOrEqual(103);
    expect(controlSocketPath(deep)).toBe(p);
    expect(controlSocketPath(`${deep}2`)).not.toBe(p);
  });

  describe('messages', () => {
    let dir: string;
    let received: HubMessage[];
    let server: ReturnType<typeof createServer>;
    let socketPath: string;
    let serverSide: Promise<Socket>;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'passerelle-frames-'));
      socketPath = path.join(dir, 's.sock');
      received = [];
      serverSide = new Promise((resolve) => {
        server = createServer((s) => {
          s.on('error', () => {});
          readFrames<HubMessage>(s, (m) => received.push(m));
          resolve(s);
        });
      });
      await new Promise<void>((r) => server.listen(socketPath, r));
    });
    afterAll(async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    });

    it('are read whole however the bytes arrive, and an oversized one ends the connection', async () => {
      const client = createConnection(socketPath);
      await new Promise((r) => client.once('connect', r));
      // Two messages written byte by byte, then one in a single write.
      const collect: Buffer[] = [];
      const fake = { write: (b: Buffer) => (collect.push(b), true) } as unknown as Socket;
      writeFrame(fake, { t: 'out', line: 'première ligne — é' });
      writeFrame(fake, { t: 'exit', code: 3 });
      const bytes = Buffer.concat(collect);
      for (const byte of bytes) {
        client.write(Buffer.from([byte]));
        await new Promise((r) => setImmediate(r));
      }
      writeFrame(client, { t: 'err', line: 'x'.repeat(100_000) });
      await expect.poll(() => received.length).toBe(3);
      expect(received[0]).toEqual({ t: 'out', line: 'première ligne — é' });
      expect(received[1]).toEqual({ t: 'exit', code: 3 });
      expect((received[2] as { line: string }).line).toHaveLength(100_000);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(MAX_FRAME_BYTES + 1);
      client.write(head);
      const server = await serverSide;
      await new Promise((r) => (server.destroyed ? r(null) : server.once('close', r)));
      client.destroy();
    });
  });
});
