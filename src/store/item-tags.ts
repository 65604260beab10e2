// The tags of stored items (language, topics, type, place) for re-tagging: read in id order, one
// batch at a time with what their source says, and written back in one statement per batch.
import { asc, eq, gt, sql } from 'drizzle-orm';
import type { ItemLanguage, ItemType, Language, Province, Region } from '../core/types.ts';
import { textArray, type Db } from './db.ts';
import { bumpGeneration } from './hub-state.ts';
import { items, sources } from './schema.ts';

export interface TaggedItem {
  id: number;
  title: string;
  summary: string;
  categories: string[];
  url: string | null;
  langHint: string | null;
  tags: ItemTags;
  source: { languages: Language[]; region: Region; province: Province | null; topics: string[] };
}

export interface ItemTags {
  language: ItemLanguage;
  topics: string[];
  type: ItemType;
  regions: Region[];
  province: Province | null;
}

/** The next `limit` items after id `afterId`, with what re-tagging reads. */
export async function listItemsToRetag(db: Db, afterId: number, limit: number): Promise<TaggedItem[]> {
  const rows = await db
    .select({
      id: items.id, title: items.title, summary: items.summary, categories: items.categories, url: items.url, langHint: items.langHint,
      language: items.language, topics: items.topics, type: items.type, regions: items.regions, province: items.province,
      sourceLanguages: sources.languages, sourceRegion: sources.region, sourceProvince: sources.province, sourceTopics: sources.topics,
    })
    .from(items)
    .innerJoin(sources, eq(items.sourceId, sources.id))
    .where(gt(items.id, afterId))
    .orderBy(asc(items.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id, title: r.title, summary: r.summary, categories: r.categories, url: r.url, langHint: r.langHint,
    tags: { language: r.language, topics: r.topics, type: r.type, regions: r.regions, province: r.province },
    source: { languages: r.sourceLanguages, region: r.sourceRegion, province: r.sourceProvince, topics: r.sourceTopics },
  }));
}

/** Writes re-computed tags for a batch of items in one statement, and tells readers something changed. */
export async function updateTags(db: Db, changes: ({ id: number } & ItemTags)[]): Promise<void> {
  if (!changes.length) return;
  const values = sql.join(
    changes.map((c) => sql`(${c.id}::bigint, ${textArray(c.topics)}, ${c.type}::text, ${c.language}::text, ${textArray(c.regions)}, ${c.province}::text)`),
    sql`, `,
  );
  await db.transaction(async (tx) => {
    await tx.execute(sql`update ${items} set topics = v.topics, type = v.type, language = v.language, regions = v.regions, province = v.province, updated_at = now()
      from (values ${values}) as v(id, topics, type, language, regions, province) where ${items.id} = v.id`);
    await bumpGeneration(tx);
  });
}
