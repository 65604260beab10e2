// Writes a backup (store/backup-format.ts) of every table, read in one REPEATABLE READ, READ ONLY
// transaction: one consistent snapshot, which on PostgreSQL blocks no writer. Rows stream through
// a cursor a batch at a time, so memory stays flat however many items there are.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { BACKUP_FORMAT_VERSION, END_PREFIX, HEADER_PREFIX, TABLE_PREFIX, type BackupHeader, type TableHeader } from './backup-format.ts';
import { queryRows, type Database, type Tx } from './db.ts';
import { appliedSchema } from './schema-version.ts';

/** Rows fetched from the cursor at a time. */
const BATCH_ROWS = 500;

export interface BackupReport {
  rows: Record<string, number>;
  bytes: number;
  schema: string;
}

/**
 * Writes the backup of `database` to `file` (through `file.partial`, renamed once complete and
 * flushed to disk, so `file` is never a half-written backup).
 */
export async function writeBackup(database: Database, file: string): Promise<BackupReport> {
  const schema = await appliedSchema(database);
  if (!schema) throw new Error('the database has no Passerelle schema yet: there is nothing to back up');
  if (!('index' in schema)) throw new Error('the database was migrated by a newer Passerelle than this one: back it up with that version');
  const partial = `${file}.partial`;
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(partial, { mode: 0o600 });
  gzip.pipe(out);
  const hash = createHash('sha256');
  const write = async (line: string, hashed = true) => {
    if (hashed) hash.update(line).update('\n');
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  const rows: Record<string, number> = {};
  try {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction isolation level repeatable read, read only`);
      // Dates are written in UTC, so a backup reads the same whatever the server's time zone.
      await tx.execute(sql`set local timezone = 'UTC'`);
      const tables = await describeTables(tx);
      const header: BackupHeader = {
        version: BACKUP_FORMAT_VERSION,
        schema: { index: schema.index, tag: schema.tag },
        database: database.kind,
        createdAt: new Date().toISOString(),
        tables: tables.map((t) => t.name),
      };
      await write(`${HEADER_PREFIX}${JSON.stringify(header)}`);
      for (const table of tables) {
        await write(`${TABLE_PREFIX}${JSON.stringify(table)}`);
        rows[table.name] = 0;
        const columns = table.columns.map(ident).join(', ');
        const order = (await primaryKey(tx, table.name)).map(ident).join(', ') || columns;
        await tx.execute(sql.raw(`declare passerelle_backup no scroll cursor for select row_to_json(t)::text as j from (select ${columns} from ${ident(table.name)} order by ${order}) t`));
        for (;;) {
          const batch = await queryRows<{ j: string }>(tx, sql.raw(`fetch forward ${BATCH_ROWS} from passerelle_backup`));
          // A raw line break is only ever whitespace between JSON tokens (strings escape theirs).
          for (const { j } of batch) await write(j.includes('\n') || j.includes('\r') ? j.replace(/[\r\n]/g, ' ') : j);
          rows[table.name] += batch.length;
          if (batch.length < BATCH_ROWS) break;
        }
        await tx.execute(sql.raw('close passerelle_backup'));
      }
    });
    await write(`${END_PREFIX}${JSON.stringify({ rows, sha256: hash.digest('hex') })}`, false);
    gzip.end();
    await once(out, 'close');
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, file);
    return { rows, bytes: out.bytesWritten, schema: schema.tag };
  } catch (err) {
    gzip.destroy();
    out.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}

/**
 * Our tables, each after the tables its foreign keys point to, with the columns a restore writes
 * (not the generated ones: the search vector is computed again).
 */
export async function describeTables(tx: Tx | Database['db']): Promise<TableHeader[]> {
  const columns = await queryRows<{ table_name: string; column_name: string }>(
    tx,
    sql`select table_name, column_name
        from information_schema.columns
        where table_schema = 'public' and is_generated = 'NEVER'
          and table_name in (select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE')
        order by table_name, ordinal_position`,
  );
  const links = await queryRows<{ child: string; parent: string }>(
    tx,
    sql`select c.relname as child, p.relname as parent
        from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
        join pg_namespace n on n.oid = c.relnamespace
        where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`,
  );
  const byTable = new Map<string, TableHeader>();
  for (const c of columns) {
    const t = byTable.get(c.table_name) ?? { name: c.table_name, columns: [] };
    t.columns.push(c.column_name);
    byTable.set(c.table_name, t);
  }
  const ordered: TableHeader[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: string[]) => {
    if (placed.has(name)) return;
    if (path.includes(name)) throw new Error(`tables reference each other in a cycle: ${[...path, name].join(' → ')}`);
    for (const l of links) if (l.child === name) place(l.parent, [...path, name]);
    placed.add(name);
    const t = byTable.get(name);
    if (t) ordered.push(t);
  };
  for (const name of [...byTable.keys()].sort()) place(name, []);
  return ordered;
}

async function primaryKey(tx: Tx, table: string): Promise<string[]> {
  const rows = await queryRows<{ attname: string }>(
    tx,
    sql`select a.attname from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = ${`public.${table}`}::regclass and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`,
  );
  return rows.map((r) => r.attname);
}

/** A quoted identifier; our names come from the catalog, quoting keeps any of them literal. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
