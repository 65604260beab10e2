// Saved filters: a title and a canonical query string under a short stable id.
import { eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { savedFeeds } from './schema.ts';

export type SavedFeed = typeof savedFeeds.$inferSelect;

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
