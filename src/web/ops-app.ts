// The small HTTP face of a worker (`passerelle worker` with METRICS_PORT): liveness, readiness and
// metrics, so a worker can be probed and scraped like the web processes. No feeds, no API.
import { Hono } from 'hono';
import type { Logger } from '../core/logger.ts';
import { getMetrics, type Metrics } from '../core/metrics.ts';
import type { Database } from '../store/db.ts';
import { createAuth } from './admin-auth.ts';
import type { AppEnv } from './app-env.ts';
import { createHealthRoutes } from './health-routes.ts';
import { createMetricsRoutes, httpMetrics } from './metrics-routes.ts';

export interface OpsAppDeps {
  database: Database;
  logger: Logger;
  version: string;
  metrics?: Metrics;
  metricsToken?: string;
  trustProxy?: boolean;
}

export function createOpsApp(deps: OpsAppDeps): Hono<AppEnv> {
  const { database } = deps;
  const metrics = deps.metrics ?? getMetrics();
  const auth = createAuth({ db: database.db, metrics, trustProxy: deps.trustProxy });
  const app = new Hono<AppEnv>();
  app.use(httpMetrics(metrics));
  app.route('/', createHealthRoutes({ version: deps.version, role: 'worker', ping: () => database.ping() }));
  app.route('/', createMetricsRoutes({ db: database.db, metrics, token: deps.metricsToken, auth }));
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    deps.logger.error({ err, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
