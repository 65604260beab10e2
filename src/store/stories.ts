// Clusters and translations for newly stored items. Candidates are found by the database (same
// canonical URL, same translation key, a shared fingerprint key near in time, or the same
// publisher in the other language near in time); normalize/'s compareStories and twinScore
// decide. A few index-bound queries for the whole batch (linked items, similar items, twin
// candidates, their facts), then one update for the items that join a story or a translation.
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Enclosure } from '../core/types.ts';
import { linkStem } from '../normalize/canonical-url.ts';
import { fingerprintKeys } from '../normalize/fingerprint.ts';
import { DEFAULT_LEXICON, type Lexicon } from '../normalize/lexicon.ts';
import { compareStories, type StoryFacts } from '../normalize/same-story.ts';
import { twinEvidence } from '../normalize/twin-evidence.ts';
import { publisherKeys, TWIN_WINDOW_MS, twinScore, type TwinFacts } from '../normalize/twins.ts';
import { intArray, queryRows, textArray, type Tx } from './db.ts';
import { itemFingerprintKeys, items, itemStoryKeys, sources } from './schema.ts';

/**
 * Writes the near-duplicate index entries of new and edited items (an edit may change the
 * fingerprint or the date). One statement each way: the keys go in as inline arrays, not
 * thousands of parameters, sorted as the primary key is, so the index is written in order.
 */
export async function indexFingerprints(tx: Tx, rows: { id: number; fingerprint: string; publishedAt: Date; isNew: boolean }[]): Promise<void> {
  const edited = rows.filter((r) => !r.isNew).map((r) => r.id);
  if (edited.length) await deleteFingerprintKeys(tx, edited);
  const entries: { key: number; at: number; id: number }[] = [];
  for (const r of rows) {
    for (const key of fingerprintKeys(r.fingerprint)) entries.push({ key, at: r.publishedAt.getTime(), id: r.id });
  }
  if (!entries.length) return;
  entries.sort((a, b) => a.key - b.key || a.at - b.at || a.id - b.id);
  await tx.execute(sql`insert into ${itemFingerprintKeys} (key, item_id, published_at)
    select u.key, u.item_id, to_timestamp(u.at / 1000.0) from unnest(${intArray(entries.map((e) => e.key))}, ${intArray(entries.map((e) => e.id), 'bigint')}, ${intArray(entries.map((e) => e.at), 'bigint')}) as u(key, item_id, at)
    on conflict do nothing`);
}

/** Deletes the near-duplicate index entries of these items: before the items go, or when they are indexed again. */
export async function deleteFingerprintKeys(tx: Tx, itemIds: number[]): Promise<void> {
  await tx.delete(itemFingerprintKeys).where(inArray(itemFingerprintKeys.itemId, itemIds));
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
  /** The source's publisher keys (normalize/twins.ts): sister sources share one. */
  publisherKeys: string[];
}

const storySelect = {
  id: items.id,
  clusterId: items.clusterId,
  translationOf: items.translationOf,
  sourceSlug: sources.slug,
  organization: sources.organization,
  sourceUrl: sources.url,
  siteUrl: sources.siteUrl,
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
    publisherKeys: publisherKeys({ organization: r.organization, url: r.sourceUrl, siteUrl: r.siteUrl }),
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
 * own) and links translations: by their URLs first, else the twin its content points to (the
 * best-scoring candidate not yet linked to another). Clusters that a new item bridges are merged
 * into the oldest. `lexicon` is the hub's (built-in and feeds.yaml's).
 */
export async function assignStories(tx: Tx, newIds: number[], lexicon: Lexicon = DEFAULT_LEXICON): Promise<void> {
  if (newIds.length === 0) return;
  const fresh = await selectStories(tx, sql`${items.id} = any(${intArray(newIds, 'bigint')})`, newIds.length);
  const freshRows = fresh.map(toFacts);
  await lockPublishers(tx, freshRows);
  await indexStoryKeys(tx, freshRows);
  const linkedIds = await findLinked(tx, fresh, newIds);
  const similarIds = uniq([...(await findSimilar(tx, fresh, newIds, new Set(linkedIds))), ...(await findByLinkStem(tx, freshRows, newIds))]);
  const twinIds = await findTwinCandidates(tx, freshRows, newIds);
  const ids = uniq([...linkedIds, ...similarIds, ...twinIds]);
  const found = ids.length ? await selectStories(tx, sql`${items.id} = any(${intArray(ids, 'bigint')})`, ids.length) : [];
  // Linked items first, as found: the first translation met is the one kept.
  const rank = new Map(ids.map((id, i) => [id, i]));
  const candidates = found.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!).map(toFacts);

  const all = [...candidates, ...freshRows];
  const freshFacts = freshRows;
  const updates = new Map<number, { clusterId: number; translationOf: number | null }>();
  const merges: { from: number; into: number }[] = [];
  const isFresh = new Set(freshFacts.map((f) => f.id));
  const isTwinCandidate = new Set(twinIds);
  const twins = await twinMatcher(tx, [...candidates.filter((c) => isTwinCandidate.has(c.id)), ...freshFacts], lexicon);
  // Items linked to a translation in this batch (either side): a twin has one twin.
  const claimed = new Set<number>();

  for (const item of freshFacts) {
    const clusterOf = (r: StoryRow) => updates.get(r.id)?.clusterId ?? r.clusterId ?? r.id;
    let clusters: number[] = [];
    let translationOf: number | null = null;
    // Earlier new items of this batch are candidates too (two sources stored in one run).
    const earlier = (other: StoryRow) => other.id !== item.id && !(freshFacts.includes(other) && other.id > item.id);
    for (const other of all) {
      if (!earlier(other)) continue;
      const relation = compareStories(item, other);
      if (relation === 'duplicate') clusters.push(clusterOf(other));
      else if (relation === 'translation' && translationOf === null) translationOf = other.id;
    }
    if (translationOf === null && twins) {
      const open = (o: StoryRow) => !claimed.has(o.id) && (isFresh.has(o.id) ? updates.get(o.id)?.translationOf == null : isTwinCandidate.has(o.id));
      translationOf = twins.best(item, all.filter((o) => o.language !== item.language && earlier(o) && open(o)));
    }
    if (translationOf !== null) claimed.add(translationOf).add(item.id);
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

/** The first key of the two-key advisory locks that serialize twin matching per publisher. */
const TWIN_LOCK_CLASS = 0x7477;

/**
 * Sister sources (an organization's English and French feeds) are often fetched at the same
 * moment; two transactions that could not see each other's items would miss every twin. Each
 * batch takes its publishers' locks (in key order, so two batches never wait on each other in a
 * circle) until it commits: the second one then sees the first one's items.
 */
async function lockPublishers(tx: Tx, fresh: StoryRow[]): Promise<void> {
  const keys = uniq(fresh.filter((f) => f.language === 'en' || f.language === 'fr').flatMap((f) => f.publisherKeys)).sort();
  if (!keys.length) return;
  // One statement: unnest reads the sorted array in order, so the locks are taken in key order.
  await tx.execute(sql`select count(pg_advisory_xact_lock(${TWIN_LOCK_CLASS}, hashtext(k))) from unnest(${textArray(keys)}) as k`);
}

/**
 * Writes the story keys of new items: for English and French ones, one per publisher key of their
 * source with their language; for each, the stem of its link. One statement for the batch.
 */
async function indexStoryKeys(tx: Tx, fresh: StoryRow[]): Promise<void> {
  const keys: string[] = [];
  const ids: number[] = [];
  for (const f of fresh) {
    const stem = f.canonicalUrl ? linkStem(f.canonicalUrl) : undefined;
    if (stem) {
      keys.push(`l:${stem}`);
      ids.push(f.id);
    }
    if (f.language !== 'en' && f.language !== 'fr') continue;
    for (const k of f.publisherKeys) {
      keys.push(`${k}|${f.language}`);
      ids.push(f.id);
    }
  }
  if (!keys.length) return;
  await tx.execute(sql`insert into ${itemStoryKeys} (key, item_id, published_at)
    select u.key, u.item_id, i.published_at from unnest(${textArray(keys)}, ${intArray(ids, 'bigint')}) as u(key, item_id)
    join ${items} i on i.id = u.item_id
    on conflict do nothing`);
}

/**
 * Items whose link starts as a new item's does (one of them cut short), inside the window: one
 * range read of the key index per new item with a long enough link.
 */
async function findByLinkStem(tx: Tx, fresh: StoryRow[], newIds: number[]): Promise<number[]> {
  const probes = fresh.flatMap((f) => {
    const stem = f.canonicalUrl ? linkStem(f.canonicalUrl) : undefined;
    return stem ? [{ key: `l:${stem}`, time: f.publishedAt.getTime() }] : [];
  });
  if (!probes.length) return [];
  const rows = await queryRows<{ id: number | string }>(
    tx,
    sql`select distinct k.item_id as id
      from unnest(${textArray(probes.map((p) => p.key))}, ${intArray(probes.map((p) => p.time - WINDOW_MS), 'bigint')}, ${intArray(probes.map((p) => p.time + WINDOW_MS), 'bigint')}) as q(key, lo, hi)
      cross join lateral (
        select item_id from ${itemStoryKeys} k
        where k.key = q.key and k.published_at between to_timestamp(q.lo / 1000.0) and to_timestamp(q.hi / 1000.0)
      ) k
      where k.item_id <> all(${intArray(newIds, 'bigint')})
      limit ${MAX_SIMILAR_ROWS}`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Items that may be a new item's twin: from the same publisher, in the other language, inside the
 * twin window, and linked to no translation yet. Each key is one range read of the
 * (key, published_at) index, as for near duplicates.
 */
async function findTwinCandidates(tx: Tx, fresh: StoryRow[], newIds: number[]): Promise<number[]> {
  const windows = new Map<string, { lo: number; hi: number }>();
  for (const f of fresh) {
    if ((f.language !== 'en' && f.language !== 'fr') || f.translationOf !== null) continue;
    const other = f.language === 'en' ? 'fr' : 'en';
    const time = f.publishedAt.getTime();
    for (const k of f.publisherKeys) {
      const key = `${k}|${other}`;
      const w = windows.get(key);
      if (!w) windows.set(key, { lo: time - TWIN_WINDOW_MS, hi: time + TWIN_WINDOW_MS });
      else {
        w.lo = Math.min(w.lo, time - TWIN_WINDOW_MS);
        w.hi = Math.max(w.hi, time + TWIN_WINDOW_MS);
      }
    }
  }
  if (!windows.size) return [];
  const keys = [...windows.keys()];
  const rows = await queryRows<{ id: number | string }>(
    tx,
    sql`select distinct k.item_id as id
      from unnest(${textArray(keys)}, ${intArray(keys.map((k) => windows.get(k)!.lo), 'bigint')}, ${intArray(keys.map((k) => windows.get(k)!.hi), 'bigint')}) as q(key, lo, hi)
      cross join lateral (
        select item_id from ${itemStoryKeys} k
        where k.key = q.key and k.published_at between to_timestamp(q.lo / 1000.0) and to_timestamp(q.hi / 1000.0)
      ) k
      join ${items} c on c.id = k.item_id
      where k.item_id <> all(${intArray(newIds, 'bigint')})
        and c.translation_of is null
        and not exists (select 1 from ${items} t where t.translation_of = k.item_id)
      limit ${MAX_SIMILAR_ROWS}`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * The twin evidence of the given items, read once (their content's links and images count), and
 * the choice of a new item's twin among candidates; undefined when there is nothing to compare.
 */
async function twinMatcher(tx: Tx, rows: StoryRow[], lexicon: Lexicon): Promise<{ best(item: StoryRow, among: StoryRow[]): number | null } | undefined> {
  const languages = new Set(rows.map((r) => r.language));
  if (!(languages.has('en') && languages.has('fr'))) return undefined;
  const ids = rows.map((r) => r.id);
  const content = await tx
    .select({ id: items.id, contentHtml: items.contentHtml, enclosure: items.enclosure })
    .from(items)
    .where(sql`${items.id} = any(${intArray(ids, 'bigint')})`);
  const byId = new Map(content.map((c) => [c.id, c]));
  const facts = new Map<number, TwinFacts>();
  const factsOf = (r: StoryRow): TwinFacts => {
    let f = facts.get(r.id);
    if (!f) {
      const c = byId.get(r.id);
      f = {
        language: r.language,
        publishedAt: r.publishedAt,
        publisherKeys: r.publisherKeys,
        evidence: twinEvidence(
          { title: r.title, summary: r.summary, contentHtml: c?.contentHtml, url: r.url, enclosureUrl: (c?.enclosure as Enclosure | null)?.url, language: r.language },
          lexicon,
        ),
      };
      facts.set(r.id, f);
    }
    return f;
  };
  return {
    best(item, among) {
      if (!byId.has(item.id)) return null;
      let best: number | null = null;
      let bestScore = 0;
      for (const other of among) {
        if (!byId.has(other.id) || other.language === item.language) continue;
        const score = twinScore(factsOf(item), factsOf(other));
        if (score !== null && score > bestScore) {
          best = other.id;
          bestScore = score;
        }
      }
      return best;
    },
  };
}

function uniq<T>(values: (T | null | undefined)[]): T[] {
  return [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
}
