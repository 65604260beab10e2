// One Db over two drivers: PGlite (Postgres compiled to WASM, data in DATA_DIR) when no
// DATABASE_URL is set, postgres.js otherwise. Same schema, same SQL, same migrations.
import { constants } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { openPgliteClient, type Durability } from './pglite-driver.ts';
import { openPostgresPool, openSingleConnection } from './postgres-driver.ts';
import * as schema from './schema.ts';
import { MIGRATIONS_DIR, migrationsUpTo } from './schema-version.ts';
import { maintainTables, type TableWork } from './table-maintenance.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A text[] literal built from parameters (drizzle would otherwise spread a JS array into a list). */
export function textArray(values: readonly string[]): ReturnType<typeof sql> {
  return values.length ? sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`'{}'::text[]`;
}

/** An int[] (or bigint[]) literal; the values are our own integers, written inline so a long list costs no parameters. */
export function intArray(values: readonly number[], type: 'int' | 'bigint' = 'int'): ReturnType<typeof sql> {
  if (!values.every(Number.isSafeInteger)) throw new TypeError('intArray: not integers');
  return sql.raw(`'{${values.join(',')}}'::${type}[]`);
}
/** A transaction handle: the same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Raw rows from either driver (postgres.js returns an array, PGlite an object with rows). */
export async function queryRows<T>(db: Db | Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

export interface Database {
  db: Db;
  /**
   * For background work that must not queue behind web requests for a connection (WebSub
   * deliveries): on PostgreSQL a small pool of its own (JOBS_POOL_SIZE connections, beside
   * `poolSize`), on PGlite the one connection there is.
   */
  jobsDb: Db;
  kind: 'pglite' | 'postgres';
  /**
   * Whether an acknowledged commit is on disk ('fsync': PostgreSQL, and PGlite in a directory) or
   * only handed to the kernel ('write': PGlite in memory, or if its filesystem could not be synced).
   */
  durability: Durability;
  /** Runs a raw query and returns its rows, whichever driver is underneath. */
  rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]>;
  ping(): Promise<boolean>;
  /**
   * Vacuums and analyzes the tables that need it, as autovacuum would; returns what it did.
   * PGlite only (and it also runs every MAINTENANCE_INTERVAL_MS by itself); PostgreSQL's own
   * autovacuum does this for a server, so there it does nothing.
   */
  maintain(): Promise<TableWork[]>;
  /**
   * PGlite only: copies the database files into `dir` while no statement runs, after a
   * checkpoint, so another PGlite opens the copy as the database stood at that moment. Queries
   * wait for the copy (about as long as copying the files takes), none is refused.
   */
  snapshot?(dir: string): Promise<void>;
  /** Applies the migrations up to schema version `index` (all of them without it). */
  migrateTo(index?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** Where PGlite keeps its files; `memory://` for a throwaway database. */
  dataDir?: string;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
  /** Told when the Postgres pool was replaced after a connection error (for the log). */
  onConnectionReset?: (reason: string) => void;
  /**
   * Which migrations to apply on opening: all of them (the default), none (a backup reads the
   * database as it is), or those up to a schema version's index (a restore of an older backup).
   */
  migrate?: 'all' | 'none' | { upTo: number };
}

export { MIGRATIONS_DIR };
/** How often an embedded database checks whether a table needs vacuuming or analyzing. */
export const MAINTENANCE_INTERVAL_MS = 60_000;
/**
 * How often an embedded database writes a checkpoint. PGlite runs Postgres as a single process
 * with no checkpointer, so without this one comes only when the WAL reaches max_wal_size (1 GB):
 * the WAL a restart after a crash replays, and a backup copies, stays this many minutes' worth.
 */
export const CHECKPOINT_INTERVAL_MS = 5 * 60_000;
/** The PGlite files inside DATA_DIR (the lock file and the command socket sit beside them). */
export const PGLITE_DIR = 'pglite';
/** Arbitrary but fixed: every process migrating the same database takes this lock first. */
const MIGRATION_LOCK_ID = 4_242_017;

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10, options.onConnectionReset)
    : await openPglite(options.dataDir ?? 'memory://');
  const which = options.migrate ?? 'all';
  try {
    if (which === 'none') await database.migrate();
    else await database.migrateTo(typeof which === 'object' ? which.upTo : undefined);
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
  return database;
}

/** `migrate(folder)` applies that folder's migrations; with no folder it only prepares the connections. */
type Opened = Database & { migrate(folder?: string): Promise<void> };

/** Database.migrateTo, over a driver's own `migrate(folder)`. */
function migrateTo(migrate: (folder?: string) => Promise<void>) {
  return async (index?: number) => {
    if (index === undefined) return migrate(MIGRATIONS_DIR);
    const subset = await migrationsUpTo(index);
    try {
      await migrate(subset.dir);
    } finally {
      await subset.remove();
    }
  };
}

async function openPglite(dataDir: string): Promise<Opened> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  let dir = dataDir;
  if (!dataDir.startsWith('memory://')) {
    dir = path.join(dataDir, PGLITE_DIR);
    await mkdir(dir, { recursive: true });
  }
  const { client, durability } = await openPgliteClient(dir, { unaccent });
  const db = drizzle(client, { schema }) as unknown as Db;
  let closed = false;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(db, query);
  let maintaining: Promise<TableWork[]> | undefined;
  const maintain = () => {
    maintaining ??= maintainTables(rows).finally(() => (maintaining = undefined));
    return maintaining;
  };
  const applyMigrations = async (folder?: string) => {
    if (!folder) return;
    await client.query(`select pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    try {
      await migrate(drizzle(client), { migrationsFolder: folder });
    } finally {
      await client.query(`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
    }
  };
  let lastCheckpoint = Date.now();
  const timer = setInterval(() => {
    if (closed) return;
    maintain().catch(() => {});
    if (Date.now() - lastCheckpoint >= CHECKPOINT_INTERVAL_MS) {
      lastCheckpoint = Date.now();
      client.query('checkpoint').catch(() => {});
    }
  }, MAINTENANCE_INTERVAL_MS);
  timer.unref();
  return {
    db,
    jobsDb: db,
    kind: 'pglite',
    durability,
    rows,
    maintain,
    async ping() {
      if (closed) return false;
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async snapshot(target: string) {
      if (dir.startsWith('memory://')) throw new Error('an in-memory database has no files to copy');
      // Holding a transaction keeps every other statement waiting (PGlite runs one at a time, and
      // drizzle's queries take the same lock), so the files do not change while they are copied.
      await client.transaction(async (tx) => {
        await tx.query('checkpoint');
        await cp(dir, target, { recursive: true, mode: constants.COPYFILE_FICLONE });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await maintaining?.catch(() => {});
      await client.close();
    },
    migrate: applyMigrations,
    migrateTo: migrateTo(applyMigrations),
  };
}

async function openPostgres(url: string, poolSize: number, onReset?: (reason: string) => void): Promise<Opened> {
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const pool = openPostgresPool(url, { max: poolSize, onReset });
  const db = drizzle(pool.client, { schema }) as unknown as Db;
  const jobsPool = openPostgresPool(url, { max: JOBS_POOL_SIZE, onReset });
  const jobsDb = drizzle(jobsPool.client, { schema }) as unknown as Db;
  const applyMigrations = async (folder?: string) => {
    // A single dedicated connection holds the advisory lock for the whole run, so several
    // processes starting together apply each migration exactly once.
    const single = openSingleConnection(url);
    try {
      if (folder) {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        try {
          await migrate(drizzle(single), { migrationsFolder: folder });
        } finally {
          await single`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
        }
      } else {
        await single`select 1`;
      }
      // This connection looked the array types up (text[] and the like): the pools reuse them.
      pool.loadTypes(single);
      jobsPool.loadTypes(single);
    } finally {
      await single.end({ timeout: 5 });
    }
  };
  return {
    db,
    jobsDb,
    kind: 'postgres',
    durability: 'fsync',
    rows: <T>(query: ReturnType<typeof sql>) => queryRows<T>(db, query),
    async maintain() {
      return [];
    },
    async ping() {
      // A probe answers in bounded time: while the server is away, queries wait for a connection.
      const probe = Promise.resolve(pool.client`select 1`).then(() => true, () => false);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
      try {
        return await Promise.race([probe, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await Promise.all([pool.end(), jobsPool.end()]);
    },
    migrate: applyMigrations,
    migrateTo: migrateTo(applyMigrations),
  };
}

/** Connections of the background jobs' own pool on PostgreSQL (Database.jobsDb). */
export const JOBS_POOL_SIZE = 2;

/** How long /readyz waits for the database before saying it is not ready. */
const PING_TIMEOUT_MS = 3000;
