// What the ingest benchmarks share: the farm's sources as SourceSpecs, and a fetcher (scheduler
// and pipeline) wired as `passerelle worker` wires it, with settings for a local farm.
import { silentLogger } from '../src/core/logger.ts';
import type { SourceSpec } from '../src/core/types.ts';
import { createHostLimiter } from '../src/fetch/host-limiter.ts';
import { compileTaxonomy } from '../src/normalize/topics.ts';
import type { PipelineDeps } from '../src/pipeline/ingest-source.ts';
import { createScheduler } from '../src/schedule/scheduler.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import type { Db } from '../src/store/db.ts';
import { testFetchSettings } from '../tests/helpers/fetch.ts';

/** One source per farm feed; every third is French. */
export function farmSources(count: number, url: (source: number) => string): SourceSpec[] {
  return Array.from({ length: count }, (_, s) => ({
    slug: `bench-${s}`, url: url(s), title: `Bench ${s}`, organization: `Org ${s}`, region: 'national' as const,
    languages: [s % 3 === 0 ? ('fr' as const) : ('en' as const)], topics: [],
  }));
}

/** The pipeline as a fetcher wires it, with settings for a local farm (`concurrency` fetches at once, per host too). */
export async function benchPipeline(db: Db, concurrency: number, extra: Partial<PipelineDeps> = {}): Promise<PipelineDeps> {
  const fetch = testFetchSettings({ concurrency, hostConcurrency: concurrency, timeoutMs: 60_000, maxBytes: 15 * 1024 * 1024 });
  return {
    db, fetch, logger: silentLogger(),
    schedule: { minIntervalMinutes: 15, maxIntervalMinutes: 1440, historyPerSource: 50 },
    limiter: createHostLimiter({ concurrency, hostConcurrency: concurrency }),
    taxonomy: compileTaxonomy((await loadFeedsFile('feeds.yaml')).topics),
    ...extra,
  };
}

export async function createBenchScheduler(db: Db, concurrency: number, extra: Partial<PipelineDeps> = {}) {
  return createScheduler({
    pipeline: await benchPipeline(db, concurrency, extra),
    // Never fires: the benchmarks drive runOnce themselves.
    tick: '0 0 1 1 *', leaseSeconds: 300, concurrency, logger: silentLogger(),
  });
}
