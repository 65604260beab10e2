// /metrics in the Prometheus text format, and the middleware that times every request by its
// matched route pattern (never the raw path, so label values stay bounded whatever is requested).
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Metrics } from '../core/metrics.ts';
import type { Db } from '../store/db.ts';
import { countSourceHealth } from '../store/sources-repo.ts';
import type { Auth } from './admin-auth.ts';
import type { AppEnv } from './app-env.ts';

/** The route pattern that answered ("/api/sources/:slug"), or "unmatched" for a 404 no route took. */
export function routeLabel(c: Context): string {
  try {
    const route = matchedRoutes(c)[c.req.routeIndex];
    return route && route.method !== 'ALL' ? route.path : 'unmatched';
  } catch {
    return 'unmatched';
  }
}

export function httpMetrics(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const t0 = performance.now();
    try {
      await next();
    } finally {
      metrics.recordHttpRequest(c.req.method, routeLabel(c), c.res.status, (performance.now() - t0) / 1000);
    }
  };
}

export interface MetricsRouteDeps {
  db: Db;
  metrics: Metrics;
  auth: Auth;
  /** When set, a scrape must send it as a bearer token. */
  token?: string;
}

export function createMetricsRoutes(deps: MetricsRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const handler = async (c: Context<AppEnv>) => {
    // Source health is the database's, read at scrape time: every process reports the same value.
    try {
      deps.metrics.setSourceHealth(await countSourceHealth(deps.db));
    } catch {
      // The database being away must not hide the process metrics; /readyz reports it.
    }
    return c.body(await deps.metrics.render(), 200, { 'Content-Type': deps.metrics.contentType, 'Cache-Control': 'no-store' });
  };
  if (deps.token) app.get('/metrics', deps.auth.requireSecret(deps.token), handler);
  else app.get('/metrics', handler);
  return app;
}
