// The HTTP face of the hub. createApp shows, on one screen, the middleware order and every mount;
// handlers stay thin and errors are mapped to answers in one onError.
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { AppError, BadRequestError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Topic } from '../core/types.ts';
import type { Database } from '../store/db.ts';
import { queryItems } from '../store/items-query.ts';
import { listSources } from '../store/sources-repo.ts';
import { itemJson, sourceJson } from './json-views.ts';
import { createFeedCache, type FeedCache } from '../publish/feed-cache.ts';
import { encodeCursor, parseFeedQuery } from '../publish/feed-query.ts';
import { createFeedRenderer } from '../publish/feed-renderer.ts';
import { readGeneration } from '../store/hub-state.ts';
import { registerFeedRoutes } from './feed-routes.ts';
import { registerReaderRoutes } from './reader-routes.tsx';

export interface AppDeps {
  database: Database;
  logger: Logger;
  publicUrl: string;
  version: string;
  topics: Topic[];
  /** Shared with the pipeline in one-process mode, so a local ingest is seen at once. */
  feedCache?: FeedCache;
}

export type AppEnv = { Variables: { requestId: string } };

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { database, logger } = deps;
  const db = database.db;
  const log = logger.child({ component: 'http' });
  const feedCache = deps.feedCache ?? createFeedCache({ readGeneration: async () => (await readGeneration(db)).generation });
  const app = new Hono<AppEnv>();

  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(async (c, next) => {
    const t0 = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - t0) * 10) / 10;
    log.info({ reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, durationMs }, 'request');
  });
  app.use(compress());
  app.use('/api/*', cors({ origin: '*', allowMethods: ['GET', 'POST'], maxAge: 86_400 }));

  app.get('/healthz', (c) => c.json({ status: 'ok', version: deps.version }));
  app.get('/readyz', async (c) => {
    const ok = await database.ping();
    return c.json({ status: ok ? 'ready' : 'database unavailable' }, ok ? 200 : 503);
  });

  app.get('/api/items', async (c) => {
    const url = new URL(c.req.url);
    const known = (await listSources(db)).map((s) => s.slug);
    const query = parseFeedQuery(url.searchParams, { sourceSlugs: known, topicSlugs: deps.topics.map((t) => t.slug) });
    const rows = await queryItems(db, query);
    const last = rows.at(-1);
    const next =
      rows.length < query.limit || !last
        ? null
        : query.order === 'relevance'
          ? encodeCursor({ offset: (query.offset ?? 0) + rows.length })
          : encodeCursor({ publishedAt: last.publishedAt, id: last.id });
    return c.json({ items: rows.map(itemJson), next });
  });

  app.get('/api/sources', async (c) => c.json({ sources: (await listSources(db)).map(sourceJson) }));

  const renderer = createFeedRenderer({ db, topics: deps.topics, publicUrl: deps.publicUrl, version: deps.version, cache: feedCache });
  registerFeedRoutes(app, { db, topics: deps.topics, publicUrl: deps.publicUrl, renderer });
  registerReaderRoutes(app, deps);

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) {
      const body: Record<string, unknown> = { error: err.message };
      if (err instanceof BadRequestError && err.details) body.details = err.details;
      return c.json(body, err.status as 400);
    }
    log.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500);
  });
  return app;
}
