// The fetch loop: a node-cron tick leases due sources from the database (FOR UPDATE SKIP LOCKED)
// up to the free fetch slots and runs the pipeline on each. Several processes can run it on one
// Postgres; leases keep them from fetching a source twice.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { ingestSource, type PipelineDeps, type SourceOutcome } from '../pipeline/ingest-source.ts';
import { leaseSources, type LeaseOptions } from '../store/sources-repo.ts';

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

export function createScheduler(options: SchedulerOptions): Scheduler {
  if (!cron.validate(options.tick)) throw new ConfigError([`SCHEDULER_TICK: "${options.tick}" is not a cron expression`], 'environment');
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = options.logger.child({ component: 'scheduler' });
  const running = new Map<number, Promise<SourceOutcome>>();
  const abort = new AbortController();
  // Every fetch in flight listens to this one signal; more than ten at once is the normal case.
  setMaxListeners(0, abort.signal);
  let task: ScheduledTask | undefined;
  let stopping = false;
  let pumping = false;

  const lease = (extra: Partial<LeaseOptions>) =>
    leaseSources(options.pipeline.db, {
      owner,
      limit: options.concurrency - running.size,
      leaseSeconds: options.leaseSeconds,
      skipHosts: options.pipeline.limiter.blockedHosts(),
      ...extra,
    });

  const launch = (source: Awaited<ReturnType<typeof leaseSources>>[number], onOutcome?: (o: SourceOutcome) => void) => {
    const p = ingestSource(options.pipeline, source, owner, abort.signal)
      .catch((err: unknown): SourceOutcome => {
        // The pipeline records its own failures; this is the database failing while it did so.
        // The lease stays and expires, and the source is fetched again then.
        log.error({ err, source: source.slug }, 'ingest failed');
        return { slug: source.slug, outcome: 'failed', error: `internal error: ${(err as Error).message}`, itemsNew: 0, itemsUpdated: 0, durationMs: 0, warnings: [] };
      })
      .then((outcome) => {
        try {
          onOutcome?.(outcome);
        } catch (err) {
          log.error({ err, source: source.slug }, 'outcome callback failed');
        }
        return outcome;
      })
      .finally(() => {
        running.delete(source.id);
        // A slot is free: take the next due source now rather than at the next tick.
        if (task && !stopping) void pump();
      });
    running.set(source.id, p);
    return p;
  };

  let again = false;
  async function pump(): Promise<void> {
    if (stopping) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const leased = await lease({ which: 'due' });
        for (const source of leased) void launch(source);
        if (leased.length) log.debug({ leased: leased.length, inFlight: running.size }, 'tick');
      } while (again && !stopping);
    } catch (err) {
      // The database may be away for a moment: the next tick tries again.
      log.error({ err }, 'tick failed');
    } finally {
      pumping = false;
    }
  }

  return {
    owner,
    inFlight: () => running.size,
    start() {
      if (task) return;
      task = cron.schedule(options.tick, () => void pump(), { noOverlap: true, name: 'fetch-tick' });
      void pump();
    },
    async runOnce(run: RunOptions = {}) {
      const outcomes: SourceOutcome[] = [];
      const seen = new Set<number>();
      const pending = new Set<Promise<SourceOutcome>>();
      for (;;) {
        if (stopping) break;
        const leased =
          running.size < options.concurrency ? await lease({ which: run.which ?? 'due', slugs: run.slugs, excludeIds: [...seen] }) : [];
        for (const source of leased) {
          seen.add(source.id);
          const p = launch(source, (o) => {
            outcomes.push(o);
            run.onOutcome?.(o);
          });
          pending.add(p);
          void p.finally(() => pending.delete(p));
        }
        if (pending.size === 0) break;
        await Promise.race(pending);
      }
      await Promise.allSettled([...pending]);
      return outcomes;
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      await task?.stop();
      task = undefined;
      if (running.size) {
        log.info({ inFlight: running.size }, 'waiting for in-flight fetches');
        const timer = new Promise((r) => setTimeout(r, graceMs).unref());
        await Promise.race([Promise.allSettled([...running.values()]), timer]);
      }
      if (running.size) {
        abort.abort();
        await Promise.allSettled([...running.values()]);
      }
    },
  };
}
