// Wires the stages together for one process: config → database → registry sync → fetcher.
// `serve` and `worker` open a whole hub; other commands open the database and only the parts
// they use (cli/command-context.ts).
import { VERSION, type Config } from '../core/config.ts';
import { recordWebsubDelivery } from '../core/metrics.ts';
import type { Logger } from '../core/logger.ts';
import { createHostLimiter } from '../fetch/host-limiter.ts';
import { compileLexicon } from '../normalize/lexicon.ts';
import { compileTaxonomy } from '../normalize/topics.ts';
import type { PipelineDeps } from '../pipeline/ingest-source.ts';
import { createReadPool, type BodyReader } from '../pipeline/read-pool.ts';
import { createNetworkWatch } from '../pipeline/network-watch.ts';
import { createRetentionJob, type RetentionJob } from '../schedule/retention-job.ts';
import { createScheduler, type Scheduler } from '../schedule/scheduler.ts';
import { loadFeedsFile, type FeedsFile } from '../sources/feeds-file.ts';
import { createFeedCache, type FeedCache } from '../publish/feed-cache.ts';
import { createFeedRenderer } from '../publish/feed-renderer.ts';
import { createWebsubHub, type WebsubHub } from '../publish/websub.ts';
import { createWebsubJobs, type WebsubJobs } from '../schedule/websub-jobs.ts';
import { acquireDataDirLock, type DataDirLock } from '../store/data-dir-lock.ts';
import { openDatabase, type Database } from '../store/db.ts';
import { readGeneration } from '../store/hub-state.ts';
import { syncSources } from '../store/sources-repo.ts';
import { createDigestWiring, type DigestWiring } from './digest-wiring.ts';

/** What fetches, publishes and keeps the database bounded, over one open database. */
export interface HubServices {
  pipeline: PipelineDeps;
  scheduler: Scheduler;
  /** Deletes what the retention settings say, on its own schedule; starts and stops with the scheduler. */
  retention: RetentionJob;
  /** Rendered output feeds, told at once when this process ingests a change. */
  feedCache: FeedCache;
  /** Accepts WebSub subscription requests (the /websub endpoint). */
  websub: WebsubHub;
  /** Verifies and delivers WebSub subscriptions while the scheduler runs. */
  websubJobs: WebsubJobs;
  /** Email digests (confirmations and digests) while the scheduler runs; undefined without SMTP_URL. */
  digests?: DigestWiring;
  /** The worker threads that read new bodies; closed with the hub. */
  reader: BodyReader;
}

export interface Hub extends HubServices {
  config: Readonly<Config>;
  feeds: FeedsFile;
  database: Database;
  logger: Logger;
  close(): Promise<void>;
}

export interface OpenHubOptions {
  /** What the process runs, as the data directory's lock names it (`serve`, `worker`). */
  command?: string;
  /** The command socket this process will listen on, written into the lock for other commands to find. */
  socket?: string;
  /** Overrides for tests: hooks into the pipeline. */
  pipeline?: Partial<PipelineDeps>;
}

/**
 * Opens the hub: on the embedded database it first takes the data directory's lock (a live owner
 * makes this throw DataDirBusyError), then migrates and brings the registry in line with feeds.yaml.
 */
export async function openHub(config: Readonly<Config>, logger: Logger, options: OpenHubOptions = {}): Promise<Hub> {
  const feeds = await loadFeedsFile(config.feedsFile);
  const lock = config.databaseUrl ? undefined : await lockDataDir(config, logger, { command: options.command ?? 'serve', socket: options.socket });
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onConnectionReset: (reason) => logger.warn({ reason }, 'database connections reset'),
    });
  } catch (err) {
    await lock?.release();
    throw err;
  }
  try {
    const report = await syncSources(database.db, feeds.sources);
    if (report.added.length || report.updated.length || report.retired.length) {
      logger.info({ added: report.added.length, updated: report.updated.length, retired: report.retired }, 'sources synced from feeds file');
    }
  } catch (err) {
    await database.close();
    await lock?.release();
    throw err;
  }
  const services = assembleServices(config, feeds, database, logger, options.pipeline);
  let closed = false;
  return {
    config,
    feeds,
    database,
    logger,
    ...services,
    async close() {
      if (closed) return;
      closed = true;
      await services.scheduler.stop();
      await services.reader.close();
      services.digests?.mailer.close();
      await database.close();
      await lock?.release();
    },
  };
}

/** Takes the data directory's lock, saying so in the log when a dead process's lock was taken over. */
async function lockDataDir(config: Readonly<Config>, logger: Logger, what: { command: string; socket?: string }): Promise<DataDirLock> {
  const lock = await acquireDataDirLock(config.dataDir, what);
  if (lock.recovered) {
    const { pid, command, since } = lock.recovered;
    logger.warn({ dataDir: config.dataDir, pid, command, since }, 'stale data directory lock recovered: its process is gone');
  }
  return lock;
}

/** The fetcher, the retention job, WebSub, email digests and the feed cache over an open database. */
export function assembleServices(config: Readonly<Config>, feeds: FeedsFile, database: Database, logger: Logger, overrides: Partial<PipelineDeps> = {}): HubServices {
  const feedCache = createFeedCache({
    readGeneration: async () => (await readGeneration(database.db)).generation,
    maxBytes: config.feedCacheBytes,
    staleMs: config.feedStaleSeconds * 1000,
    onRefreshError: (err, key) => logger.warn({ err, feed: key }, 'feed render in the background failed: the older document is answered until its bound'),
  });
  const renderer = createFeedRenderer({ db: database.db, topics: feeds.topics, publicUrl: config.publicUrl, version: VERSION, cache: feedCache });
  // WebSub's checks and deliveries read over the background jobs' own connections, with a cache of
  // their own there, so a delivery never waits for a connection behind the web requests. That cache
  // answers nothing stale: a delivery announcing new items carries them.
  const jobsCache = createFeedCache({ readGeneration: async () => (await readGeneration(database.jobsDb)).generation, maxBytes: Math.floor(config.feedCacheBytes / 4) });
  const jobsRenderer = createFeedRenderer({ db: database.jobsDb, topics: feeds.topics, publicUrl: config.publicUrl, version: VERSION, cache: jobsCache });
  const websubJobs = createWebsubJobs({
    db: database.jobsDb,
    renderer: jobsRenderer,
    cache: jobsCache,
    publicUrl: config.publicUrl,
    logger,
    guard: config.fetch,
    userAgent: config.fetch.userAgent,
    concurrency: config.websub.concurrency,
    hostConcurrency: config.websub.hostConcurrency,
    onDelivery: (outcome) => recordWebsubDelivery(outcome),
  });
  const websub = createWebsubHub({ db: database.db, renderer, publicUrl: config.publicUrl, guard: config.fetch, limits: config.websub, onQueued: () => websubJobs.requestQueued() });
  const limiter = createHostLimiter({ concurrency: config.fetch.concurrency, hostConcurrency: config.fetch.hostConcurrency });
  const reader = createReadPool(config.read, feeds.topics);
  const pipelineLog = logger.child({ component: 'pipeline' });
  const pipeline: PipelineDeps = {
    db: database.db,
    fetch: config.fetch,
    schedule: config.schedule,
    limiter,
    taxonomy: compileTaxonomy(feeds.topics),
    reader,
    lexicon: compileLexicon(feeds.lexicon),
    logger: pipelineLog,
    network: createNetworkWatch(pipelineLog),
    onItemsChanged: () => {
      feedCache.invalidate();
      websubJobs.itemsChanged();
    },
    ...overrides,
  };
  const fetchScheduler = createScheduler({
    pipeline,
    tick: config.schedule.tick,
    leaseSeconds: config.schedule.leaseSeconds,
    concurrency: config.fetch.concurrency,
    logger,
  });
  const digests = createDigestWiring(config, database.db, feeds.topics, logger);
  const retention = createRetentionJob({ db: database.db, settings: config.retention, topicSlugs: feeds.topics.map((t) => t.slug), logger });
  // WebSub, email digests and retention run wherever fetching runs (workers, or a single serve), and stop with it.
  const scheduler: Scheduler = {
    ...fetchScheduler,
    start() {
      fetchScheduler.start();
      websubJobs.start();
      retention.start();
      digests?.jobs.start();
    },
    async stop(graceMs) {
      await Promise.all([fetchScheduler.stop(graceMs), websubJobs.stop(graceMs), retention.stop(), digests?.jobs.stop(graceMs)]);
    },
  };
  return { pipeline, scheduler, retention, feedCache, websub, websubJobs, digests, reader };
}
