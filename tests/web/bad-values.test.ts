// Bad values are 400s that name the parameter, never 500s: every filter, cursor and date, on
// every route that reads them, on both databases. The values are the crafted ones that used to
// reach the database (a NUL in q, cursors out of range, year 0) and their neighbours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { encodeCursor } from '../../src/publish/feed-query.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { testPipeline } from '../helpers/hub.ts';
import { item, spec } from '../helpers/items.ts';

const cursor = (text: string) => Buffer.from(text).toString('base64url');
const YEAR_10000 = Date.parse('9999-12-31T23:59:59.999Z') + 1;
const BEFORE_YEAR_1 = Date.parse('0001-01-01T00:00:00Z') - 1;

/** [query string, the answer's message] */
const BAD: [string, RegExp][] = [
  ['q=%00', /^q: must not contain/],
  ['q=rent%01help', /^q: must not contain control characters/],
  [`q=${'x'.repeat(201)}`, /^q: at most 200 characters/],
  ['since=0000-01-01', /^since: must fall between the years 1 and 9999/],
  ['since=0001-01-01T00:00:00%2B14:00', /^since: must fall between the years 1 and 9999/],
  ['since=9999-12-31T23:59:59-14:00', /^since: must fall between the years 1 and 9999/],
  ['since=2024-02-30', /^since: "2024-02-30" is not a date of the calendar/],
  ['since=2024-05-01T25:00:00Z', /^since: .* is not a date of the calendar/],
  ['since=20240501', /^since: must be a date/],
  ['since=%00', /^since: must not contain NUL/],
  [`before=${cursor(`${YEAR_10000}:1`)}`, /^before: not a cursor returned by this API/],
  [`before=${cursor(`${BEFORE_YEAR_1}:1`)}`, /^before: not a cursor/],
  [`before=${cursor('1714000000000:99999999999999999')}`, /^before: not a cursor/],
  [`before=${cursor('1714000000000:0')}`, /^before: not a cursor/],
  [`before=${cursor('99999999999999999999:1')}`, /^before: not a cursor/],
  ['before=!!!', /^before: not a cursor/],
  [`before=${'A'.repeat(100)}`, /^before: not a cursor/],
  [`page=${cursor('o:9999999')}`, /^page: not a cursor/],
  ['limit=99999999999999999999', /^limit: must be a whole number from 1 to/],
  ['limit=0', /^limit: must be a whole number/],
  ['limit=-1', /^limit: must be a whole number/],
  ['limit=1.5', /^limit: must be a whole number/],
  ['limit=1e2', /^limit: must be a whole number/],
  [`topic=${'x'.repeat(5000)}`, new RegExp(`^topic: unknown value "${'x'.repeat(40)}…"; accepted:`)],
  ['topic=a,b,c,d,e,f,g', /^topic: unknown values "a", "b", "c", "d", "e" and 2 more; accepted:/],
  ['region=%00', /^region: must not contain NUL/],
  ['province=zz', /^province: unknown value "zz"/],
  ['lang=klingon', /^lang: unknown value "klingon"/],
  ['type=%E2%80%AEblog', /^type: unknown value/],
  ['source=nobody', /^source: unknown value "nobody"/],
  ['clusters=maybe', /^clusters: must be true or false/],
  ['sort=newest', /^sort: unknown value "newest"/],
  ['ui=de', /^ui: unknown value "de"/],
  ['%00=1', /must not contain NUL/],
];

/** Paging belongs to the API and the reader; a feed leaves it out (and so never fails on it). */
const PAGED = /^(before|page)=/;

describe.each(databaseKinds)('bad values on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const { topics } = await loadFeedsFile('feeds.yaml');
    await syncSources(database.db, [spec('alpha')]);
    const alpha = (await getSourceBySlug(database.db, 'alpha'))!;
    await commitIngest(database.db, {
      sourceId: alpha.id, owner: 't', historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' }, patch: {},
      items: [1, 2, 3].map((n) => item(`a${n}`, { title: `Rent help ${n}`, topics: ['housing'], publishedAt: new Date(Date.UTC(2024, 4, n)) })),
    });
    app = createApp({ database, logger: silentLogger(), publicUrl: 'https://hub.example.ca', version: 'test', topics, pipeline: testPipeline(database.db), adminToken: 'a-long-enough-admin-token' });
  });
  afterAll(() => cleanup());

  const jsonRoutes = ['/api/items', '/feeds/all.rss', '/topics/housing.atom', '/sources/alpha.json', '/opml/topics.opml'];
  const pageRoutes = ['/en/', '/fr/', '/embed'];

  it.each(jsonRoutes)('%s answers 400 naming the parameter, for every crafted value', async (route) => {
    for (const [query, message] of BAD) {
      const res = await app.request(`${route}?${query}`);
      if (/^\/(feeds|topics|sources)\//.test(route) && PAGED.test(query)) {
        expect(res.status, `${route}?${query}`).toBe(200);
        continue;
      }
      expect(res.status, `${route}?${query}`).toBe(400);
      const { error } = (await res.json()) as { error: string };
      expect(error, `${route}?${query}`).toMatch(message);
      // A crafted value is quoted short: the answer stays small whatever was sent.
      expect(error.length, `${route}?${query}`).toBeLessThan(1000);
    }
  });

  it.each(pageRoutes)('%s answers a 400 page, for every crafted value', async (route) => {
    for (const [query] of BAD) {
      if (route === '/embed' && PAGED.test(query)) continue; // the embed shows the newest items; it has no pages
      const res = await app.request(`${route}?${query}`);
      expect(res.status, `${route}?${query}`).toBe(400);
    }
  });

  it('the edges of what both databases take are accepted', async () => {
    const newest = encodeCursor({ publishedAt: new Date('9999-12-31T23:59:59.999Z'), id: Number.MAX_SAFE_INTEGER });
    for (const query of ['since=0001-01-01', 'since=9999-12-31', 'since=2024-05-02T00:00:00%2B05:00', `before=${newest}`, 'q=%20rent%20%20%20help%20', 'limit=200']) {
      const res = await app.request(`/api/items?${query}`);
      expect(res.status, query).toBe(200);
    }
    const oldest = (await (await app.request('/api/items?since=0001-01-01')).json()) as { items: unknown[] };
    expect(oldest.items).toHaveLength(3);
    const paged = (await (await app.request(`/api/items?before=${newest}`)).json()) as { items: unknown[] };
    expect(paged.items).toHaveLength(3);
    // Spacing is folded: one search, one spelling.
    const spaced = (await (await app.request('/api/items?q=%20rent%20%20%20help%20')).json()) as { items: unknown[] };
    expect(spaced.items).toHaveLength(3);
  });

  it('a NUL in a path is a 400 on every route, the admin API included; an item id too long is a 404', async () => {
    const auth = { Authorization: 'Bearer a-long-enough-admin-token' };
    for (const path of ['/api/sources/al%00pha', '/sources/al%00pha.rss', '/f/abc%00defghi.rss', '/en/items/1%00']) {
      const res = await app.request(path, { headers: auth });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('path: must not contain NUL');
    }
    expect((await app.request('/en/items/99999999999999999999')).status).toBe(404);
    expect((await app.request('/f/NOT-AN-ID.rss')).status).toBe(404);
  });
});
