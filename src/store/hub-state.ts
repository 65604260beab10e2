// The hub's change counter: bumped in the same transaction as any change to what feeds show.
// It is the sum of a few slots, each its own row: a transaction bumps one, so concurrent ingests
// seldom wait on each other's row lock (held until commit), and the sum still grows with every
// committed change.
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from './db.ts';
import { hubState } from './schema.ts';

const SLOTS = 16;

/** `spread`: a number that picks the slot (an ingest passes its source's id); random otherwise. */
export async function bumpGeneration(tx: Tx | Db, spread = Math.floor(Math.random() * SLOTS)): Promise<void> {
  const slot = (Math.abs(Math.trunc(spread)) % SLOTS) + 1;
  // An upsert: a database restored from a backup made before the slots holds the first row only.
  await tx.execute(sql`insert into ${hubState} as h (id, generation, changed_at) values (${slot}, 1, now())
    on conflict (id) do update set generation = h.generation + 1, changed_at = now()`);
}

export async function readGeneration(db: Db): Promise<{ generation: number; changedAt: Date }> {
  const [row] = await queryRows<{ generation: string | number | null; changed_at: Date | string | null }>(
    db,
    sql`select sum(generation) as generation, max(changed_at) as changed_at from ${hubState}`,
  );
  if (!row || row.generation === null || row.changed_at === null) return { generation: 0, changedAt: new Date(0) };
  return { generation: Number(row.generation), changedAt: new Date(row.changed_at) };
}
