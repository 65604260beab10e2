import { describe, expect, it } from 'vitest';
import { backoffMinutes, FIRST_FETCH_RETRY_MINUTES, firstFetchRetryMinutes, nextIntervalMinutes } from '../../src/pipeline/next-fetch.ts';

const bounds = { minIntervalMinutes: 15, maxIntervalMinutes: 1440 };
const hoursAgo = (h: number) => new Date(Date.UTC(2024, 5, 1) - h * 3600_000);

describe('nextIntervalMinutes', () => {
  it('polls a busy source often, never under the minimum', () => {
    const dates = Array.from({ length: 10 }, (_, i) => hoursAgo(i * 0.1));
    expect(nextIntervalMinutes({ itemDates: dates }, bounds)).toBe(15);
  });

  it('follows the typical gap between posts (about twice per gap)', () => {
    const dates = Array.from({ length: 6 }, (_, i) => hoursAgo(i * 4));
    expect(nextIntervalMinutes({ itemDates: dates }, bounds)).toBe(120);
  });

  it('polls a quiet source at most once a day', () => {
    const dates = [hoursAgo(0), hoursAgo(24 * 30), hoursAgo(24 * 60)];
    expect(nextIntervalMinutes({ itemDates: dates }, bounds)).toBe(1440);
  });

  it('defaults to an hour without dates', () => {
    expect(nextIntervalMinutes({ itemDates: [] }, bounds)).toBe(60);
  });

  it('respects ttl, sy:updatePeriod and Cache-Control as floors, within the bounds', () => {
    const busy = Array.from({ length: 10 }, (_, i) => hoursAgo(i * 0.1));
    expect(nextIntervalMinutes({ itemDates: busy, ttlMinutes: 90 }, bounds)).toBe(90);
    expect(nextIntervalMinutes({ itemDates: busy, updatePeriodMinutes: 360 }, bounds)).toBe(360);
    expect(nextIntervalMinutes({ itemDates: busy, cacheMaxAgeSeconds: 1800 }, bounds)).toBe(30);
    expect(nextIntervalMinutes({ itemDates: busy, ttlMinutes: 100_000 }, bounds)).toBe(1440);
  });

  it("uses the operator's override as given", () => {
    expect(nextIntervalMinutes({ itemDates: [], ttlMinutes: 600, overrideMinutes: 5 }, bounds)).toBe(5);
  });
});

describe('backoffMinutes', () => {
  it('grows exponentially from the minimum, jittered within ±20%, capped at the maximum', () => {
    const values = [1, 2, 3, 4].map((n) => backoffMinutes(n, bounds, 'src'));
    [15, 30, 60, 120].forEach((base, i) => {
      expect(values[i]).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
      expect(values[i]).toBeLessThanOrEqual(Math.ceil(base * 1.2));
    });
    expect(backoffMinutes(30, bounds, 'src')).toBeLessThanOrEqual(1440);
  });

  it('spreads sources that failed together, deterministically', () => {
    const spread = new Set(Array.from({ length: 20 }, (_, i) => backoffMinutes(3, bounds, `source-${i}`)));
    expect(spread.size).toBeGreaterThan(5);
    expect(backoffMinutes(3, bounds, 'a')).toBe(backoffMinutes(3, bounds, 'a'));
  });
});

describe('firstFetchRetryMinutes', () => {
  it.each([
    [1, 2],
    [2, 5],
    [3, 10],
    [4, 15],
  ])('after failure %i of a source never read, waits about %i minutes (±20%%)', (failures, base) => {
    const wait = firstFetchRetryMinutes(failures, bounds, 'src');
    expect(wait).toBeGreaterThanOrEqual(base * 0.8);
    expect(wait).toBeLessThanOrEqual(base * 1.2);
  });

  it('then continues on the usual backoff, from the last short step', () => {
    const steps = FIRST_FETCH_RETRY_MINUTES.length;
    expect(firstFetchRetryMinutes(steps + 1, bounds, 'src')).toBe(backoffMinutes(2, bounds, 'src'));
    expect(firstFetchRetryMinutes(steps + 10, bounds, 'src')).toBe(backoffMinutes(11, bounds, 'src'));
  });

  it('never waits beyond the longest interval', () => {
    expect(firstFetchRetryMinutes(1, { minIntervalMinutes: 1, maxIntervalMinutes: 1 }, 'src')).toBeLessThanOrEqual(1);
  });

  it('spreads sources that failed together, deterministically', () => {
    const spread = new Set(Array.from({ length: 20 }, (_, i) => firstFetchRetryMinutes(1, bounds, `source-${i}`)));
    expect(spread.size).toBeGreaterThan(5);
    expect(firstFetchRetryMinutes(2, bounds, 'a')).toBe(firstFetchRetryMinutes(2, bounds, 'a'));
  });
});
