// Queries on sources: registry sync, health listing, and the leases that let several workers
// share the fetching without ever fetching one source twice at once.
import { and, asc, desc, eq, inArray, isNull, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import { canonicalSelectors } from '../core/page-selectors.ts';
import type { PageSelectors, SourceOrigin, SourceSpec, SourceStatus } from '../core/types.ts';
import { hostOf } from '../normalize/urls.ts';
import type { Db, Tx } from './db.ts';
import { bumpGeneration } from './hub-state.ts';
import { fetches, itemFingerprintKeys, items, sources, type FetchRow, type SourceRow } from './schema.ts';

function specColumns(spec: SourceSpec) {
  return {
    title: spec.title,
    organization: spec.organization,
    region: spec.region,
    province: spec.province ?? null,
    languages: spec.languages,
    topics: spec.topics,
    siteUrl: spec.siteUrl ?? null,
    intervalOverrideMinutes: spec.intervalMinutes ?? null,
    kind: spec.kind ?? 'feed',
    selectors: spec.kind === 'page' && spec.selectors ? canonicalSelectors(spec.selectors) : null,
  };
}

/** A source's column as a spec would write it, for telling whether the spec changed it. */
function comparable(key: string, value: unknown): string {
  if (key === 'selectors' && value) return JSON.stringify(canonicalSelectors(value as PageSelectors));
  return JSON.stringify(value ?? null);
}

/** A new address, or a new way of reading it: what was fetched and read so far says nothing of what comes. */
const FRESH_READ = {
  etag: null,
  lastModified: null,
  bodyHash: null,
  lastItemsFound: null,
  redirectTo: null,
  redirectSeen: 0,
  nextFetchAt: sql`now()`,
};

export interface SyncReport {
  added: string[];
  updated: string[];
  retired: string[];
}

/**
 * Makes the database agree with feeds.yaml. The file wins for what it declares; a source the file
 * no longer lists is paused (its items stay); sources added through the API are left alone.
 * With `dryRun`, the same work is done and rolled back: the report says what it would change.
 */
export async function syncSources(db: Db, specs: SourceSpec[], options: { dryRun?: boolean } = {}): Promise<SyncReport> {
  const report: SyncReport = { added: [], updated: [], retired: [] };
  await db.transaction(async (tx) => {
    // Processes started together (several workers and web processes) sync one after another.
    await tx.execute(sql`select pg_advisory_xact_lock(${REGISTRY_LOCK_ID})`);
    const existing = new Map((await tx.select().from(sources)).map((s) => [s.slug, s]));
    for (const spec of specs) {
      const row = existing.get(spec.slug);
      if (!row) {
        await tx.insert(sources).values({ slug: spec.slug, url: spec.url, host: hostOf(spec.url), origin: 'file', ...specColumns(spec) });
        report.added.push(spec.slug);
        continue;
      }
      const cols = specColumns(spec);
      const urlChanged = row.url !== spec.url && !row.aliases.includes(spec.url);
      const readChanged = comparable('kind', row.kind) !== comparable('kind', cols.kind) || comparable('selectors', row.selectors) !== comparable('selectors', cols.selectors);
      const changed =
        urlChanged ||
        row.origin !== 'file' ||
        isRetired(row) ||
        Object.entries(cols).some(([k, v]) => comparable(k, row[k as keyof SourceRow]) !== comparable(k, v));
      if (!changed) continue;
      await tx
        .update(sources)
        .set({
          ...cols,
          origin: 'file',
          ...(urlChanged || readChanged ? FRESH_READ : {}),
          ...(urlChanged ? { url: spec.url, host: hostOf(spec.url) } : {}),
          ...(isRetired(row) ? { status: 'active' as const, lastErrorCode: null, lastErrorParams: null, lastError: null } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(sources.id, row.id));
      report.updated.push(spec.slug);
    }
    const declared = specs.map((s) => s.slug);
    const retired = await tx
      .update(sources)
      .set({ status: 'paused', lastErrorCode: 'retired', lastErrorParams: {}, lastError: RETIRED_REASON, updatedAt: sql`now()` })
      .where(and(eq(sources.origin, 'file'), eq(sources.status, 'active'), declared.length ? notInArray(sources.slug, declared) : sql`true`))
      .returning({ slug: sources.slug });
    report.retired = retired.map((r) => r.slug);
    if (report.added.length || report.updated.length || report.retired.length) await bumpGeneration(tx);
    if (options.dryRun) throw DRY_RUN;
  }).catch((err: unknown) => {
    if (err !== DRY_RUN) throw err;
  });
  return report;
}

const DRY_RUN = new Error('dry run: rolled back');

/** The English detail beside the 'retired' code. */
export const RETIRED_REASON = 'no longer listed in feeds.yaml';

/** Paused because feeds.yaml no longer lists it: the file listing it again brings it back. */
const isRetired = (row: SourceRow) => row.status === 'paused' && row.lastErrorCode === 'retired';

export async function listSources(db: Db): Promise<SourceRow[]> {
  return db.select().from(sources).orderBy(asc(sources.slug));
}

/** Every source's slug, in order: what a filter's names are checked against, without reading the rest. */
export async function listSourceSlugs(db: Db): Promise<string[]> {
  return (await db.select({ slug: sources.slug }).from(sources).orderBy(asc(sources.slug))).map((r) => r.slug);
}

export async function getSourceBySlug(db: Db, slug: string): Promise<SourceRow | undefined> {
  const [row] = await db.select().from(sources).where(eq(sources.slug, slug));
  return row;
}

export interface LeaseOptions {
  owner: string;
  limit: number;
  leaseSeconds: number;
  /** 'due' (default): only sources whose next fetch has come; 'all': every active source. */
  which?: 'due' | 'all';
  /** Lease only these slugs (still skipping ones leased by someone else). */
  slugs?: string[];
  /** Hosts not to lease from right now (a Retry-After is in force for them). */
  skipHosts?: string[];
  /** Sources already handled in this run. */
  excludeIds?: number[];
}

/**
 * Leases sources for fetching. FOR UPDATE SKIP LOCKED makes concurrent workers take disjoint
 * sets; the lease expiry hands a dead worker's sources to the others.
 */
export async function leaseSources(db: Db, options: LeaseOptions): Promise<SourceRow[]> {
  if (options.limit <= 0) return [];
  const conditions = [
    eq(sources.status, 'active'),
    or(isNull(sources.leaseUntil), lt(sources.leaseUntil, sql`now()`)),
  ];
  if ((options.which ?? 'due') === 'due') conditions.push(lte(sources.nextFetchAt, sql`now()`));
  if (options.slugs) conditions.push(options.slugs.length ? inArray(sources.slug, options.slugs) : sql`false`);
  if (options.skipHosts?.length) conditions.push(notInArray(sources.host, options.skipHosts));
  if (options.excludeIds?.length) conditions.push(notInArray(sources.id, options.excludeIds));
  const candidates = db
    .select({ id: sources.id })
    .from(sources)
    .where(and(...conditions))
    .orderBy(asc(sources.nextFetchAt), asc(sources.id))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  return db
    .update(sources)
    .set({
      leaseOwner: options.owner,
      leaseUntil: sql`now() + make_interval(secs => ${options.leaseSeconds})`,
    })
    .where(inArray(sources.id, candidates))
    .returning();
}

/** Gives a lease back without recording a fetch (shutdown before the fetch started). */
export async function releaseLease(db: Db, sourceId: number, owner: string): Promise<void> {
  await db
    .update(sources)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(sources.id, sourceId), eq(sources.leaseOwner, owner)));
}

/** Pushes back every source on a host (a 429/503 with Retry-After is about the host, not one feed). */
export async function deferHost(db: Db, host: string, until: Date): Promise<void> {
  await db
    .update(sources)
    .set({ nextFetchAt: until })
    .where(and(eq(sources.host, host), lt(sources.nextFetchAt, until)));
}

export async function setSourceStatus(db: Db, slug: string, status: SourceStatus): Promise<SourceRow | undefined> {
  const [row] = await db
    .update(sources)
    .set({ status, updatedAt: sql`now()`, ...(status === 'active' ? { nextFetchAt: sql`now()`, errorCount: 0 } : {}) })
    .where(eq(sources.slug, slug))
    .returning();
  return row;
}

/**
 * Arbitrary but fixed: every change to the set of sources (the feeds.yaml sync, registrations
 * through the API, the CLI or OPML) takes this lock, so duplicate checks hold across processes.
 */
const REGISTRY_LOCK_ID = 4_242_018;

/**
 * Runs `work` in a transaction that holds the registry lock, so that two registrations checking
 * for duplicates at the same moment cannot both insert the same feed.
 */
export async function withRegistryLock<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REGISTRY_LOCK_ID})`);
    return work(tx);
  });
}

/** Adds sources registered at run time (origin 'api': feeds.yaml sync leaves them alone). */
export async function insertSources(tx: Tx | Db, specs: SourceSpec[], origin: SourceOrigin = 'api'): Promise<SourceRow[]> {
  if (specs.length === 0) return [];
  const rows: SourceRow[] = [];
  // Batches keep each statement's parameter count well under Postgres's limit.
  for (let i = 0; i < specs.length; i += 200) {
    const batch = specs.slice(i, i + 200);
    rows.push(
      ...(await tx
        .insert(sources)
        .values(batch.map((spec) => ({ slug: spec.slug, url: spec.url, host: hostOf(spec.url), origin, ...specColumns(spec) })))
        .returning()),
    );
  }
  await bumpGeneration(tx);
  return rows;
}

/**
 * Replaces a source's declared fields; a new URL starts its fetch state afresh and keeps the old
 * one as an alias, and new selectors read the page afresh.
 */
export async function updateSourceSpec(tx: Tx | Db, row: SourceRow, spec: SourceSpec): Promise<SourceRow> {
  const urlChanged = spec.url !== row.url;
  const cols = specColumns(spec);
  const readChanged = cols.kind !== row.kind || comparable('selectors', cols.selectors) !== comparable('selectors', row.selectors);
  const [updated] = await tx
    .update(sources)
    .set({
      ...cols,
      ...(urlChanged || readChanged ? FRESH_READ : {}),
      ...(urlChanged
        ? {
            url: spec.url,
            host: hostOf(spec.url),
            aliases: [...new Set([...row.aliases, row.url])].filter((u) => u !== spec.url),
          }
        : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(sources.id, row.id))
    .returning();
  await bumpGeneration(tx);
  return updated;
}

/** Deletes a source with its items, their near-duplicate keys and its fetch history; returns how many items went. */
export async function deleteSource(db: Db, sourceId: number): Promise<{ itemsDeleted: number }> {
  return db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(items).where(eq(items.sourceId, sourceId));
    // The near-duplicate index has no foreign key to cascade through (schema.ts).
    await tx.execute(sql`delete from ${itemFingerprintKeys} where item_id in (select id from ${items} where source_id = ${sourceId})`);
    await tx.delete(sources).where(eq(sources.id, sourceId));
    await bumpGeneration(tx);
    return { itemsDeleted: Number(n) };
  });
}

/** Makes a source due now, so the next tick of any worker fetches it. */
export async function markSourceDue(db: Db, sourceId: number): Promise<void> {
  await db.update(sources).set({ nextFetchAt: sql`now()` }).where(eq(sources.id, sourceId));
}

/** The newest entries of a source's fetch log. */
export async function listFetches(db: Db, sourceId: number, limit: number): Promise<FetchRow[]> {
  return db.select().from(fetches).where(eq(fetches.sourceId, sourceId)).orderBy(desc(fetches.startedAt), desc(fetches.id)).limit(limit);
}

/** Sources per status, and how many are failing, for the metrics gauges. */
export async function countSourceHealth(db: Db): Promise<{ byStatus: Record<string, number>; failing: number }> {
  const rows = await db
    .select({ status: sources.status, n: sql<number>`count(*)::int`, failing: sql<number>`count(*) filter (where ${sources.errorCount} > 0)::int` })
    .from(sources)
    .groupBy(sources.status);
  return {
    byStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])),
    failing: rows.reduce((a, r) => a + Number(r.failing), 0),
  };
}
