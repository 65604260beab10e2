// The feed cache holds at most its budget in bytes, documents and aliases together; the least
// recently used go first, nothing keeps an evicted document, and a new data generation empties it
// (or, with a stale bound, leaves what may still be answered while it is rendered again).
import { describe, expect, it } from 'vitest';
import { createFeedCache, strongEtag } from '../../src/publish/feed-cache.ts';

const KIB = 1024;

function cacheOf(maxBytes: number, extra: { maxEntries?: number } = {}) {
  let generation = 1;
  let clock = 0;
  let renders = 0;
  const cache = createFeedCache({ readGeneration: async () => generation, maxBytes, now: () => clock, ...extra });
  const doc = (key: string, size = 10 * KIB) =>
    cache.get(key, async () => {
      renders++;
      return { body: key.slice(0, 1).repeat(size), lastModified: new Date(0) };
    });
  return {
    cache,
    doc,
    renders: () => renders,
    bump: () => {
      generation++;
      clock += 10_000;
    },
  };
}

describe('feed cache', () => {
  it('never holds more than its budget, however many documents are asked for', async () => {
    const { cache, doc } = cacheOf(100 * KIB);
    for (let i = 0; i < 500; i++) {
      await doc(`doc-${i}`);
      expect(cache.bytes()).toBeLessThanOrEqual(100 * KIB);
    }
    expect(cache.size()).toBeGreaterThanOrEqual(8);
    expect(cache.size()).toBeLessThanOrEqual(10);
  });

  it('evicts the least recently used document first', async () => {
    const { cache, doc, renders } = cacheOf(35 * KIB);
    await doc('a');
    await doc('b');
    await doc('c');
    await doc('a'); // a is now the most recent
    await doc('d'); // b goes
    expect(renders()).toBe(4);
    await doc('a');
    await doc('c');
    expect(renders()).toBe(4);
    await doc('b');
    expect(renders()).toBe(5);
    expect(cache.size()).toBe(3);
  });

  it('aliases count in the budget and keep no evicted document alive', async () => {
    const { cache, doc } = cacheOf(40 * KIB);
    await doc('self');
    // Many spellings of one document: one document, small aliases.
    for (let i = 0; i < 20; i++) cache.alias(`https://hub.example.ca/feeds/all.rss?spelling=${i}`, 'self');
    expect(cache.size()).toBe(1);
    expect(cache.bytes()).toBeLessThan(20 * KIB);
    expect(cache.peek('https://hub.example.ca/feeds/all.rss?spelling=19')?.etag).toBeDefined();
    // Enough new documents push the first out; its aliases then find nothing.
    for (let i = 0; i < 5; i++) await doc(`other-${i}`);
    expect(cache.bytes()).toBeLessThanOrEqual(40 * KIB);
    expect(cache.peek('https://hub.example.ca/feeds/all.rss?spelling=19')).toBeUndefined();
    // Thousands of aliases cannot grow it either.
    for (let i = 0; i < 5000; i++) cache.alias(`https://hub.example.ca/feeds/all.rss?spelling=${i}`, 'other-4');
    expect(cache.bytes()).toBeLessThanOrEqual(40 * KIB);
  });

  it('a document larger than the whole budget is answered and not kept; with 0 bytes nothing is', async () => {
    const { cache, doc, renders } = cacheOf(20 * KIB);
    const big = await doc('big', 30 * KIB);
    expect(big.body.byteLength).toBe(30 * KIB);
    expect(cache.size()).toBe(0);
    await doc('big', 30 * KIB);
    expect(renders()).toBe(2);
    const off = cacheOf(0);
    await off.doc('x', 1);
    expect(off.cache.size()).toBe(0);
    expect(off.cache.bytes()).toBe(0);
  });

  it('a new data generation empties it; concurrent requests for one key render once', async () => {
    const { cache, doc, renders, bump } = cacheOf(100 * KIB);
    await Promise.all([doc('a'), doc('a'), doc('a')]);
    expect(renders()).toBe(1);
    cache.alias('https://hub.example.ca/a', 'a');
    bump();
    await doc('b');
    expect(cache.size()).toBe(1);
    expect(cache.peek('https://hub.example.ca/a')).toBeUndefined();
    await doc('a');
    expect(renders()).toBe(3);
  });

  it('maxEntries bounds the number of documents as well', async () => {
    const { cache, doc } = cacheOf(1024 * KIB, { maxEntries: 3 });
    for (let i = 0; i < 10; i++) await doc(`d${i}`, 100);
    expect(cache.size()).toBe(3);
  });
});

/** A cache whose renders wait until released, each answering with the data version it read. */
function staleCacheOf(options: { staleMs?: number; maxBytes?: number } = {}) {
  let generation = 1;
  let clock = 0;
  let renders = 0;
  let failing = false;
  const errors: unknown[] = [];
  const waiting: (() => void)[] = [];
  const cache = createFeedCache({ readGeneration: async () => generation, maxBytes: options.maxBytes ?? 1024 * KIB, now: () => clock, staleMs: options.staleMs, onRefreshError: (err) => errors.push(err) });
  const doc = async (key: string) => {
    const rendered = await cache.get(key, async () => {
      renders++;
      const version = generation;
      await new Promise<void>((release) => waiting.push(release));
      if (failing) throw new Error('database went away');
      return { body: `${key} v${version} `.padEnd(KIB, '.'), lastModified: new Date(version * 1000) };
    });
    // The validators are those of the bytes sent, stale or not.
    const body = new TextDecoder().decode(rendered.body);
    const version = body.split(' ')[1];
    expect(rendered.etag).toBe(strongEtag(body));
    expect(rendered.lastModified).toEqual(new Date(Number(version.slice(1)) * 1000));
    return version;
  };
  return {
    cache,
    doc,
    renders: () => renders,
    errors,
    fail: (yes: boolean) => (failing = yes),
    /** Lets every waiting render finish. */
    release: async () => {
      await new Promise((r) => setImmediate(r));
      while (waiting.length) waiting.shift()!();
      await new Promise((r) => setImmediate(r));
    },
    /** The data changes; `ms` later, the next request reads the generation again. */
    change: (ms: number) => {
      generation++;
      clock += ms;
      cache.invalidate();
    },
    later: (ms: number) => (clock += ms),
  };
}

/** Gets a document, letting its render (if one is needed) finish. */
async function settled<T>(c: { release: () => Promise<void> }, pending: Promise<T>): Promise<T> {
  let done = false;
  pending.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) await c.release();
  return pending;
}

describe('feed cache, answering from older data within a bound', () => {
  it('answers the older document at once while exactly one render replaces it', async () => {
    const c = staleCacheOf({ staleMs: 5000 });
    expect(await settled(c, c.doc('a'))).toBe('v1');
    c.change(1000);
    // No render is released: these are answered from the document held.
    expect(await Promise.all([c.doc('a'), c.doc('a'), c.doc('a')])).toEqual(['v1', 'v1', 'v1']);
    expect(c.renders()).toBe(2);
    await c.release();
    expect(await c.doc('a')).toBe('v2');
    expect(c.renders()).toBe(2);
  });

  it('however often the data changes, a document is rendered again at most once a second', async () => {
    const c = staleCacheOf({ staleMs: 5000 });
    await settled(c, c.doc('a'));
    for (let i = 0; i < 4; i++) {
      c.change(200);
      expect(await c.doc('a')).toBe('v1');
    }
    expect(c.renders()).toBe(1);
    c.change(200);
    expect(await c.doc('a')).toBe('v1');
    expect(c.renders()).toBe(2);
    await c.release();
    expect(await c.doc('a')).toBe('v6');
  });

  it('past the bound, a request waits for the new data', async () => {
    const c = staleCacheOf({ staleMs: 5000 });
    await settled(c, c.doc('a'));
    c.change(6000);
    expect(await settled(c, c.doc('a'))).toBe('v2');
  });

  it('a render that fails in the background leaves the older document, until its bound', async () => {
    const c = staleCacheOf({ staleMs: 5000 });
    await settled(c, c.doc('a'));
    c.fail(true);
    c.change(1000);
    expect(await c.doc('a')).toBe('v1');
    await c.release();
    expect(c.errors).toHaveLength(1);
    expect(await c.doc('a')).toBe('v1');
    await c.release();
    expect(c.cache.size()).toBe(1);
    // Past the bound the failure is the request's own.
    c.later(5000);
    await expect(settled(c, c.doc('a'))).rejects.toThrow('database went away');
    c.fail(false);
    expect(await settled(c, c.doc('a'))).toBe('v2');
  });

  it('a replaced document is no longer counted, and the budget holds', async () => {
    const c = staleCacheOf({ staleMs: 5000, maxBytes: 10 * KIB });
    await settled(c, c.doc('a'));
    const one = c.cache.bytes();
    c.change(1000);
    await c.doc('a');
    await c.release();
    expect(await c.doc('a')).toBe('v2');
    expect(c.cache.bytes()).toBe(one);
    for (let i = 0; i < 40; i++) {
      await settled(c, c.doc(`d${i}`));
      if (i % 3 === 0) c.change(1000);
      expect(c.cache.bytes()).toBeLessThanOrEqual(10 * KIB);
    }
  });

  it('without a bound (the default), every request after a change waits for the new data', async () => {
    const c = staleCacheOf();
    await settled(c, c.doc('a'));
    c.cache.alias('https://hub.example.ca/a', 'a');
    c.change(1);
    expect(c.cache.peek('https://hub.example.ca/a', () => {})).toBeUndefined();
    expect(await settled(c, c.doc('a'))).toBe('v2');
    expect(c.renders()).toBe(2);
  });

  it('peek answers a document within the bound only when it can have it rendered again', async () => {
    const c = staleCacheOf({ staleMs: 5000 });
    await settled(c, c.doc('a'));
    c.cache.alias('https://hub.example.ca/a', 'a');
    c.change(1000);
    let asked = 0;
    expect(c.cache.peek('https://hub.example.ca/a')).toBeUndefined();
    expect(c.cache.peek('https://hub.example.ca/a', () => asked++)?.etag).toBeDefined();
    expect(asked).toBe(1);
    // Once a render is under way, peeks do not ask again.
    void c.doc('a');
    await new Promise((r) => setImmediate(r));
    c.cache.peek('https://hub.example.ca/a', () => asked++);
    expect(asked).toBe(1);
    await c.release();
    // The new document is current: answered with no render asked for.
    expect(c.cache.peek('https://hub.example.ca/a', () => asked++)?.lastModified).toEqual(new Date(2000));
    expect(asked).toBe(1);
    // Past the bound, and the generation not read lately: not answered without a request reading it.
    c.later(6000);
    expect(c.cache.peek('https://hub.example.ca/a', () => asked++)).toBeUndefined();
  });
});
