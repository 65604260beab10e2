// The job runner on its own, with a job whose tasks are numbers in a queue: at most `concurrency`
// run at once, a freed slot is filled at once, a stop lets running tasks finish within the grace
// and aborts the rest (whose record gives the lease back), and a failing lease never stops it.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createJobRunner, type Job } from '../../src/schedule/run-jobs.ts';

type Result = 'done' | 'released';

/** A queue of tasks; each runs until it is let go (or aborted). */
function queueJob(count: number) {
  const due = Array.from({ length: count }, (_, i) => i);
  const running = new Set<number>();
  const waiting = new Map<number, () => void>();
  const recorded: [number, Result][] = [];
  let maxRunning = 0;
  let failLeases = 0;
  const job: Job<number, Result> = {
    name: 'queue',
    async lease(limit) {
      if (failLeases > 0) {
        failLeases--;
        throw new Error('database away');
      }
      return due.splice(0, limit);
    },
    run(task, signal) {
      running.add(task);
      maxRunning = Math.max(maxRunning, running.size);
      return new Promise<Result>((resolve) => {
        const end = (r: Result) => {
          running.delete(task);
          waiting.delete(task);
          resolve(r);
        };
        waiting.set(task, () => end('done'));
        signal.addEventListener('abort', () => end('released'), { once: true });
      });
    },
    async record(task, result) {
      recorded.push([task, result]);
      // A released task is due again, as a lease running out would make it.
      if (result === 'released') due.push(task);
    },
    describe: (task) => ({ task }),
  };
  return {
    job,
    due,
    running,
    recorded,
    maxRunning: () => maxRunning,
    finish: (task: number) => waiting.get(task)?.(),
    finishAll: () => [...waiting.values()].forEach((f) => f()),
    failNextLeases: (n: number) => (failLeases = n),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('job runner', () => {
  it('runs at most `concurrency` tasks at once and fills a freed slot at once', async () => {
    const q = queueJob(10);
    const runner = createJobRunner(q.job, { concurrency: 3, logger: silentLogger(), pollMs: 60_000 });
    runner.start();
    await expect.poll(() => q.running.size).toBe(3);
    expect(q.due).toHaveLength(7);
    q.finish(0);
    await expect.poll(() => q.running.has(3)).toBe(true);
    expect(q.running.size).toBe(3);
    while (q.recorded.length < 10) {
      q.finishAll();
      await settle();
    }
    expect(q.maxRunning()).toBe(3);
    expect(q.recorded.map(([t]) => t).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await runner.stop(0);
  });

  it('drain runs everything due and says how many it started, started or not', async () => {
    const q = queueJob(5);
    const runner = createJobRunner(q.job, { concurrency: 2, logger: silentLogger() });
    const finishing = setInterval(() => q.finishAll(), 5);
    try {
      expect(await runner.drain()).toBe(5);
      expect(await runner.drain()).toBe(0);
    } finally {
      clearInterval(finishing);
    }
    expect(q.recorded).toHaveLength(5);
  });

  it('stop waits for running tasks within the grace, then aborts the rest; their record gives the lease back', async () => {
    const q = queueJob(4);
    const runner = createJobRunner(q.job, { concurrency: 4, logger: silentLogger(), pollMs: 60_000 });
    runner.start();
    await expect.poll(() => q.running.size).toBe(4);
    // Two finish during the grace; two never would.
    setTimeout(() => {
      q.finish(0);
      q.finish(1);
    }, 20);
    await runner.stop(200);
    expect(q.recorded.sort()).toEqual([
      [0, 'done'],
      [1, 'done'],
      [2, 'released'],
      [3, 'released'],
    ]);
    expect(q.running.size).toBe(0);
    // Stopped: no more leases, whoever asks.
    runner.wake();
    await settle();
    expect(q.due.sort()).toEqual([2, 3]);
    expect(await runner.drain()).toBe(0);
  });

  it('a lease that fails is logged and tried again on the next tick; a task that throws does not stop the others', async () => {
    const q = queueJob(3);
    const throwing: Job<number, Result> = { ...q.job, run: (task, signal) => (task === 1 ? Promise.reject(new Error('boom')) : q.job.run(task, signal)) };
    q.failNextLeases(2);
    const runner = createJobRunner(throwing, { concurrency: 3, logger: silentLogger(), pollMs: 10 });
    runner.start();
    await expect.poll(() => q.running.size, { timeout: 2000 }).toBe(2);
    q.finishAll();
    await expect.poll(() => q.recorded.map(([t]) => t).sort()).toEqual([0, 2]);
    await runner.stop(0);
  });
});
