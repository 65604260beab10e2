// planIngest: what each kind of fetch does to its source, as a table of cases. No server, no
// database: a fetch result and a reading in, a patch and a log entry out.
import { describe, expect, it } from 'vitest';
import type { Item, Warning } from '../../src/core/types.ts';
import type { FetchFailed, FetchNotModified, FetchOk } from '../../src/fetch/fetch-feed.ts';
import { collapseWarnings, planIngest, REDIRECT_SIGHTINGS, type FeedReading, type PlannedSource } from '../../src/pipeline/plan-ingest.ts';
import { item } from '../helpers/items.ts';

const now = new Date('2024-06-01T12:00:00Z');
const bounds = { minIntervalMinutes: 15, maxIntervalMinutes: 1440 };
const ctx = { now, durationMs: 42, bounds };
const minutesFromNow = (d: Date | undefined) => (d!.getTime() - now.getTime()) / 60_000;

const source = (extra: Partial<PlannedSource> = {}): PlannedSource => ({
  slug: 'centre',
  url: 'https://centre.example.ca/feed/',
  aliases: [],
  etag: '"old"',
  lastModified: 'Wed, 01 May 2024 12:00:00 GMT',
  bodyHash: 'hash-old',
  errorCount: 0,
  // A source that has been read before; a new one (never read) is retried sooner.
  lastSuccessAt: new Date('2024-05-01T12:00:00Z'),
  intervalMinutes: 120,
  intervalOverrideMinutes: null,
  redirectTo: null,
  redirectSeen: 0,
  ...extra,
});
const common = { url: 'https://centre.example.ca/feed/', redirects: [], warnings: [] as Warning[], durationMs: 30, headers: {} };
const ok = (extra: Partial<FetchOk> = {}): FetchOk => ({
  ...common,
  kind: 'ok',
  status: 200,
  bytes: Buffer.from('<rss/>'),
  bodyHash: 'hash-new',
  text: '<rss/>',
  encoding: 'utf-8',
  contentType: 'application/rss+xml',
  ...extra,
});
const notModified = (extra: Partial<FetchNotModified> = {}): FetchNotModified => ({ ...common, kind: 'not-modified', status: 304, ...extra });
const failed = (extra: Partial<FetchFailed> = {}): FetchFailed => ({
  ...common,
  kind: 'failed',
  status: 500,
  code: 'http',
  params: { status: 500 },
  error: 'the server had an internal error (500)',
  ...extra,
});
/** Items posted every `gapMinutes`, the newest an hour ago. */
const postedEvery = (gapMinutes: number, n = 5): Item[] =>
  Array.from({ length: n }, (_, i) => item(`i${i}`, { publishedAt: new Date(now.getTime() - 3_600_000 - i * gapMinutes * 60_000) }));
const feed = (items: Item[] = postedEvery(240), extra: Partial<Extract<FeedReading, { kind: 'feed' }>['feed']> = {}, warnings: Warning[] = []): FeedReading => ({
  kind: 'feed',
  feed: { title: 'Centre news', link: 'https://centre.example.ca/', ...extra },
  items,
  warnings,
});

describe('planIngest: failures', () => {
  it.each([
    ['the first failure', 0, 15],
    ['the second in a row', 1, 30],
    ['the fourth in a row', 3, 120],
    ['the twentieth, capped at the longest interval', 19, 1440],
  ])('%s backs off exponentially from the shortest interval, jittered ±20%%', (_name, before, base) => {
    const plan = planIngest(source({ errorCount: before }), failed(), undefined, ctx);
    expect(plan.outcome).toBe('failed');
    expect(plan.patch.errorCount).toBe(before + 1);
    const wait = minutesFromNow(plan.patch.nextFetchAt);
    expect(wait).toBeGreaterThanOrEqual(Math.min(1440, Math.round(base * 0.8)));
    expect(wait).toBeLessThanOrEqual(Math.min(1440, Math.round(base * 1.2)));
    expect(plan.hostWaitUntil).toBeUndefined();
  });

  it.each([
    ['the first failure waits about 2 minutes', 0, 2],
    ['the second in a row, about 5', 1, 5],
    ['the third, about 10', 2, 10],
    ['the fourth, about 15', 3, 15],
    ['the fifth, on the usual backoff: about 30', 4, 30],
    ['the sixth, about 60', 5, 60],
  ])('a source never read yet: %s', (_name, before, base) => {
    for (const code of ['dns', 'connect', 'http'] as const) {
      const plan = planIngest(source({ errorCount: before, lastSuccessAt: null }), failed({ code }), undefined, ctx);
      const wait = minutesFromNow(plan.patch.nextFetchAt);
      expect(wait).toBeGreaterThanOrEqual(base * 0.8);
      expect(wait).toBeLessThanOrEqual(base * 1.2);
      expect(plan.patch.errorCount).toBe(before + 1);
    }
  });

  it('a source never read yet still waits as long as a Retry-After asks', () => {
    const plan = planIngest(source({ lastSuccessAt: null }), failed({ status: 429, params: { status: 429 }, retryAfterSeconds: 3600 }), undefined, ctx);
    expect(minutesFromNow(plan.patch.nextFetchAt)).toBe(60);
  });

  it('records the error as a code with its facts, the English beside it, on the source and in the log; items and validators stay', () => {
    const plan = planIngest(source(), failed({ warnings: [{ code: 'etag-not-sent' }] }), undefined, ctx);
    expect(plan.error).toEqual({ code: 'http', params: { status: 500 }, detail: 'the server had an internal error (500)' });
    expect(plan.patch).toMatchObject({
      lastFetchAt: now, lastStatus: 500, lastErrorCode: 'http', lastErrorParams: { status: 500 },
      lastError: 'the server had an internal error (500)', lastErrorAt: now, lastWarnings: [{ code: 'etag-not-sent' }],
    });
    for (const kept of ['etag', 'lastModified', 'bodyHash', 'lastSuccessAt', 'status', 'url', 'intervalMinutes'] as const) expect(plan.patch).not.toHaveProperty(kept);
    expect(plan.log).toEqual({
      startedAt: now, durationMs: 42, outcome: 'failed', httpStatus: 500,
      errorCode: 'http', errorParams: { status: 500 }, error: 'the server had an internal error (500)',
    });
    expect(plan.items).toEqual([]);
  });

  it('a failure with no HTTP answer logs no status', () => {
    const plan = planIngest(source(), failed({ status: undefined, code: 'dns', params: { host: 'centre.example.ca', cause: 'ENOTFOUND' }, error: 'DNS lookup failed for centre.example.ca (ENOTFOUND)' }), undefined, ctx);
    expect(plan.patch.lastStatus).toBeNull();
    expect(plan.log).not.toHaveProperty('httpStatus');
    expect(plan.patch.lastErrorParams).toEqual({ host: 'centre.example.ca', cause: 'ENOTFOUND' });
  });

  it.each([429, 503])('%i with Retry-After waits exactly as long as asked, for every source of the host', (status) => {
    const plan = planIngest(source({ errorCount: 4 }), failed({ status, params: { status }, retryAfterSeconds: 7200 }), undefined, ctx);
    expect(minutesFromNow(plan.patch.nextFetchAt)).toBe(120);
    expect(plan.hostWaitUntil).toEqual(plan.patch.nextFetchAt);
    expect(plan.patch.errorCount).toBe(5);
  });

  it('410 Gone marks the source gone', () => {
    const plan = planIngest(source(), failed({ status: 410, params: { status: 410 }, gone: true, error: 'gone (410): the source has been removed' }), undefined, ctx);
    expect(plan.patch.status).toBe('gone');
    expect(planIngest(source(), failed(), undefined, ctx).patch).not.toHaveProperty('status');
  });

  it('a body that is not a feed is a not-a-feed failure that keeps the HTTP status and says what the server sent', () => {
    const plan = planIngest(
      source({ errorCount: 2 }),
      ok({ contentType: 'text/html; charset=utf-8', warnings: [{ code: 'gzip-unlabelled' }] }),
      { kind: 'unreadable', detail: 'not a feed (HTML page)' },
      ctx,
    );
    expect(plan.outcome).toBe('failed');
    expect(plan.error).toEqual({ code: 'not-a-feed', params: { contentType: 'text/html' }, detail: 'not a feed (HTML page)' });
    expect(plan.patch).toMatchObject({ lastStatus: 200, errorCount: 3, lastWarnings: [{ code: 'gzip-unlabelled' }] });
    expect(plan.patch).not.toHaveProperty('bodyHash');
    expect(plan.log).toMatchObject({ outcome: 'failed', httpStatus: 200, errorCode: 'not-a-feed' });
  });
});

describe('planIngest: nothing new', () => {
  it('a 304 stores the validators it carries, clears a past failure, and keeps the interval', () => {
    const plan = planIngest(
      source({ errorCount: 3 }),
      notModified({ etag: '"new"', lastModified: 'Thu, 02 May 2024 08:00:00 GMT' }),
      undefined,
      ctx,
    );
    expect(plan.outcome).toBe('not-modified');
    expect(plan.patch).toMatchObject({
      etag: '"new"', lastModified: 'Thu, 02 May 2024 08:00:00 GMT', lastStatus: 304, lastSuccessAt: now,
      errorCount: 0, lastErrorCode: null, lastErrorParams: null, lastError: null, lastErrorAt: null,
    });
    expect(minutesFromNow(plan.patch.nextFetchAt)).toBe(120);
    expect(plan.log).toEqual({ startedAt: now, durationMs: 42, outcome: 'not-modified', httpStatus: 304 });
  });

  it('a 304 without validators keeps the stored ones (RFC 9111 §4.3.4)', () => {
    expect(planIngest(source(), notModified(), undefined, ctx).patch).toMatchObject({ etag: '"old"', lastModified: 'Wed, 01 May 2024 12:00:00 GMT' });
  });

  it.each([
    ['an operator-fixed interval', { intervalOverrideMinutes: 30 }, 30],
    ['the interval learned from the feed', { intervalMinutes: 90 }, 90],
    ['the default before anything was learned', { intervalMinutes: null }, 60],
  ])('the next fetch after nothing new follows %s', (_name, extra, minutes) => {
    expect(minutesFromNow(planIngest(source(extra), notModified(), undefined, ctx).patch.nextFetchAt)).toBe(minutes);
  });

  it('the same bytes again are "unchanged": no reading, no items, the size logged', () => {
    const plan = planIngest(source({ bodyHash: 'same' }), ok({ bodyHash: 'same', etag: '"e2"' }), undefined, ctx);
    expect(plan.outcome).toBe('unchanged');
    expect(plan.items).toEqual([]);
    expect(plan.patch).toMatchObject({ etag: '"e2"', lastStatus: 200, errorCount: 0 });
    expect(plan.patch).not.toHaveProperty('bodyHash');
    expect(plan.log).toEqual({ startedAt: now, durationMs: 42, outcome: 'unchanged', httpStatus: 200, bytes: 6 });
  });
});

describe('planIngest: a new body', () => {
  it('stores the items and the body hash, and clears a past failure', () => {
    const items = postedEvery(240);
    const plan = planIngest(source({ errorCount: 2 }), ok(), feed(items), ctx);
    expect(plan.outcome).toBe('ok');
    expect(plan.items).toBe(items);
    expect(plan.patch).toMatchObject({
      bodyHash: 'hash-new', feedTitle: 'Centre news', feedLink: 'https://centre.example.ca/',
      lastSuccessAt: now, errorCount: 0, lastErrorCode: null, lastError: null, etag: '"old"',
    });
    expect(plan.log).toEqual({ startedAt: now, durationMs: 42, outcome: 'ok', httpStatus: 200, bytes: 6 });
  });

  it('a body must be read before it is planned', () => {
    expect(() => planIngest(source(), ok(), undefined, ctx)).toThrow(/must be read/);
  });

  it.each([
    ['about twice per gap between posts', feed(postedEvery(240)), ok(), 120],
    ['within the shortest interval for a feed posting every minute', feed(postedEvery(1)), ok(), 15],
    ['within the longest for a feed posting monthly', feed(postedEvery(43_200)), ok(), 1440],
    ['never more often than its <ttl>', feed(postedEvery(60), { ttlMinutes: 360 }), ok(), 360],
    ['never more often than sy:updatePeriod', feed(postedEvery(60), { updatePeriodMinutes: 720 }), ok(), 720],
    ['never more often than Cache-Control max-age', feed(postedEvery(60)), ok({ cacheMaxAgeSeconds: 3 * 3600 }), 180],
    ['the default when the items carry no dates', feed(postedEvery(60).map((i) => ({ ...i, dateFromFeed: false }))), ok(), 60],
  ])('the interval follows the feed: %s', (_name, reading, fetched, minutes) => {
    const plan = planIngest(source(), fetched, reading, ctx);
    expect(plan.patch.intervalMinutes).toBe(minutes);
    expect(minutesFromNow(plan.patch.nextFetchAt)).toBe(minutes);
  });

  it('an operator-fixed interval wins over what the feed says', () => {
    expect(planIngest(source({ intervalOverrideMinutes: 45 }), ok(), feed(postedEvery(1), { ttlMinutes: 600 }), ctx).patch.intervalMinutes).toBe(45);
  });

  it('warnings from fetch and reading are kept once each, with how often they came', () => {
    const date = (value: string): Warning => ({ code: 'unusable-date', params: { value } });
    const plan = planIngest(source(), ok({ warnings: [{ code: 'gzip-unlabelled' }] }), feed(undefined, {}, [date('soon'), date('soon'), date('later')]), ctx);
    expect(plan.patch.lastWarnings).toEqual([{ code: 'gzip-unlabelled' }, { ...date('soon'), repeated: 2 }, date('later')]);
    expect(plan.warnings).toEqual(plan.patch.lastWarnings);
  });
});

describe('planIngest: permanent redirects', () => {
  const target = 'https://www.centre.example.ca/feed.xml';

  it(`moves the source only after ${REDIRECT_SIGHTINGS} sightings of the same target, keeping the old URL as an alias`, () => {
    const first = planIngest(source(), ok({ permanentRedirect: target }), feed(), ctx).patch;
    expect(first).toMatchObject({ redirectTo: target, redirectSeen: 1 });
    expect(first).not.toHaveProperty('url');
    const second = planIngest(source({ redirectTo: target, redirectSeen: 1, aliases: ['https://older.example.ca/rss'] }), ok({ permanentRedirect: target }), feed(), ctx).patch;
    expect(second).toMatchObject({
      url: target, host: 'www.centre.example.ca', aliases: ['https://older.example.ca/rss', 'https://centre.example.ca/feed/'],
      redirectTo: null, redirectSeen: 0,
    });
  });

  it('a different target starts counting again', () => {
    const patch = planIngest(source({ redirectTo: 'https://elsewhere.example.ca/feed', redirectSeen: 1 }), ok({ permanentRedirect: target }), feed(), ctx).patch;
    expect(patch).toMatchObject({ redirectTo: target, redirectSeen: 1 });
    expect(patch).not.toHaveProperty('url');
  });

  it.each([
    ['no redirect', ok()],
    ['a redirect back to the stored URL', ok({ permanentRedirect: 'https://centre.example.ca/feed/' })],
  ])('%s forgets a pending one', (_name, fetched) => {
    expect(planIngest(source({ redirectTo: target, redirectSeen: 1 }), fetched, feed(), ctx).patch).toMatchObject({ redirectTo: null, redirectSeen: 0 });
  });

  it.each([
    ['a 304 to our validators', (extra: Partial<FetchNotModified>) => notModified(extra)],
    ['the very bytes read last time', (extra: Partial<FetchOk>) => ok({ bodyHash: 'hash-old', ...extra })],
  ] as const)('a moved feed is learned when the new address answers with %s', (_name, answer) => {
    const first = planIngest(source(), answer({ permanentRedirect: target }), undefined, ctx);
    expect(first.outcome).not.toBe('ok');
    expect(first.patch).toMatchObject({ redirectTo: target, redirectSeen: 1 });
    expect(first.patch).not.toHaveProperty('url');
    const second = planIngest(source({ redirectTo: target, redirectSeen: 1 }), answer({ permanentRedirect: target }), undefined, ctx).patch;
    expect(second).toMatchObject({ url: target, host: 'www.centre.example.ca', aliases: ['https://centre.example.ca/feed/'], redirectTo: null, redirectSeen: 0 });
    // Validators stay: the new address just accepted them.
    expect(second).toMatchObject({ etag: '"old"', lastModified: 'Wed, 01 May 2024 12:00:00 GMT' });
  });

  it('a sighting with a whole body, then one with a 304, moves the source', () => {
    const first = planIngest(source(), ok({ permanentRedirect: target }), feed(), ctx).patch;
    const second = planIngest(source({ redirectTo: first.redirectTo, redirectSeen: first.redirectSeen! }), notModified({ permanentRedirect: target }), undefined, ctx).patch;
    expect(second).toMatchObject({ url: target, redirectTo: null });
  });

  it('a 304 at the old address forgets a pending move', () => {
    expect(planIngest(source({ redirectTo: target, redirectSeen: 1 }), notModified(), undefined, ctx).patch).toMatchObject({ redirectTo: null, redirectSeen: 0 });
  });

  it('a redirect is not followed on failure, nor to a body that is not a feed', () => {
    expect(planIngest(source({ redirectTo: target, redirectSeen: 1 }), failed({ permanentRedirect: target }), undefined, ctx).patch).not.toHaveProperty('url');
    const unreadable = planIngest(source({ redirectTo: target, redirectSeen: 1 }), ok({ permanentRedirect: target }), { kind: 'unreadable', detail: 'not a feed (HTML page)' }, ctx).patch;
    expect(unreadable).not.toHaveProperty('url');
    expect(unreadable).not.toHaveProperty('redirectSeen');
  });
});

describe('planIngest: page sources', () => {
  const stopped = (previous: number): FeedReading => ({
    kind: 'unreadable',
    detail: `the selectors found no items, where they found ${previous} last time (the site was probably redesigned)`,
    problem: { code: 'selectors-stopped-matching', params: { previous } },
  });

  it('remembers how many items each new body held', () => {
    expect(planIngest(source(), ok(), feed(postedEvery(240, 12)), ctx).patch.lastItemsFound).toBe(12);
    expect(planIngest(source(), ok(), feed([]), ctx).patch.lastItemsFound).toBe(0);
  });

  it('selectors that stopped matching are an error with the count they found before; the count and the items stay', () => {
    const plan = planIngest(source({ errorCount: 0 }), ok({ contentType: 'text/html; charset=utf-8' }), stopped(12), ctx);
    expect(plan.outcome).toBe('failed');
    expect(plan.items).toEqual([]);
    expect(plan.error).toEqual({ code: 'selectors-stopped-matching', params: { previous: 12 }, detail: expect.stringMatching(/where they found 12 last time/) });
    expect(plan.patch).toMatchObject({ lastErrorCode: 'selectors-stopped-matching', lastErrorParams: { previous: 12 }, lastStatus: 200, errorCount: 1 });
    // Not stored: the next fetch reads the page again (and new selectors read it at once).
    for (const kept of ['bodyHash', 'lastItemsFound', 'lastSuccessAt', 'etag']) expect(plan.patch).not.toHaveProperty(kept);
    expect(plan.log).toMatchObject({ outcome: 'failed', httpStatus: 200, errorCode: 'selectors-stopped-matching', errorParams: { previous: 12 } });
  });

  it.each([
    ['a login wall', { code: 'login-wall', params: {} }],
    ['a page that became a feed', { code: 'page-is-a-feed', params: {} }],
    ['an item selector that never matched', { code: 'selector-matches-nothing', params: { field: 'item' } }],
    ['items with no links', { code: 'items-without-links', params: { items: 4 } }],
  ] as const)('%s is recorded with its own code, not as "not a feed"', (_name, problem) => {
    const plan = planIngest(source(), ok({ contentType: 'text/html' }), { kind: 'unreadable', detail: 'English words', problem }, ctx);
    expect(plan.error).toEqual({ ...problem, detail: 'English words' });
  });

  it('a failing page source backs off like any other', () => {
    const plan = planIngest(source({ errorCount: 3 }), ok(), stopped(12), ctx);
    expect(plan.patch.errorCount).toBe(4);
    expect(minutesFromNow(plan.patch.nextFetchAt)).toBeGreaterThanOrEqual(96);
  });
});

describe('collapseWarnings', () => {
  it('keeps at most 50 kinds of warning', () => {
    const many = Array.from({ length: 80 }, (_, i): Warning => ({ code: 'unusable-date', params: { value: `d${i}` } }));
    expect(collapseWarnings(many)).toHaveLength(50);
  });
});
