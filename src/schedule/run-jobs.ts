// The one shape of background work: a job leases rows from the database (FOR UPDATE SKIP LOCKED,
// with a lease that runs out if the worker dies), runs each, and records its outcome. The runner
// keeps at most `concurrency` tasks of one job running in this process, leases again as soon as a
// slot frees, on its tick (other processes add work it is not told of) and when woken, and on stop
// lets running tasks finish for a grace period, then aborts them: an aborted task's record gives
// its lease back. Fetching sources, WebSub verifications and deliveries all run here; fairness
// between hosts belongs to each job's lease query, where every worker sees the same counts.
import { setMaxListeners } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface JobContext {
  log: Logger;
  /** Asks for a lease pass in `ms` (a retry coming due), if the runner is started. */
  wakeIn(ms: number): void;
}

export interface Job<T, R> {
  readonly name: string;
  /** Leases up to `limit` due tasks for this worker. */
  lease(limit: number, ctx: JobContext): Promise<T[]>;
  /**
   * Does one task. Once `signal` aborts it returns soon, with a result that record() turns into a
   * release. A throw is logged and the lease left to run out.
   */
  run(task: T, signal: AbortSignal): Promise<R>;
  /** Writes what the task came to, or gives its lease back. */
  record(task: T, result: R, ctx: JobContext): Promise<void>;
  /** Fields naming a task in logs. */
  describe(task: T): Record<string, unknown>;
}

export interface JobRunnerOptions {
  /** Tasks of this job running at once in this process. */
  concurrency: number;
  logger: Logger;
  /** A cron expression (with seconds) for the lease pass while started... */
  tick?: string;
  /** ...or an interval in milliseconds. */
  pollMs?: number;
}

export interface DrainOptions<T, R> {
  /** Leases with this instead of the job's own (one-off runs: `fetch --once --all`). */
  lease?: (limit: number) => Promise<T[]>;
  /** Told of each result this drain's tasks came to, after it is recorded. */
  onResult?: (task: T, result: R) => void;
}

export interface JobRunner<T, R> {
  readonly name: string;
  start(): void;
  /** Work may be due now: lease without waiting for the tick (if started). */
  wake(): void;
  /**
   * Leases and runs until nothing more can be leased and nothing runs; resolves to the number of
   * tasks it started. Works whether or not the runner is started.
   */
  drain(options?: DrainOptions<T, R>): Promise<number>;
  /** Stops leasing, waits up to `graceMs` for running tasks, then aborts them. */
  stop(graceMs?: number): Promise<void>;
  inFlight(): number;
}

export function createJobRunner<T, R>(job: Job<T, R>, options: JobRunnerOptions): JobRunner<T, R> {
  if (options.tick !== undefined && !cron.validate(options.tick)) {
    throw new ConfigError([`${job.name}: "${options.tick}" is not a cron expression`], 'environment');
  }
  const log = options.logger.child({ component: job.name });
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  // Every task in flight listens to this one signal.
  setMaxListeners(0, abort.signal);
  const timers = new Set<NodeJS.Timeout>();
  let task: ScheduledTask | undefined;
  let interval: NodeJS.Timeout | undefined;
  let started = false;
  let stopping = false;
  // Lease passes run one at a time, so `concurrency` holds however many ask at once.
  let leasing: Promise<unknown> = Promise.resolve();
  let pumping = false;
  let again = false;

  const ctx: JobContext = {
    log,
    wakeIn(ms) {
      if (!started || stopping) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void pump();
      }, ms);
      timer.unref();
      timers.add(timer);
    },
  };

  function launch(t: T, onResult?: (task: T, result: R) => void): Promise<void> {
    const p = (async () => {
      let result: R;
      try {
        result = await job.run(t, abort.signal);
      } catch (err) {
        log.error({ err, ...job.describe(t) }, 'task failed');
        return;
      }
      try {
        await job.record(t, result, ctx);
      } catch (err) {
        // The database may be away: the lease runs out and the task is done again.
        log.error({ err, ...job.describe(t) }, 'recording a task failed');
        return;
      }
      try {
        onResult?.(t, result);
      } catch (err) {
        log.error({ err, ...job.describe(t) }, 'result callback failed');
      }
    })().finally(() => {
      running.delete(p);
      // A slot is free: take the next due task now rather than at the next tick.
      if (started && !stopping) void pump();
    });
    running.add(p);
    return p;
  }

  /** One lease pass, after any other in progress; resolves to the tasks it started. */
  function leaseOnce(lease: (limit: number) => Promise<T[]>, onResult?: (task: T, result: R) => void): Promise<Promise<void>[]> {
    const pass = leasing.then(async () => {
      const free = options.concurrency - running.size;
      if (stopping || free <= 0) return [];
      const tasks = await lease(free);
      if (tasks.length) log.debug({ leased: tasks.length, inFlight: running.size + tasks.length }, 'leased');
      return tasks.map((t) => launch(t, onResult));
    });
    leasing = pass.catch(() => {});
    return pass;
  }

  async function pump(): Promise<void> {
    if (!started || stopping) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        await leaseOnce((limit) => job.lease(limit, ctx));
      } while (again && !stopping);
    } catch (err) {
      // The database may be away for a moment: the next tick tries again.
      log.error({ err }, 'lease failed');
    } finally {
      pumping = false;
    }
  }

  return {
    name: job.name,
    inFlight: () => running.size,
    start() {
      if (started || stopping) return;
      started = true;
      if (options.tick) task = cron.schedule(options.tick, () => void pump(), { noOverlap: true, name: job.name });
      else if (options.pollMs) {
        interval = setInterval(() => void pump(), options.pollMs);
        interval.unref();
      }
      void pump();
    },
    wake() {
      void pump();
    },
    async drain(drainOptions = {}) {
      const lease = drainOptions.lease ?? ((limit: number) => job.lease(limit, ctx));
      let startedTasks = 0;
      for (;;) {
        if (stopping) break;
        const launched = await leaseOnce(lease, drainOptions.onResult);
        startedTasks += launched.length;
        if (launched.length && running.size < options.concurrency) continue;
        if (running.size === 0) break;
        await Promise.race(running);
      }
      await Promise.allSettled([...running]);
      return startedTasks;
    },
    async stop(graceMs = 10_000) {
      if (stopping) return;
      stopping = true;
      started = false;
      await task?.stop();
      task = undefined;
      clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await leasing;
      if (running.size) {
        log.info({ inFlight: running.size }, 'waiting for running tasks');
        const grace = new Promise((r) => setTimeout(r, graceMs).unref());
        await Promise.race([Promise.allSettled([...running]), grace]);
      }
      if (running.size) {
        abort.abort();
        await Promise.allSettled([...running]);
      }
    },
  };
}
