// The HTTP face of the hub. createApp shows, on one screen, the middleware order and every mount;
// each part of the site is a sub-app of its own module, handlers stay thin, and errors no
// sub-app answers itself are mapped to JSON answers in one onError.
import { Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { AppError, BadRequestError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SavedFeedSettings } from '../core/config.ts';
import { getMetrics, type Metrics } from '../core/metrics.ts';
import type { Topic } from '../core/types.ts';
import type { PipelineDeps } from '../pipeline/ingest-source.ts';
import { createFeedCache, type FeedCache } from '../publish/feed-cache.ts';
import { compileSearchTerms, taxonomyPairs, type TermPair } from '../publish/bilingual-search.ts';
import { createFeedRenderer } from '../publish/feed-renderer.ts';
import type { WebsubHub } from '../publish/websub.ts';
import type { Database } from '../store/db.ts';
import { readGeneration } from '../store/hub-state.ts';
import { createAuth, type ThrottleOptions } from './admin-auth.ts';
import { createAdminPageRoutes } from './admin-pages.tsx';
import { createAdminApiRoutes, type AdminRoutesDeps } from './admin-routes.ts';
import type { AppEnv } from './app-env.ts';
import { createDigestRoutes, type DigestWebSettings } from './digest-routes.tsx';
import { createCalendarRoutes } from './calendar-routes.ts';
import { createEventsApiRoutes } from './events-api-routes.ts';
import { createFeedRoutes } from './feed-routes.ts';
import { createHealthRoutes } from './health-routes.ts';
import { createMetricsRoutes, httpMetrics } from './metrics-routes.ts';
import { createPublicApiRoutes } from './public-api-routes.ts';
import { createReaderRoutes } from './reader-routes.tsx';
import { requestLimits } from './request-limits.ts';
import { createSelectionSaver } from './selection-saver.ts';
import { createWebsubRoutes } from './websub-routes.ts';

export interface AppDeps {
  database: Database;
  logger: Logger;
  publicUrl: string;
  version: string;
  topics: Topic[];
  /** EN↔FR term pairs that searches are read with, besides the taxonomy's own (feeds.yaml's lexicon). */
  lexicon?: TermPair[];
  /** Shared with the pipeline in one-process mode, so a local ingest is seen at once. */
  feedCache?: FeedCache;
  /** The WebSub hub our feeds advertise at /websub (cli/hub.ts); without one, no hub endpoint. */
  websub?: WebsubHub;
  /** Mounts the admin API and pages, which fetch through this pipeline (subscribe checks, refresh now). */
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
  /** Email digests (SMTP_URL set): the form in the Subscribe box and the pages of its links. */
  digests?: DigestWebSettings & { onRequest?: () => void; sendNow?: AdminRoutesDeps['sendDigestsNow'] };
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { database, logger, topics, publicUrl } = deps;
  const db = database.db;
  const log = logger.child({ component: 'http' });
  const feedCache = deps.feedCache ?? createFeedCache({ readGeneration: async () => (await readGeneration(db)).generation });
  // How searches are read in both languages: the taxonomy's keywords and labels, and the lexicon.
  const searchTerms = compileSearchTerms(topics, [...taxonomyPairs(topics), ...(deps.lexicon ?? [])]);
  const renderer = createFeedRenderer({ db, topics, publicUrl, version: deps.version, cache: feedCache, searchTerms });
  const metrics = deps.metrics ?? getMetrics();
  const auth = createAuth({ db, metrics, adminToken: deps.adminToken, trustProxy: deps.trustProxy, throttle: deps.authThrottle });
  const saver = createSelectionSaver({ db, topicSlugs: topics.map((t) => t.slug), publicUrl, cache: feedCache, settings: deps.savedFeeds });
  const admin = deps.pipeline && { db, topics, logger, publicUrl, auth, pipeline: deps.pipeline, leaseSeconds: deps.leaseSeconds ?? 300, mailEnabled: Boolean(deps.digests), sendDigestsNow: deps.digests?.sendNow };
  const app = new Hono<AppEnv>();

  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(httpMetrics(metrics));
  app.use(requestLog(log));
  app.use(requestLimits());
  app.use(compress());
  app.use('/api/*', cors({ origin: '*', allowMethods: ['GET', 'POST'], maxAge: 86_400 }));

  // In this order: a request is answered by the first route that matches it.
  app.route('/', createMetricsRoutes({ db, metrics, auth, token: deps.metricsToken })); // /metrics
  app.route('/', createHealthRoutes({ version: deps.version, ping: () => database.ping() })); // /healthz, /readyz
  app.route('/', createPublicApiRoutes({ db, topics, feedCache, searchTerms })); // GET /api/items, /api/sources
  app.route('/', createEventsApiRoutes({ db, topics, feedCache, searchTerms })); // GET /api/events
  app.route('/', createFeedRoutes({ db, topics, publicUrl, renderer, cache: feedCache, saver, trustProxy: deps.trustProxy })); // /feeds, /topics, /sources, /f, /opml, /api/saved-feeds
  app.route('/', createCalendarRoutes({ db, topics, publicUrl, version: deps.version, cache: feedCache, searchTerms })); // /calendar/…ics
  if (deps.websub) app.route('/', createWebsubRoutes(deps.websub)); // /websub
  if (admin) app.route('/', createAdminApiRoutes(admin)); // /api/sources/…, /api/opml, /api/admin/log, with a token
  if (admin) app.route('/', createAdminPageRoutes(admin)); // /admin, /{en,fr}/admin/…
  if (deps.digests) app.route('/', createDigestRoutes({ db, logger, publicUrl, topics, settings: deps.digests, trustProxy: deps.trustProxy, onRequest: deps.digests.onRequest })); // /{en,fr}/digests/…
  app.route('/', createReaderRoutes({ db, logger, publicUrl, topics, searchTerms, saver, trustProxy: deps.trustProxy, emailDigests: Boolean(deps.digests) })); // /, /{en,fr}/…, /embed, /embed.js, /assets; last, for its 404 pages

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

/** One pino line per request: its id, method, path, status and duration. */
function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const t0 = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - t0) * 10) / 10;
    log.info({ reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, durationMs }, 'request');
  };
}
