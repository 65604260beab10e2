// Clusters and translations for newly stored items. Candidates are found by the database (same
// canonical URL, same translation key, or a shared SimHash band, near in time); normalize/'s
// compareStories decides. One query for the whole batch, then one update.
import { and, eq, gte, inArray, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { ItemLanguage } from '../core/types.ts';
import { fingerprintBands } from '../normalize/fingerprint.ts';
import { compareStories, type StoryFacts } from '../normalize/same-story.ts';
import { textArray, type Tx } from './db.ts';
import { items, sources } from './schema.ts';

const BAND_COLUMNS = [items.fpBand0, items.fpBand1, items.fpBand2, items.fpBand3, items.fpBand4, items.fpBand5, items.fpBand6, items.fpBand7] as const;

/** The fingerprint and its bands, as item columns. */
export function fingerprintColumns(fingerprint: string) {
  const b = fingerprintBands(fingerprint, BAND_COLUMNS.length);
  return {
    fingerprint: BigInt(fingerprint),
    fpBand0: b[0], fpBand1: b[1], fpBand2: b[2], fpBand3: b[3], fpBand4: b[4], fpBand5: b[5], fpBand6: b[6], fpBand7: b[7],
  };
}

/** Candidates by fingerprint are looked for this far either side of an item's date. */
const WINDOW_MS = 7 * 86_400_000;

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
  bands: sql<number[]>`array[${sql.join(BAND_COLUMNS.map((c) => sql`${c}`), sql`, `)}]::int[]`,
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
  const times = fresh.map((f) => f.publishedAt.getTime());
  // Two fingerprints a few bits apart share at least one band exactly (pigeonhole).
  const bandMatch = or(
    ...BAND_COLUMNS.map((col, b) => {
      const values = uniq(fresh.map((f) => f.bands?.[b]));
      return values.length ? inArray(col, values) : sql`false`;
    }),
  )!;
  near.push(and(bandMatch, gte(items.publishedAt, new Date(Math.min(...times) - WINDOW_MS)), lte(items.publishedAt, new Date(Math.max(...times) + WINDOW_MS)))!);
  const candidates = (await selectStories(tx, and(or(...near), notInArray(items.id, newIds))!)).map(toFacts);

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

function uniq<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
}
