// The recent fetch log of every source at once, for the admin pages' health table: one query
// with a window function rather than one query per source.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { fetches, type FetchRow } from './schema.ts';

/** The newest `perSource` fetches of each source (of these sources, when given), oldest first, by source id. */
export async function listRecentFetches(db: Db, perSource: number, sourceIds?: number[]): Promise<Map<number, FetchRow[]>> {
  const bySource = new Map<number, FetchRow[]>();
  if (perSource <= 0 || sourceIds?.length === 0) return bySource;
  const ranked = db
    .select({
      id: fetches.id,
      rank: sql<number>`row_number() over (partition by ${fetches.sourceId} order by ${fetches.startedAt} desc, ${fetches.id} desc)`.as('rank'),
    })
    .from(fetches)
    .where(sourceIds ? inArray(fetches.sourceId, sourceIds) : undefined)
    .as('ranked');
  const rows = await db
    .select({ fetch: fetches })
    .from(fetches)
    .innerJoin(ranked, eq(ranked.id, fetches.id))
    .where(and(lte(ranked.rank, perSource)))
    .orderBy(asc(fetches.sourceId), asc(fetches.startedAt), asc(fetches.id));
  for (const { fetch } of rows) {
    const list = bySource.get(fetch.sourceId) ?? [];
    list.push(fetch);
    bySource.set(fetch.sourceId, list);
  }
  return bySource;
}
