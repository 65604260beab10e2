// fetchFeed and the network: the SSRF guard on literal addresses, names and rebinding; DNS,
// refused and blackholed connections; the total deadline; aborts; TLS; URL schemes.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedAddress } from '../../src/fetch/address-guard.ts';
import { fetchFeed } from '../../src/fetch/fetch-feed.ts';
import { serveBody, serveDrip, startBlackhole, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { expectFailed, testFetchSettings } from '../helpers/fetch.ts';

const RSS = '<rss version="2.0"><channel><title>ok</title></channel></rss>';
const TLS_DIR = path.join(import.meta.dirname, 'fixtures/tls');
const tls = { key: fs.readFileSync(path.join(TLS_DIR, 'key.pem')), cert: fs.readFileSync(path.join(TLS_DIR, 'cert.pem')) };

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  server.route('/feed.xml', serveBody(RSS, { headers: { 'content-type': 'application/rss+xml' } }));
});


const originalConnect = net.Socket.prototype.connect;

/** Records every TCP connect attempt in this process, to prove none went to a blocked address. */
function recordConnectAttempts() {
  const hosts: string[] = [];
  const spy = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // http passes normalised arguments: [[options, callback]].
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string } | undefined;
    hosts.push(String(first?.host));
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
  return { hosts, restore: () => spy.mockRestore() };
}

const stubResolver = (answers: Record<string, ResolvedAddress[]>) => {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    return found;
  };
  return { resolve, asked };
};

describe('SSRF: literal addresses, in every spelling', () => {
  let connects: ReturnType<typeof recordConnectAttempts>;
  beforeEach(() => {
    connects = recordConnectAttempts();
  });
  afterEach(() => connects.restore());

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://[::1]/', '::1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe'],
    ['http://100.64.0.1/', '100.64.0.1'],
    ['http://0.0.0.0/', '0.0.0.0'],
    ['https://10.0.0.5/feed', '10.0.0.5'],
  ])('blocks %s before any connection', async (url, shown) => {
    const result = expectFailed(await fetchFeed({ url }, testFetchSettings({ privateAllowlist: [] })));
    expect(result.code).toBe('blocked');
    expect(result.error).toBe(`blocked: non-public address (${shown})`);
    expect(connects.hosts).toEqual([]);
  });

  it('connects to an allowlisted loopback address', async () => {
    const result = await fetchFeed({ url: server.url('/feed.xml') }, testFetchSettings());
    expect(result.kind).toBe('ok');
    expect(connects.hosts).toEqual(['127.0.0.1']);
  });

  it('connects anywhere when private networks are allowed', async () => {
    const result = await fetchFeed({ url: server.url('/feed.xml') }, testFetchSettings({ allowPrivateNetworks: true, privateAllowlist: [] }));
    expect(result.kind).toBe('ok');
  });
});

describe('SSRF: names are judged by the address they resolve to, at connect time', () => {
  it('blocks localhost through the system resolver', async () => {
    const result = expectFailed(await fetchFeed({ url: `http://localhost:${server.port}/feed.xml` }, testFetchSettings({ privateAllowlist: [] })));
    expect(result.code).toBe('blocked');
    expect(result.error).toMatch(/^blocked: non-public address \(localhost → (127\.0\.0\.1|::1)\)$/);
    expect(server.hits('/feed.xml')).toBe(0);
  });

  it('blocks a public-looking name that resolves to loopback (DNS rebinding)', async () => {
    const dns = stubResolver({ 'news.settlement.example': [{ address: '127.0.0.1', family: 4 }] });
    const url = `http://news.settlement.example:${server.port}/feed.xml`;
    const result = expectFailed(await fetchFeed({ url }, testFetchSettings({ privateAllowlist: [] }), { resolve: dns.resolve }));
    expect(result).toMatchObject({
      code: 'blocked',
      params: { address: '127.0.0.1', host: 'news.settlement.example' },
      error: 'blocked: non-public address (news.settlement.example → 127.0.0.1)',
    });
    expect(dns.asked).toEqual(['news.settlement.example']);
    expect(server.hits('/feed.xml')).toBe(0);
  });

  it('checks the answer used for the connection, not an earlier one', async () => {
    // The first answer (say, at subscribe time) is public; the one at connect time is loopback.
    const answers = [[{ address: '93.184.216.34', family: 4 as const }], [{ address: '127.0.0.1', family: 4 as const }]];
    let calls = 0;
    const resolve = async (_hostname: string) => answers[Math.min(calls++, 1)];
    expect(await resolve('rebind.example')).toEqual(answers[0]);
    const result = expectFailed(await fetchFeed({ url: `http://rebind.example:${server.port}/feed.xml` }, testFetchSettings({ privateAllowlist: [] }), { resolve }));
    expect(result.code).toBe('blocked');
    expect(server.hits('/feed.xml')).toBe(0);
  });

  it('connects through a name when its address is allowlisted, using only allowed addresses', async () => {
    const dns = stubResolver({ 'hub.internal.example': [{ address: '10.9.9.9', family: 4 }, { address: '127.0.0.1', family: 4 }] });
    const result = await fetchFeed({ url: `http://hub.internal.example:${server.port}/feed.xml` }, testFetchSettings(), { resolve: dns.resolve });
    expect(result.kind).toBe('ok');
    expect(server.lastRequest('/feed.xml')!.headers.host).toBe(`hub.internal.example:${server.port}`);
  });
});

describe('DNS and connection failures', () => {
  it('reports a DNS failure', async () => {
    const dns = stubResolver({});
    const result = expectFailed(await fetchFeed({ url: 'http://feeds.nowhere.invalid/rss' }, testFetchSettings(), { resolve: dns.resolve }));
    expect(result).toMatchObject({ code: 'dns', params: { host: 'feeds.nowhere.invalid', cause: 'ENOTFOUND' }, error: 'DNS lookup failed for feeds.nowhere.invalid (ENOTFOUND)' });
  });

  it('reports a refused connection', async () => {
    const closed = await startFeedServer();
    const url = closed.url('/feed.xml');
    await closed.close();
    const result = expectFailed(await fetchFeed({ url }, testFetchSettings()));
    expect(result).toMatchObject({ code: 'connect', error: 'connection refused' });
  });

  it('gives up on a TCP blackhole after the connect timeout', async () => {
    const hole = await startBlackhole();
    try {
      const started = Date.now();
      const result = expectFailed(await fetchFeed({ url: hole.url('/feed.xml') }, testFetchSettings({ connectTimeoutMs: 200, timeoutMs: 5000 })));
      expect(result.code).toBe('connect');
      expect(result.error).toMatch(/^connection timed out/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await hole.close();
    }
  });

  it('counts a resolver that never answers against the connect timeout', async () => {
    const result = expectFailed(await fetchFeed({ url: 'http://slow-dns.example/feed' }, testFetchSettings({ connectTimeoutMs: 150 }), { resolve: () => new Promise(() => {}) }));
    expect(result.code).toBe('connect');
  });
});

describe('total deadline and aborts (slow servers)', () => {
  it('aborts a slow-loris body on the total deadline, not an idle timeout', async () => {
    server.route('/slow.xml', serveDrip('<', 50));
    const started = Date.now();
    const result = expectFailed(await fetchFeed({ url: server.url('/slow.xml') }, testFetchSettings({ timeoutMs: 300 })));
    expect(result).toMatchObject({ code: 'timeout', error: 'timed out after 0.3s' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('aborts a server that never sends headers', async () => {
    server.route('/hang.xml', () => {});
    const result = expectFailed(await fetchFeed({ url: server.url('/hang.xml') }, testFetchSettings({ timeoutMs: 250 })));
    expect(result.code).toBe('timeout');
  });

  it('frees the server-side socket after a timeout', async () => {
    let closed!: () => void;
    const socketClosed = new Promise<void>((resolve) => (closed = resolve));
    server.route('/slow.xml', (req, res) => {
      res.on('close', closed);
      serveDrip('<', 50)(req, res);
    });
    await fetchFeed({ url: server.url('/slow.xml') }, testFetchSettings({ timeoutMs: 200 }));
    await expect(Promise.race([socketClosed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 1000))])).resolves.toBe('closed');
  });

  it('stops when the caller aborts', async () => {
    server.route('/slow.xml', serveDrip('<', 50));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = expectFailed(await fetchFeed({ url: server.url('/slow.xml'), signal: controller.signal }, testFetchSettings()));
    expect(result).toMatchObject({ code: 'aborted', error: 'fetch aborted' });
  });

  it('does not start when the signal is already aborted', async () => {
    const result = expectFailed(await fetchFeed({ url: server.url('/feed.xml'), signal: AbortSignal.abort() }, testFetchSettings()));
    expect(result.code).toBe('aborted');
    expect(server.hits('/feed.xml')).toBe(0);
  });
});

describe('TLS', () => {
  let secure: FeedServer;
  beforeAll(async () => {
    secure = await startFeedServer({ tls });
    secure.route('/feed.xml', serveBody(RSS, { headers: { 'content-type': 'application/rss+xml' } }));
  });
  afterAll(async () => {
    await secure.close();
  });

  it('reports an untrusted certificate as a TLS error', async () => {
    const result = expectFailed(await fetchFeed({ url: secure.url('/feed.xml') }, testFetchSettings()));
    expect(result.code).toBe('tls');
    expect(result.error).toMatch(/^TLS error: .*self-signed/);
  });

  it('fetches over HTTPS when the certificate is trusted', async () => {
    const result = await fetchFeed({ url: secure.url('/feed.xml') }, testFetchSettings(), { ca: tls.cert });
    expect(result).toMatchObject({ kind: 'ok', text: RSS });
  });
});

describe('URL schemes: http(s) only', () => {
  it.each(['file:///etc/passwd', 'ftp://example.org/feed.xml', 'gopher://example.org/1', 'data:application/rss+xml,<rss/>'])('refuses %s', async (url) => {
    const result = expectFailed(await fetchFeed({ url }, testFetchSettings()));
    expect(result.code).toBe('bad-url');
    expect(result.error).toMatch(/^unsupported URL scheme/);
  });

  it('refuses a string that is not a URL', async () => {
    expect(expectFailed(await fetchFeed({ url: 'not a url' }, testFetchSettings())).code).toBe('bad-url');
  });
});
