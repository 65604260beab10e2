// Clusters and translations for newly stored items. Candidates are found by the database (same
// canonical URL, same translation key, or a shared fingerprint key, near in time); normalize/'s
// compareStories decides. One query for the whole batch, then one update.
import { and, eq, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { ItemLanguage } from '../core/types.ts';
import { fingerprintKeys } from '../normalize/fingerprint.ts';
import { compareStories, type StoryFacts } from '../normalize/same-story.ts';
import { intArray, textArray, type Tx } from './db.ts';
import { itemFingerprintKeys, items, sources } from './schema.ts';

/**
 * Writes the near-duplicate index entries of new and edited items (an edit may change the
 * fingerprint). One statement each way: the keys go in as two inline arrays, not thousands of
 * parameters.
 */
export async function indexFingerprints(tx: Tx, rows: { id: number; fingerprint: string; isNew: boolean }[]): Promise<void> {
  const edited = rows.filter((r) => !r.isNew).map((r) => r.id);
  if (edited.length) await tx.delete(itemFingerprintKeys).where(inArray(itemFingerprintKeys.itemId, edited));
  const keys: number[] = [];
  const ids: number[] = [];
  for (const r of rows) {
    for (const key of fingerprintKeys(r.fingerprint)) {
      keys.push(key);
      ids.push(r.id);
    }
  }
  if (!keys.length) return;
  await tx.execute(sql`insert into ${itemFingerprintKeys} (key, item_id) select * from unnest(${intArray(keys)}, ${intArray(ids)}::bigint[]) on conflict do nothing`);
}

/** Candidates by fingerprint are looked for this far either side of an item's date. */
const WINDOW_MS = 7 * 86_400_000;
/** A bound on what one batch's fingerprint lookup may return. */
const MAX_SIMILAR_ROWS = 20_000;

interface StoryRow extends StoryFacts {
  id: number;
  clusterId: number | null;
  translationOf: number | null;
}

const storySelect = {
  id: items.id,
  clusterId: items.clusterId,
  translationOf: items.translationOf,
  sourceSlug: sources.slug,
  organization: sources.organization,
  url: items.url,
  canonicalUrl: items.canonicalUrl,
  translationKey: items.translationKey,
  alternateUrls: items.alternateUrls,
  title: items.title,
  summary: items.summary,
  language: items.language,
  publishedAt: items.publishedAt,
  fingerprint: items.fingerprint,
};

function selectStories(tx: Tx, where: SQL, limit = 5000) {
  return tx.select(storySelect).from(items).innerJoin(sources, eq(items.sourceId, sources.id)).where(where).limit(limit);
}

type Selected = Awaited<ReturnType<typeof selectStories>>[number];

function toFacts(r: Selected): StoryRow {
  return {
    id: r.id,
    clusterId: r.clusterId,
    translationOf: r.translationOf,
    sourceSlug: r.sourceSlug,
    organization: r.organization,
    url: r.url ?? undefined,
    canonicalUrl: r.canonicalUrl ?? undefined,
    translationKey: r.translationKey ?? undefined,
    alternateUrls: r.alternateUrls,
    title: r.title,
    summary: r.summary,
    language: r.language as ItemLanguage,
    publishedAt: r.publishedAt,
    fingerprint: String(r.fingerprint ?? 0n),
  };
}

/**
 * Gives each new item a cluster (joining the cluster of a duplicate from another source, or its
 * own) and links translations. Clusters that a new item bridges are merged into the oldest.
 */
export async function assignStories(tx: Tx, newIds: number[]): Promise<void> {
  if (newIds.length === 0) return;
  const fresh = await selectStories(tx, inArray(items.id, newIds), newIds.length);
  const near: SQL[] = [];
  const urls = uniq(fresh.map((f) => f.canonicalUrl));
  const keys = uniq(fresh.map((f) => f.translationKey));
  const alternates = uniq(fresh.flatMap((f) => f.alternateUrls));
  if (urls.length) {
    near.push(inArray(items.canonicalUrl, urls));
    near.push(sql`${items.alternateUrls} && ${textArray(urls)}`);
  }
  if (alternates.length) near.push(inArray(items.canonicalUrl, alternates));
  if (keys.length) near.push(inArray(items.translationKey, keys));
  const exact = near.length ? await selectStories(tx, and(or(...near), notInArray(items.id, newIds))!) : [];
  const similarIds = await findSimilar(tx, fresh, newIds, new Set(exact.map((r) => r.id)));
  const similar = similarIds.length ? await selectStories(tx, inArray(items.id, similarIds), similarIds.length) : [];
  const candidates = [...exact, ...similar].map(toFacts);

  const all = [...candidates, ...fresh.map(toFacts)];
  const freshFacts = all.slice(candidates.length);
  const updates = new Map<number, { clusterId: number; translationOf: number | null }>();
  const merges: { from: number; into: number }[] = [];

  for (const item of freshFacts) {
    const clusterOf = (r: StoryRow) => updates.get(r.id)?.clusterId ?? r.clusterId ?? r.id;
    let clusters: number[] = [];
    let translationOf: number | null = null;
    // Earlier new items of this batch are candidates too (two sources stored in one run).
    for (const other of all) {
      if (other.id === item.id || (freshFacts.includes(other) && other.id > item.id)) continue;
      const relation = compareStories(item, other);
      if (relation === 'duplicate') clusters.push(clusterOf(other));
      else if (relation === 'translation' && translationOf === null) translationOf = other.id;
    }
    clusters = uniq(clusters) as number[];
    const clusterId = clusters.length ? Math.min(...clusters) : item.id;
    for (const c of clusters) if (c !== clusterId) merges.push({ from: c, into: clusterId });
    updates.set(item.id, { clusterId, translationOf });
  }

  if (updates.size) {
    const values = sql.join(
      [...updates].map(([id, u]) => sql`(${id}::bigint, ${u.clusterId}::bigint, ${u.translationOf}::bigint)`),
      sql`, `,
    );
    await tx.execute(
      sql`update ${items} set cluster_id = v.cluster_id, translation_of = coalesce(v.translation_of, ${items.translationOf}) from (values ${values}) as v(id, cluster_id, translation_of) where ${items.id} = v.id`,
    );
  }
  for (const m of merges) {
    await tx.update(items).set({ clusterId: m.into }).where(sql`${items.clusterId} = ${m.from}`);
  }
}

/**
 * Items whose text may be nearly the same as a new item's: sharing a fingerprint key (two equal
 * bands, see fingerprintKeys) and published within the window of that same item. The index
 * lookup returns keys and dates only; the window is applied here, per new item.
 */
async function findSimilar(tx: Tx, fresh: { id: number; fingerprint: bigint | null; publishedAt: Date }[], newIds: number[], skip: Set<number>): Promise<number[]> {
  const keysOf = fresh.map((f) => ({ time: f.publishedAt.getTime(), keys: new Set(fingerprintKeys(f.fingerprint ?? 0n)) }));
  const allKeys = uniq(keysOf.flatMap((k) => [...k.keys]));
  if (!allKeys.length) return [];
  const rows = await tx
    .select({ id: itemFingerprintKeys.itemId, key: itemFingerprintKeys.key, publishedAt: items.publishedAt })
    .from(itemFingerprintKeys)
    .innerJoin(items, eq(items.id, itemFingerprintKeys.itemId))
    .where(and(sql`${itemFingerprintKeys.key} = any(${intArray(allKeys)})`, notInArray(itemFingerprintKeys.itemId, newIds)))
    .limit(MAX_SIMILAR_ROWS);
  const found = new Set<number>();
  for (const r of rows) {
    if (skip.has(r.id) || found.has(r.id)) continue;
    if (keysOf.some((k) => k.keys.has(r.key) && Math.abs(k.time - r.publishedAt.getTime()) <= WINDOW_MS)) found.add(r.id);
  }
  return [...found];
}

function uniq<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
}
