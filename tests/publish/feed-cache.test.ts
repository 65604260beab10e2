// The feed cache holds at most its budget in bytes, documents and aliases together; the least
// recently used go first, nothing keeps an evicted document, and a new data generation empties it.
import { describe, expect, it } from 'vitest';
import { createFeedCache } from '../../src/publish/feed-cache.ts';

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
