// Rendered output feeds, kept until the data under them changes. The hub's generation counter
// (bumped by every ingest that changes items, in any process) says when; it is read at most once
// per `checkEveryMs`, and at once after a local ingest. Renders are single-flight per key.
//
// With `staleMs`, a document rendered from older data is still answered at once while it is
// younger than that, and one render in the background replaces it: during a busy cycle every
// commit changes the data, and without this nearly every poll would wait for a render competing
// with the ingest for the database. A document past the bound is rendered before answering.
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
   * waiting: a fast path for requests repeating a URL already rendered (most feed polls). Given
   * `revalidate`, a document that may be older than the data but is within the stale bound is
   * answered too, and `revalidate` is called to have it asked for again (through get) meanwhile.
   */
  peek<T extends Rendered = Rendered>(url: string, revalidate?: () => void): T | undefined;
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
  /** How long after its render a document may still be answered once the data changed; 0 never. */
  staleMs?: number;
  /** A render in the background failed (the older document stays until its bound). */
  onRefreshError?: (error: unknown, key: string) => void;
  now?: () => number;
}

type Render = () => Promise<{ body: string; lastModified: Date }>;
/** A document with the generation it was asked for under, and when its render started. */
type Doc = { kind: 'doc'; value: Rendered; bytes: number; generation: number; renderedAt: number };
type Slot = Doc | { kind: 'alias'; key: string; bytes: number };

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
  const staleMs = options.staleMs ?? 0;
  const now = options.now ?? Date.now;
  // Insertion order is recency order: a hit is moved to the end, eviction takes the front.
  const slots = new Map<string, Slot>();
  // The render under way for each key (the latest, when a newer generation needed its own): requests
  // for its generation wait for it, and no other starts in the background meanwhile.
  const inFlight = new Map<string, { generation: number; promise: Promise<Rendered> }>();
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
  const young = (doc: Doc) => now() - doc.renderedAt < staleMs;
  // While it is answered stale, a document is rendered again at most once per `checkEveryMs` (the
  // delay within which other processes see a change anyway): in a busy cycle the data changes many
  // times a second, and each render (and the source list read before it) costs the ingest too.
  const due = (key: string, doc: Doc) => now() - doc.renderedAt >= checkEveryMs && !inFlight.has(key);
  /** The data changed: what can no longer be answered goes, and the aliases of what went. */
  const dropStale = () => {
    for (const [slotKey, slot] of slots) if (slot.kind === 'doc' && !young(slot)) drop(slotKey);
    for (const [slotKey, slot] of slots) if (slot.kind === 'alias' && !slots.has(docKey(slot.key))) drop(slotKey);
  };

  const currentGeneration = async (): Promise<number> => {
    if (now() - checkedAt < checkEveryMs) return generation;
    checking ??= options
      .readGeneration()
      .then((g) => {
        if (g !== generation) {
          // Everything held was rendered from older data.
          generation = g;
          dropStale();
        }
        checkedAt = now();
        return g;
      })
      .finally(() => (checking = undefined));
    return checking;
  };

  /** Renders `key` for generation `gen`; the document is kept if it is current, or (with a bound) newer than the one held. */
  const start = (key: string, gen: number, render: Render): Promise<Rendered> => {
    const renderedAt = now();
    const promise = render().then(({ body, ...rest }) => {
      const encoded = new TextEncoder().encode(body);
      const value: Rendered = { ...rest, body: encoded, etag: strongEtag(body) };
      const held = slots.get(docKey(key));
      // A render that outlived its generation is answered, and kept only if it may still be answered.
      const keep = gen === generation || (staleMs > 0 && now() - renderedAt < staleMs && !(held?.kind === 'doc' && held.renderedAt > renderedAt));
      // Put replaces the document held under the key: the older one is no longer counted.
      if (keep) put(docKey(key), { kind: 'doc', value, bytes: encoded.byteLength + 2 * stringBytes(key) + OVERHEAD, generation: gen, renderedAt });
      return value;
    });
    const flight = { generation: gen, promise };
    inFlight.set(key, flight);
    const done = () => {
      if (inFlight.get(key) === flight) inFlight.delete(key);
    };
    promise.then(done, done);
    return promise;
  };
  /** A render in the background; a failure leaves the older document in place. */
  const refresh = (key: string, gen: number, render: Render) => {
    start(key, gen, render).catch((err: unknown) => options.onRefreshError?.(err, key));
  };

  return {
    async get<E extends object>(key: string, render: () => Promise<{ body: string; lastModified: Date } & E>): Promise<Rendered & E> {
      const gen = await currentGeneration();
      const slot = slots.get(docKey(key));
      if (slot?.kind === 'doc' && (slot.generation === gen || young(slot))) {
        touch(docKey(key), slot);
        if (slot.generation !== gen && due(key, slot)) refresh(key, gen, render);
        return slot.value as Rendered & E;
      }
      const flight = inFlight.get(key);
      if (flight?.generation === gen) return flight.promise as Promise<Rendered & E>;
      return start(key, gen, render) as Promise<Rendered & E>;
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
    peek<T extends Rendered>(url: string, revalidate?: () => void): T | undefined {
      const known = now() - checkedAt < checkEveryMs;
      if (!known && !(staleMs && revalidate)) return undefined;
      const alias = slots.get(aliasKey(url));
      if (alias?.kind !== 'alias') return undefined;
      const doc = slots.get(docKey(alias.key));
      if (doc?.kind !== 'doc') {
        drop(aliasKey(url));
        return undefined;
      }
      const current = known && doc.generation === generation;
      if (!current && !(revalidate && young(doc))) return undefined;
      touch(aliasKey(url), alias);
      touch(docKey(alias.key), doc);
      // Maybe older than the data: asked for again in the background (through get), unless a render is under way or was just made.
      if (!current && due(alias.key, doc)) revalidate!();
      return doc.value as T;
    },
    invalidate() {
      checkedAt = -Infinity;
    },
    size: () => docs,
    bytes: () => bytes,
  };
}
