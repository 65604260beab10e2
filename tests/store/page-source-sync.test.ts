// feeds.yaml's page sources in the database, on both databases: the file's selectors stored as
// written, the same file again changing nothing (whatever order jsonb keeps keys in), and new
// selectors reading the page afresh (validators, body hash and last count forgotten).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { sources } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { spec } from '../helpers/items.ts';

describe.each(databaseKinds)('page sources synced from feeds.yaml on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
  });
  afterAll(async () => cleanup());

  const selectors = { item: 'article.post', title: 'h2.entry-title', summary: 'div.entry-summary', date: 'time' };
  const page = (extra = {}) => spec('agency-news', { url: 'https://agency.example.ca/news/', kind: 'page', selectors, ...extra });

  it('stores the kind and selectors, and the same file again changes nothing', async () => {
    expect((await syncSources(database.db, [page()])).added).toEqual(['agency-news']);
    expect(await getSourceBySlug(database.db, 'agency-news')).toMatchObject({ kind: 'page', selectors });
    expect(await syncSources(database.db, [page()])).toEqual({ added: [], updated: [], retired: [] });
  });

  it('reads the page afresh when its selectors change', async () => {
    await database.db
      .update(sources)
      .set({ etag: '"e1"', lastModified: 'Wed, 01 May 2024 12:00:00 GMT', bodyHash: 'h1', lastItemsFound: 12, nextFetchAt: new Date(Date.now() + 3_600_000) })
      .where(sql`slug = 'agency-news'`);
    const report = await syncSources(database.db, [page({ selectors: { item: 'article.story-card', date: 'time' } })]);
    expect(report.updated).toEqual(['agency-news']);
    const row = (await getSourceBySlug(database.db, 'agency-news'))!;
    expect(row).toMatchObject({ selectors: { item: 'article.story-card', date: 'time' }, etag: null, lastModified: null, bodyHash: null, lastItemsFound: null });
    expect(row.nextFetchAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('turns back into a feed without its selectors', async () => {
    await syncSources(database.db, [spec('agency-news', { url: 'https://agency.example.ca/feed/' })]);
    expect(await getSourceBySlug(database.db, 'agency-news')).toMatchObject({ kind: 'feed', selectors: null, url: 'https://agency.example.ca/feed/' });
  });
});
