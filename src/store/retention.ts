// What the database forgets, and how. Items go by age (both their date and when we first saw them
// older than the window) and by count (beyond a source's newest N), never because a feed stopped
// listing them: a feed that briefly lists nothing loses nothing. Never deleted: the newest item
// of each source, and the items the caller says are needed (what saved feeds show right now).
// Saved feeds nobody has saved or read for the unused window go too, and stop keeping their
// items. Deletes run in small batches, each its own short transaction, so no lock is held for
// long; translation links to a deleted item are cleared in the same transaction. Cluster ids are
// plain shared numbers: the copies left of a story still share theirs when its first copy is gone.
import { sql, type SQL } from 'drizzle-orm';
import { intArray, queryRows, type Db, type Tx } from './db.ts';
import { bumpGeneration } from './hub-state.ts';
import { deleteUnusedSavedFeeds } from './saved-feeds.ts';
import { adminLog, items, savedFeeds, sources } from './schema.ts';

export interface RetentionPolicy {
  /** 0: no age limit. */
  days: number;
  /** 0: no count limit. */
  maxItemsPerSource: number;
  /** 0: the admin log is kept. */
  adminLogDays: number;
  /** 0: saved feeds are kept however long nobody reads them. */
  savedFeedDays?: number;
}

export interface RetentionOptions {
  /** Items that must stay whatever their age (what saved feeds show now). */
  keepIds?: number[];
  /** Rows deleted per transaction. */
  batchSize?: number;
  now?: Date;
  /** Checked between batches: a stopping process ends the run early (the rest waits for the next). */
  shouldStop?: () => boolean;
  /** Pause between batches, so ingests and readers get the tables in between. */
  pauseMs?: number;
}

export interface RetentionReport {
  dryRun: boolean;
  /** Items deleted (or, in a dry run, that would be) because they are older than the window. */
  itemsByAge: number;
  /** Items deleted (or that would be) because their source has more than its limit. */
  itemsByCount: number;
  adminLog: number;
  /** Saved feeds deleted (or that would be) because nobody saved or read them within the window. */
  savedFeeds: number;
  /** Items that met a rule but are kept: the newest of their source, or needed by a saved feed (dry runs only). */
  kept: number;
  batches: number;
  /** True when the run stopped early (another process was running it, or this one is stopping). */
  interrupted: boolean;
}

/** Arbitrary but fixed: one retention batch at a time across every process on the database. */
const RETENTION_LOCK_ID = 4_242_019;
const DAY_MS = 86_400_000;

/** Saved feeds last used before this are past the unused window; none is when the rule is off. */
export function savedFeedCutoff(policy: RetentionPolicy, now: Date): Date | undefined {
  return policy.savedFeedDays ? new Date(now.getTime() - policy.savedFeedDays * DAY_MS) : undefined;
}

/** A point in time as a parameter both drivers take (drizzle leaves raw Date parameters to the driver). */
function timestamp(d: Date): SQL {
  return sql`${d.toISOString()}::timestamptz`;
}

type Rule = 'age' | 'count';

/**
 * The items one rule would delete, each with whether it is kept anyway. The newest item of each
 * source is found through the per-source index, one lookup per source; the age rule walks the date
 * index; the count rule looks only at sources whose stored count is over the limit.
 */
function candidates(rule: Rule, policy: RetentionPolicy, keepIds: readonly number[], now: Date): SQL {
  const cutoff = new Date(now.getTime() - policy.days * DAY_MS);
  const matching =
    rule === 'age'
      ? // An event posted long ago that has not taken place yet is not old.
        sql`select i.id from ${items} i where i.published_at < ${timestamp(cutoff)} and i.first_seen_at < ${timestamp(cutoff)}
          and (i.event_end_at is null or i.event_end_at < ${timestamp(now)})`
      : sql`select id from (
          select i.id, row_number() over (partition by i.source_id order by i.published_at desc, i.id desc) as rank
          from ${items} i where i.source_id in (select id from ${sources} where item_count > ${policy.maxItemsPerSource})
        ) ranked where rank > ${policy.maxItemsPerSource}`;
  return sql`
    with newest as (
      select n.id from ${sources} s cross join lateral (
        select id from ${items} where source_id = s.id order by published_at desc nulls last, id desc limit 1
      ) n
    ),
    keep as (select id from newest union select unnest(${intArray(keepIds, 'bigint')}))
    select m.id, (m.id in (select id from keep)) as kept from (${matching}) m`;
}

function rulesOf(policy: RetentionPolicy): Rule[] {
  return [...(policy.days > 0 ? (['age'] as const) : []), ...(policy.maxItemsPerSource > 0 ? (['count'] as const) : [])];
}

/** What a run would delete now, without deleting anything. */
export async function planRetention(db: Db, policy: RetentionPolicy, options: RetentionOptions = {}): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const report: RetentionReport = { dryRun: true, itemsByAge: 0, itemsByCount: 0, adminLog: 0, savedFeeds: 0, kept: 0, batches: 0, interrupted: false };
  const seen = new Set<number>();
  const kept = new Set<number>();
  for (const rule of rulesOf(policy)) {
    for (const r of await queryRows<{ id: number; kept: boolean }>(db, candidates(rule, policy, options.keepIds ?? [], now))) {
      const id = Number(r.id);
      if (r.kept) kept.add(id);
      else if (!seen.has(id)) {
        seen.add(id);
        report[rule === 'age' ? 'itemsByAge' : 'itemsByCount']++;
      }
    }
  }
  report.kept = kept.size;
  const unused = savedFeedCutoff(policy, now);
  if (unused) {
    report.savedFeeds = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${savedFeeds} where ${savedFeeds.lastUsedAt} < ${timestamp(unused)}`))[0].n;
  }
  if (policy.adminLogDays > 0) {
    const cutoff = new Date(now.getTime() - policy.adminLogDays * DAY_MS);
    report.adminLog = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${adminLog} where ${adminLog.at} < ${timestamp(cutoff)}`))[0].n;
  }
  return report;
}

/** Deletes what the policy says, batch by batch. */
export async function applyRetention(db: Db, policy: RetentionPolicy, options: RetentionOptions = {}): Promise<RetentionReport> {
  const batchSize = options.batchSize ?? 500;
  const keepIds = options.keepIds ?? [];
  const report: RetentionReport = { dryRun: false, itemsByAge: 0, itemsByCount: 0, adminLog: 0, savedFeeds: 0, kept: 0, batches: 0, interrupted: false };
  const pause = () => new Promise((r) => setTimeout(r, options.pauseMs ?? 20));

  const unused = savedFeedCutoff(policy, options.now ?? new Date());
  if (unused) report.savedFeeds = await deleteUnusedSavedFeeds(db, unused);

  for (const rule of rulesOf(policy)) {
    for (;;) {
      if (options.shouldStop?.()) return { ...report, interrupted: true };
      const now = options.now ?? new Date();
      const outcome = await db.transaction(async (tx) => {
        if (!(await takeLock(tx))) return 'locked' as const;
        const batch = await queryRows<{ id: number }>(
          tx,
          sql`select id from (${candidates(rule, policy, keepIds, now)}) c where not kept limit ${batchSize}`,
        );
        if (batch.length) await deleteItems(tx, batch.map((r) => Number(r.id)));
        report[rule === 'age' ? 'itemsByAge' : 'itemsByCount'] += batch.length;
        if (batch.length) report.batches++;
        return batch.length < batchSize ? ('done' as const) : ('more' as const);
      });
      if (outcome === 'locked') return { ...report, interrupted: true };
      if (outcome === 'done') break;
      await pause();
    }
  }

  if (policy.adminLogDays > 0) {
    const cutoff = new Date((options.now ?? new Date()).getTime() - policy.adminLogDays * DAY_MS);
    for (;;) {
      if (options.shouldStop?.()) return { ...report, interrupted: true };
      const deleted = await queryRows<{ id: number }>(
        db,
        sql`delete from ${adminLog} where id in (select id from ${adminLog} where ${adminLog.at} < ${timestamp(cutoff)} limit ${batchSize}) returning id`,
      );
      report.adminLog += deleted.length;
      if (deleted.length < batchSize) break;
      await pause();
    }
  }
  return report;
}

async function takeLock(tx: Tx): Promise<boolean> {
  const [row] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK_ID}) as locked`);
  return row.locked;
}

async function deleteItems(tx: Tx, ids: number[]): Promise<void> {
  const list = intArray(ids, 'bigint');
  // A translation that points at a deleted item no longer has one.
  await tx.execute(sql`update ${items} set translation_of = null, updated_at = now() where translation_of = any(${list})`);
  const gone = await queryRows<{ source_id: number }>(tx, sql`delete from ${items} where id = any(${list}) returning source_id`);
  const perSource = new Map<number, number>();
  for (const g of gone) perSource.set(Number(g.source_id), (perSource.get(Number(g.source_id)) ?? 0) + 1);
  // Counted down rather than recounted (a recount reads every item of every source touched); the
  // next ingest of a source recounts it anyway.
  const values = sql.join([...perSource].map(([id, n]) => sql`(${id}::int, ${n}::int)`), sql`, `);
  await tx.execute(sql`update ${sources} set item_count = greatest(${sources.itemCount} - d.n, 0) from (values ${values}) as d(id, n) where ${sources.id} = d.id`);
  await bumpGeneration(tx);
}
