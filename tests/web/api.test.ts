import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/core/logger.ts';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

// Response bodies are checked field by field.
const json = (res: Response): Promise<any> => res.json();

describe.each(databaseKinds)('JSON API on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [spec('alpha', { languages: ['fr'], region: 'quebec', province: 'qc' }), spec('beta')]);
    const alpha = (await getSourceBySlug(database.db, 'alpha'))!;
    const beta = (await getSourceBySlug(database.db, 'beta'))!;
    const log = { startedAt: new Date(), durationMs: 1, outcome: 'ok' as const };
    await commitIngest(database.db, {
      sourceId: alpha.id, owner: 't', historyLimit: 5, log,
      patch: { lastFetchAt: new Date('2024-06-01T00:00:00Z'), lastStatus: 200 },
      items: [1, 2, 3].map((n) => item(`a${n}`, { language: 'fr', title: `Nouvelle ${n}`, publishedAt: new Date(Date.UTC(2024, 4, n)) })),
    });
    await commitIngest(database.db, {
      sourceId: beta.id, owner: 't', historyLimit: 5, log,
      patch: { lastErrorCode: 'http', lastErrorParams: { status: 404 }, lastError: 'feed not found (404)', lastStatus: 404, errorCount: 2 },
      items: [4, 5].map((n) => item(`b${n}`, { publishedAt: new Date(Date.UTC(2024, 4, n)) })),
    });
    app = createApp({ database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [] });
  });
  afterAll(() => cleanup());

  it('GET /api/items returns the newest items with title, url, published, source, language, content', async () => {
    const res = await app.request('/api/items?limit=2');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.items).toHaveLength(2);
    expect(body.items[0]).toMatchObject({ title: 'Title b5', source: 'beta', language: 'en', published: '2024-05-05T00:00:00.000Z', url: 'https://example.org/b5', content: '<p>Content b5</p>' });
    expect(body.items[1].title).toBe('Title b4');
    expect(body.next).toEqual(expect.any(String));
  });

  it('pages with the cursor it returns, without gaps or repeats', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const res = await app.request(`/api/items?limit=2${next ? `&before=${next}` : ''}`);
      const body = await json(res);
      seen.push(...body.items.map((i: { title: string }) => i.title));
      next = body.next;
    } while (next);
    expect(seen).toEqual(['Title b5', 'Title b4', 'Nouvelle 3', 'Nouvelle 2', 'Nouvelle 1']);
  });

  it('filters by source and language', async () => {
    const fr = await json(await app.request('/api/items?lang=fr'));
    expect(fr.items.map((i: { title: string }) => i.title)).toEqual(['Nouvelle 3', 'Nouvelle 2', 'Nouvelle 1']);
    const beta = await json(await app.request('/api/items?source=beta&since=2024-05-05'));
    expect(beta.items.map((i: { title: string }) => i.title)).toEqual(['Title b5']);
  });

  it.each([
    ['/api/items?limit=0', /limit: must be a whole number from 1 to 200/],
    ['/api/items?limit=abc', /limit/],
    ['/api/items?limit=201', /limit/],
    ['/api/items?source=nope', /source: unknown value "nope"; accepted: alpha, beta/],
    ['/api/items?lang=de', /lang: unknown value "de"; accepted: en, fr, other/],
    ['/api/items?since=yesterday', /since: must be a date/],
    ['/api/items?before=garbage', /before: not a cursor/],
    ['/api/items?topc=housing', /^"topc": not a parameter of this address; did you mean "topic"\?/],
  ])('%s → 400 naming the parameter', async (path, message) => {
    const res = await app.request(path);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatch(message);
  });

  it('a misspelt parameter is an error with what to use instead, not a filter silently ignored', async () => {
    // A snippet pasted into a CMS's URL field comes back with "&amp;": the list would have looked unfiltered.
    const res = await app.request('/api/items?source=alpha&amp;lang=fr');
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.details).toEqual({
      code: 'unknown-parameter',
      parameter: 'amp;lang',
      suggestion: 'lang',
      escapedAmpersand: true,
      accepted: ['topic', 'region', 'province', 'lang', 'type', 'source', 'q', 'since', 'clusters', 'limit', 'sort', 'ui', 'prefer', 'before', 'page'],
    });
    // Tracking parameters that newsletters add are not misspellings.
    expect((await app.request('/api/items?lang=fr&utm_source=newsletter&utm_medium=email&mc_cid=abc&fbclid=x')).status).toBe(200);
    const values = await json(await app.request('/api/items?lang=de,xx'));
    expect(values.details).toEqual({ code: 'unknown-value', parameter: 'lang', values: ['de', 'xx'], accepted: ['en', 'fr', 'other'] });
  });

  it('GET /api/sources returns each source with its health', async () => {
    const body = await json(await app.request('/api/sources'));
    expect(body.sources.map((s: { slug: string }) => s.slug)).toEqual(['alpha', 'beta']);
    const beta = body.sources[1];
    expect(beta.health).toMatchObject({
      httpStatus: 404, lastError: 'The feed is no longer at this address (404). The site may have moved it.', lastErrorCode: 'http',
      itemCount: 2, consecutiveFailures: 2, nextFetch: expect.any(String),
    });
    expect(body.sources[0]).toMatchObject({ region: 'quebec', province: 'qc', languages: ['fr'] });
    expect(body.sources[0].health.lastFetch).toBe('2024-06-01T00:00:00.000Z');
  });

  it('answers /healthz and /readyz, and 404 with JSON elsewhere', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready' });
    const missing = await app.request('/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('readiness', () => {
  it('/readyz fails while the database is away', async () => {
    const { database, cleanup } = await freshDatabase('pglite');
    const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [] });
    await cleanup();
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
  });
});

describe('request logs', () => {
  it('write one pino JSON line per request with its reqId, the one sent back as X-Request-Id', async () => {
    const { database, cleanup } = await freshDatabase('pglite');
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const app = createApp({ database, logger, publicUrl: 'http://hub.test', version: 'test', topics: [] });
    try {
      const fresh = await app.request('/api/items?limit=1');
      const given = await app.request('/nope', { headers: { 'X-Request-Id': 'lb-7f3a9c' } });
      const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
      expect(logged).toEqual([
        expect.objectContaining({ app: 'passerelle', component: 'http', reqId: fresh.headers.get('x-request-id'), method: 'GET', path: '/api/items', status: 200, durationMs: expect.any(Number) }),
        expect.objectContaining({ reqId: 'lb-7f3a9c', path: '/nope', status: 404 }),
      ]);
      expect(fresh.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
      expect(given.headers.get('x-request-id')).toBe('lb-7f3a9c');
    } finally {
      await cleanup();
    }
  });
});
