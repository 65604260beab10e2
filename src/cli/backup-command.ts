// `passerelle backup FILE` and `passerelle restore FILE [--force]`: the whole database in one file
// (store/backup-format.ts), the same from and into PGlite and PostgreSQL, so moving from the
// embedded database to a server is a backup and a restore.
//
// A backup never stops the hub. On PostgreSQL it reads one snapshot transaction beside the
// writers. On the embedded database while a hub runs, the hub copies its files aside (its
// statements wait for the copy, none fails) and this process reads the copy, so the hub does
// none of the reading. A restore needs the target to itself: no hub on that data directory.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../core/config.ts';
import { BackupRefusedError, readBackup } from '../store/backup-format.ts';
import { writeBackup, type BackupReport } from '../store/backup.ts';
import { acquireDataDirLock } from '../store/data-dir-lock.ts';
import { openDatabase, PGLITE_DIR, type Database } from '../store/db.ts';
import { restoreBackup } from '../store/restore.ts';
import { snapshotInHub } from './control-client.ts';
import { withDataDir } from './dispatch.ts';
import type { Io } from './io.ts';
import { UsageError } from './usage.ts';

export async function runBackup(config: Readonly<Config>, args: string[], io: Io): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('backup needs one FILE');
  return refusalsExplained(io, 'written', () => backUpTo(config, path.resolve(positionals[0]), io));
}

export async function runRestore(config: Readonly<Config>, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { force: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('restore needs one FILE');
  return refusalsExplained(io, 'restored', () => restoreFrom(config, path.resolve(positionals[0]), !!values.force, io));
}

async function refusalsExplained(io: Io, what: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof BackupRefusedError)) throw err;
    io.err(`error: ${err.message}; nothing was ${what}`);
    return 1;
  }
}

async function backUpTo(config: Readonly<Config>, file: string, io: Io): Promise<number> {
  const t0 = performance.now();
  const report = await withDataDir(config, io, {
    inHub: async (socket) => {
      const snapshot = await snapshotInHub(socket, io);
      try {
        return await backUp(await openDatabase({ dataDir: snapshot.dir, migrate: 'none' }), file);
      } finally {
        snapshot.release();
      }
    },
    here: async () => {
      if (!config.databaseUrl && !(await exists(path.join(config.dataDir, PGLITE_DIR)))) {
        throw new BackupRefusedError(`there is no database in ${config.dataDir} to back up`, 'target');
      }
      const lock = config.databaseUrl ? undefined : await acquireDataDirLock(config.dataDir, { command: 'backup' });
      try {
        return await backUp(await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: 'none', poolSize: 2 }), file);
      } finally {
        await lock?.release();
      }
    },
  });
  io.out(`backup written to ${file} (${megabytes(report.bytes)}, ${seconds(t0)}; schema ${report.schema})`);
  io.out(`  ${describeRows(report.rows)}`);
  return 0;
}

async function backUp(database: Database, file: string): Promise<BackupReport> {
  try {
    return await writeBackup(database, file);
  } finally {
    await database.close();
  }
}

async function restoreFrom(config: Readonly<Config>, file: string, force: boolean, io: Io): Promise<number> {
  const t0 = performance.now();
  // The whole file is read and checked before the target is touched at all.
  const plan = await readBackup(file);
  io.err(`${file}: a backup of ${plan.header.createdAt} (${plan.header.database}, schema ${plan.header.schema.tag}), complete and intact`);
  const lock = config.databaseUrl ? undefined : await acquireDataDirLock(config.dataDir, { command: 'restore' });
  try {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: 'none', poolSize: 2 });
    try {
      const report = await restoreBackup(database, file, plan, { force });
      io.out(`restored ${file} into ${config.databaseUrl ? 'the PostgreSQL database' : config.dataDir} (${seconds(t0)})`);
      io.out(`  ${describeRows(report.rows)}`);
      return 0;
    } finally {
      await database.close();
    }
  } finally {
    await lock?.release();
  }
}

/** The tables an operator knows, by what they hold (one, many). */
const NAMES: Record<string, [string, string]> = {
  sources: ['source', 'sources'],
  items: ['item', 'items'],
  fetches: ['fetch log entry', 'fetch log entries'],
  api_tokens: ['token', 'tokens'],
  saved_feeds: ['saved feed', 'saved feeds'],
  websub_subscriptions: ['WebSub subscription', 'WebSub subscriptions'],
  admin_log: ['admin log entry', 'admin log entries'],
};

function describeRows(rows: Record<string, number>): string {
  return Object.entries(NAMES)
    .filter(([table]) => table in rows)
    .map(([table, [one, many]]) => `${rows[table].toLocaleString('en')} ${rows[table] === 1 ? one : many}`)
    .join(', ');
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
