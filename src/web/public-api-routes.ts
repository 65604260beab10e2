// The public JSON API: items with any filter of the feeds, and the sources with their health. No
// token; the admin API (admin-routes.ts) adds the rest under /api.
import { Hono } from 'hono';
import type { Topic } from '../core/types.ts';
import type { SearchTerms } from '../publish/bilingual-search.ts';
import type { FeedCache } from '../publish/feed-cache.ts';
import { nextCursor, parseFeedQuery } from '../publish/feed-query.ts';
import { sourceSlugsOf } from '../publish/feed-renderer.ts';
import type { Db } from '../store/db.ts';
import { queryItems } from '../store/items-query.ts';
import { listSources } from '../store/sources-repo.ts';
import type { AppEnv } from './app-env.ts';
import { itemJson, sourceJson } from './json-views.ts';

export interface PublicApiDeps {
  db: Db;
  topics: Topic[];
  /** Holds the known source slugs between ingests. */
  feedCache: FeedCache;
  searchTerms?: SearchTerms;
}

export function createPublicApiRoutes(deps: PublicApiDeps): Hono<AppEnv> {
  const { db } = deps;
  const app = new Hono<AppEnv>();

  app.get('/api/items', async (c) => {
    const url = new URL(c.req.url);
    const query = parseFeedQuery(url.searchParams, { sourceSlugs: await sourceSlugsOf(db, deps.feedCache), topicSlugs: deps.topics.map((t) => t.slug), searchTerms: deps.searchTerms });
    const rows = await queryItems(db, query);
    return c.json({ items: rows.map(itemJson), next: nextCursor(query, rows) ?? null });
  });

  app.get('/api/sources', async (c) => c.json({ sources: (await listSources(db)).map(sourceJson) }));

  return app;
}
