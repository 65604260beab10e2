// Reading items back: one query shape (an ItemQuery) for every list the product shows. AND
// across dimensions, OR within one. With clusters on, a story told by several sources appears
// once: as its earliest copy among those the filter keeps, with the others listed in `also`.
import { and, desc, eq, getTableColumns, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ItemLanguage, ItemType, Language, Province, Region } from '../core/types.ts';
import { intArray, queryRows, textArray, type Db, type Tx } from './db.ts';
import { splitEvent, type StoredEvent } from './stored-event.ts';
import { items, sources } from './schema.ts';

export interface ItemQuery {
  topics?: string[];
  regions?: Region[];
  provinces?: Province[];
  languages?: ItemLanguage[];
  types?: ItemType[];
  /** Source slugs. */
  sources?: string[];
  /** Full-text search, in English and French at once. */
  q?: string;
  /** What the search's words mean in the other language (publish/bilingual-search.ts builds it from `q`). */
  crossSearch?: CrossSearch;
  /**
   * The reader's language: a story told in both official languages is listed once, in this one
   * (its twin in the other is reached from it). Unset, both twins are listed.
   */
  prefer?: Language;
  since?: Date;
  limit: number;
  /** Keyset pagination: items strictly older than this (publishedAt, id) pair. */
  before?: { publishedAt: Date; id: number };
  /** One entry per story (default) or every copy. */
  clusters?: boolean;
  /** 'relevance' (only with q) ranks by full-text match; pages then go by offset. */
  order?: 'date' | 'relevance';
  offset?: number;
  /**
   * Stories first seen by the hub in (after, until]: the copy a story is shown as must fall in
   * it, so a new copy of an older story does not make it new (email digests).
   */
  firstSeen?: { after: Date; until: Date };
}

/**
 * A search's words read in both languages. Items in the other language than the query's match
 * when they carry a topic its words name or hold its words' translation, and also every word no
 * term covered (names, places: words that survive translation).
 */
export interface CrossSearch {
  /** The language of the query's words, when they say: its items rank first. */
  language?: Language;
  /** Topic slugs the query's words name. */
  topics: string[];
  /** The query's terms in each language, from the term pairs. */
  phrases: Record<Language, string[]>;
  /** The query's words no term covers, when there are any. */
  rest?: string;
}

export interface ItemRef {
  id: number;
  title: string;
  url: string | null;
  language: string;
  source: string;
  organization: string;
}

export interface ItemView {
  id: number;
  title: string;
  url: string | null;
  publishedAt: Date;
  dateFromFeed: boolean;
  modifiedAt: Date | null;
  firstSeenAt: Date;
  updatedAt: Date;
  author: string | null;
  summary: string;
  contentHtml: string;
  language: string;
  categories: string[];
  topics: string[];
  type: string;
  regions: string[];
  province: string | null;
  enclosure: { url: string; type?: string; length?: number } | null;
  clusterId: number | null;
  source: { slug: string; title: string; organization: string; region: string; province: string | null; url: string; siteUrl: string | null; lastSuccessAt: Date | null };
  /** The same story from other sources. */
  also: ItemRef[];
  /** The same item in the other official language. */
  translation?: ItemRef;
  /** When and where, for items that are dated events. */
  event?: StoredEvent;
}

const other = alias(items, 'other');
const mate = alias(items, 'mate');
const twin = alias(items, 'twin');

/**
 * Newest first, spelled as items_newest_idx is built (DESC NULLS LAST): a bare DESC means NULLS
 * FIRST, which that index cannot give in order, and Postgres does not use NOT NULL to see they
 * agree; the feed query then sorted every match instead of walking the index (1M items: 200+ ms
 * against 10 ms).
 */
const NEWEST_FIRST = [sql`${items.publishedAt} desc nulls last`, sql`${items.id} desc nulls last`];
export type ItemsTable = typeof items | typeof other | typeof mate | typeof twin;

// Everything but the search vector, which only queries use.
const { search: _search, ...itemColumns } = getTableColumns(items);
export { itemColumns };
export const sourceColumns = {
  slug: sources.slug,
  title: sources.title,
  organization: sources.organization,
  region: sources.region,
  province: sources.province,
  url: sources.url,
  siteUrl: sources.siteUrl,
  lastSuccessAt: sources.lastSuccessAt,
};

/** The filter as SQL over one alias of the items table (the NOT EXISTS below need it again). */
function filterOn(t: ItemsTable, q: ItemQuery, sourceIds: number[] | undefined, twinIds: number[] = []): SQL[] {
  const where: SQL[] = [];
  if (sourceIds) where.push(sourceIds.length ? inArray(t.sourceId, sourceIds) : sql`false`);
  if (q.topics?.length) where.push(sql`${t.topics} && ${textArray(q.topics)}`);
  if (q.regions?.length) where.push(sql`${t.regions} && ${textArray(q.regions)}`);
  if (q.provinces?.length) where.push(inArray(t.province, q.provinces));
  if (q.languages?.length) where.push(inArray(t.language, q.languages));
  if (q.types?.length) where.push(inArray(t.type, q.types));
  if (q.since) where.push(gte(t.publishedAt, q.since));
  if (q.q) where.push(textMatch(t, q.q, q.crossSearch, twinIds));
  return where;
}

const CONFIGS: Record<Language, string> = { en: 'passerelle_en', fr: 'passerelle_fr' };

/**
 * The search as SQL: the words themselves, as always; with a cross search, the other language's
 * items that carry its topics or hold its terms' translation (and its other words); and the twins
 * of items holding the words (`twinIds`, looked up beforehand).
 */
function textMatch(t: ItemsTable, q: string, cross: CrossSearch | undefined, twinIds: number[]): SQL {
  const parts: SQL[] = [sql`${t.search} @@ ${searchQuery(q)}`];
  if (cross) {
    const meaning: SQL[] = [];
    if (cross.topics.length) meaning.push(sql`${t.topics} && ${textArray(cross.topics)}`);
    for (const lang of ['en', 'fr'] as const) {
      if (cross.phrases[lang].length) meaning.push(sql`(${t.language} = ${lang} and ${t.search} @@ ${phrasesQuery(lang, cross.phrases[lang])})`);
    }
    if (meaning.length) {
      // A topic the words name finds its items in either language: "housing" finds the English
      // items on housing that say "rent" or "shelter", as "logement" does.
      parts.push(sql`((${sql.join(meaning, sql` or `)})${cross.rest ? sql` and ${t.search} @@ ${searchQuery(cross.rest)}` : sql``})`);
    }
  }
  if (twinIds.length) parts.push(inArray(t.id, twinIds));
  return parts.length === 1 ? parts[0] : sql`(${sql.join(parts, sql` or `)})`;
}

/** Any of the phrases, in one language's configuration. */
function phrasesQuery(lang: Language, phrases: string[]): SQL {
  return sql`(${sql.join(
    phrases.map((p) => sql`phraseto_tsquery(${CONFIGS[lang]}::regconfig, ${p})`),
    sql` || `,
  )})`;
}

/** What relevance ranks a search's matches by: its words, and their translations. */
function rankQuery(q: string, cross: CrossSearch | undefined): SQL {
  const extra = (['en', 'fr'] as const).filter((l) => cross?.phrases[l].length).map((l) => phrasesQuery(l, cross!.phrases[l]));
  return extra.length ? sql`(${searchQuery(q)} || ${sql.join(extra, sql` || `)})` : searchQuery(q);
}

/** The words in English, French and language-neutral form: "logement" and "housing" both find their items. */
export function searchQuery(q: string): SQL {
  return sql`(websearch_to_tsquery('passerelle_en', ${q}) || websearch_to_tsquery('passerelle_fr', ${q}) || websearch_to_tsquery('passerelle_simple', ${q}))`;
}

export async function queryItems(db: Db, q: ItemQuery): Promise<ItemView[]> {
  const { query } = await selectItems(db, q);
  return attachRelations(db, await query);
}

/** The one query behind queryItems, not yet run (the benchmarks EXPLAIN it). Wrapped: a query is thenable. */
export async function selectItems(db: Db, q: ItemQuery) {
  const byRelevance = q.order === 'relevance' && q.q;
  const where = await filterOf(db, q, { byRelevance: !!byRelevance });
  if (q.firstSeen) where.push(gt(items.firstSeenAt, q.firstSeen.after), lte(items.firstSeenAt, q.firstSeen.until));
  if (q.before) {
    where.push(or(lt(items.publishedAt, q.before.publishedAt), and(eq(items.publishedAt, q.before.publishedAt), lt(items.id, q.before.id)))!);
  }
  const filter = where.length ? and(...where) : sql`true`;
  const rows = db.select({ item: itemColumns, source: sourceColumns }).from(items).innerJoin(sources, eq(items.sourceId, sources.id));
  if (byRelevance) {
    // The query's language first, when its words say which it is.
    const language = q.crossSearch?.language;
    const query = rows
      .where(filter)
      .orderBy(...(language ? [sql`(${items.language} = ${language}) desc`] : []), desc(sql`ts_rank(${items.search}, ${rankQuery(q.q!, q.crossSearch)})`), ...NEWEST_FIRST)
      .limit(q.limit)
      .offset(q.offset ?? 0);
    return { query };
  }
  // The page's ids first, from items_newest_idx alone (every filtered column is in it), then only
  // those rows: at a million items a rare filter skips thousands of rows, and reading each one
  // from the table made a filtered feed read ~4,600 pages instead of ~300.
  const page = db.select({ id: items.id }).from(items).where(filter).orderBy(...NEWEST_FIRST).limit(q.limit).offset(q.offset ?? 0);
  const query = rows.where(inArray(items.id, page)).orderBy(...NEWEST_FIRST);
  return { query };
}

/**
 * A query's filter as conditions on items: its dimensions, its search, and (with clusters on) one
 * copy per story. `same` adds conditions that the copy shown and the copies it hides must both
 * meet (events: a copy with no date does not hide one with a date).
 */
export async function filterOf(db: Db, q: ItemQuery, options: { byRelevance?: boolean; same?: (t: ItemsTable) => SQL[] } = {}): Promise<SQL[]> {
  let sourceIds: number[] | undefined;
  if (q.sources?.length) {
    sourceIds = (await db.select({ id: sources.id }).from(sources).where(inArray(sources.slug, q.sources))).map((r) => r.id);
  }
  const same = options.same ?? (() => []);
  let twinIds: number[] = [];
  let candidates: number[] | undefined;
  if (q.q) {
    // The matches first, then only their twins: a search's twins are looked up among the items
    // it may show, not among every linked item holding its words.
    const matching = [...filterOn(items, q, sourceIds), ...same(items)];
    // A cross search's walk also reads the language and topics of the items it passes (both in items_search_walk_idx).
    candidates = await textCandidates(db, matching, !!options.byRelevance, matching.length === 1, !!q.crossSearch);
    twinIds = candidates ? await twinsOf(db, candidates) : await twinsOfMatches(db, q.q);
  }
  const where = [...filterOn(items, q, sourceIds, twinIds), ...same(items)];
  if (candidates) {
    const ids = [...new Set([...candidates, ...twinIds])];
    where.push(ids.length ? inArray(items.id, ids) : sql`false`);
  }
  if (q.clusters !== false) {
    // Another copy of the same story that this filter keeps and that came first hides this one.
    where.push(
      sql`not exists (select 1 from ${items} as ${sql.identifier('other')} where ${other.clusterId} = ${items.clusterId} and ${other.id} < ${items.id} and ${and(...filterOn(other, q, sourceIds, twinIds), ...same(other), sql`true`)})`,
    );
  }
  if (q.prefer) {
    // A story in the other language whose twin in the reader's language this filter keeps is
    // shown by that twin. Twins are found from any copy of the story (a repost of the English
    // item has no link of its own to the French one).
    const away = q.prefer === 'en' ? 'fr' : 'en';
    const twinShown = and(eq(twin.language, q.prefer), ...filterOn(twin, q, sourceIds, twinIds), ...same(twin), sql`true`);
    const twinOf = (t: ItemsTable) => sql`(${twin.id} = ${t.translationOf} or ${twin.translationOf} = ${t.id})`;
    where.push(
      sql`not (${items.language} = ${away} and (exists (select 1 from ${items} as ${sql.identifier('twin')} where ${twinOf(items)} and ${twinShown})
        or exists (select 1 from ${items} as ${sql.identifier('mate')} join ${items} as ${sql.identifier('twin')} on ${twinOf(mate)}
          where ${mate.clusterId} = ${items.clusterId} and ${mate.id} <> ${items.id} and ${twinShown})))`,
    );
  }
  return where;
}

/** The items linked as translations to any of `ids`, either way (items_translation_of_idx). */
async function twinsOf(db: Db, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  const list = intArray(ids, 'bigint');
  const rows = await queryRows<{ id: number | string }>(
    db,
    sql`select l.id from ${items} l where l.translation_of = any(${list}) and l.translation_of is not null
      union
      select m.translation_of from ${items} m where m.id = any(${list}) and m.translation_of is not null`,
  );
  const found = new Set(ids);
  return rows.map((r) => Number(r.id)).filter((id) => !found.has(id));
}

/** Twins looked up for one search at most. */
const TWIN_LIMIT = 1000;

/**
 * The items whose twin holds the search's words: a French item is found by its English twin's
 * words, and the other way round. Only linked items are read (items_translation_of_idx), but all
 * of those holding the words: only for a common word's search by date, which has no candidates.
 */
async function twinsOfMatches(db: Db, q: string): Promise<number[]> {
  const rows = await queryRows<{ id: number | string }>(
    db,
    sql`select id from (
      select m.translation_of as id from ${items} m where m.translation_of is not null and m.search @@ ${searchQuery(q)}
      union
      select l.id from ${items} l join ${items} m on m.id = l.translation_of where l.translation_of is not null and m.search @@ ${searchQuery(q)}
    ) found limit ${TWIN_LIMIT}`,
  );
  return rows.map((r) => Number(r.id));
}

/** Relevance ranks the newest RANK_WINDOW matches of a search (deeper: sort=date pages through all). */
export const RANK_WINDOW = 500;
/** A search with fewer matches than this is read from the text index alone. */
export const PROBE_LIMIT = 5000;
/**
 * A relevance search first looks for its newest matches among the newest SHORT_WALK_BUDGET items
 * (read from items_search_walk_idx alone), then, if they held at least LONG_WALK_SIGN matches, among
 * the newest LONG_WALK_BUDGET. Only a word rarer than that reaches the probe, which reads a table
 * page per match. What the walk finds is the word's frequency; the planner's estimate is not (it
 * expected 12,554 matches for "cours de français" and 14,925 for a word found nowhere).
 */
export const SHORT_WALK_BUDGET = 10_000;
export const LONG_WALK_BUDGET = 50_000;
const LONG_WALK_SIGN = Math.ceil((RANK_WINDOW * SHORT_WALK_BUDGET) / LONG_WALK_BUDGET);

/**
 * The items a search may show, or undefined when the date index should simply be walked. Postgres
 * estimates how many items a text query matches poorly (a common phrase and a word found nowhere
 * can get the same estimate), and the wrong plan costs seconds at a million items. So the plan is
 * chosen here, from what cheap bounded reads find: a relevance search over text alone first walks
 * the newest items (newestMatches; see SHORT_WALK_BUDGET). Otherwise, the text index alone, up to
 * PROBE_LIMIT matches; fewer than that is every match. More than that is a common word, whose
 * newest matches come soon when walking items_search_walk_idx, which holds each item's text beside
 * its date, so the walk touches no table pages (only needed to rank; date order walks anyway).
 */
async function textCandidates(db: Db, where: SQL[], byRelevance: boolean, textOnly: boolean, cross = false): Promise<number[] | undefined> {
  return db.transaction(async (tx) => {
    if (byRelevance && textOnly) {
      const found = await newestMatches(tx, where, SHORT_WALK_BUDGET, cross);
      if (found.length === RANK_WINDOW) return found;
      if (found.length >= LONG_WALK_SIGN) {
        const more = await newestMatches(tx, where, LONG_WALK_BUDGET, cross);
        if (more.length === RANK_WINDOW) return more;
      }
    }
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_indexscan = off`);
    const probe = await tx.select({ id: items.id, publishedAt: items.publishedAt }).from(items).where(and(...where)).limit(PROBE_LIMIT);
    if (probe.length < PROBE_LIMIT) {
      if (!byRelevance) return probe.map((r) => r.id);
      probe.sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || b.id - a.id);
      return probe.slice(0, RANK_WINDOW).map((r) => r.id);
    }
    if (!byRelevance) return undefined;
    await tx.execute(sql`set local enable_indexscan = on`);
    await tx.execute(sql`set local enable_bitmapscan = off`);
    const newest = await tx.select({ id: items.id }).from(items).where(and(...where)).orderBy(...NEWEST_FIRST).limit(RANK_WINDOW);
    return newest.map((r) => r.id);
  });
}

/** The newest matches (RANK_WINDOW at most) among the newest `budget` items, from items_search_walk_idx alone. */
async function newestMatches(tx: Tx, where: SQL[], budget: number, cross: boolean): Promise<number[]> {
  const columns = { id: items.id, publishedAt: items.publishedAt, search: items.search, ...(cross ? { language: items.language, topics: items.topics } : {}) };
  const recent = tx.select(columns).from(items).orderBy(...NEWEST_FIRST).limit(budget).as('items');
  // The same order as the inner query (NULLS LAST): the planner keeps its order and stops at RANK_WINDOW.
  const rows = await tx
    .select({ id: recent.id })
    .from(recent)
    .where(and(...where))
    .orderBy(sql`${recent.publishedAt} desc nulls last`, sql`${recent.id} desc nulls last`)
    .limit(RANK_WINDOW);
  return rows.map((r) => r.id);
}

export type Row = { item: Omit<typeof items.$inferSelect, 'search'>; source: ItemView['source'] };

export async function attachRelations(db: Db, rows: Row[]): Promise<ItemView[]> {
  const ids = rows.map((r) => r.item.id);
  const clusterIds = [...new Set(rows.map((r) => r.item.clusterId).filter((c): c is number => c !== null))];
  const translationIds = rows.map((r) => r.item.translationOf).filter((t): t is number => t !== null);
  const refSelect = {
    id: items.id,
    title: items.title,
    url: items.url,
    language: items.language,
    clusterId: items.clusterId,
    translationOf: items.translationOf,
    source: sources.slug,
    organization: sources.organization,
  };
  const related =
    ids.length === 0
      ? []
      : await db
          .select(refSelect)
          .from(items)
          .innerJoin(sources, eq(items.sourceId, sources.id))
          .where(
            or(
              clusterIds.length ? inArray(items.clusterId, clusterIds) : sql`false`,
              translationIds.length ? inArray(items.id, translationIds) : sql`false`,
              inArray(items.translationOf, ids),
            ),
          )
          .orderBy(items.id);
  return rows.map(({ item, source }) => {
    const also = related
      .filter((r) => r.clusterId !== null && r.clusterId === item.clusterId && r.id !== item.id)
      .map(toRef);
    const translationRow = related.find((r) => (item.translationOf !== null && r.id === item.translationOf) || r.translationOf === item.id);
    const { fingerprint: _f, key: _k, contentHash: _h, ...withEvent } = item;
    const { event, rest } = splitEvent(withEvent);
    return {
      ...rest,
      ...(event ? { event } : {}),
      source,
      also,
      ...(translationRow ? { translation: toRef(translationRow) } : {}),
    } as ItemView;
  });
}

function toRef(r: { id: number; title: string; url: string | null; language: string; source: string; organization: string }): ItemRef {
  return { id: r.id, title: r.title, url: r.url, language: r.language, source: r.source, organization: r.organization };
}

/** Items by id, with their relations, in the order asked (ids no longer stored are left out). */
export async function getItems(db: Db, ids: number[]): Promise<ItemView[]> {
  if (!ids.length) return [];
  const rows = await db.select({ item: itemColumns, source: sourceColumns }).from(items).innerJoin(sources, eq(items.sourceId, sources.id)).where(inArray(items.id, ids));
  const byId = new Map((await attachRelations(db, rows)).map((v) => [v.id, v]));
  return ids.map((id) => byId.get(id)).filter((v): v is ItemView => v !== undefined);
}

export async function getItem(db: Db, id: number): Promise<ItemView | undefined> {
  const rows = await db.select({ item: itemColumns, source: sourceColumns }).from(items).innerJoin(sources, eq(items.sourceId, sources.id)).where(eq(items.id, id));
  return (await attachRelations(db, rows))[0];
}
