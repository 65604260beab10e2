// Which migration a database has reached. A schema version is the index of a migration in
// migrations/meta/_journal.json (drizzle-kit's list), with its tag: backups carry it, and a
// restore brings a database to exactly the version of the backup before loading it.
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** What appliedSchema needs of an open database (db.ts's Database has it; db.ts imports this file). */
interface RowReader {
  rows<T>(query: SQL): Promise<T[]>;
}

export interface SchemaVersion {
  index: number;
  tag: string;
  /** drizzle-kit's timestamp of the migration, which is what a database records having applied. */
  when: number;
}

let entries: SchemaVersion[] | undefined;

/** Every migration this version of Passerelle knows, in order. */
export function knownSchemas(): SchemaVersion[] {
  entries ??= (JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string; when: number }[] }).entries.map(
    (e) => ({ index: e.idx, tag: e.tag, when: e.when }),
  );
  return entries;
}

export function latestSchema(): SchemaVersion {
  return knownSchemas().at(-1)!;
}

/**
 * The last migration applied to `database`: undefined for a database without our schema, and
 * `{ when }` alone for one migrated by a version of Passerelle newer than this one.
 */
export async function appliedSchema(database: RowReader): Promise<SchemaVersion | { when: number } | undefined> {
  const [{ present }] = await database.rows<{ present: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!present) return undefined;
  const [last] = await database.rows<{ when: string }>(sql`select created_at::text as when from drizzle.__drizzle_migrations order by created_at desc limit 1`);
  if (!last) return undefined;
  const when = Number(last.when);
  return knownSchemas().find((s) => s.when === when) ?? { when };
}

/** A migrations folder holding the migrations up to `index` only, for drizzle's migrator. */
export async function migrationsUpTo(index: number): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-migrations-'));
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= index);
  await mkdir(path.join(dir, 'meta'));
  await writeFile(path.join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) await copyFile(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
