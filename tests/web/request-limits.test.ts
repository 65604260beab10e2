// Request bodies are bounded on every route, sent with a Content-Length or chunked: the answer is
// a 413 as soon as the limit is passed, and the rest of the body is never read into memory.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createFeedCache } from '../../src/publish/feed-cache.ts';
import { createFeedRenderer } from '../../src/publish/feed-renderer.ts';
import { createWebsubHub } from '../../src/publish/websub.ts';
import type { Database } from '../../src/store/db.ts';
import { readGeneration } from '../../src/store/hub-state.ts';
import { createApp } from '../../src/web/app.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { testPipeline } from '../helpers/hub.ts';

const KIB = 1024;
const CHUNK = 8 * KIB;

/** A chunked body of `total` bytes that counts how much of it was read. */
function countingBody(total: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += CHUNK;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { body, pulled: () => pulled };
}

describe('request body limits', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    const cache = createFeedCache({ readGeneration: async () => (await readGeneration(database.db)).generation });
    const renderer = createFeedRenderer({ db: database.db, topics: [], publicUrl: 'https://hub.example.ca', version: 'test', cache });
    const websub = createWebsubHub({ db: database.db, renderer, publicUrl: 'https://hub.example.ca', guard: { allowPrivateNetworks: false, privateAllowlist: [] } });
    app = createApp({ database, logger: silentLogger(), publicUrl: 'https://hub.example.ca', version: 'test', topics: [], feedCache: cache, websub, pipeline: testPipeline(database.db), adminToken: 'a-long-enough-admin-token' });
  });
  afterAll(() => cleanup());

  const routes: [string, string, number][] = [
    ['/websub', 'application/x-www-form-urlencoded', 16 * KIB],
    ['/api/saved-feeds', 'application/json', 16 * KIB],
    ['/api/sources', 'application/json', 64 * KIB],
    ['/api/opml', 'text/x-opml', 1024 * KIB + 4 * KIB],
    ['/en/admin/sign-in', 'application/x-www-form-urlencoded', 64 * KIB],
    ['/no/such/route', 'application/octet-stream', 64 * KIB],
  ];

  it.each(routes)('%s: a chunked body of 10 MiB is refused with 413 once past its limit, the rest never read', async (path, type, limit) => {
    const { body, pulled } = countingBody(10 * 1024 * KIB);
    const res = await app.request(path, { method: 'POST', headers: { 'content-type': type, authorization: 'Bearer a-long-enough-admin-token' }, body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled()).toBeGreaterThan(limit);
    expect(pulled()).toBeLessThanOrEqual(limit + 2 * CHUNK);
  });

  it.each(routes)('%s: a Content-Length over the limit is refused before anything is read', async (path, type, limit) => {
    const res = await app.request(path, { method: 'POST', headers: { 'content-type': type, 'content-length': String(limit + 1) }, body: 'x'.repeat(limit + 1) });
    expect(res.status).toBe(413);
  });

  it('a body within its limit still reaches the route', async () => {
    const res = await app.request('/api/saved-feeds', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'All of it', query: '' }) });
    expect(res.status).toBe(201);
  });

  it('over a real socket, a chunked POST gets its 413 while the client is still sending', async () => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      const chunk = Buffer.alloc(64 * KIB, 0x61);
      let written = 0;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/websub', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } });
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', (err) => (answered ? undefined : reject(err)));
        const pump = () => {
          while (!answered && written < 150 * 1024 * KIB) {
            written += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!answered) req.end();
        };
        pump();
      });
      expect(status).toBe(413);
      // What the sockets' buffers took before the answer came: far from the 150 MiB being sent.
      expect(written).toBeLessThan(16 * 1024 * KIB);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
