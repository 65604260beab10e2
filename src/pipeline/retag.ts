// Re-tags stored items after the taxonomy (or a source's defaults) changed: language, topics,
// type and place are recomputed from what we kept, by the same classify() ingest uses.
import { classify } from '../normalize/classify.ts';
import type { Taxonomy } from '../normalize/topics.ts';
import type { Db } from '../store/db.ts';
import { listItemsToRetag, updateTags, type ItemTags } from '../store/item-tags.ts';

export interface RetagReport {
  items: number;
  changed: number;
}

const BATCH = 500;

export async function retagItems(db: Db, taxonomy: Taxonomy, onProgress?: (done: number) => void): Promise<RetagReport> {
  const report: RetagReport = { items: 0, changed: 0 };
  let after = 0;
  for (;;) {
    const rows = await listItemsToRetag(db, after, BATCH);
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    const changes: ({ id: number } & ItemTags)[] = [];
    for (const r of rows) {
      const tags = classify(
        { title: r.title, summary: r.summary, categories: r.categories, url: r.url ?? undefined, langHint: r.langHint ?? undefined },
        { ...r.source, province: r.source.province ?? undefined },
        taxonomy,
      );
      const next: ItemTags = { ...tags, province: tags.province ?? null };
      if (!sameTags(next, r.tags)) changes.push({ id: r.id, ...next });
    }
    await updateTags(db, changes);
    report.items += rows.length;
    report.changed += changes.length;
    onProgress?.(report.items);
  }
  return report;
}

function sameTags(a: ItemTags, b: ItemTags): boolean {
  const sorted = (list: string[]) => [...list].sort().join();
  return a.type === b.type && a.language === b.language && a.province === b.province && sorted(a.topics) === sorted(b.topics) && sorted(a.regions) === sorted(b.regions);
}
