// The real hub on 127.0.0.1 for browser tests, the benchmark and the screenshots: createApp over
// @hono/node-server, on a free port, with PUBLIC_URL set to where it actually listens (so the
// addresses the subscribe box prints can be fetched). close() also drops open connections.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { silentLogger } from '../../src/core/logger.ts';
import type { Topic } from '../../src/core/types.ts';
import type { Database } from '../../src/store/db.ts';
import { createApp, type AppDeps } from '../../src/web/app.ts';

export interface RunningHub {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * `publicUrl` defaults to where the hub listens; give one only where its links need not be followed
 * (screenshots). `extra` adds dependencies, e.g. a pipeline and ADMIN_TOKEN for the admin pages.
 */
export async function startHub(database: Database, topics: Topic[], publicUrl?: string, extra: Partial<AppDeps> = {}): Promise<RunningHub> {
  const host = '127.0.0.1';
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const app = createApp({ database, logger: silentLogger(), publicUrl: publicUrl ?? url, version: 'test', topics, ...extra });
  server.on('request', getRequestListener(app.fetch));
  return {
    url,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A tiny server on another origin: a host page (and its stylesheet), for embedding the widget from elsewhere. */
export async function startHostPage(html: string, css = ''): Promise<RunningHub> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/host.css') res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    else res.writeHead(404).end();
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
