// What a run asked of its PostgreSQL database, from the server's own per-database statistics:
// transactions, rows written and read, and, per table, rows inserted and the indexes each
// insert maintains. Cheap enough to take on every run; the scratch database holds nothing else.
import type { ScratchDatabase } from './scratch-database.ts';

export interface DbWork {
  commits: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsRead: number;
  blocksTouched: number;
  sizeMiB: number;
  tables: { name: string; inserted: number; updated: number; deleted: number; indexes: number; indexMiB: number; tableMiB: number }[];
}

// Backends report their counters when they end; give the last ones a moment.
const settle = () => new Promise((r) => setTimeout(r, 1500));

/** Zeroes the database's counters once the setup's clients have gone, so they count the timed run only. */
export async function resetDbWork(db: ScratchDatabase): Promise<void> {
  await settle();
  await db.query('select pg_stat_reset()');
}

export async function readDbWork(db: ScratchDatabase): Promise<DbWork> {
  await settle();
  const [d] = await db.query<Record<string, string>>(
    `select xact_commit, tup_inserted, tup_updated, tup_deleted, tup_returned + tup_fetched as tup_read, blks_hit + blks_read as blks,
            pg_database_size(current_database()) as size
       from pg_stat_database where datname = current_database()`,
  );
  const tables = await db.query<Record<string, string>>(
    `select t.relname, t.n_tup_ins, t.n_tup_upd, t.n_tup_del,
            (select count(*) from pg_index i where i.indrelid = t.relid) as indexes,
            pg_indexes_size(t.relid) as index_bytes, pg_table_size(t.relid) as table_bytes
       from pg_stat_user_tables t order by t.n_tup_ins + t.n_tup_upd + t.n_tup_del desc`,
  );
  const mib = (v: string) => Number(v) / 1024 / 1024;
  return {
    commits: Number(d.xact_commit),
    rowsInserted: Number(d.tup_inserted),
    rowsUpdated: Number(d.tup_updated),
    rowsDeleted: Number(d.tup_deleted),
    rowsRead: Number(d.tup_read),
    blocksTouched: Number(d.blks),
    sizeMiB: mib(d.size),
    tables: tables
      .filter((t) => Number(t.n_tup_ins) + Number(t.n_tup_upd) + Number(t.n_tup_del) > 0)
      .map((t) => ({
        name: t.relname,
        inserted: Number(t.n_tup_ins),
        updated: Number(t.n_tup_upd),
        deleted: Number(t.n_tup_del),
        indexes: Number(t.indexes),
        indexMiB: mib(t.index_bytes),
        tableMiB: mib(t.table_bytes),
      })),
  };
}
