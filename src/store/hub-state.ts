// The hub's change counter: bumped in the same transaction as any change to what feeds show.
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './db.ts';
import { hubState } from './schema.ts';

export async function bumpGeneration(tx: Tx | Db): Promise<void> {
  await tx
    .update(hubState)
    .set({ generation: sql`${hubState.generation} + 1`, changedAt: sql`now()` })
    .where(eq(hubState.id, 1));
}

export async function readGeneration(db: Db): Promise<{ generation: number; changedAt: Date }> {
  const [row] = await db.select().from(hubState).where(eq(hubState.id, 1));
  return row ?? { generation: 0, changedAt: new Date(0) };
}
