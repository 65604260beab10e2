// When to fetch a source next: often enough to follow how often it posts, never more often than
// its publisher asks (ttl, sy:updatePeriod, Cache-Control), within the operator's bounds; and
// backing off, with jitter, while it fails. A source that has never been read is tried again within
// minutes instead: a first failure is most often the hub's own start (no network yet, a typo fixed
// in feeds.yaml), and waiting a backoff meant for a broken source hides every item for an hour.
import { createHash } from 'node:crypto';

export interface IntervalBounds {
  minIntervalMinutes: number;
  maxIntervalMinutes: number;
}

export interface IntervalHints {
  /** Publication dates of the feed's items, as the feed gave them. */
  itemDates: Date[];
  ttlMinutes?: number;
  updatePeriodMinutes?: number;
  cacheMaxAgeSeconds?: number;
  /** The operator's fixed interval for this source, if any. */
  overrideMinutes?: number;
}

const DEFAULT_MINUTES = 60;
const SAMPLE = 10;

/** Minutes until the next fetch after a successful one. */
export function nextIntervalMinutes(hints: IntervalHints, bounds: IntervalBounds): number {
  if (hints.overrideMinutes) return Math.max(1, hints.overrideMinutes);
  const clamp = (m: number) => Math.round(Math.min(bounds.maxIntervalMinutes, Math.max(bounds.minIntervalMinutes, m)));

  let minutes = DEFAULT_MINUTES;
  const times = hints.itemDates
    .map((d) => d.getTime())
    .filter(Number.isFinite)
    .sort((a, b) => b - a)
    .slice(0, SAMPLE);
  if (times.length >= 2) {
    // Poll about twice per typical gap between posts.
    const meanGap = (times[0] - times[times.length - 1]) / (times.length - 1);
    minutes = meanGap / 60_000 / 2;
  }
  const publisherFloor = Math.max(
    hints.ttlMinutes ?? 0,
    hints.updatePeriodMinutes ?? 0,
    (hints.cacheMaxAgeSeconds ?? 0) / 60,
  );
  return clamp(Math.max(minutes, publisherFloor));
}

/** Minutes to wait after the n-th consecutive failure: exponential from the minimum, capped, jittered ±20%. */
export function backoffMinutes(failures: number, bounds: IntervalBounds, seed: string): number {
  const base = Math.min(bounds.maxIntervalMinutes, bounds.minIntervalMinutes * 2 ** Math.max(0, Math.min(failures - 1, 20)));
  const jitter = 0.8 + 0.4 * unitHash(`${seed}:${failures}`);
  return Math.max(1, Math.round(Math.min(bounds.maxIntervalMinutes, base * jitter)));
}

/** The waits, in minutes, after the first failures of a source that has never been read. */
export const FIRST_FETCH_RETRY_MINUTES = [2, 5, 10, 15] as const;

/**
 * Minutes to wait after the n-th consecutive failure of a source that has never been read: the
 * short steps above, jittered ±20%, then the usual backoff, continuing from the last step.
 */
export function firstFetchRetryMinutes(failures: number, bounds: IntervalBounds, seed: string): number {
  const steps = FIRST_FETCH_RETRY_MINUTES;
  if (failures > steps.length) return backoffMinutes(failures - steps.length + 1, bounds, seed);
  const step = steps[Math.max(0, failures - 1)];
  const jitter = 0.8 + 0.4 * unitHash(`${seed}:first:${failures}`);
  // To the second, so sources that failed together come back spread out, not in one burst.
  return Math.min(bounds.maxIntervalMinutes, Math.round(step * jitter * 60) / 60);
}

/** A deterministic number in [0, 1) from a string, so two runs spread sources the same way. */
export function unitHash(seed: string): number {
  return createHash('sha1').update(seed).digest().readUInt32BE(0) / 2 ** 32;
}
