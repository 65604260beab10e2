// New bodies are read in worker threads: a huge hostile feed costs a worker, never the event loop
// that answers requests; items past the cap are never built; a feed that needs more memory or time
// than one feed is given is recorded on its source, and the next source still ingests.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { ingestSource } from '../../src/pipeline/ingest-source.ts';
import { createReadPool, type BodyReader } from '../../src/pipeline/read-pool.ts';
import type { Database } from '../../src/store/db.ts';
import { items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { errorWords } from '../../src/web/error-words.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testFetchSettings } from '../helpers/fetch.ts';
import { rss, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const XML = { 'content-type': 'application/rss+xml; charset=utf-8' };
const MiB = 1024 * 1024;

/** About `bytes` of RSS made of tiny distinct items, as a hostile publisher would serve. */
function hostileFeed(bytes: number): { text: string; items: number } {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = `<item><title>t${i}</title><link>https://hostile.example/${i}</link></item>`;
    parts.push(part);
    size += part.length;
  }
  return { text: `<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>${parts.join('')}</channel></rss>`, items: parts.length };
}

describe.each(databaseKinds)('reading in worker threads on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  const hostile = hostileFeed(15 * MiB);
  const pools: BodyReader[] = [];
  let n = 0;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    server.route('/hostile.xml', serveBody(hostile.text, { headers: XML }));
    server.route('/honest.xml', serveBody(rss([['h1', 'Honest one'], ['h2', 'Honest two']]), { headers: XML }));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await server.close();
    await cleanup();
  });

  const pool = (settings: { memoryMb: number; timeoutMs: number }) => {
    const reader = createReadPool({ workers: 1, ...settings }, []);
    pools.push(reader);
    return reader;
  };
  async function addSource(path: string): Promise<string> {
    const slug = `src-${++n}`;
    const existing = (await database.db.select().from(sources)).map((s) => ({
      slug: s.slug, url: s.url, title: s.title, organization: s.organization, region: s.region as 'national', languages: s.languages as ['en'], topics: [],
    }));
    await syncSources(database.db, [...existing, spec(slug, { url: server.url(path) })]);
    return slug;
  }
  const row = async (slug: string) => (await getSourceBySlug(database.db, slug))!;
  const stored = async (slug: string) => (await database.db.select().from(items).where(sql`source_id = ${(await row(slug)).id}`)).length;
  const fetchSettings = (maxItems: number) => ({ ...testFetchSettings(), maxBytes: 20 * MiB, maxItems });

  it('reads a 15 MiB feed of tiny items off the event loop, /healthz answering meanwhile, and builds only the first FETCH_MAX_ITEMS', async () => {
    const reader = pool({ memoryMb: 64, timeoutMs: 120_000 });
    let reading = false;
    const watched: BodyReader = {
      ...reader,
      async readFeed(input) {
        reading = true;
        try {
          return await reader.readFeed(input);
        } finally {
          reading = false;
        }
      },
    };
    const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [] });
    const slug = await addSource('/hostile.xml');
    const ingest = ingestSource(testPipeline(database.db, { fetch: fetchSettings(500), reader: watched }), await row(slug), 'w');
    let done = false;
    void ingest.finally(() => (done = true));
    let answeredWhileReading = 0;
    while (!done) {
      const res = await app.request('/healthz');
      expect(res.status).toBe(200);
      if (reading) answeredWhileReading++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcome = await ingest;
    expect(outcome.outcome).toBe('ok');
    expect(answeredWhileReading).toBeGreaterThan(0);
    expect(await stored(slug)).toBe(500);
    expect(outcome.warnings).toContainEqual({ code: 'items-dropped', params: { reason: 'over the per-feed cap (500)', count: hostile.items - 500 } });
  });

  it('records a feed that needs more memory than a worker has on its source, replaces the worker, and reads the next source', async () => {
    // The same document with the cap lifted: every item is built, past the worker's heap.
    const reader = pool({ memoryMb: 64, timeoutMs: 120_000 });
    const deps = testPipeline(database.db, { fetch: fetchSettings(100_000), reader });
    const hostileSlug = await addSource('/hostile.xml');
    const honestSlug = await addSource('/honest.xml');
    const failed = await ingestSource(deps, await row(hostileSlug), 'w');
    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'read-memory' });
    const source = await row(hostileSlug);
    expect(source.lastErrorCode).toBe('read-memory');
    expect(errorWords(source.lastErrorCode, source.lastErrorParams, 'en')).toBe(
      'Reading the feed takes more memory than the hub gives one feed (64 MiB): it is too large, or built to overwhelm a reader.',
    );
    expect(errorWords(source.lastErrorCode, source.lastErrorParams, 'fr')).toBe(
      'La lecture du fil demande plus de mémoire que le carrefour n’en accorde à un fil (64\u00a0Mio)\u00a0: il est trop gros, ou fait pour submerger un lecteur.',
    );
    expect(await stored(hostileSlug)).toBe(0);

    expect(await ingestSource(deps, await row(honestSlug), 'w')).toMatchObject({ outcome: 'ok', itemsNew: 2 });
    expect(await stored(honestSlug)).toBe(2);
  });

  it('records a feed that takes longer to read than one feed is given, and reads the next source', async () => {
    const reader = pool({ memoryMb: 1024, timeoutMs: 1000 });
    const deps = testPipeline(database.db, { fetch: fetchSettings(100_000), reader });
    const hostileSlug = await addSource('/hostile.xml');
    const honestSlug = await addSource('/honest.xml');
    expect(await ingestSource(deps, await row(hostileSlug), 'w')).toMatchObject({ outcome: 'failed', errorCode: 'read-timeout' });
    const source = await row(hostileSlug);
    expect(errorWords(source.lastErrorCode, source.lastErrorParams, 'en')).toBe('Reading the feed takes longer than the hub gives one feed (1 s): it is too large, or built to overwhelm a reader.');
    expect(errorWords(source.lastErrorCode, source.lastErrorParams, 'fr')).toBe(
      'La lecture du fil prend plus de temps que le carrefour n’en accorde à un fil (1\u00a0s)\u00a0: il est trop gros, ou fait pour submerger un lecteur.',
    );
    expect(await ingestSource(deps, await row(honestSlug), 'w')).toMatchObject({ outcome: 'ok', itemsNew: 2 });
  });
});
