// Loads a backup (store/backup-format.ts) into a database, in one transaction: the file is first
// read through once to prove it whole, then loaded; anything wrong on the way (a row the schema
// refuses, a file that changed meanwhile) rolls everything back. Sequences end past the restored
// ids, and the generated search vectors are computed again by the database as rows go in.
import { sql } from 'drizzle-orm';
import { BackupRefusedError, readBackup, type BackupHeader, type BackupTrailer, type TableHeader } from './backup-format.ts';
import { ident } from './backup.ts';
import { queryRows, type Database, type Tx } from './db.ts';
import { appliedSchema } from './schema-version.ts';

/** Rows per INSERT: large enough to be quick, small enough to keep each statement a few MB. */
const BATCH_ROWS = 500;
const BATCH_CHARS = 4 * 1024 * 1024;

/** Tables a fresh schema already fills (the change counter's one row): they do not make a database "not empty". */
const SEEDED_TABLES = new Set(['hub_state']);

/** What reading a backup through once found (readBackup): it is whole and this version can load it. */
export interface RestorePlan {
  header: BackupHeader;
  trailer: BackupTrailer;
}

/** What `database` already holds: tables with rows (those a fresh schema fills aside). */
export async function tablesWithRows(database: Database): Promise<{ table: string; rows: number }[]> {
  const tables = await queryRows<{ name: string }>(database.db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const found: { table: string; rows: number }[] = [];
  for (const { name } of tables) {
    if (SEEDED_TABLES.has(name)) continue;
    const [{ n }] = await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${ident(name)}`));
    if (n > 0) found.push({ table: name, rows: n });
  }
  return found;
}

/**
 * Refuses a target the backup cannot go into: one migrated past the backup's schema (its tables
 * would not match), or one that holds data, unless `force`. Returns the target's schema index
 * (-1 for a database without our schema).
 */
export async function checkTarget(database: Database, plan: RestorePlan, force: boolean): Promise<number> {
  const applied = await appliedSchema(database);
  if (applied && !('index' in applied)) {
    throw new BackupRefusedError('the target database was set up by a newer Passerelle than this one: restore with that version', 'target');
  }
  const at = applied?.index ?? -1;
  if (at > plan.header.schema.index) {
    throw new BackupRefusedError(
      `the target database is at schema ${applied!.tag}, newer than the backup's ${plan.header.schema.tag}: restore into an empty data directory or a new database (it is brought up to date after the restore)`,
      'target',
    );
  }
  if (at >= 0 && !force) {
    const held = await tablesWithRows(database);
    if (held.length) {
      throw new BackupRefusedError(
        `the target database is not empty (${held.map((h) => `${h.rows} ${h.table}`).join(', ')}): restore into an empty one, or give --force to replace everything in it`,
        'target',
      );
    }
  }
  return at;
}

export interface RestoreReport {
  rows: Record<string, number>;
  schema: string;
}

/**
 * Loads `file` into `database`, which must be at the backup's schema version (checkTarget, then
 * Database.migrateTo). Everything in the target's tables is replaced, in the same transaction.
 */
export async function loadBackup(database: Database, file: string): Promise<RestoreReport> {
  const rows: Record<string, number> = {};
  let schema = '';
  await database.db.transaction(async (tx) => {
    const existing = await queryRows<{ name: string }>(tx, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
    if (existing.length) await tx.execute(sql.raw(`truncate table ${existing.map((t) => ident(t.name)).join(', ')} restart identity cascade`));
    // Indexes are built once the rows are in, as a bulk load does: maintaining them row by row
    // costs more. Primary keys stay, for the foreign keys that point at them; unique indexes are
    // checked when they are built again.
    const indexes = await queryRows<{ name: string; definition: string }>(
      tx,
      sql`select indexname as name, indexdef as definition from pg_indexes i
          where schemaname = 'public' and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    );
    for (const index of indexes) await tx.execute(sql.raw(`drop index ${ident(index.name)}`));
    let table: TableHeader | undefined;
    let batch: string[] = [];
    let chars = 0;
    const flush = async () => {
      if (!table || batch.length === 0) return;
      await insertBatch(tx, table, batch, rows[table.name] ?? 0);
      rows[table.name] = (rows[table.name] ?? 0) + batch.length;
      batch = [];
      chars = 0;
    };
    const { header } = await readBackup(file, async (line) => {
      if (line.kind === 'table') {
        await flush();
        table = line.table;
        rows[table.name] = 0;
        return;
      }
      batch.push(line.json);
      chars += line.json.length;
      if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
    });
    await flush();
    schema = header.schema.tag;
    await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
    for (const index of indexes) {
      await tx.execute(sql.raw(index.definition)).catch((err: unknown) => {
        const reason = ((err as { cause?: Error }).cause ?? (err as Error)).message;
        throw new BackupRefusedError(`the database refused the restored rows: index ${index.name} cannot be built (${reason})`, 'damaged');
      });
    }
    // Every sequence continues after the highest restored value, so new rows never collide.
    const tables = await describeSequences(tx);
    for (const { table: t, column } of tables) {
      await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('${ident(t).replace(/'/g, "''")}', '${column.replace(/'/g, "''")}'), coalesce((select max(${ident(column)}) from ${ident(t)}), 0) + 1, false)`));
    }
    // Leases belonged to the processes of the backed-up hub; the restored one starts with none.
    if (tables.some((t) => t.table === 'sources')) await tx.execute(sql`update sources set lease_owner = null, lease_until = null where lease_owner is not null`);
  });
  return { rows, schema };
}

async function insertBatch(tx: Tx, table: TableHeader, rows: string[], first: number): Promise<void> {
  const columns = table.columns.map(ident).join(', ');
  try {
    // json_populate_recordset reads each row into the table's own row type: every column gets its
    // type's input function, so dates, arrays, jsonb and 64-bit integers come back exact.
    await tx.execute(sql`insert into ${sql.raw(ident(table.name))} (${sql.raw(columns)})
      select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(ident(table.name))}, ${`[${rows.join(',')}]`}::json)`);
  } catch (err) {
    // The driver's message would carry the whole batch; the database's own reason is enough.
    const reason = ((err as { cause?: Error }).cause ?? (err as Error)).message;
    throw new BackupRefusedError(`the database refused rows ${first + 1}–${first + rows.length} of table ${table.name} (${reason})`, 'damaged');
  }
}

async function describeSequences(tx: Tx): Promise<{ table: string; column: string }[]> {
  return (
    await queryRows<{ table_name: string; column_name: string }>(
      tx,
      sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and column_default like 'nextval(%'`,
    )
  ).map((r) => ({ table: r.table_name, column: r.column_name }));
}

/**
 * Restores a backup `readBackup` found whole into `database`, opened without migrating: checks the
 * target, brings it to the backup's schema, loads the file, migrates to this version's schema and
 * refreshes the planner's statistics.
 */
export async function restoreBackup(database: Database, file: string, plan: RestorePlan, options: { force: boolean }): Promise<RestoreReport> {
  const at = await checkTarget(database, plan, options.force);
  if (at < plan.header.schema.index) await database.migrateTo(plan.header.schema.index);
  const report = await loadBackup(database, file);
  await database.migrateTo();
  await analyzeTables(database);
  return report;
}

/** Fresh planner statistics after a load, so the first queries on the restored tables plan well. */
export async function analyzeTables(database: Database): Promise<void> {
  await database.db.execute(sql`analyze`);
}
