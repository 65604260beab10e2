// The retention job: on its cron schedule (daily by default), in every process that runs the
// fetcher, deletes what the retention settings say (store/retention.ts), keeping what saved feeds
// in use show right now. Processes take turns through an advisory lock; a stopping process ends its run
// between two batches.
import cron, { type ScheduledTask } from 'node-cron';
import type { RetentionSettings } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { parseFeedQuery } from '../publish/feed-query.ts';
import type { Db } from '../store/db.ts';
import { queryItems } from '../store/items-query.ts';
import { applyRetention, planRetention, savedFeedCutoff, type RetentionReport } from '../store/retention.ts';
import { listSavedFeeds } from '../store/saved-feeds.ts';
import { listSources } from '../store/sources-repo.ts';

export interface RetentionJobOptions {
  db: Db;
  settings: RetentionSettings;
  /** The taxonomy's topic slugs, to read saved feeds' queries. */
  topicSlugs: string[];
  logger: Logger;
  now?: () => Date;
  /** Rows per delete transaction. */
  batchSize?: number;
}

export interface RetentionJob {
  start(): void;
  stop(): Promise<void>;
  /** Runs now; with dryRun, only counts. */
  run(options?: { dryRun?: boolean }): Promise<RetentionReport>;
  /** Whether any rule is on. */
  readonly enabled: boolean;
}

/** Saved feeds are kept whole for the newest items their URL shows without a limit. */
export const SAVED_FEED_LIMIT = 50;

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { db, settings } = options;
  if (!cron.validate(settings.schedule)) throw new ConfigError([`RETENTION_SCHEDULE: "${settings.schedule}" is not a cron expression`], 'environment');
  const log = options.logger.child({ component: 'retention' });
  const policy = { days: settings.days, maxItemsPerSource: settings.maxItemsPerSource, adminLogDays: settings.adminLogDays, savedFeedDays: settings.savedFeedUnusedDays };
  const enabled = policy.days > 0 || policy.maxItemsPerSource > 0 || policy.adminLogDays > 0 || policy.savedFeedDays > 0;
  let task: ScheduledTask | undefined;
  let stopping = false;
  let running: Promise<unknown> | undefined;

  async function run(runOptions: { dryRun?: boolean } = {}): Promise<RetentionReport> {
    const now = options.now?.() ?? new Date();
    // A saved feed past the unused window is deleted by this run: it keeps nothing.
    const keepIds = await itemsSavedFeedsShow(db, options.topicSlugs, log, savedFeedCutoff(policy, now));
    const common = { keepIds, now, batchSize: options.batchSize, shouldStop: () => stopping };
    return runOptions.dryRun ? planRetention(db, policy, common) : applyRetention(db, policy, common);
  }

  async function scheduled(): Promise<void> {
    if (running || stopping) return;
    const t0 = performance.now();
    const work = run();
    running = work;
    try {
      const report = await work;
      log.info({ ...report, durationMs: Math.round(performance.now() - t0) }, 'retention done');
    } catch (err) {
      // The database may be away; tomorrow's run (or the next process's) picks up.
      log.error({ err }, 'retention failed');
    } finally {
      running = undefined;
    }
  }

  return {
    enabled,
    start() {
      if (task || !enabled) return;
      task = cron.schedule(settings.schedule, () => void scheduled(), { noOverlap: true, name: 'retention' });
    },
    async stop() {
      stopping = true;
      await task?.stop();
      task = undefined;
      await running?.catch(() => {});
    },
    run,
  };
}

/**
 * The items every saved feed (used since `usedSince`, when given) shows right now: its newest
 * SAVED_FEED_LIMIT, with the other copies of each story and their translations, read through the
 * same query the feed route runs.
 */
export async function itemsSavedFeedsShow(db: Db, topicSlugs: string[], log?: Logger, usedSince?: Date): Promise<number[]> {
  const saved = await listSavedFeeds(db, usedSince);
  if (!saved.length) return [];
  const vocabulary = { topicSlugs, sourceSlugs: (await listSources(db)).map((s) => s.slug) };
  const ids = new Set<number>();
  for (const feed of saved) {
    let query;
    try {
      query = parseFeedQuery(new URLSearchParams(feed.query), vocabulary, { defaultLimit: SAVED_FEED_LIMIT, maxLimit: 200 });
    } catch (err) {
      // A topic or source that no longer exists: the feed itself answers 400 now, there is nothing to keep for it.
      log?.warn({ savedFeed: feed.id, err }, 'saved feed query no longer valid');
      continue;
    }
    for (const row of await queryItems(db, query)) {
      ids.add(row.id);
      for (const other of row.also) ids.add(other.id);
      if (row.translation) ids.add(row.translation.id);
    }
  }
  return [...ids];
}
