// One cycle over 1,000 sources of which 10% are hostile, all played by one local server: slow
// drips, silent servers, endless bodies, gzip bombs, redirect loops, malformed XML, 500s and HTML
// pages. The 900 others finish in the same cycle, every hostile one has its reason recorded, and
// memory stays bounded. Real Postgres; small timeouts and caps keep it short.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import type { Database } from '../../src/store/db.ts';
import { listSources, syncSources } from '../../src/store/sources-repo.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { serveDrip, serveEndless, serveRedirect, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testFetchSettings, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const GOOD = 900;
const ITEMS = 5;

/** Each hostile kind: how many sources play it, the route, and what its error must say. */
const HOSTILE: { kind: string; count: number; expect: RegExp }[] = [
  { kind: 'drip', count: 13, expect: /^timed out/ },
  { kind: 'silent', count: 13, expect: /^timed out/ },
  { kind: 'endless', count: 13, expect: /^response too large/ },
  { kind: 'bomb', count: 13, expect: /^response too large/ },
  { kind: 'loop', count: 12, expect: /^too many redirects/ },
  { kind: 'malformed', count: 12, expect: /^invalid XML: unclosed root tag/ },
  { kind: 'error', count: 12, expect: /\(500\)/ },
  { kind: 'html', count: 12, expect: /^not a feed \(HTML/ },
];

describe('1,000 sources, 10% hostile, in one cycle', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('postgres'));
    server = await startFeedServer();
    for (let s = 0; s < GOOD; s++) {
      const body = rss(Array.from({ length: ITEMS }, (_, i): [string, string, string] => [`g${s}-${i}`, `Platform ${s} notice ${i}`, `Details of notice ${i} from platform ${s}.`]));
      server.route(`/good/${s}.xml`, (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body));
    }
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const hostile: Record<string, Parameters<FeedServer['route']>[1]> = {
      drip: serveDrip('<', 150),
      // Headers never come.
      silent: () => {},
      endless: serveEndless('<item><title>more</title></item>'.repeat(64)),
      bomb: (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb),
      malformed: (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<?xml version="1.0"?><rss version="2.0"><channel><title>cut'),
      error: serveStatus(500),
      html: (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><head><title>Home</title></head><body>Welcome</body></html>'),
    };
    const specs = Array.from({ length: GOOD }, (_, s) => spec(`good-${s}`, { url: server.url(`/good/${s}.xml`) }));
    for (const h of HOSTILE) {
      for (let n = 0; n < h.count; n++) {
        if (h.kind === 'loop') {
          server.route(`/loop/${n}/a.xml`, serveRedirect(`/loop/${n}/b.xml`));
          server.route(`/loop/${n}/b.xml`, serveRedirect(`/loop/${n}/a.xml`));
          specs.push(spec(`loop-${n}`, { url: server.url(`/loop/${n}/a.xml`) }));
        } else {
          server.route(`/${h.kind}/${n}.xml`, hostile[h.kind]);
          specs.push(spec(`${h.kind}-${n}`, { url: server.url(`/${h.kind}/${n}.xml`) }));
        }
      }
    }
    expect(specs).toHaveLength(1000);
    await syncSources(database.db, specs);
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('the 900 finish, every hostile one has its reason recorded, memory stays bounded', async () => {
    const fetch = testFetchSettings({ concurrency: 48, hostConcurrency: 48, timeoutMs: 1500, connectTimeoutMs: 1000, maxBytes: 256 * 1024 });
    const scheduler = createScheduler({ pipeline: testPipeline(database.db, { fetch }), tick: '0 0 1 1 *', leaseSeconds: 120, concurrency: fetch.concurrency, logger: silentLogger() });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const t0 = performance.now();
    const outcomes = await scheduler.runOnce().finally(() => clearInterval(sampler));
    const seconds = (performance.now() - t0) / 1000;

    expect(outcomes).toHaveLength(1000);
    const good = outcomes.filter((o) => o.slug.startsWith('good-'));
    expect(good.filter((o) => o.outcome !== 'ok' || o.itemsNew !== ITEMS)).toEqual([]);
    expect(good).toHaveLength(GOOD);

    const rows = new Map((await listSources(database.db)).map((r) => [r.slug, r]));
    for (const h of HOSTILE) {
      for (let n = 0; n < h.count; n++) {
        const row = rows.get(`${h.kind}-${n}`)!;
        expect({ slug: row.slug, error: row.lastError }).toEqual({ slug: row.slug, error: expect.stringMatching(h.expect) });
        expect(row.lastErrorAt).not.toBeNull();
        expect(row.errorCount).toBe(1);
      }
    }
    expect([...rows.values()].filter((r) => r.slug.startsWith('good-') && (r.itemCount !== ITEMS || r.lastError))).toEqual([]);
    // Nothing held on to: no lease left, nothing in flight.
    expect([...rows.values()].filter((r) => r.leaseOwner)).toEqual([]);
    expect(scheduler.inFlight()).toBe(0);
    // The hostile ones cost at most their deadline each, 48 at a time: well under a minute in all.
    expect(seconds).toBeLessThan(50);
    // Bombs and endless bodies stop at the cap (256 KiB), so memory does not follow them.
    expect((peak - rssBefore) / 1024 / 1024).toBeLessThan(400);
  }, 90_000);
});
