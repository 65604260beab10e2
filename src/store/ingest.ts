// Commits the outcome of one fetch: a feed's items, the source's new state and the fetch log,
// in one transaction. A crash before commit leaves the old state, and the next run redoes the
// work; inserts are idempotent through the (source_id, key) unique index.
import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { FetchErrorCode, FetchOutcome, Item, ProblemParams, Warning } from '../core/types.ts';
import { queryRows, type Db, type Tx } from './db.ts';
import { fetches, items, sources, type SourceRow } from './schema.ts';
import { bumpGeneration } from './hub-state.ts';
import { EVENT_COLUMNS, eventChanged, eventRecord, eventSequenceUpdate } from './item-event-columns.ts';
import type { Lexicon } from '../normalize/lexicon.ts';
import { assignStories, indexFingerprints } from './stories.ts';

export type SourcePatch = Partial<
  Pick<
    SourceRow,
    | 'url' | 'host' | 'aliases' | 'status' | 'etag' | 'lastModified' | 'bodyHash' | 'feedTitle' | 'feedLink'
    | 'lastFetchAt' | 'lastSuccessAt' | 'lastStatus' | 'lastErrorCode' | 'lastErrorParams' | 'lastError' | 'lastErrorAt' | 'lastWarnings'
    | 'errorCount' | 'intervalMinutes' | 'nextFetchAt' | 'redirectTo' | 'redirectSeen'
  >
>;

/** One entry of a source's fetch log. */
export interface FetchLog {
  startedAt: Date;
  durationMs: number;
  outcome: FetchOutcome;
  httpStatus?: number;
  errorCode?: FetchErrorCode;
  errorParams?: ProblemParams;
  /** The error in English, for operators. */
  error?: string;
  bytes?: number;
}

export interface IngestCommit {
  sourceId: number;
  /** The lease holder; the lease is released only if it is still ours. */
  owner: string;
  items?: Item[];
  patch: SourcePatch;
  log: FetchLog;
  /** Fetch log rows kept per source. */
  historyLimit: number;
  /** The English–French lexicon twins are recognised with; the built-in one when not given. */
  lexicon?: Lexicon;
}

export interface IngestCounts {
  itemsNew: number;
  itemsUpdated: number;
  /** Items whose GUID changed but whose link and title match a stored item (GUID churn). */
  itemsRekeyed: number;
}

const BATCH = 400;

/** Recorded on a source whose feed gave stored items new GUIDs: visible, not silently absorbed. */
export function churnWarning(count: number): Warning {
  return { code: 'guid-churn', params: { count } };
}

export async function commitIngest(db: Db, commit: IngestCommit): Promise<IngestCounts> {
  return db.transaction(async (tx) => {
    // An ingest's queries are short, but on a young table without statistics the planner costs
    // some of them above jit_above_cost, and compiling one takes 20–90 ms.
    if (commit.items?.length) await tx.execute(sql`set local jit = off`);
    const counts = commit.items?.length
      ? await upsertItems(tx, commit.sourceId, commit.items, commit.lexicon)
      : { itemsNew: 0, itemsUpdated: 0, itemsRekeyed: 0 };
    const patch = counts.itemsRekeyed
      ? { ...commit.patch, lastWarnings: [...(commit.patch.lastWarnings ?? []), churnWarning(counts.itemsRekeyed)] }
      : commit.patch;
    await tx
      .update(sources)
      .set({
        ...patch,
        itemCount: sql`(select count(*) from ${items} where ${items.sourceId} = ${commit.sourceId})`,
        leaseOwner: sql`case when ${sources.leaseOwner} = ${commit.owner} then null else ${sources.leaseOwner} end`,
        leaseUntil: sql`case when ${sources.leaseOwner} = ${commit.owner} then null else ${sources.leaseUntil} end`,
        updatedAt: sql`now()`,
      })
      .where(eq(sources.id, commit.sourceId));
    await tx.insert(fetches).values({
      sourceId: commit.sourceId,
      ...commit.log,
      itemsNew: counts.itemsNew,
      itemsUpdated: counts.itemsUpdated,
    });
    await trimHistory(tx, commit.sourceId, commit.historyLimit);
    if (counts.itemsNew || counts.itemsUpdated) await bumpGeneration(tx, commit.sourceId);
    return counts;
  });
}

async function trimHistory(tx: Tx, sourceId: number, keep: number): Promise<void> {
  const newest = tx
    .select({ id: fetches.id })
    .from(fetches)
    .where(eq(fetches.sourceId, sourceId))
    .orderBy(desc(fetches.startedAt), desc(fetches.id))
    .limit(keep);
  await tx.delete(fetches).where(and(eq(fetches.sourceId, sourceId), notInArray(fetches.id, newest)));
}

/** The stored columns an item carries, in the order the insert lists them, with their types. */
const ITEM_COLUMNS = [
  ['key', 'text'], ['guid', 'text'], ['url', 'text'], ['title', 'text'], ['content_html', 'text'], ['summary', 'text'],
  ['author', 'text'], ['published_at', 'timestamptz'], ['date_from_feed', 'boolean'], ['modified_at', 'timestamptz'],
  ['categories', 'text[]'], ['language', 'text'], ['lang_hint', 'text'], ['enclosure', 'jsonb'], ['content_hash', 'text'],
  ['topics', 'text[]'], ['type', 'text'], ['regions', 'text[]'], ['province', 'text'], ['canonical_url', 'text'],
  ['translation_key', 'text'], ['alternate_urls', 'text[]'], ['fingerprint', 'bigint'],
  ...EVENT_COLUMNS,
] as const;

function itemRecord(it: Item): Record<(typeof ITEM_COLUMNS)[number][0], unknown> {
  return {
    key: it.key, guid: it.guid ?? null, url: it.url ?? null, title: it.title, content_html: it.contentHtml,
    summary: it.summary, author: it.author ?? null, published_at: it.publishedAt, date_from_feed: it.dateFromFeed,
    modified_at: it.modifiedAt ?? null, categories: it.categories, language: it.language, lang_hint: it.langHint ?? null,
    enclosure: it.enclosure ?? null, content_hash: it.contentHash, topics: it.topics, type: it.type, regions: it.regions,
    province: it.province ?? null, canonical_url: it.canonicalUrl ?? null, translation_key: it.translationKey ?? null,
    alternate_urls: it.alternateUrls, fingerprint: it.fingerprint,
    ...eventRecord(it.event),
  };
}

const columnList = sql.raw(ITEM_COLUMNS.map(([c]) => c).join(', '));
const recordType = sql.raw(ITEM_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', '));
const excludedSet = sql.raw(
  ITEM_COLUMNS.filter(([c]) => c !== 'key' && c !== 'published_at' && c !== 'date_from_feed')
    .map(([c]) => `${c} = excluded.${c}`)
    .join(', '),
);

/**
 * One statement for a batch: the rows travel as a single JSON parameter that the database
 * unpacks, rather than one parameter per column per row, which costs more to build, send and
 * describe than the insert itself. A row whose content hash is unchanged is left alone and not
 * returned. Items not stored yet take their id from the sequence here and start as a cluster of
 * their own (cluster_id = id), so clustering rewrites only the few that join another story.
 */
async function upsertRows(tx: Tx, sourceId: number, batch: Item[], notStoredYet: boolean): Promise<{ id: number; key: string; inserted: boolean; publishedAt: Date }[]> {
  const records = sql`json_to_recordset(${JSON.stringify(batch.map(itemRecord))}::json) as r(${recordType})`;
  const insert = notStoredYet
    ? sql`insert into ${items} as i (id, cluster_id, source_id, ${columnList})
        select n.id, n.id, ${sourceId}::int, ${columnList} from (select nextval(pg_get_serial_sequence('items', 'id')) as id, r.* from ${records}) n`
    : sql`insert into ${items} as i (source_id, ${columnList}) select ${sourceId}::int, ${columnList} from ${records}`;
  const rows = await queryRows<{ id: number | string; key: string; inserted: boolean; published_at: Date | string }>(
    tx,
    sql`${insert}
      on conflict (source_id, key) do update set ${excludedSet},
        -- An item first seen without a usable date keeps the time we first saw it.
        published_at = case when excluded.date_from_feed then excluded.published_at else i.published_at end,
        date_from_feed = excluded.date_from_feed or i.date_from_feed,
        event_sequence = ${eventSequenceUpdate},
        updated_at = now()
      where i.content_hash <> excluded.content_hash or ${eventChanged}
      returning id, key, (xmax = 0) as inserted, published_at`,
  );
  return rows.map((r) => ({ id: Number(r.id), key: r.key, inserted: r.inserted, publishedAt: new Date(r.published_at) }));
}

/**
 * Inserts new items and updates changed ones in place. Keys are made unique within the batch
 * (first wins), and a new key whose link and title match a stored item takes that item's key,
 * so a feed that changes every GUID on every fetch does not multiply its items.
 */
async function upsertItems(tx: Tx, sourceId: number, batch: Item[], lexicon?: Lexicon): Promise<IngestCounts> {
  const unique = new Map<string, Item>();
  for (const item of batch) if (!unique.has(item.key)) unique.set(item.key, { ...item });
  const list = [...unique.values()];

  let itemsRekeyed = 0;
  const rekeyed: string[] = [];
  const known = new Set<string>();
  for (let i = 0; i < list.length; i += BATCH) {
    const keys = list.slice(i, i + BATCH).map((it) => it.key);
    const rows = await tx.select({ key: items.key }).from(items).where(and(eq(items.sourceId, sourceId), inArray(items.key, keys)));
    for (const r of rows) known.add(r.key);
  }
  const unknownWithUrl = list.filter((it) => !known.has(it.key) && it.url);
  if (unknownWithUrl.length) {
    const byUrlTitle = new Map<string, string>();
    for (let i = 0; i < unknownWithUrl.length; i += BATCH) {
      const urls = unknownWithUrl.slice(i, i + BATCH).map((it) => it.url!);
      const rows = await tx
        .select({ key: items.key, url: items.url, title: items.title })
        .from(items)
        .where(and(eq(items.sourceId, sourceId), inArray(items.url, urls)));
      for (const r of rows) byUrlTitle.set(`${r.url}\u0000${r.title}`, r.key);
    }
    const taken = new Set(list.map((it) => it.key));
    for (const it of unknownWithUrl) {
      const existing = byUrlTitle.get(`${it.url}\u0000${it.title}`);
      if (existing && !taken.has(existing)) {
        taken.add(existing);
        it.key = existing;
        rekeyed.push(existing);
        itemsRekeyed++;
      }
    }
  }

  let itemsNew = 0;
  let itemsUpdated = 0;
  const insertedIds: number[] = [];
  const fingerprintOf = new Map(list.map((it) => [it.key, it.fingerprint]));
  const stored = new Set([...known, ...rekeyed]);
  for (const notStoredYet of [true, false]) {
    const part = list.filter((it) => stored.has(it.key) !== notStoredYet);
    for (let i = 0; i < part.length; i += BATCH) {
      const result = await upsertRows(tx, sourceId, part.slice(i, i + BATCH), notStoredYet);
      // New and edited items (unchanged ones are not returned) get their near-duplicate keys.
      await indexFingerprints(tx, result.map((r) => ({ id: r.id, fingerprint: fingerprintOf.get(r.key)!, publishedAt: r.publishedAt, isNew: r.inserted })));
      for (const r of result) {
        if (r.inserted) {
          itemsNew++;
          insertedIds.push(r.id);
        } else itemsUpdated++;
      }
    }
  }
  await assignStories(tx, insertedIds, lexicon);
  return { itemsNew, itemsUpdated, itemsRekeyed };
}
