// Saved filters: a title and a canonical query string under a short stable id. Each remembers,
// to the day, when it was last saved or read, so retention can remove the ones nobody uses.
import { createHash } from 'node:crypto';
import { count, eq, lt, sql } from 'drizzle-orm';
import type { Language } from '../core/types.ts';
import type { Db } from './db.ts';
import { savedFeeds } from './schema.ts';

export type SavedFeed = typeof savedFeeds.$inferSelect;

/** What a saved feed's id looks like: anything else is not one, and never reaches a query. */
export const SAVED_FEED_ID = /^[a-z0-9]{10}$/;

/** The same filter saved under the same title and language gets the same id (and URL). */
export function savedFeedId(filter: string, title: string, ui: string): string {
  return createHash('sha256').update(`${filter}\u0000${title}\u0000${ui}`).digest('base64url').replace(/[-_]/g, '').slice(0, 10).toLowerCase();
}

export async function getSavedFeed(db: Db, id: string): Promise<SavedFeed | undefined> {
  const [row] = await db.select().from(savedFeeds).where(eq(savedFeeds.id, id));
  return row;
}

export async function countSavedFeeds(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(savedFeeds);
  return Number(row.n);
}

/** Idempotent: saving the same id again returns the stored row, marked as used today. */
export async function saveFeed(db: Db, feed: { id: string; title: string; query: string; ui: Language }): Promise<SavedFeed> {
  await db
    .insert(savedFeeds)
    .values(feed)
    .onConflictDoUpdate({ target: savedFeeds.id, set: { lastUsedAt: sql`now()` }, setWhere: lt(savedFeeds.lastUsedAt, sql`now() - interval '1 day'`) });
  return (await getSavedFeed(db, feed.id))!;
}

/** Someone read this feed: its last use moves to now, written at most once a day per feed. */
export async function touchSavedFeed(db: Db, id: string): Promise<void> {
  await db
    .update(savedFeeds)
    .set({ lastUsedAt: sql`now()` })
    .where(sql`${savedFeeds.id} = ${id} and ${savedFeeds.lastUsedAt} < now() - interval '1 day'`);
}

/** Every saved feed used after `since` (all of them without it). */
export async function listSavedFeeds(db: Db, since?: Date): Promise<SavedFeed[]> {
  const query = db.select().from(savedFeeds);
  return since ? query.where(sql`${savedFeeds.lastUsedAt} >= ${since.toISOString()}::timestamptz`) : query;
}

/** Removes the saved feeds nobody saved or read since `before`; returns how many. */
export async function deleteUnusedSavedFeeds(db: Db, before: Date): Promise<number> {
  const gone = await db
    .delete(savedFeeds)
    .where(sql`${savedFeeds.lastUsedAt} < ${before.toISOString()}::timestamptz`)
    .returning({ id: savedFeeds.id });
  return gone.length;
}
