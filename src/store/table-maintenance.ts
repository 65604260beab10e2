// PGlite runs no autovacuum daemon, so an embedded hub's tables would never be analyzed (the
// planner guesses: a filtered feed over 3,000 items took 34 ms instead of 3) nor vacuumed (every
// stored item leaves a dead row version behind, and index-only scans need the visibility map).
// This does what autovacuum would, with its default thresholds; on PostgreSQL the server does it.
import { sql } from 'drizzle-orm';

/** autovacuum_vacuum_threshold / _scale_factor, _insert_ and _analyze_ ones: PostgreSQL's defaults. */
const VACUUM = { base: 50, scale: 0.2 };
const INSERT_VACUUM = { base: 1000, scale: 0.2 };
const ANALYZE = { base: 50, scale: 0.1 };

export interface TableWork {
  table: string;
  vacuum: boolean;
  analyze: boolean;
}

type Run = (query: ReturnType<typeof sql>) => Promise<Record<string, unknown>[]>;

/** The tables whose changes since their last vacuum or analyze pass autovacuum's thresholds. */
export async function tablesDue(run: Run): Promise<TableWork[]> {
  const rows = await run(sql`
    select relname as table,
      n_dead_tup > ${VACUUM.base}::float8 + ${VACUUM.scale}::float8 * n_live_tup
        or n_ins_since_vacuum > ${INSERT_VACUUM.base}::float8 + ${INSERT_VACUUM.scale}::float8 * n_live_tup as vacuum,
      n_mod_since_analyze > ${ANALYZE.base}::float8 + ${ANALYZE.scale}::float8 * n_live_tup as analyze
    from pg_stat_user_tables
    where schemaname = 'public'`);
  return rows
    .map((r) => ({ table: String(r.table), vacuum: r.vacuum === true, analyze: r.analyze === true }))
    .filter((w) => w.vacuum || w.analyze);
}

/** Vacuums and analyzes what is due, one table at a time (each a short statement of its own). */
export async function maintainTables(run: Run): Promise<TableWork[]> {
  const due = await tablesDue(run);
  for (const w of due) {
    const name = sql.identifier(w.table);
    await run(w.vacuum ? sql`vacuum (analyze) ${name}` : sql`analyze ${name}`);
  }
  return due;
}
