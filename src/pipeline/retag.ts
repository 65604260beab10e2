// Re-tags stored items after the taxonomy (or a source's defaults) changed: topics, type,
// language and place are recomputed from what we kept, with the same functions ingest uses.
import { asc, eq, gt } from 'drizzle-orm';
import type { Language, Province, Region } from '../core/types.ts';
import { chooseItemLanguage, declaredLanguage } from '../normalize/detect-language.ts';
import { classifyType } from '../normalize/item-type.ts';
import { placeItem } from '../normalize/place.ts';
import { tagTopics, type Taxonomy } from '../normalize/topics.ts';
import type { Db } from '../store/db.ts';
import { updateTags } from '../store/ingest.ts';
import { items, sources } from '../store/schema.ts';

export interface RetagReport {
  items: number;
  changed: number;
}

const BATCH = 500;

export async function retagItems(db: Db, taxonomy: Taxonomy, onProgress?: (done: number) => void): Promise<RetagReport> {
  const report: RetagReport = { items: 0, changed: 0 };
  let after = 0;
  for (;;) {
    const rows = await db
      .select({
        id: items.id, title: items.title, summary: items.summary, categories: items.categories, url: items.url,
        langHint: items.langHint, language: items.language, topics: items.topics, type: items.type, regions: items.regions, province: items.province,
        sourceLanguages: sources.languages, sourceRegion: sources.region, sourceProvince: sources.province, sourceTopics: sources.topics,
      })
      .from(items)
      .innerJoin(sources, eq(items.sourceId, sources.id))
      .where(gt(items.id, after))
      .orderBy(asc(items.id))
      .limit(BATCH);
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    const changes: { id: number; topics: string[]; type: string; language: string; regions: string[]; province: string | null }[] = [];
    for (const r of rows) {
      const language = chooseItemLanguage(declaredLanguage(r.langHint ?? undefined, undefined), `${r.title}. ${r.summary}`, r.sourceLanguages as Language[]);
      const topics = tagTopics({ title: r.title, summary: r.summary, categories: r.categories, language }, taxonomy, r.sourceTopics);
      const type = classifyType({ title: r.title, summary: r.summary, categories: r.categories, url: r.url ?? undefined });
      const place = placeItem(`${r.title}. ${r.summary}`, { region: r.sourceRegion as Region, province: (r.sourceProvince ?? undefined) as Province | undefined });
      const next = { id: r.id, topics, type, language, regions: place.regions, province: place.province ?? null };
      const same =
        next.type === r.type && next.language === r.language && next.province === r.province &&
        next.topics.join() === [...r.topics].sort().join() && [...next.regions].sort().join() === [...r.regions].sort().join();
      if (!same) changes.push(next);
    }
    if (changes.length) {
      await updateTags(db, changes);
    }
    report.items += rows.length;
    report.changed += changes.length;
    onProgress?.(report.items);
  }
  return report;
}
