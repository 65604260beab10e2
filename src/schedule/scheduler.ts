// The fetch job: a node-cron tick leases due sources from the database (FOR UPDATE SKIP LOCKED) up
// to the free fetch slots and runs the pipeline on each (run-jobs.ts). Several processes can run it
// on one Postgres; leases keep them from fetching a source twice.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron from 'node-cron';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { ingestSource, type PipelineDeps, type SourceOutcome } from '../pipeline/ingest-source.ts';
import type { SourceRow } from '../store/schema.ts';
import { leaseSources, type LeaseOptions } from '../store/sources-repo.ts';
import { createJobRunner, type Job } from './run-jobs.ts';

export interface SchedulerOptions {
  pipeline: PipelineDeps;
  tick: string;
  leaseSeconds: number;
  /** Sources fetched at once by this process (the per-host limit applies inside it). */
  concurrency: number;
  logger: Logger;
  owner?: string;
}

export interface RunOptions {
  which?: 'due' | 'all';
  slugs?: string[];
  onOutcome?: (outcome: SourceOutcome) => void;
}

export interface Scheduler {
  readonly owner: string;
  start(): void;
  /** Leases and fetches until nothing is left to do; what `passerelle fetch --once` runs. */
  runOnce(options?: RunOptions): Promise<SourceOutcome[]>;
  /** Stops leasing, waits up to `graceMs` for in-flight fetches, then aborts and releases the rest. */
  stop(graceMs?: number): Promise<void>;
  inFlight(): number;
}

/** Fetching as a job: the pipeline records each outcome on its source, so record() has nothing to write. */
export function fetchJob(pipeline: PipelineDeps, owner: string, lease: (extra: Partial<LeaseOptions> & { limit: number }) => Promise<SourceRow[]>): Job<SourceRow, SourceOutcome> {
  return {
    name: 'scheduler',
    lease: (limit) => lease({ limit, which: 'due' }),
    run: (source, signal) =>
      ingestSource(pipeline, source, owner, signal).catch((err: unknown): SourceOutcome => {
        // The pipeline records its own failures; this is the database failing while it did so.
        // The lease stays and expires, and the source is fetched again then.
        pipeline.logger.error({ err, source: source.slug }, 'ingest failed');
        return { slug: source.slug, outcome: 'failed', error: `internal error: ${(err as Error).message}`, itemsNew: 0, itemsUpdated: 0, durationMs: 0, warnings: [] };
      }),
    record: async () => {},
    describe: (source) => ({ source: source.slug }),
  };
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  if (!cron.validate(options.tick)) throw new ConfigError([`SCHEDULER_TICK: "${options.tick}" is not a cron expression`], 'environment');
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const lease = (extra: Partial<LeaseOptions> & { limit: number }) =>
    leaseSources(options.pipeline.db, {
      owner,
      leaseSeconds: options.leaseSeconds,
      skipHosts: options.pipeline.limiter.blockedHosts(),
      ...extra,
    });
  const runner = createJobRunner(fetchJob(options.pipeline, owner, lease), { concurrency: options.concurrency, tick: options.tick, logger: options.logger });

  return {
    owner,
    inFlight: () => runner.inFlight(),
    start: () => runner.start(),
    async runOnce(run: RunOptions = {}) {
      const outcomes: SourceOutcome[] = [];
      const seen = new Set<number>();
      await runner.drain({
        async lease(limit) {
          const leased = await lease({ limit, which: run.which ?? 'due', slugs: run.slugs, excludeIds: [...seen] });
          for (const source of leased) seen.add(source.id);
          return leased;
        },
        onResult(_source, outcome) {
          outcomes.push(outcome);
          run.onOutcome?.(outcome);
        },
      });
      options.pipeline.network?.flush();
      return outcomes;
    },
    async stop(graceMs) {
      await runner.stop(graceMs);
      options.pipeline.network?.flush();
    },
  };
}
