// fetchFeed and response bodies: Content-Encoding (gzip, deflate, br, stacked, lying, undeclared),
// the size cap on decompressed bytes (bombs, endless streams), and bodies cut short.
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchFeed } from '../../src/fetch/fetch-feed.ts';
import { serveBody, serveDrip, serveEndless, serveGzip, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { expectFailed, expectOk, testFetchSettings } from '../helpers/fetch.ts';

const RSS = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Santé mentale et établissement</title></channel></rss>';
const xml = { 'content-type': 'application/rss+xml; charset=utf-8' };
const CAP = 64 * 1024;

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());



const fetchPath = (path: string, settings = testFetchSettings()) => fetchFeed({ url: server.url(path) }, settings);

/** Resolves once the server side of the response has closed, or says "open" after `ms`. */
function watchClose(): { onClose: () => void; closed: (ms?: number) => Promise<'closed' | 'open'> } {
  let onClose!: () => void;
  const done = new Promise<'closed'>((resolve) => (onClose = () => resolve('closed')));
  return { onClose, closed: (ms = 1000) => Promise.race([done, new Promise<'open'>((r) => setTimeout(() => r('open'), ms))]) };
}

describe('Content-Encoding', () => {
  it.each([
    ['gzip', zlib.gzipSync(RSS)],
    ['x-gzip', zlib.gzipSync(RSS)],
    ['deflate', zlib.deflateSync(RSS)],
    ['deflate', zlib.deflateRawSync(RSS)],
    ['br', zlib.brotliCompressSync(Buffer.from(RSS))],
  ])('decodes %s', async (coding, body) => {
    server.route('/feed.xml', serveBody(body, { headers: { ...xml, 'content-encoding': coding } }));
    const result = expectOk(await fetchPath('/feed.xml'));
    expect(result.text).toBe(RSS);
    expect(result.bytes.equals(Buffer.from(RSS))).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it('decodes stacked codings in reverse order of application', async () => {
    server.route('/gg.xml', serveBody(zlib.gzipSync(zlib.gzipSync(RSS)), { headers: { ...xml, 'content-encoding': 'gzip, gzip' } }));
    server.route('/gb.xml', serveBody(zlib.brotliCompressSync(zlib.gzipSync(RSS)), { headers: { ...xml, 'content-encoding': 'gzip, br' } }));
    expect(expectOk(await fetchPath('/gg.xml')).text).toBe(RSS);
    expect(expectOk(await fetchPath('/gb.xml')).text).toBe(RSS);
  });

  it('decodes gzip a server sends whatever we asked for', async () => {
    server.route('/feed.xml', serveGzip(RSS, { headers: xml }));
    expect(expectOk(await fetchPath('/feed.xml')).text).toBe(RSS);
  });

  it('gunzips a body that starts with the gzip magic but declares no encoding', async () => {
    server.route('/feed.xml.gz', serveBody(zlib.gzipSync(RSS), { headers: { 'content-type': 'application/x-gzip' } }));
    const result = expectOk(await fetchPath('/feed.xml.gz'));
    expect(result.text).toBe(RSS);
    expect(result.warnings).toContainEqual({ code: 'gzip-unlabelled' });
  });

  it('reads a plain body under a lying "Content-Encoding: gzip" as is', async () => {
    server.route('/feed.xml', serveBody(RSS, { headers: { ...xml, 'content-encoding': 'gzip' } }));
    const result = expectOk(await fetchPath('/feed.xml'));
    expect(result.text).toBe(RSS);
    expect(result.warnings).toContainEqual({ code: 'gzip-mislabelled' });
  });

  it('reports corrupt compressed data as bad-encoding', async () => {
    const corrupt = Buffer.concat([zlib.gzipSync(RSS).subarray(0, 12), Buffer.from('this is not deflate data at all')]);
    server.route('/gz.xml', serveBody(corrupt, { headers: { ...xml, 'content-encoding': 'gzip' } }));
    server.route('/br.xml', serveBody(Buffer.from(RSS), { headers: { ...xml, 'content-encoding': 'br' } }));
    const gz = expectFailed(await fetchPath('/gz.xml'));
    expect(gz.code).toBe('bad-encoding');
    expect(gz.error).toMatch(/^corrupt gzip data/);
    expect(expectFailed(await fetchPath('/br.xml')).code).toBe('bad-encoding');
  });

  it('refuses an encoding it cannot undo', async () => {
    server.route('/feed.xml', serveBody(RSS, { headers: { ...xml, 'content-encoding': 'zstd' } }));
    expect(expectFailed(await fetchPath('/feed.xml'))).toMatchObject({ code: 'bad-encoding', error: 'unsupported content encoding "zstd"' });
  });
});

describe('size cap on decompressed bytes (endless bodies, compression bombs)', () => {
  const capped = testFetchSettings({ maxBytes: CAP });

  it('stops a gzip bomb at the cap', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(1024 * 1024));
    expect(bomb.length).toBeLessThan(CAP);
    server.route('/bomb.xml', serveBody(bomb, { headers: { ...xml, 'content-encoding': 'gzip' } }));
    expect(expectFailed(await fetchPath('/bomb.xml', capped))).toMatchObject({ code: 'too-large', error: 'response too large (over 64 KiB)', status: 200 });
  });

  it('stops a brotli bomb and a double-gzip bomb at the cap', async () => {
    server.route('/br.xml', serveBody(zlib.brotliCompressSync(Buffer.alloc(4 * 1024 * 1024)), { headers: { ...xml, 'content-encoding': 'br' } }));
    server.route('/gg.xml', serveBody(zlib.gzipSync(zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024))), { headers: { ...xml, 'content-encoding': 'gzip, gzip' } }));
    expect(expectFailed(await fetchPath('/br.xml', capped)).code).toBe('too-large');
    expect(expectFailed(await fetchPath('/gg.xml', capped)).code).toBe('too-large');
  });

  it('stops an endless gzip stream without inflating it all', async () => {
    const watch = watchClose();
    server.route('/endless.xml.gz', (_req, res) => {
      res.writeHead(200, { ...xml, 'content-encoding': 'gzip' });
      const gzip = zlib.createGzip();
      gzip.pipe(res);
      const zeros = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (!res.destroyed && gzip.write(zeros)) {
          /* until back-pressure */
        }
      };
      gzip.on('drain', pump);
      res.on('close', () => {
        gzip.destroy();
        watch.onClose();
      });
      pump();
    });
    const result = expectFailed(await fetchPath('/endless.xml.gz', testFetchSettings({ maxBytes: CAP, timeoutMs: 5000 })));
    expect(result.code).toBe('too-large');
    expect(await watch.closed()).toBe('closed');
  });

  it('stops an endless chunked body at the cap and frees the connection', async () => {
    const watch = watchClose();
    server.route('/endless.xml', (req, res) => {
      res.on('close', watch.onClose);
      serveEndless('<item>bla</item>'.repeat(64))(req, res);
    });
    const result = expectFailed(await fetchPath('/endless.xml', testFetchSettings({ maxBytes: CAP, timeoutMs: 5000 })));
    expect(result).toMatchObject({ code: 'too-large', error: 'response too large (over 64 KiB)' });
    expect(await watch.closed()).toBe('closed');
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    server.route('/huge.xml', serveDrip('<', 1000, { headers: { 'content-length': String(2 * 1024 * 1024 * 1024) } }));
    const started = Date.now();
    const result = expectFailed(await fetchPath('/huge.xml', testFetchSettings({ maxBytes: 15 * 1024 * 1024 })));
    expect(result).toMatchObject({ code: 'too-large', error: 'response too large (over 15 MiB)' });
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('accepts a body exactly at the cap', async () => {
    const body = `<rss>${'x'.repeat(CAP - 11)}</rss>`;
    expect(body.length).toBe(CAP);
    server.route('/full.xml', serveBody(body, { headers: xml }));
    expect(expectOk(await fetchPath('/full.xml', capped)).bytes.length).toBe(CAP);
  });
});

describe('bodies cut short', () => {
  it('reports a connection dropped mid-body as a network failure', async () => {
    server.route('/cut.xml', (_req, res) => {
      res.writeHead(200, { ...xml, 'content-length': 5000 });
      res.write('<rss version="2.0"><channel>');
      setTimeout(() => res.destroy(), 20);
    });
    const result = expectFailed(await fetchPath('/cut.xml'));
    expect(result.code).toBe('network');
    expect(result.error).toMatch(/^connection lost while reading the response/);
  });
});
