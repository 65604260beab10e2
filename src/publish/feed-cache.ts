// Rendered output feeds, kept until the data under them changes. The hub's generation counter
// (bumped by every ingest that changes items, in any process) says when; it is read at most once
// per `checkEveryMs`, and at once after a local ingest. Renders are single-flight per key.
//
// The cache is bounded in bytes: documents are stored under their canonical key (the self URL),
// so the many spellings of one query share one document, and the request URLs seen for it are
// kept as small aliases counted in the same budget. Least recently used goes first; nothing else
// holds a document once it is evicted.
import { createHash } from 'node:crypto';
import { DEFAULT_FEED_CACHE_BYTES } from '../core/config.ts';

export interface Rendered {
  /** UTF-8, encoded once: a poll sends these bytes as they are. */
  body: Uint8Array<ArrayBuffer>;
  /** Strong validator from the bytes themselves (RFC 9110 §8.8.3). */
  etag: string;
  lastModified: Date;
}

export interface FeedCache {
  /** The document under `key`, rendered (once, however many ask at the same time) if it is not current. */
  get<E extends object = object>(key: string, render: () => Promise<{ body: string; lastModified: Date } & E>): Promise<Rendered & E>;
  /** Any value derived from the data (the list of source slugs, say), kept for the current generation. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Remembers that a request for `url` was answered with the document under `key` (see peek). */
  alias(url: string, key: string): void;
  /**
   * The document a request for `url` was answered with, if it is known to be current, without
   * waiting: a fast path for requests repeating a URL already rendered (most feed polls).
   */
  peek<T extends Rendered = Rendered>(url: string): T | undefined;
  /** Something changed here: the next request reads the generation again. */
  invalidate(): void;
  /** Documents held, and the bytes counted for them and their aliases. */
  size(): number;
  bytes(): number;
}

export interface FeedCacheOptions {
  readGeneration: () => Promise<number>;
  /** Budget for documents and aliases together; 0 keeps nothing. */
  maxBytes?: number;
  /** An extra bound on the number of documents. */
  maxEntries?: number;
  checkEveryMs?: number;
  now?: () => number;
}

type Slot = { kind: 'doc'; value: Rendered; bytes: number } | { kind: 'alias'; key: string; bytes: number };

/** What a string costs in the heap (UTF-16), plus the map entry and object around it. */
const OVERHEAD = 160;
const stringBytes = (s: string) => s.length * 2;
/** Longer request URLs are answered as usual but not remembered. */
const ALIAS_MAX_LENGTH = 2048;

export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

export function createFeedCache(options: FeedCacheOptions): FeedCache {
  const maxBytes = options.maxBytes ?? DEFAULT_FEED_CACHE_BYTES;
  const maxEntries = options.maxEntries ?? Infinity;
  const checkEveryMs = options.checkEveryMs ?? 1000;
  const now = options.now ?? Date.now;
  // Insertion order is recency order: a hit is moved to the end, eviction takes the front.
  const slots = new Map<string, Slot>();
  const inFlight = new Map<string, Promise<Rendered>>();
  const memos = new Map<string, { generation: number; value: Promise<unknown> }>();
  let bytes = 0;
  let docs = 0;
  let generation = -1;
  let checkedAt = -Infinity;
  let checking: Promise<number> | undefined;

  const docKey = (key: string) => `d\u0000${key}`;
  const aliasKey = (url: string) => `a\u0000${url}`;

  const drop = (slotKey: string) => {
    const slot = slots.get(slotKey);
    if (!slot) return;
    slots.delete(slotKey);
    bytes -= slot.bytes;
    if (slot.kind === 'doc') docs--;
  };
  const put = (slotKey: string, slot: Slot) => {
    drop(slotKey);
    if (slot.bytes > maxBytes) return;
    slots.set(slotKey, slot);
    bytes += slot.bytes;
    if (slot.kind === 'doc') docs++;
    for (const oldest of slots.keys()) {
      if (bytes <= maxBytes && docs <= maxEntries) break;
      drop(oldest);
    }
  };
  const touch = (slotKey: string, slot: Slot) => {
    slots.delete(slotKey);
    slots.set(slotKey, slot);
  };

  const currentGeneration = async (): Promise<number> => {
    if (now() - checkedAt < checkEveryMs) return generation;
    checking ??= options
      .readGeneration()
      .then((g) => {
        if (g !== generation) {
          // Everything held was rendered from older data.
          slots.clear();
          bytes = 0;
          docs = 0;
          generation = g;
        }
        checkedAt = now();
        return g;
      })
      .finally(() => (checking = undefined));
    return checking;
  };

  return {
    async get<E extends object>(key: string, render: () => Promise<{ body: string; lastModified: Date } & E>): Promise<Rendered & E> {
      const gen = await currentGeneration();
      const slot = slots.get(docKey(key));
      if (slot?.kind === 'doc') {
        touch(docKey(key), slot);
        return slot.value as Rendered & E;
      }
      const flightKey = `${gen}\u0000${key}`;
      let pending = inFlight.get(flightKey);
      if (!pending) {
        pending = render()
          .then(({ body, ...rest }) => {
            const encoded = new TextEncoder().encode(body);
            const value: Rendered = { ...rest, body: encoded, etag: strongEtag(body) };
            // A render that outlived its generation is answered but not kept.
            if (gen === generation) put(docKey(key), { kind: 'doc', value, bytes: encoded.byteLength + 2 * stringBytes(key) + OVERHEAD });
            return value;
          })
          .finally(() => inFlight.delete(flightKey));
        inFlight.set(flightKey, pending);
      }
      return pending as Promise<Rendered & E>;
    },
    async memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const gen = await currentGeneration();
      const hit = memos.get(key);
      if (hit && hit.generation === gen) return hit.value as Promise<T>;
      const value = compute();
      memos.set(key, { generation: gen, value });
      value.catch(() => memos.delete(key));
      return value;
    },
    alias(url, key) {
      if (url.length > ALIAS_MAX_LENGTH || !slots.has(docKey(key))) return;
      put(aliasKey(url), { kind: 'alias', key, bytes: stringBytes(url) + stringBytes(key) + OVERHEAD });
    },
    peek<T extends Rendered>(url: string): T | undefined {
      if (now() - checkedAt >= checkEveryMs) return undefined;
      const alias = slots.get(aliasKey(url));
      if (alias?.kind !== 'alias') return undefined;
      const doc = slots.get(docKey(alias.key));
      if (doc?.kind !== 'doc') {
        drop(aliasKey(url));
        return undefined;
      }
      touch(aliasKey(url), alias);
      touch(docKey(alias.key), doc);
      return doc.value as T;
    },
    invalidate() {
      checkedAt = -Infinity;
    },
    size: () => docs,
    bytes: () => bytes,
  };
}
