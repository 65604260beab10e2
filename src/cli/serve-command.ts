// `passerelle serve` and `passerelle worker`: the long-running processes, with an orderly stop on
// SIGTERM/SIGINT (stop taking work, let in-flight fetches finish or release them, close the db).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { VERSION, type Config } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { LEXICON_PAIRS } from '../normalize/lexicon.ts';
import { standingOf } from '../pipeline/hub-standing.ts';
import { lexiconTermPairs } from '../publish/bilingual-search.ts';
import { listSources } from '../store/sources-repo.ts';
import { createApp } from '../web/app.ts';
import { createOpsApp } from '../web/ops-app.ts';
import { controlSocketPath } from './control-protocol.ts';
import { startControlServer } from './control-server.ts';
import { openHub, type Hub } from './hub.ts';
import { reportDriverRacesTo } from './process-hooks.ts';

export interface ServeOptions {
  web: boolean;
  scheduler: boolean;
  /** `serve` or `worker`: what the data directory's lock names. */
  command: string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server for a hub; resolves once it listens. */
export function startHttp(hub: Hub, host: string, port: number): Promise<RunningServer> {
  const app = createApp({
    database: hub.database,
    logger: hub.logger,
    publicUrl: hub.config.publicUrl,
    version: VERSION,
    topics: hub.feeds.topics,
    lexicon: lexiconTermPairs([...LEXICON_PAIRS, ...hub.feeds.lexicon]),
    feedCache: hub.feedCache,
    websub: hub.websub,
    pipeline: hub.pipeline,
    adminToken: hub.config.adminToken,
    leaseSeconds: hub.config.schedule.leaseSeconds,
    trustProxy: hub.config.trustProxy,
    metricsToken: hub.config.metricsToken,
    savedFeeds: hub.config.savedFeeds,
    digests: hub.config.digests.smtpUrl ? { ...hub.config.digests, onRequest: () => hub.digests?.jobs.requestQueued(), sendNow: hub.digests && (() => hub.digests!.jobs.sendNow()) } : undefined,
  });
  return listen(app.fetch, host, port);
}

/** A worker's own small server: /healthz, /readyz and /metrics, for probes and scrapes (METRICS_PORT). */
export function startOpsHttp(hub: Hub, host: string, port: number): Promise<RunningServer> {
  const app = createOpsApp({ database: hub.database, logger: hub.logger, version: VERSION, metricsToken: hub.config.metricsToken, trustProxy: hub.config.trustProxy });
  return listen(app.fetch, host, port);
}

function listen(fetch: (req: Request) => Response | Promise<Response>, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as import('node:http').Server).closeIdleConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}

export async function runServe(config: Readonly<Config>, options: ServeOptions): Promise<number> {
  const logger = createLogger(config.logLevel);
  reportDriverRacesTo((reason) => logger.warn({ reason }, 'database connections reset'));
  // On the embedded database this process owns the data directory; other commands reach it here.
  const socket = config.databaseUrl ? undefined : controlSocketPath(config.dataDir);
  const hub = await openHub(config, logger, { command: options.command, socket });
  const control = socket ? await startControlServer(hub, socket).catch(async (err: unknown) => {
    await hub.close();
    throw err;
  }) : undefined;
  const http = options.web
    ? await startHttp(hub, config.host, config.port)
    : config.metricsPort !== undefined
      ? await startOpsHttp(hub, config.host, config.metricsPort)
      : undefined;
  if (http) logger.info({ url: http.url, publicUrl: config.publicUrl, database: hub.database.kind, durability: hub.database.durability, web: options.web }, 'listening');
  if (options.scheduler) {
    hub.scheduler.start();
    logger.info({ sources: hub.feeds.sources.length, owner: hub.scheduler.owner }, 'scheduler started');
  }
  // One line that says what this hub holds and where to read it.
  const standing = standingOf(await listSources(hub.database.db));
  // PORT=0 leaves the default public address without its real port: the one listened on says it.
  const reader = options.web && http ? `${config.publicUrl.endsWith(':0') ? http.url : config.publicUrl}/en/` : undefined;
  logger.info({ sources: standing.sources, read: standing.read, items: standing.items, ...(reader ? { reader } : {}) }, 'ready');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await Promise.all([http?.close(), control?.close()]);
  await hub.close();
  logger.info('stopped');
  logger.flush();
  return 0;
}
