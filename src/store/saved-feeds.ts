// Saved filters: a title and a canonical query string under a short stable id.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
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

/** Idempotent: saving the same id again returns the stored row. */
export async function saveFeed(db: Db, feed: { id: string; title: string; query: string; ui: string }): Promise<SavedFeed> {
  await db.insert(savedFeeds).values(feed).onConflictDoNothing();
  return (await getSavedFeed(db, feed.id))!;
}

export async function listSavedFeeds(db: Db): Promise<SavedFeed[]> {
  return db.select().from(savedFeeds);
}
