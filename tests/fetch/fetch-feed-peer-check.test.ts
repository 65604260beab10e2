// The last line of the SSRF guard: even if name resolution handed the socket a private address
// (a resolver bug, a bypassed lookup), the address actually connected to is checked before the
// request is written.
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { fetchFeed } from '../../src/fetch/fetch-feed.ts';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testFetchSettings } from '../helpers/fetch.ts';

// Replace the guarded lookup with one that checks nothing and always answers 127.0.0.1.
vi.mock('../../src/fetch/address-guard.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/fetch/address-guard.ts')>();
  const unguarded: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  return { ...original, createGuardedLookup: () => unguarded };
});

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  server.route('/feed.xml', serveBody('<rss/>', { headers: { 'content-type': 'application/rss+xml' } }));
});
afterAll(async () => {
  await server.close();
});

it('refuses a connection whose peer address is not allowed, before sending the request', async () => {
  const result = await fetchFeed({ url: `http://public-looking.example:${server.port}/feed.xml` }, testFetchSettings({ privateAllowlist: [] }));
  expect(result).toMatchObject({ kind: 'failed', code: 'blocked', error: 'blocked: non-public address (public-looking.example → 127.0.0.1)' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(server.hits('/feed.xml')).toBe(0);
});

it('lets the same connection through when the peer is allowlisted', async () => {
  const result = await fetchFeed({ url: `http://public-looking.example:${server.port}/feed.xml` }, testFetchSettings());
  expect(result.kind).toBe('ok');
});
