// fetchFeed and redirects: the hop limit and loops, relative Locations, when a redirect counts as
// permanent, https→http downgrades, and the SSRF guard on every hop.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchFeed } from '../../src/fetch/fetch-feed.ts';
import { serveBody, serveRedirect, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { expectFailed, expectOk, testFetchSettings } from '../helpers/fetch.ts';

const RSS = '<rss version="2.0"><channel><title>moved</title></channel></rss>';
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



/** Routes /r1 → /r2 → … → /rN → /feed.xml with the given statuses. */
function chain(statuses: number[]): string {
  statuses.forEach((status, i) => {
    const next = i + 1 < statuses.length ? `/r${i + 2}` : '/feed.xml';
    server.route(`/r${i + 1}`, serveRedirect(next, status));
  });
  return server.url('/r1');
}

describe('hop limit (loops, long chains)', () => {
  it('follows five redirects', async () => {
    const result = expectOk(await fetchFeed({ url: chain([302, 302, 302, 302, 302]) }, testFetchSettings()));
    expect(result.url).toBe(server.url('/feed.xml'));
    expect(result.redirects).toHaveLength(5);
    expect(result.redirects[0]).toEqual({ from: server.url('/r1'), to: server.url('/r2'), status: 302 });
  });

  it('refuses a sixth', async () => {
    const result = expectFailed(await fetchFeed({ url: chain([302, 302, 302, 302, 302, 302]) }, testFetchSettings()));
    expect(result).toMatchObject({ code: 'too-many-redirects', error: 'too many redirects (more than 5)' });
    expect(server.hits('/r6')).toBe(1);
    expect(server.hits('/feed.xml')).toBe(0);
  });

  it('stops a loop at the limit', async () => {
    server.route('/a', serveRedirect('/b', 302));
    server.route('/b', serveRedirect('/a', 302));
    const result = expectFailed(await fetchFeed({ url: server.url('/a') }, testFetchSettings()));
    expect(result.code).toBe('too-many-redirects');
    expect(server.hits('/a') + server.hits('/b')).toBe(6);
  });

  it('resolves relative Locations and follows 303 and 307', async () => {
    server.route('/old/feed', serveRedirect('../moved/here?x=1', 303));
    server.route('/moved/here', serveRedirect('//127.0.0.1:' + server.port + '/feed.xml', 307));
    const result = expectOk(await fetchFeed({ url: server.url('/old/feed') }, testFetchSettings()));
    expect(result.redirects.map((r) => r.to)).toEqual([server.url('/moved/here?x=1'), server.url('/feed.xml')]);
  });

  it('fails a redirect without a Location', async () => {
    server.route('/r', serveStatus(301));
    expect(expectFailed(await fetchFeed({ url: server.url('/r') }, testFetchSettings()))).toMatchObject({ code: 'http', status: 301 });
  });

  it('sends the stored validators on every hop and reports a 304 at the end', async () => {
    server.route('/r', serveRedirect('/feed304', 301));
    server.route('/feed304', serveStatus(304));
    const result = await fetchFeed({ url: server.url('/r'), etag: '"abc"' }, testFetchSettings());
    expect(result).toMatchObject({ kind: 'not-modified', etag: '"abc"', permanentRedirect: server.url('/feed304') });
    expect(server.lastRequest('/feed304')!.headers['if-none-match']).toBe('"abc"');
  });
});

describe('permanent redirects', () => {
  it('reports the target of a 301/308 chain', async () => {
    const result = expectOk(await fetchFeed({ url: chain([301, 308]) }, testFetchSettings()));
    expect(result.permanentRedirect).toBe(server.url('/feed.xml'));
  });

  it.each([[[302]], [[301, 302]], [[307, 308]]])('does not for %j', async (statuses) => {
    const result = expectOk(await fetchFeed({ url: chain(statuses) }, testFetchSettings()));
    expect(result.permanentRedirect).toBeUndefined();
  });

  it('does not when the chain ends where it started', async () => {
    let n = 0;
    server.route('/self', (req, res) => (n++ === 0 ? serveRedirect('/self?x', 301)(req, res) : serveBody(RSS)(req, res)));
    const result = expectOk(await fetchFeed({ url: server.url('/self?x') }, testFetchSettings()));
    expect(result.permanentRedirect).toBeUndefined();
  });

  it('does not when the target fails', async () => {
    server.route('/r', serveRedirect('/missing', 301));
    const result = expectFailed(await fetchFeed({ url: server.url('/r') }, testFetchSettings()));
    expect(result.permanentRedirect).toBeUndefined();
    expect(result.url).toBe(server.url('/missing'));
  });
});

describe('https → http downgrade', () => {
  let secure: FeedServer;
  beforeAll(async () => {
    secure = await startFeedServer({ tls });
  });
  afterAll(async () => {
    await secure.close();
  });

  it('follows it with a warning but never reports it as permanent', async () => {
    secure.route('/feed.xml', serveRedirect(server.url('/feed.xml'), 301));
    const result = expectOk(await fetchFeed({ url: secure.url('/feed.xml') }, testFetchSettings(), { ca: tls.cert }));
    expect(result.url).toBe(server.url('/feed.xml'));
    expect(result.permanentRedirect).toBeUndefined();
    expect(result.warnings).toEqual([{ code: 'https-downgrade', params: { target: new URL(server.url('/')).origin } }]);
  });

  it('reports an https → https 301 as permanent', async () => {
    secure.route('/old.xml', serveRedirect('/new.xml', 301));
    secure.route('/new.xml', serveBody(RSS));
    const result = expectOk(await fetchFeed({ url: secure.url('/old.xml') }, testFetchSettings(), { ca: tls.cert }));
    expect(result.permanentRedirect).toBe(secure.url('/new.xml'));
  });
});

describe('every hop is re-validated (address and scheme)', () => {
  it('blocks a redirect to a private address without contacting it', async () => {
    const attempts: string[] = [];
    const original = net.Socket.prototype.connect;
    const spy = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string } | undefined;
      attempts.push(String(first?.host));
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    });
    try {
      server.route('/r', serveRedirect('http://10.0.0.5/', 301));
      const result = expectFailed(await fetchFeed({ url: server.url('/r') }, testFetchSettings()));
      expect(result).toMatchObject({ code: 'blocked', error: 'blocked: redirect to non-public address (10.0.0.5)' });
      expect(result.permanentRedirect).toBeUndefined();
      expect(result.redirects).toEqual([]);
      expect(attempts).toEqual(['127.0.0.1']);
    } finally {
      spy.mockRestore();
    }
  });

  it('blocks a redirect to a name that resolves to a private address', async () => {
    server.route('/r', serveRedirect(`http://cms.partner.example:${server.port}/feed.xml`, 302));
    const resolve = async () => [{ address: '192.168.4.20', family: 4 as const }];
    const result = expectFailed(await fetchFeed({ url: server.url('/r') }, testFetchSettings(), { resolve }));
    expect(result).toMatchObject({ code: 'blocked', params: { address: '192.168.4.20', viaRedirect: true }, error: 'blocked: redirect to non-public address (192.168.4.20)' });
  });

  it.each(['file:///etc/passwd', 'gopher://127.0.0.1:70/', 'data:text/xml,<rss/>'])('refuses a redirect to %s', async (location) => {
    server.route('/r', serveRedirect(location, 302));
    const result = expectFailed(await fetchFeed({ url: server.url('/r') }, testFetchSettings()));
    expect(result.code).toBe('bad-url');
    expect(result.error).toMatch(/^redirect to unsupported URL scheme/);
  });
});
