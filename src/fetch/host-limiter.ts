// Politeness: a global and a per-host limit on fetches in flight, FIFO, and per-host pauses after
// a 429/503 Retry-After.

export interface HostLimiterOptions {
  /** Fetches in flight across all hosts. */
  concurrency: number;
  /** Fetches in flight to one host. */
  hostConcurrency: number;
  /** Clock for blockHost deadlines; Date.now by default. */
  now?: () => number;
}

export interface HostLimiter {
  /**
   * Runs `fn` once a global slot and a slot for `host` are free, in arrival order among tasks that
   * can start. Rejects with HostBlockedError, without calling `fn`, when the host is blocked at
   * submission or becomes blocked while the task waits.
   */
  run<T>(host: string, fn: () => Promise<T>): Promise<T>;
  /** Refuses work for `host` until `untilMs` (epoch ms); an earlier deadline never shortens a later one. */
  blockHost(host: string, untilMs: number): void;
  /** When `host` may be contacted again, or undefined when it is not blocked. */
  blockedUntil(host: string): number | undefined;
  /** Hosts blocked right now (so a scheduler can avoid leasing their sources). */
  blockedHosts(): string[];
  /** Tasks running now. */
  active(): number;
  /** Tasks waiting for a slot. */
  pending(): number;
}

/** run() was asked to contact a host that asked us to wait (Retry-After). */
export class HostBlockedError extends Error {
  constructor(readonly host: string, readonly untilMs: number) {
    super(`${host} asked us to wait until ${new Date(untilMs).toISOString()}`);
    this.name = 'HostBlockedError';
  }
}

interface Waiter {
  host: string;
  start(): void;
  refuse(err: Error): void;
}

/** Host names compare case-insensitively and without a trailing dot. */
function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.+$/, '');
}

export function createHostLimiter(options: HostLimiterOptions): HostLimiter {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const hostConcurrency = Math.max(1, Math.floor(options.hostConcurrency));
  const now = options.now ?? Date.now;
  const perHost = new Map<string, number>();
  const blocks = new Map<string, number>();
  const queue: Waiter[] = [];
  let running = 0;

  const blockedUntil = (host: string): number | undefined => {
    const key = normalizeHost(host);
    const until = blocks.get(key);
    if (until === undefined) return undefined;
    if (until <= now()) {
      blocks.delete(key);
      return undefined;
    }
    return until;
  };

  /** Starts every waiting task that may start now, oldest first; a saturated host does not hold up the others. */
  const drain = () => {
    for (let i = 0; i < queue.length && running < concurrency; ) {
      const waiter = queue[i];
      const until = blockedUntil(waiter.host);
      if (until !== undefined) {
        queue.splice(i, 1);
        waiter.refuse(new HostBlockedError(waiter.host, until));
        continue;
      }
      if ((perHost.get(waiter.host) ?? 0) >= hostConcurrency) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      waiter.start();
    }
  };

  const run = <T>(rawHost: string, fn: () => Promise<T>): Promise<T> => {
    const host = normalizeHost(rawHost);
    const until = blockedUntil(host);
    if (until !== undefined) return Promise.reject(new HostBlockedError(host, until));
    return new Promise<T>((resolve, reject) => {
      queue.push({
        host,
        refuse: reject,
        start() {
          running++;
          perHost.set(host, (perHost.get(host) ?? 0) + 1);
          let result: Promise<T>;
          try {
            result = Promise.resolve(fn());
          } catch (err) {
            result = Promise.reject(err);
          }
          result.then(resolve, reject).finally(() => {
            running--;
            const left = (perHost.get(host) ?? 1) - 1;
            if (left > 0) perHost.set(host, left);
            else perHost.delete(host);
            drain();
          });
        },
      });
      drain();
    });
  };

  return {
    run,
    blockHost(host, untilMs) {
      const key = normalizeHost(host);
      if (untilMs <= now()) return;
      blocks.set(key, Math.max(untilMs, blocks.get(key) ?? 0));
      const until = blocks.get(key)!;
      for (const waiter of queue.filter((w) => w.host === key)) {
        queue.splice(queue.indexOf(waiter), 1);
        waiter.refuse(new HostBlockedError(key, until));
      }
    },
    blockedUntil,
    blockedHosts: () => [...blocks.keys()].filter((h) => blockedUntil(h) !== undefined),
    active: () => running,
    pending: () => queue.length,
  };
}
