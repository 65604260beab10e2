// Retry-After and freshness arithmetic, without a server.
import { describe, expect, it } from 'vitest';
import { parseCacheLifetime, parseRetryAfter } from '../../src/fetch/cache-hints.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    [{ 'retry-after': '3600' }, 3600],
    [{ 'retry-after': ' 120 ' }, 120],
    [{ 'retry-after': '0' }, 60],
    [{ 'retry-after': '86400000' }, 604_800],
    [{ 'retry-after': 'Sun, 22 Nov 2026 13:00:00 GMT' }, 3600],
    [{ 'retry-after': 'Sun, 22 Nov 2026 13:00:00 GMT', date: 'Sun, 22 Nov 2026 12:30:00 GMT' }, 1800],
    [{ 'retry-after': 'Sunday, 22-Nov-26 13:00:00 GMT' }, 3600],
    [{ 'retry-after': 'Sun, 22 Nov 2026 11:00:00 GMT' }, 60],
    [{ 'retry-after': '-5' }, undefined],
    [{ 'retry-after': 'tomorrow' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(parseRetryAfter(headers, NOW)).toBe(expected);
  });
});

describe('parseCacheLifetime', () => {
  it.each([
    [{ 'cache-control': 'max-age=600' }, 600],
    [{ 'cache-control': 'public, max-age="300", must-revalidate' }, 300],
    [{ 'cache-control': 's-maxage=60' }, undefined],
    [{ 'cache-control': 'no-cache' }, undefined],
    [{ 'cache-control': 'max-age=600', expires: 'Sun, 22 Nov 2026 12:01:00 GMT' }, 600],
    [{ expires: 'Sun, 22 Nov 2026 13:00:00 GMT' }, 3600],
    [{ expires: 'Sun, 22 Nov 2026 13:00:00 GMT', date: 'Sun, 22 Nov 2026 12:59:00 GMT' }, 60],
    [{ expires: 'Sun, 22 Nov 2026 11:00:00 GMT' }, 0],
    [{ expires: '0' }, 0],
    [{ expires: '-1' }, 0],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(parseCacheLifetime(headers, NOW)).toBe(expected);
  });
});
