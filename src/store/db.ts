// One Db over two drivers: PGlite (Postgres compiled to WASM, data in DATA_DIR) when no
// DATABASE_URL is set, postgres.js otherwise. Same schema, same SQL, same migrations.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A text[] literal built from parameters (drizzle would otherwise spread a JS array into a list). */
export function textArray(values: readonly string[]): ReturnType<typeof sql> {
  return values.length ? sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`'{}'::text[]`;
}
/** A transaction handle: the same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs a raw query and returns its rows, whichever driver is underneath. */
  rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** Where PGlite keeps its files; `memory://` for a throwaway database. */
  dataDir?: string;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
/** Arbitrary but fixed: every process migrating the same database takes this lock first. */
const MIGRATION_LOCK_ID = 4_242_017;

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10)
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
  return {
    db,
    kind: 'pglite',
    async rows<T>(query: ReturnType<typeof sql>) {
      const result = (await db.execute(query)) as unknown as { rows: T[] };
      return result.rows;
    },
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

async function openPostgres(url: string, poolSize: number): Promise<Opened> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 60,
    connection: { application_name: 'passerelle' },
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async rows<T>(query: ReturnType<typeof sql>) {
      return (await db.execute(query)) as unknown as T[];
    },
    async ping() {
      try {
        await client`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await client.end({ timeout: 5 });
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
      } finally {
        await single.end({ timeout: 5 });
      }
    },
  };
}
