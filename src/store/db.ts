// One Db over two drivers: PGlite (Postgres compiled to WASM, data in DATA_DIR) when no
// DATABASE_URL is set, postgres.js otherwise. Same schema, same SQL, same migrations.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';
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
  kind: 'pglite' | 'postgres';
  /** Runs a raw query and returns its rows, whichever driver is underneath. */
  rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]>;
  ping(): Promise<boolean>;
  /**
   * Vacuums and analyzes the tables that need it, as autovacuum would; returns what it did.
   * PGlite only (and it also runs every MAINTENANCE_INTERVAL_MS by itself); PostgreSQL's own
   * autovacuum does this for a server, so there it does nothing.
   */
  maintain(): Promise<TableWork[]>;
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
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
/** How often an embedded database checks whether a table needs vacuuming or analyzing. */
export const MAINTENANCE_INTERVAL_MS = 60_000;
/** Arbitrary but fixed: every process migrating the same database takes this lock first. */
const MIGRATION_LOCK_ID = 4_242_017;

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10, options.onConnectionReset)
    : await openPglite(options.dataDir ?? 'memory://');
  try {
    await database.migrate();
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
  return database;
}

type Opened = Database & { migrate(): Promise<void> };

async function openPglite(dataDir: string): Promise<Opened> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  let dir = dataDir;
  if (!dataDir.startsWith('memory://')) {
    dir = path.join(dataDir, 'pglite');
    await mkdir(dir, { recursive: true });
  }
  const client = await PGlite.create(dir, { extensions: { unaccent } });
  const db = drizzle(client, { schema }) as unknown as Db;
  let closed = false;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(db, query);
  let maintaining: Promise<TableWork[]> | undefined;
  const maintain = () => {
    maintaining ??= maintainTables(rows).finally(() => (maintaining = undefined));
    return maintaining;
  };
  const timer = setInterval(() => {
    if (!closed) maintain().catch(() => {});
  }, MAINTENANCE_INTERVAL_MS);
  timer.unref();
  return {
    db,
    kind: 'pglite',
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
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await maintaining?.catch(() => {});
      await client.close();
    },
    async migrate() {
      await client.query(`select pg_advisory_lock(${MIGRATION_LOCK_ID})`);
      try {
        await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        await client.query(`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
      }
    },
  };
}

async function openPostgres(url: string, poolSize: number, onReset?: (reason: string) => void): Promise<Opened> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  guardAgainstDriverWriteRace(onReset);
  const pool = createResilientPool(
    () =>
      postgres(url, {
        max: poolSize,
        onnotice: () => {},
        connect_timeout: 10,
        idle_timeout: 60,
        // postgres.js looks the array types up on every new connection, from a promise nobody
        // awaits: a connection lost during that lookup is an unhandled rejection, which ends the
        // process. The types are read once, at start-up (see migrate), and copied into each pool.
        fetch_types: false,
        connection: { application_name: 'passerelle' },
      }),
    onReset,
  );
  const db = drizzle(pool.client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
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
      await pool.end();
    },
    async migrate() {
      // A single dedicated connection holds the advisory lock for the whole run, so several
      // processes starting together apply each migration exactly once.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        try {
          await migrate(drizzle(single), { migrationsFolder: MIGRATIONS_DIR });
        } finally {
          await single`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
        }
        // This connection looked the array types up (text[] and the like): the pools reuse them.
        pool.adoptTypes(single);
      } finally {
        await single.end({ timeout: 5 });
      }
    },
  };
}

type Sql = import('postgres').Sql;

/** How long /readyz waits for the database before saying it is not ready. */
const PING_TIMEOUT_MS = 3000;

let guarded = false;

/**
 * postgres.js 3.4.9 can throw from a timer when a connection closes between a write being queued
 * and sent (a ROLLBACK after the server went away mid-transaction): `socket.write` on a null
 * socket, thrown where no caller can catch it, which would end the process (porsager/postgres
 * #1154, #1208). That one error is harmless to us: the query it belonged to is rejected when the
 * pool it came from is ended (see createResilientPool). Every other uncaught exception keeps
 * Node's behaviour: printed, and the process exits.
 */
function guardAgainstDriverWriteRace(onCaught?: (reason: string) => void): void {
  if (guarded) return;
  guarded = true;
  process.on('uncaughtException', function onUncaught(err) {
    if (isDriverWriteRace(err)) {
      onCaught?.('write after close (driver)');
      return;
    }
    // Someone else (a test runner) handles it; otherwise behave as if we were not listening.
    if (process.listeners('uncaughtException').some((l) => l !== onUncaught)) return;
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
}

export function isDriverWriteRace(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    /Cannot read properties of null \(reading 'write'\)/.test(err.message) &&
    /[\\/]postgres[\\/](cjs[\\/])?src[\\/]connection\.js/.test(err.stack ?? '') &&
    /nextWrite/.test(err.stack ?? '')
  );
}

/** Errors that say the connection (not the query) failed: the server went away or is restarting. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return CONNECTION_ERROR_CODES.has(code) || code.startsWith('08');
}

const CONNECTION_ERROR_CODES = new Set([
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // admin_shutdown, crash_shutdown, cannot_connect_now: a server stopping or starting.
  '57P01', '57P02', '57P03',
]);

/** The parts of a postgres.js client's options that hold type parsers (not in its typings). */
interface TypeOptions {
  parsers: Record<string, unknown>;
  serializers: Record<string, unknown>;
  shared: { typeArrayMap: Record<string, number> };
}

function copyTypes(from: Sql, to: Sql, overwrite: boolean): void {
  const a = from.options as unknown as TypeOptions;
  const b = to.options as unknown as TypeOptions;
  for (const key of ['parsers', 'serializers'] as const) {
    for (const [oid, fn] of Object.entries(a[key])) if (overwrite || !(oid in b[key])) b[key][oid] = fn;
  }
  Object.assign(b.shared.typeArrayMap, a.shared.typeArrayMap);
}

/** Pool resets are at least this far apart; one more always follows the last connection error. */
const RESET_SPACING_MS = 1000;

/**
 * A postgres.js pool that is replaced whole after a connection error. postgres.js 3.4.9 can leave
 * a pooled connection unusable once its socket closed while a write was pending (as when the
 * server restarts under load): every later query on it waits for connect_timeout and fails, or
 * hangs (porsager/postgres#1193, #1208). Instead of trusting a pool that has seen its server go,
 * new queries go to a fresh pool and the old one is ended, which also rejects what hung on it.
 * drizzle holds `client`, a stand-in that always forwards to the current pool.
 */
function createResilientPool(create: () => Sql, onReset?: (reason: string) => void) {
  let current = create();
  const retiring = new Set<Promise<void>>();
  let lastReset = 0;
  let pending: NodeJS.Timeout | undefined;
  let ended = false;

  const retire = (old: Sql) => {
    const done = old.end({ timeout: 5 }).catch(() => {});
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  };
  const reset = (reason: string) => {
    pending = undefined;
    if (ended) return;
    lastReset = Date.now();
    const old = current;
    current = create();
    // drizzle sets its own parsers on the first pool (dates as strings); every pool needs them.
    copyTypes(old, current, true);
    retire(old);
    onReset?.(reason);
  };
  // Only errors from the pool in use count: the ones a retired pool gives while it is ended are expected.
  const observe = (err: unknown, pool: Sql) => {
    if (ended || pending || pool !== current || !isConnectionError(err)) return;
    const wait = lastReset + RESET_SPACING_MS - Date.now();
    const reason = String((err as { code?: string }).code);
    if (wait <= 0) reset(reason);
    else pending = setTimeout(() => reset(reason), wait).unref();
  };
  /** postgres.js queries run when awaited; watching `then` sees their outcome without running them early. */
  const watch = <Q extends PromiseLike<unknown>>(query: Q, pool: Sql): Q => {
    const then = query.then;
    (query as { then: unknown }).then = function (this: Q, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      return then.call(this, onFulfilled, (err: unknown) => {
        observe(err, pool);
        if (onRejected) return onRejected(err);
        throw err;
      });
    };
    return query;
  };

  const client = new Proxy(function () {} as unknown as Sql, {
    apply: (_target, _this, args) => watch((current as unknown as (...a: unknown[]) => PromiseLike<unknown>)(...args), current),
    get(_target, prop) {
      const pool = current;
      if (prop === 'unsafe') return (...args: Parameters<Sql['unsafe']>) => watch(pool.unsafe(...args), pool);
      if (prop === 'begin') {
        return (...args: unknown[]) =>
          (pool.begin as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
            observe(err, pool);
            throw err;
          });
      }
      const value = Reflect.get(pool, prop);
      return typeof value === 'function' ? value.bind(pool) : value;
    },
  });

  return {
    client,
    /** Array parsers and serializers another client looked up; what the pools already have wins. */
    adoptTypes(from: Sql) {
      copyTypes(from, current, false);
    },
    async end() {
      ended = true;
      clearTimeout(pending);
      retire(current);
      await Promise.all([...retiring]);
    },
  };
}
