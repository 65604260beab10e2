// Passerelle as a user runs it: the `passerelle` command, configured by its environment, on a
// fresh database (a scratch PostgreSQL database or a PGlite data directory), with the farm's
// feeds in its feeds file. Setup (migrations, registering the sources) happens in an untimed
// `passerelle sources list`; the timed command is `passerelle fetch --once --all`.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { parse, stringify } from 'yaml';
import type { SourceSpec } from '../../src/core/types.ts';
import { openDatabase } from '../../src/store/db.ts';
import type { ScratchDatabase } from './scratch-database.ts';

const run = promisify(execFile);
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO, 'bin', 'passerelle.js');

/** A feeds file with the project's own taxonomy (topic tagging is part of the work) and the farm's sources. */
export async function writeFeedsFile(file: string, sources: SourceSpec[]): Promise<void> {
  const { topics } = parse(await readFile(path.join(REPO, 'feeds.yaml'), 'utf8')) as { topics: unknown[] };
  await writeFile(file, stringify({ topics, sources }, { lineWidth: 0 }));
}

export type PasserelleDatabase = { kind: 'postgres'; database: ScratchDatabase } | { kind: 'pglite'; dataDir: string };

export interface PasserelleInstance {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  countItems(): Promise<number>;
}

export interface PasserelleOptions {
  feedsFile: string;
  db: PasserelleDatabase;
  /** Fetch settings as a deployment would set them. */
  fetchEnv: Record<string, string>;
  /** Extra arguments for node (a CPU profile). */
  nodeArgs?: string[];
}

export async function preparePasserelle(options: PasserelleOptions): Promise<PasserelleInstance> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    FEEDS_FILE: options.feedsFile,
    LOG_LEVEL: 'warn',
    ...options.fetchEnv,
    ...(options.db.kind === 'postgres' ? { DATABASE_URL: options.db.database.url } : { DATA_DIR: options.db.dataDir }),
  };
  if (options.db.kind === 'pglite') await mkdir(options.db.dataDir, { recursive: true });
  try {
    await run(process.execPath, [BIN, 'sources', 'sync'], { cwd: REPO, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`passerelle sources sync failed: ${e.stderr || e.message}`);
  }
  const db = options.db;
  return {
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), BIN, 'fetch', '--once', '--all'],
    env,
    async countItems() {
      const database = await openDatabase(db.kind === 'postgres' ? { databaseUrl: db.database.url, poolSize: 1 } : { dataDir: db.dataDir });
      try {
        return (await database.rows<{ n: number }>(sql`select count(*)::int as n from items`))[0].n;
      } finally {
        await database.close();
      }
    },
  };
}

/** "items: 50000 new, 0 updated" from the command's summary line. */
export function reportedNewItems(stdout: string): number | undefined {
  const m = /items: (\d+) new/.exec(stdout);
  return m ? Number(m[1]) : undefined;
}
