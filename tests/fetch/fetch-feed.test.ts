// fetchFeed against a local fixture server: what it sends, conditional GET, HTTP statuses,
// bot protection, empty bodies, caching hints, and what errors may (not) contain.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPT, fetchFeed } from '../../src/fetch/fetch-feed.ts';
import { serveBody, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { TEST_USER_AGENT, expectFailed, expectOk, testFetchSettings } from '../helpers/fetch.ts';

const RSS = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Nouvelles</title></channel></rss>';
const rssHeaders = { 'content-type': 'application/rss+xml; charset=utf-8' };

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());



const fetchPath = (path: string, extra: Partial<Parameters<typeof fetchFeed>[0]> = {}) =>
  fetchFeed({ url: server.url(path), ...extra }, testFetchSettings());

describe('a plain successful fetch', () => {
  it('sends our User-Agent, Accept and Accept-Encoding, and returns bytes, text and metadata', async () => {
    server.route('/feed.xml', serveBody(RSS, { headers: { ...rssHeaders, etag: '"v1"', 'last-modified': 'Tue, 10 Nov 2026 08:00:00 GMT' } }));
    const result = expectOk(await fetchPath('/feed.xml'));

    const sent = server.lastRequest('/feed.xml')!.headers;
    expect(sent['user-agent']).toBe(TEST_USER_AGENT);
    expect(sent.accept).toBe(ACCEPT);
    expect(sent['accept-encoding']).toBe('gzip, deflate, br');
    expect(sent['if-none-match']).toBeUndefined();
    expect(sent['if-modified-since']).toBeUndefined();

    expect(result).toMatchObject({
      kind: 'ok',
      status: 200,
      url: server.url('/feed.xml'),
      redirects: [],
      text: RSS,
      encoding: 'utf-8',
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"v1"',
      lastModified: 'Tue, 10 Nov 2026 08:00:00 GMT',
    });
    expect(result.bytes.equals(Buffer.from(RSS))).toBe(true);
    expect(result.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.permanentRedirect).toBeUndefined();
  });

  it('returns an HTML page as ok: judging "not a feed" is the parser\'s job', async () => {
    server.route('/', serveBody('<!DOCTYPE html><html><head><title>Accueil</title></head><body>Bienvenue</body></html>', { headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const result = expectOk(await fetchPath('/'));
    expect(result.contentType).toMatch(/^text\/html/);
    expect(result.text).toContain('Bienvenue');
  });

  it('refuses media types that are never a feed, without echoing the body', async () => {
    server.route('/logo.png', serveBody(Buffer.from('\x89PNG\r\n\x1a\nSECRET-PIXELS'), { headers: { 'content-type': 'image/png' } }));
    const result = expectFailed(await fetchPath('/logo.png'));
    expect(result).toMatchObject({ code: 'not-a-feed', error: 'not a feed (image/png)', status: 200 });
  });
});

describe('conditional GET', () => {
  it('sends the stored validators byte for byte, weak ETag included, and maps 304 to not-modified', async () => {
    server.route('/feed.xml', serveStatus(304));
    const result = await fetchPath('/feed.xml', { etag: 'W/"5f2-a1b2c3"', lastModified: 'Mon, 09 Nov 2026 10:00:00 GMT' });
    const sent = server.lastRequest('/feed.xml')!.headers;
    expect(sent['if-none-match']).toBe('W/"5f2-a1b2c3"');
    expect(sent['if-modified-since']).toBe('Mon, 09 Nov 2026 10:00:00 GMT');
    expect(result).toMatchObject({ kind: 'not-modified', status: 304, etag: 'W/"5f2-a1b2c3"', lastModified: 'Mon, 09 Nov 2026 10:00:00 GMT' });
  });

  it('takes refreshed validators from the 304 when it sends them (RFC 9111 §4.3.4)', async () => {
    server.route('/feed.xml', serveStatus(304, { etag: 'W/"new"', 'last-modified': 'Wed, 11 Nov 2026 10:00:00 GMT', 'cache-control': 'max-age=900' }));
    const result = await fetchPath('/feed.xml', { etag: 'W/"old"', lastModified: 'Mon, 09 Nov 2026 10:00:00 GMT' });
    expect(result).toMatchObject({ kind: 'not-modified', etag: 'W/"new"', lastModified: 'Wed, 11 Nov 2026 10:00:00 GMT', cacheMaxAgeSeconds: 900 });
  });

  it('does not send a stored validator HTTP cannot carry', async () => {
    server.route('/feed.xml', serveBody(RSS, { headers: rssHeaders }));
    const result = expectOk(await fetchPath('/feed.xml', { etag: '"a"\r\nX-Injected: 1' }));
    expect(server.lastRequest('/feed.xml')!.headers['x-injected']).toBeUndefined();
    expect(server.lastRequest('/feed.xml')!.headers['if-none-match']).toBeUndefined();
    expect(result.warnings).toEqual([{ code: 'etag-not-sent' }]);
  });
});

describe('HTTP statuses: gone, rate limits, errors', () => {
  it('reports 410 as gone', async () => {
    server.route('/old.xml', serveStatus(410));
    const result = expectFailed(await fetchPath('/old.xml'));
    expect(result).toMatchObject({ code: 'http', status: 410, gone: true, error: 'gone (410): the source has been removed' });
  });

  it.each([
    [{ 'retry-after': '3600' }, 3600],
    [{ 'retry-after': 'Sun, 22 Nov 2026 14:00:00 GMT', date: 'Sun, 22 Nov 2026 12:00:00 GMT' }, 7200],
    [{}, undefined],
    [{ 'retry-after': '999999999' }, 7 * 86_400],
    [{ 'retry-after': '5' }, 60],
    [{ 'retry-after': 'soon' }, undefined],
  ])('reads 429 Retry-After %j as %s seconds', async (headers, expected) => {
    server.route('/feed.xml', serveStatus(429, headers));
    const result = expectFailed(await fetchPath('/feed.xml'));
    expect(result.code).toBe('http');
    expect(result.status).toBe(429);
    expect(result.retryAfterSeconds).toBe(expected);
    expect(result.error).toMatch(/too many requests \(429\)/);
  });

  it('reads Retry-After on 503 too', async () => {
    server.route('/feed.xml', serveStatus(503, { 'retry-after': '120' }));
    const result = expectFailed(await fetchPath('/feed.xml'));
    expect(result).toMatchObject({ code: 'http', status: 503, retryAfterSeconds: 120, error: 'service unavailable (503)' });
  });

  it.each([
    [401, 'access denied: the feed requires authentication (401)'],
    [403, 'access forbidden (403)'],
    [404, 'feed not found (404)'],
    [500, 'the server had an internal error (500)'],
    [502, 'bad gateway (502)'],
    [504, 'gateway timeout (504)'],
    [418, 'unexpected HTTP status 418'],
  ])('explains %i', async (status, message) => {
    server.route('/feed.xml', serveBody('<html><body>SECRET internal stack trace: password=hunter2</body></html>', { status, headers: { 'content-type': 'text/html' } }));
    const result = expectFailed(await fetchPath('/feed.xml'));
    expect(result).toMatchObject({ code: 'http', status, error: message });
    expect(result.retryAfterSeconds).toBeUndefined();
    expect(result.gone).toBeUndefined();
  });

  it('never puts response body bytes into the error', async () => {
    const banner = '-ERR unknown command, Redis 7.2 SECRET-BANNER '.repeat(50);
    for (const [path, status, type] of [['/a', 500, 'text/plain'], ['/b', 200, 'application/octet-stream'], ['/c', 403, 'text/html']] as const) {
      server.route(path, serveBody(banner + '\x00\xff\xfe', { status, headers: { 'content-type': type } }));
      const result = await fetchPath(path);
      if (result.kind === 'failed') expect(result.error).not.toContain('SECRET');
    }
  });
});

describe('bot protection', () => {
  it('recognises cf-mitigated: challenge', async () => {
    server.route('/feed.xml', serveBody('<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>', { status: 403, headers: { 'content-type': 'text/html', 'cf-mitigated': 'challenge', server: 'cloudflare' } }));
    expect(expectFailed(await fetchPath('/feed.xml'))).toMatchObject({ code: 'bot-protection', status: 403, error: 'blocked by bot protection (403)' });
  });

  it('recognises a Cloudflare challenge page without the header', async () => {
    const page = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><script>window._cf_chl_opt={cvId:'3'};</script><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>`;
    server.route('/feed.xml', serveBody(page, { status: 403, headers: { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare' } }));
    expect(expectFailed(await fetchPath('/feed.xml')).code).toBe('bot-protection');
  });

  it('recognises a challenge page served with 200', async () => {
    server.route('/feed.xml', serveBody('<html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/x.js"></script></body></html>', { headers: { 'content-type': 'text/html' } }));
    expect(expectFailed(await fetchPath('/feed.xml')).code).toBe('bot-protection');
  });

  it('keeps an ordinary 403 an ordinary 403', async () => {
    server.route('/feed.xml', serveBody('<html><title>Forbidden</title></html>', { status: 403, headers: { 'content-type': 'text/html' } }));
    expect(expectFailed(await fetchPath('/feed.xml'))).toMatchObject({ code: 'http', error: 'access forbidden (403)' });
  });
});

describe('empty responses are errors, not "no items"', () => {
  it('treats a 200 with no body as empty, not as zero items', async () => {
    server.route('/feed.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'transfer-encoding': 'chunked' });
      res.end();
    });
    expect(expectFailed(await fetchPath('/feed.xml'))).toMatchObject({ code: 'empty', error: 'empty response', status: 200 });
  });

  it('treats Content-Length: 0 as empty', async () => {
    server.route('/feed.xml', serveBody('', { headers: { 'content-type': 'application/rss+xml', 'content-length': 0 } }));
    expect(expectFailed(await fetchPath('/feed.xml'))).toMatchObject({ code: 'empty', error: 'empty response' });
  });

  it('treats a whitespace-only body and a 204 as empty', async () => {
    server.route('/blank.xml', serveBody('  \r\n\t \n', { headers: { 'content-type': 'application/rss+xml' } }));
    server.route('/none', serveStatus(204));
    expect(expectFailed(await fetchPath('/blank.xml')).code).toBe('empty');
    expect(expectFailed(await fetchPath('/none')).code).toBe('empty');
  });
});

describe('caching hints', () => {
  it('reads Cache-Control max-age and ignores s-maxage', async () => {
    server.route('/a.xml', serveBody(RSS, { headers: { ...rssHeaders, 'cache-control': 'public, s-maxage=60, max-age=1800' } }));
    server.route('/b.xml', serveBody(RSS, { headers: { ...rssHeaders, 'cache-control': 'public, s-maxage=60' } }));
    expect(expectOk(await fetchPath('/a.xml')).cacheMaxAgeSeconds).toBe(1800);
    expect(expectOk(await fetchPath('/b.xml')).cacheMaxAgeSeconds).toBeUndefined();
  });

  it('derives a lifetime from Expires minus Date, and treats Expires: 0 as stale', async () => {
    server.route('/a.xml', serveBody(RSS, { headers: { ...rssHeaders, date: 'Sun, 22 Nov 2026 12:00:00 GMT', expires: 'Sun, 22 Nov 2026 13:00:00 GMT' } }));
    server.route('/b.xml', serveBody(RSS, { headers: { ...rssHeaders, expires: '0' } }));
    expect(expectOk(await fetchPath('/a.xml')).cacheMaxAgeSeconds).toBe(3600);
    expect(expectOk(await fetchPath('/b.xml')).cacheMaxAgeSeconds).toBe(0);
  });
});
