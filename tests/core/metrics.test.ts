import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, getMetrics, recordWebsubDelivery, resetMetrics } from '../../src/core/metrics.ts';

const line = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));

describe('metrics', () => {
  afterEach(() => resetMetrics());

  it('counts fetches by outcome, observes durations, and starts every outcome at 0', async () => {
    const m = createMetrics();
    m.recordFetch('ok', 0.2);
    m.recordFetch('ok', 0.3);
    m.recordFetch('failed', 1.5);
    m.recordItems(3, 1);
    m.recordIngestCommit(0.01);
    const text = await m.render();
    expect(line(text, 'passerelle_fetches_total{outcome="ok"}')).toBe('passerelle_fetches_total{outcome="ok"} 2');
    expect(line(text, 'passerelle_fetches_total{outcome="not-modified"}')).toBe('passerelle_fetches_total{outcome="not-modified"} 0');
    expect(line(text, 'passerelle_fetch_duration_seconds_count{outcome="failed"}')).toBe('passerelle_fetch_duration_seconds_count{outcome="failed"} 1');
    expect(line(text, 'passerelle_items_ingested_total{kind="new"}')).toBe('passerelle_items_ingested_total{kind="new"} 3');
    expect(line(text, 'passerelle_ingest_commit_duration_seconds_count')).toBe('passerelle_ingest_commit_duration_seconds_count 1');
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('sets the source gauges from counts, statuses not seen reading 0', async () => {
    const m = createMetrics();
    m.setSourceHealth({ byStatus: { active: 4, gone: 1 }, failing: 2 });
    m.setSourceHealth({ byStatus: { active: 3 }, failing: 1 });
    const text = await m.render();
    expect(line(text, 'passerelle_sources{status="active"}')).toBe('passerelle_sources{status="active"} 3');
    expect(line(text, 'passerelle_sources{status="gone"}')).toBe('passerelle_sources{status="gone"} 0');
    expect(line(text, 'passerelle_sources_failing')).toBe('passerelle_sources_failing 1');
  });

  it('keeps registries apart, and the process one can be reset', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.recordHttpRequest('GET', '/api/items', 200, 0.01);
    expect(await b.render()).not.toMatch(/route="\/api\/items"/);
    const fresh = resetMetrics();
    recordWebsubDelivery('delivered');
    recordWebsubDelivery('retrying');
    recordWebsubDelivery('delivered');
    expect(getMetrics()).toBe(fresh);
    expect(line(await fresh.render(), 'passerelle_websub_deliveries_total{outcome="delivered"}')).toMatch(/ 2$/);
    resetMetrics();
    expect(await getMetrics().render()).not.toMatch(/websub_deliveries_total\{/);
  });

  it('includes the default process metrics when asked', async () => {
    const m = createMetrics({ defaultMetrics: true });
    expect(await m.render()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await createMetrics().render()).not.toMatch(/process_cpu/);
  });
});
