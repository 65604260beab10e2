// Reading items back: one query shape (a Query) for every list the product shows.
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { ItemLanguage } from '../core/types.ts';
import type { Db } from './db.ts';
import { items, sources } from './schema.ts';

export interface ItemQuery {
  sources?: string[];
  languages?: ItemLanguage[];
  since?: Date;
  limit: number;
  /** Keyset pagination: items strictly older than this (publishedAt, id) pair. */
  before?: { publishedAt: Date; id: number };
}

export interface ItemView {
  id: number;
  title: string;
  url: string | null;
  publishedAt: Date;
  dateFromFeed: boolean;
  modifiedAt: Date | null;
  author: string | null;
  summary: string;
  contentHtml: string;
  language: string;
  categories: string[];
  enclosure: { url: string; type?: string; length?: number } | null;
  source: { slug: string; title: string; organization: string; region: string; province: string | null };
}

export async function queryItems(db: Db, q: ItemQuery): Promise<ItemView[]> {
  const where: SQL[] = [];
  if (q.sources?.length) where.push(inArray(sources.slug, q.sources));
  if (q.languages?.length) where.push(inArray(items.language, q.languages));
  if (q.since) where.push(gte(items.publishedAt, q.since));
  if (q.before) {
    where.push(
      or(
        lt(items.publishedAt, q.before.publishedAt),
        and(eq(items.publishedAt, q.before.publishedAt), lt(items.id, q.before.id)),
      )!,
    );
  }
  const rows = await db
    .select({
      id: items.id,
      title: items.title,
      url: items.url,
      publishedAt: items.publishedAt,
      dateFromFeed: items.dateFromFeed,
      modifiedAt: items.modifiedAt,
      author: items.author,
      summary: items.summary,
      contentHtml: items.contentHtml,
      language: items.language,
      categories: items.categories,
      enclosure: items.enclosure,
      sourceSlug: sources.slug,
      sourceTitle: sources.title,
      organization: sources.organization,
      region: sources.region,
      province: sources.province,
    })
    .from(items)
    .innerJoin(sources, eq(items.sourceId, sources.id))
    .where(where.length ? and(...where) : sql`true`)
    .orderBy(desc(items.publishedAt), desc(items.id))
    .limit(q.limit);
  return rows.map(({ sourceSlug, sourceTitle, organization, region, province, ...rest }) => ({
    ...rest,
    source: { slug: sourceSlug, title: sourceTitle, organization, region, province },
  }));
}
