// Clusters and translations for newly stored items. Candidates are found by the database (same
// canonical URL, same translation key, or a shared fingerprint key, near in time); normalize/'s
// compareStories decides. A few index-bound queries for the whole batch (linked items, similar
// items, their facts), then one update for the items that join a story or a translation.
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { fingerprintKeys } from '../normalize/fingerprint.ts';
import { compareStories, type StoryFacts } from '../normalize/same-story.ts';
import { intArray, queryRows, textArray, type Tx } from './db.ts';
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
  await tx.execute(sql`insert into ${itemFingerprintKeys} (key, item_id, published_at)
    select u.key, u.item_id, i.published_at from unnest(${intArray(keys)}, ${intArray(ids, 'bigint')}) as u(key, item_id)
    join ${items} i on i.id = u.item_id
    on conflict do nothing`);
}

/** Candidates by fingerprint are looked for this far either side of an item's date. */
const WINDOW_MS = 7 * 86_400_000;
/** Bounds on what one batch's lookups may return. */
const MAX_LINKED_ROWS = 5_000;
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

function selectStories(tx: Tx, where: SQL, limit: number) {
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
    language: r.language,
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
  const fresh = await selectStories(tx, sql`${items.id} = any(${intArray(newIds, 'bigint')})`, newIds.length);
  const linkedIds = await findLinked(tx, fresh, newIds);
  const similarIds = await findSimilar(tx, fresh, newIds, new Set(linkedIds));
  const ids = [...linkedIds, ...similarIds];
  const found = ids.length ? await selectStories(tx, sql`${items.id} = any(${intArray(ids, 'bigint')})`, ids.length) : [];
  // Linked items first, as found: the first translation met is the one kept.
  const rank = new Map(ids.map((id, i) => [id, i]));
  const candidates = found.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!).map(toFacts);

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

  // New items are stored as their own cluster: only those joining a story or a translation change.
  const storedCluster = new Map(freshFacts.map((f) => [f.id, f.clusterId]));
  const changed = [...updates].filter(([id, u]) => u.clusterId !== storedCluster.get(id) || u.translationOf !== null);
  if (changed.length) {
    const values = sql.join(
      changed.map(([id, u]) => sql`(${id}::bigint, ${u.clusterId}::bigint, ${u.translationOf}::bigint)`),
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
 * Items that name the same page as a new item: the same canonical URL, the same translation key,
 * or a new item's URL among their other-language versions (or the reverse). Each value is its own
 * index probe (LATERAL, fenced with OFFSET 0 so it is not flattened into a join), so the plan
 * does not depend on statistics a young table lacks: as one OR, or as a join, a planner without
 * them reads the whole table.
 */
async function findLinked(tx: Tx, fresh: { canonicalUrl: string | null; translationKey: string | null; alternateUrls: string[] }[], newIds: number[]): Promise<number[]> {
  const urls = uniq(fresh.map((f) => f.canonicalUrl));
  const keys = uniq(fresh.map((f) => f.translationKey));
  const knownUrls = uniq([...urls, ...fresh.flatMap((f) => f.alternateUrls)]);
  const probe = (values: string[], where: SQL) =>
    sql`select x.id from unnest(${textArray(values)}) as u(v) cross join lateral (select id from ${items} where ${where} offset 0) x`;
  const probes: SQL[] = [];
  if (knownUrls.length) probes.push(probe(knownUrls, sql`canonical_url = u.v`));
  if (urls.length) probes.push(probe(urls, sql`alternate_urls @> array[u.v]`));
  if (keys.length) probes.push(probe(keys, sql`translation_key = u.v`));
  if (!probes.length) return [];
  const rows = await queryRows<{ id: number | string }>(
    tx,
    sql`select id from (${sql.join(probes, sql` union `)}) found where id <> all(${intArray(newIds, 'bigint')}) limit ${MAX_LINKED_ROWS}`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Items whose text may be nearly the same as a new item's: sharing a fingerprint key (two equal
 * bands, see fingerprintKeys) and published within the window of an item holding that key. Each
 * key is one range read of the (key, published_at) index, so the cost follows the items near in
 * time, not the size of the table.
 */
async function findSimilar(tx: Tx, fresh: { id: number; fingerprint: bigint | null; publishedAt: Date }[], newIds: number[], skip: Set<number>): Promise<number[]> {
  const windows = new Map<number, { lo: number; hi: number }>();
  for (const f of fresh) {
    const time = f.publishedAt.getTime();
    for (const key of fingerprintKeys(f.fingerprint ?? 0n)) {
      const w = windows.get(key);
      if (!w) windows.set(key, { lo: time - WINDOW_MS, hi: time + WINDOW_MS });
      else {
        w.lo = Math.min(w.lo, time - WINDOW_MS);
        w.hi = Math.max(w.hi, time + WINDOW_MS);
      }
    }
  }
  if (!windows.size) return [];
  const keys = [...windows.keys()];
  const rows = await queryRows<{ id: number | string }>(
    tx,
    sql`select distinct k.item_id as id
      from unnest(${intArray(keys)}, ${intArray(keys.map((k) => windows.get(k)!.lo), 'bigint')}, ${intArray(keys.map((k) => windows.get(k)!.hi), 'bigint')}) as q(key, lo, hi)
      cross join lateral (
        select item_id from ${itemFingerprintKeys} k
        where k.key = q.key and k.published_at between to_timestamp(q.lo / 1000.0) and to_timestamp(q.hi / 1000.0)
      ) k
      where k.item_id <> all(${intArray(newIds, 'bigint')})
      limit ${MAX_SIMILAR_ROWS}`,
  );
  return rows.map((r) => Number(r.id)).filter((id) => !skip.has(id));
}

function uniq<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
}
