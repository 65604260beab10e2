// What a database command runs against: in the running hub, the hub's own database and services;
// otherwise the database opened for this one command (under the data directory's lock when it is
// the embedded one) and only the parts the command asks for.
import type { Config } from '../core/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { loadFeedsFile, type FeedsFile } from '../sources/feeds-file.ts';
import { openDatabase, type Database } from '../store/db.ts';
import { acquireDataDirLock } from '../store/data-dir-lock.ts';
import { assembleServices, type Hub, type HubServices } from './hub.ts';

export interface CommandContext {
  config: Readonly<Config>;
  database: Database;
  logger: Logger;
  /** feeds.yaml as this process knows it (the running hub's: the one it started with). */
  feeds(): Promise<FeedsFile>;
  /** The fetcher and the retention job. */
  services(): Promise<HubServices>;
  /** True in the running hub, whose settings and feeds.yaml the command then uses. */
  inHub: boolean;
}

export function hubContext(hub: Hub): CommandContext {
  return {
    config: hub.config,
    database: hub.database,
    logger: hub.logger,
    feeds: async () => hub.feeds,
    services: async () => hub,
    inHub: true,
  };
}

export interface LocalContext extends CommandContext {
  close(): Promise<void>;
}

/** Opens the database for one command; on the embedded one, `command` is what the lock names. */
export async function openLocalContext(config: Readonly<Config>, command: string, note: (line: string) => void): Promise<LocalContext> {
  // Progress is printed by the command itself; the JSON log keeps warnings and worse, on stderr.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  const lock = config.databaseUrl ? undefined : await acquireDataDirLock(config.dataDir, { command });
  if (lock?.recovered) note(`note: the data directory's lock was left by passerelle ${lock.recovered.command} (pid ${lock.recovered.pid}), which is gone; taken over`);
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    await lock?.release();
    throw err;
  }
  let feeds: Promise<FeedsFile> | undefined;
  let services: Promise<HubServices> | undefined;
  const context: LocalContext = {
    config,
    database,
    logger,
    inHub: false,
    feeds: () => (feeds ??= loadFeedsFile(config.feedsFile)),
    services: () => (services ??= context.feeds().then((f) => assembleServices(config, f, database, logger))),
    async close() {
      const opened = await services?.catch(() => undefined);
      await opened?.scheduler.stop();
      await opened?.reader.close();
      opened?.digests?.mailer.close();
      await database.close();
      await lock?.release();
    },
  };
  return context;
}
