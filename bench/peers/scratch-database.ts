// A scratch database on the benchmark's PostgreSQL server for one run of one side, dropped after.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { TEST_DATABASE_URL } from '../../tests/helpers/databases.ts';

/** The server both sides use: the local one unless BENCH_DATABASE_URL (or TEST_DATABASE_URL) says otherwise. */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? TEST_DATABASE_URL;

export interface ScratchDatabase {
  name: string;
  url: string;
  /** host:port, user and password, for programs configured by parts. */
  host: string;
  user: string;
  password: string;
  query<T extends object>(text: string): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createScratchDatabase(side: string): Promise<ScratchDatabase> {
  const name = `passerelle_peer_${side}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    throw new Error(`cannot create a scratch database on ${ADMIN_URL}: ${(err as Error).message}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    host: `${url.hostname}:${url.port || 5432}`,
    user: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
    async query<T extends object>(text: string) {
      const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        return (await sql.unsafe(text)) as unknown as T[];
      } finally {
        await sql.end();
      }
    },
    async drop() {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
