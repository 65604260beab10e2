// Every storage test runs twice: on an in-memory PGlite and on a fresh database of the real
// Postgres server (TEST_DATABASE_URL, default the local server). A Postgres that cannot be
// reached fails the run instead of being skipped.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/store/db.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
  /** The connection string of the scratch database (postgres only). */
  url?: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the Postgres server (`server`, default the test server's) and returns its URL. */
export async function createScratchDatabase(server = TEST_DATABASE_URL): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(server, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const name = `passerelle_t_${randomBytes(6).toString('hex')}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end();
    throw new Error(`cannot create a scratch database on ${server}: ${(err as Error).message}`);
  }
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(server, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export const databaseKinds = ['pglite', 'postgres'] as const;

/** Opens a fresh, migrated database of the given kind; `cleanup` closes and drops it. */
export async function freshDatabase(kind: 'pglite' | 'postgres'): Promise<{ database: Database; url?: string; cleanup(): Promise<void> }> {
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    return { database, cleanup: () => database.close() };
  }
  const scratch = await createScratchDatabase();
  const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 5 });
  return {
    database,
    url: scratch.url,
    async cleanup() {
      await database.close();
      await scratch.drop();
    },
  };
}
