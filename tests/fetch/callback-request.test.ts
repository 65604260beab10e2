// requestCallback: the WebSub client's address guard, deadlines, redirects left alone, and the
// response-body cap used for challenge echoes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestCallback, type CallbackSettings } from '../../src/fetch/callback-request.ts';
import { serveBody, serveRedirect, startBlackhole, startFeedServer, type Blackhole, type FeedServer } from '../helpers/feed-server.ts';

const settings = (extra: Partial<CallbackSettings> = {}): CallbackSettings => ({
  userAgent: 'Passerelle/test',
  timeoutMs: 400,
  connectTimeoutMs: 200,
  allowPrivateNetworks: false,
  privateAllowlist: ['127.0.0.1/32'],
  ...extra,
});

describe('requestCallback', () => {
  let server: FeedServer;
  let blackhole: Blackhole;
  beforeAll(async () => {
    server = await startFeedServer();
    blackhole = await startBlackhole();
    server.route('/echo', serveBody('0123456789'));
    server.route('/moved', serveRedirect('/echo', 307));
    server.route('/hang', () => {});
    server.route('/post', (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.writeHead(202, { 'x-got': `${req.method} ${req.headers['content-type']} ${body}` }).end('ignored'));
    });
  });
  afterAll(async () => {
    await server.close();
    await blackhole.close();
  });

  it('GET reads the body up to the cap and says when it went on', async () => {
    expect(await requestCallback({ method: 'GET', url: server.url('/echo'), maxResponseBytes: 64 }, settings())).toMatchObject({ kind: 'response', status: 200, body: '0123456789', truncated: false });
    expect(await requestCallback({ method: 'GET', url: server.url('/echo'), maxResponseBytes: 4 }, settings())).toMatchObject({ kind: 'response', body: '0123', truncated: true });
  });

  it('POST sends the body and headers, and answers with the status alone', async () => {
    const r = await requestCallback({ method: 'POST', url: server.url('/post'), body: 'é', headers: { 'Content-Type': 'text/plain; charset=utf-8' } }, settings());
    expect(r).toMatchObject({ kind: 'response', status: 202, body: '' });
    expect(server.lastRequest('/post')!.headers['user-agent']).toBe('Passerelle/test');
    expect(server.lastRequest('/post')!.headers['content-length']).toBe('2');
  });

  it('a redirect is an answer, not followed', async () => {
    const before = server.hits('/echo');
    expect(await requestCallback({ method: 'GET', url: server.url('/moved'), maxResponseBytes: 64 }, settings())).toMatchObject({ kind: 'response', status: 307 });
    expect(server.hits('/echo')).toBe(before);
  });

  it('refuses non-public addresses before connecting, literal or resolved, unless allowed', async () => {
    const strict = settings({ privateAllowlist: [] });
    const before = server.allRequests().length;
    expect(await requestCallback({ method: 'POST', url: server.url('/post'), body: 'x' }, strict)).toMatchObject({ kind: 'failed', code: 'blocked' });
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const named = await requestCallback({ method: 'POST', url: `http://callback.example.net:${server.port}/post`, body: 'x' }, strict, { resolve });
    expect(named).toMatchObject({ kind: 'failed', code: 'blocked', error: expect.stringContaining('callback.example.net → 127.0.0.1') });
    expect(server.allRequests().length).toBe(before);
    expect(await requestCallback({ method: 'GET', url: 'ftp://127.0.0.1/x' }, settings())).toMatchObject({ kind: 'failed', code: 'bad-url' });
  });

  it('times out on a callback that never answers, or never accepts the connection', async () => {
    const hang = await requestCallback({ method: 'POST', url: server.url('/hang'), body: 'x' }, settings());
    expect(hang).toMatchObject({ kind: 'failed', code: 'timeout', error: 'no answer within 0.4s' });
    expect(hang.durationMs).toBeLessThan(1000);
    expect(await requestCallback({ method: 'POST', url: blackhole.url('/'), body: 'x' }, settings())).toMatchObject({ kind: 'failed', code: 'connect' });
  });

  it('an abort ends the request at once', async () => {
    const controller = new AbortController();
    const pending = requestCallback({ method: 'POST', url: server.url('/hang'), body: 'x', signal: controller.signal }, settings({ timeoutMs: 5000 }));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ kind: 'failed', code: 'aborted' });
  });
});
