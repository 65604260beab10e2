// Rendered output feeds, kept until the data under them changes. The hub's generation counter
// (bumped by every ingest that changes items, in any process) says when; it is read at most once
// per `checkEveryMs`, and at once after a local ingest. Renders are single-flight per key.
import { createHash } from 'node:crypto';

export interface Rendered {
  /** UTF-8, encoded once: a poll sends these bytes as they are. */
  body: Uint8Array<ArrayBuffer>;
  /** Strong validator from the bytes themselves (RFC 9110 §8.8.3). */
  etag: string;
  lastModified: Date;
}

export interface FeedCache {
  get(key: string, render: () => Promise<{ body: string; lastModified: Date }>): Promise<Rendered>;
  /** Any value derived from the data (the list of source slugs, say), kept for the current generation. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /**
   * The value stored under `key` if it is known to be current, without waiting: a fast path for
   * requests repeating a URL already rendered (most feed polls).
   */
  peek<T>(key: string): T | undefined;
  /** Remembers `value` under `key` for the current generation (see peek). */
  remember<T>(key: string, value: T): void;
  /** Something changed here: the next request reads the generation again. */
  invalidate(): void;
  size(): number;
}

export interface FeedCacheOptions {
  readGeneration: () => Promise<number>;
  maxEntries?: number;
  checkEveryMs?: number;
  now?: () => number;
}

interface Entry {
  generation: number;
  value: Rendered;
}

export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

export function createFeedCache(options: FeedCacheOptions): FeedCache {
  const maxEntries = options.maxEntries ?? 500;
  const checkEveryMs = options.checkEveryMs ?? 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Rendered>>();
  const memos = new Map<string, { generation: number; value: Promise<unknown> }>();
  const remembered = new Map<string, { generation: number; value: unknown }>();
  let generation = -1;
  let checkedAt = -Infinity;
  let checking: Promise<number> | undefined;

  const currentGeneration = async (): Promise<number> => {
    if (now() - checkedAt < checkEveryMs) return generation;
    checking ??= options
      .readGeneration()
      .then((g) => {
        generation = g;
        checkedAt = now();
        return g;
      })
      .finally(() => (checking = undefined));
    return checking;
  };

  return {
    async get(key, render) {
      const gen = await currentGeneration();
      const hit = entries.get(key);
      if (hit && hit.generation === gen) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.value;
      }
      const flightKey = `${gen}\u0000${key}`;
      let pending = inFlight.get(flightKey);
      if (!pending) {
        pending = render()
          .then(({ body, lastModified }) => {
            const value = { body: new TextEncoder().encode(body), lastModified, etag: strongEtag(body) };
            entries.delete(key);
            entries.set(key, { generation: gen, value });
            while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
            return value;
          })
          .finally(() => inFlight.delete(flightKey));
        inFlight.set(flightKey, pending);
      }
      return pending;
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
    peek<T>(key: string): T | undefined {
      if (now() - checkedAt >= checkEveryMs) return undefined;
      const hit = remembered.get(key);
      return hit && hit.generation === generation ? (hit.value as T) : undefined;
    },
    remember(key, value) {
      remembered.delete(key);
      remembered.set(key, { generation, value });
      while (remembered.size > maxEntries * 4) remembered.delete(remembered.keys().next().value!);
    },
    invalidate() {
      checkedAt = -Infinity;
    },
    size: () => entries.size,
  };
}
