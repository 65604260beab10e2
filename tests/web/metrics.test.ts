// /metrics after real fetches: the scheduler runs the pipeline against a local feed server, then a
// scrape shows the counters, the durations and the source gauges read from the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createMetrics, type Metrics } from '../../src/core/metrics.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import type { Database } from '../../src/store/db.ts';
import { syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { createOpsApp } from '../../src/web/ops-app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveBody, serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe.each(databaseKinds)('metrics on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let metrics: Metrics;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    server.route('/a.xml', serveBody(rss([['1', 'One'], ['2', 'Two'], ['3', 'Three']]), { headers: { 'content-type': 'application/rss+xml' } }));
    server.route('/b.xml', serveStatus(500));
    await syncSources(database.db, [spec('a', { url: server.url('/a.xml') }), spec('b', { url: server.url('/b.xml') })]);
    metrics = createMetrics();
    const scheduler = createScheduler({ pipeline: testPipeline(database.db, { metrics }), tick: '* * * * *', leaseSeconds: 60, concurrency: 4, logger: silentLogger() });
    await scheduler.runOnce({ which: 'all' });
    await scheduler.stop();
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('a scrape after a fetch shows fetches by outcome, durations, items and failing sources', async () => {
    const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [], metrics });
    await app.request('/api/items?limit=1');
    await app.request('/sources/a.rss');
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(value(text, 'passerelle_fetches_total{outcome="ok"}')).toBe(1);
    expect(value(text, 'passerelle_fetches_total{outcome="failed"}')).toBe(1);
    expect(value(text, 'passerelle_fetch_duration_seconds_count{outcome="ok"}')).toBe(1);
    expect(value(text, 'passerelle_ingest_commit_duration_seconds_count')).toBe(2);
    expect(value(text, 'passerelle_items_ingested_total{kind="new"}')).toBe(3);
    expect(value(text, 'passerelle_sources{status="active"}')).toBe(2);
    expect(value(text, 'passerelle_sources_failing')).toBe(1);
    expect(value(text, 'passerelle_http_request_duration_seconds_count{method="GET",route="/api/items",status="200"}')).toBe(1);
    // The route pattern, never the raw path.
    expect(value(text, 'passerelle_http_request_duration_seconds_count{method="GET",route="/sources/:file",status="200"}')).toBe(1);
    expect(text).not.toMatch(/a\.rss/);
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [], metrics, metricsToken: 'scrape-secret-0123456789' });
    const refused = await app.request('/metrics');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await app.request('/metrics', { headers: { authorization: 'Bearer scrape-secret-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/passerelle_fetches_total/);
  });

  it("a worker's own server answers health, readiness and metrics", async () => {
    const ops = createOpsApp({ database, logger: silentLogger(), version: 'test', metrics });
    expect(await (await ops.request('/healthz')).json()).toMatchObject({ status: 'ok', role: 'worker' });
    expect((await ops.request('/readyz')).status).toBe(200);
    expect(await (await ops.request('/metrics')).text()).toMatch(/passerelle_sources_failing 1/);
    expect((await ops.request('/api/items')).status).toBe(404);
  });
});
