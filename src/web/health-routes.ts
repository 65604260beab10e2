// Liveness and readiness, the same on the web processes and on a worker's small HTTP face.
import { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';

export interface HealthDeps {
  version: string;
  /** Whether the database answers. */
  ping: () => Promise<boolean>;
  /** Named in /healthz when the process is not a web process ('worker'). */
  role?: string;
}

export function createHealthRoutes(deps: HealthDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok', version: deps.version, ...(deps.role ? { role: deps.role } : {}) }));
  app.get('/readyz', async (c) => {
    const ok = await deps.ping();
    return c.json({ status: ok ? 'ready' : 'database unavailable' }, ok ? 200 : 503);
  });
  return app;
}
