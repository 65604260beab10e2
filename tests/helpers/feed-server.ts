// A fixture HTTP(S) server on 127.0.0.1 for tests that fetch feeds: routes per test, canned
// responses (status, headers, gzip, redirects, slow drips, endless bodies), request recording.
//
//   const server = await startFeedServer();
//   server.route('/feed.xml', serveBody('<rss/>', { headers: { 'content-type': 'application/rss+xml' } }));
//   await fetchFeed({ url: server.url('/feed.xml') }, settings);
//   server.hits('/feed.xml');                          // 1
//   server.lastRequest('/feed.xml')?.headers['user-agent'];
//   await server.close();                              // also destroys sockets still open
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Header names lowercased, values exactly as received. */
  headers: IncomingMessage['headers'];
  at: number;
}

export interface FeedServer {
  /** e.g. "http://127.0.0.1:40123" */
  readonly origin: string;
  readonly port: number;
  /** Absolute URL of `path` on this server. */
  url(path: string): string;
  /** Registers (or replaces) the handler for a path; the query string is ignored when matching. */
  route(path: string, handler: RouteHandler): FeedServer;
  /** How many requests reached `path`. */
  hits(path: string): number;
  requests(path: string): RecordedRequest[];
  lastRequest(path: string): RecordedRequest | undefined;
  /** Every request, any path, in arrival order. */
  allRequests(): RecordedRequest[];
  /** Forgets routes and recorded requests. */
  reset(): void;
  /** Stops listening and destroys open connections (drips, endless bodies) so tests never hang. */
  close(): Promise<void>;
}

export interface FeedServerOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface BodyOptions {
  status?: number;
  headers?: Record<string, string | number | string[]>;
}

/** Responds with a fixed body (a string is sent as UTF-8); Content-Length is set unless given. */
export function serveBody(body: string | Buffer, options: BodyOptions = {}): RouteHandler {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return (_req, res) => {
    const headers = { 'content-length': bytes.length, ...options.headers };
    res.writeHead(options.status ?? 200, headers);
    res.end(bytes);
  };
}

/** Responds with `status` and headers only (304, 410, 429 …). */
export function serveStatus(status: number, headers: Record<string, string | number> = {}): RouteHandler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end();
  };
}

/** Redirects to `location` (relative or absolute) with `status`. */
export function serveRedirect(location: string, status = 302): RouteHandler {
  return (_req, res) => {
    res.writeHead(status, { location, 'content-length': 0 });
    res.end();
  };
}

/** gzip-compresses `body` and sends it with `Content-Encoding: gzip` unless headers say otherwise. */
export function serveGzip(body: string | Buffer, options: BodyOptions = {}): RouteHandler {
  const packed = zlib.gzipSync(body);
  return serveBody(packed, { ...options, headers: { 'content-encoding': 'gzip', ...options.headers } });
}

/** Sends the headers, then one chunk every `intervalMs` (a slow-loris server); stops after `chunks` if given. */
export function serveDrip(chunk: string | Buffer, intervalMs: number, options: BodyOptions & { chunks?: number } = {}): RouteHandler {
  return (_req, res) => {
    res.writeHead(options.status ?? 200, { 'content-type': 'application/rss+xml', ...options.headers });
    res.flushHeaders();
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed || (options.chunks !== undefined && sent >= options.chunks)) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(chunk);
      sent++;
    }, intervalMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Streams `chunk` forever (chunked, no Content-Length), honouring back-pressure, until the client goes away. */
export function serveEndless(chunk: string | Buffer, options: BodyOptions = {}): RouteHandler {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  return (_req, res) => {
    res.writeHead(options.status ?? 200, { 'content-type': 'application/rss+xml', ...options.headers });
    const pump = () => {
      while (!res.destroyed && res.write(bytes)) {
        /* keep writing until the socket buffer is full */
      }
    };
    res.on('drain', pump);
    pump();
  };
}

export async function startFeedServer(options: FeedServerOptions = {}): Promise<FeedServer> {
  const routes = new Map<string, RouteHandler>();
  const recorded: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    recorded.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, at: Date.now() });
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no route for ${path}`);
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handle) : http.createServer(handle);
  // The raw TCP socket, for TLS too: destroying it also ends a TLS session or a failed handshake.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const byPath = (path: string) => recorded.filter((r) => r.url.split('?')[0] === path.split('?')[0]);

  const api: FeedServer = {
    origin,
    port,
    url: (path) => new URL(path, origin).href,
    route(path, handler) {
      routes.set(path.split('?')[0], handler);
      return api;
    },
    hits: (path) => byPath(path).length,
    requests: byPath,
    lastRequest: (path) => byPath(path).at(-1),
    allRequests: () => [...recorded],
    reset() {
      routes.clear();
      recorded.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}

export interface Blackhole {
  readonly port: number;
  url(path?: string): string;
  close(): Promise<void>;
}

/**
 * A TCP port on 127.0.0.1 that never completes a new connection: a listener with a one-slot
 * backlog in a worker whose event loop is parked, so it never accepts; once the queue is full the
 * kernel drops further SYNs and a client's connect hangs, as with a firewall blackhole.
 */
export async function startBlackhole(): Promise<Blackhole> {
  const worker = new Worker(
    `const net = require('node:net');
     const { parentPort } = require('node:worker_threads');
     const server = net.createServer();
     server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
     });`,
    { eval: true },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // Fill the accept queue (backlog + 1 on Linux) so the next SYN is dropped.
  const fillers: Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    fillers.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    async close() {
      for (const socket of fillers) socket.destroy();
      await worker.terminate();
    },
  };
}
