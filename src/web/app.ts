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
import { createFeedRenderer, sourceSlugsOf } from '../publish/feed-renderer.ts';
import { readGeneration } from '../store/hub-state.ts';
import { registerFeedRoutes } from './feed-routes.ts';
import type { WebsubHub } from '../publish/websub.ts';
import { registerWebsubRoutes } from './websub-routes.ts';
import { getMetrics, type Metrics } from '../core/metrics.ts';
import type { PipelineDeps } from '../pipeline/ingest-source.ts';
import { createAuth, type ThrottleOptions, type TokenIdentity } from './admin-auth.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerAdminPages } from './admin-pages.tsx';
import { httpMetrics, registerMetricsRoute } from './metrics-routes.ts';
import { registerReaderRoutes } from './reader-routes.tsx';
import { requestLimits } from './request-limits.ts';
import type { SavedFeedSettings } from '../core/config.ts';

export interface AppDeps {
  database: Database;
  logger: Logger;
  publicUrl: string;
  version: string;
  topics: Topic[];
  /** Shared with the pipeline in one-process mode, so a local ingest is seen at once. */
  feedCache?: FeedCache;
  /** The WebSub hub our feeds advertise at /websub (cli/hub.ts); without one, no hub endpoint. */
  websub?: WebsubHub;
  /** Mounts the admin API, which fetches through this pipeline (subscribe checks, refresh now). */
  pipeline?: PipelineDeps;
  /** Accepted as a bearer token with full rights; compared by hash, never stored. */
  adminToken?: string;
  /** Lease held by a refresh the admin API runs (default 300 s). */
  leaseSeconds?: number;
  /** Client addresses for the failed-token throttle come from X-Forwarded-For. */
  trustProxy?: boolean;
  authThrottle?: ThrottleOptions;
  /** This process's metrics by default. */
  metrics?: Metrics;
  /** When set, /metrics asks for it as a bearer token. */
  metricsToken?: string;
  savedFeeds?: SavedFeedSettings;
}

export type AppEnv = { Variables: { requestId: string; token?: TokenIdentity } };

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { database, logger } = deps;
  const db = database.db;
  const log = logger.child({ component: 'http' });
  const feedCache = deps.feedCache ?? createFeedCache({ readGeneration: async () => (await readGeneration(db)).generation });
  const metrics = deps.metrics ?? getMetrics();
  const auth = createAuth({ db, metrics, adminToken: deps.adminToken, trustProxy: deps.trustProxy, throttle: deps.authThrottle });
  const app = new Hono<AppEnv>();

  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(httpMetrics(metrics));
  app.use(async (c, next) => {
    const t0 = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - t0) * 10) / 10;
    log.info({ reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, durationMs }, 'request');
  });
  app.use(requestLimits());
  app.use(compress());
  app.use('/api/*', cors({ origin: '*', allowMethods: ['GET', 'POST'], maxAge: 86_400 }));
  registerMetricsRoute(app, { db, metrics, auth, token: deps.metricsToken });

  app.get('/healthz', (c) => c.json({ status: 'ok', version: deps.version }));
  app.get('/readyz', async (c) => {
    const ok = await database.ping();
    return c.json({ status: ok ? 'ready' : 'database unavailable' }, ok ? 200 : 503);
  });

  app.get('/api/items', async (c) => {
    const url = new URL(c.req.url);
    const query = parseFeedQuery(url.searchParams, { sourceSlugs: await sourceSlugsOf(db, feedCache), topicSlugs: deps.topics.map((t) => t.slug) });
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
  registerFeedRoutes(app, { db, topics: deps.topics, publicUrl: deps.publicUrl, renderer, cache: feedCache, savedFeeds: deps.savedFeeds, trustProxy: deps.trustProxy });
  if (deps.websub) registerWebsubRoutes(app, deps.websub);
  if (deps.pipeline) {
    const admin = { db, topics: deps.topics, logger, publicUrl: deps.publicUrl, auth, pipeline: deps.pipeline, leaseSeconds: deps.leaseSeconds ?? 300 };
    registerAdminRoutes(app, admin);
    registerAdminPages(app, admin);
  }
  registerReaderRoutes(app, deps);

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) {
      const body: Record<string, unknown> = { error: err.message, ...err.extra };
      if (err instanceof BadRequestError && err.details) body.details = err.details;
      return c.json(body, err.status as 400);
    }
    log.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error', requestId: c.get('requestId') }, 500);
  });
  return app;
}
