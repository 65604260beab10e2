// Queries on WebSub subscriptions and on the requests waiting for a worker (verifications,
// denials). Both are jobs leased from here: a lease takes due rows with FOR UPDATE SKIP LOCKED,
// bumps `attempts` and sets lease_until, so a worker that dies hands its rows to the others when
// the lease runs out. The bumped `attempts` is the lease's token: a result only lands if it is
// still the same, so a lease that outlived itself never overwrites another worker's work.
//
// Leases are fair between callback hosts: each host has at most `perHost` rows leased at once
// (counted over every worker, give or take a lease taken at the same instant), and a lease takes
// every host's oldest due row before anyone's second.
import { and, asc, count, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { intArray, queryRows, type Db } from './db.ts';
import { websubRequests, websubSubscriptions } from './schema.ts';

export type WebsubSubscriptionRow = typeof websubSubscriptions.$inferSelect;
export type WebsubRequestRow = typeof websubRequests.$inferSelect;
export type WebsubRequestMode = WebsubRequestRow['mode'];

/** A leased delivery: the subscription as it was leased. */
export type DeliveryLease = WebsubSubscriptionRow;
/** A leased request. */
export type RequestLease = WebsubRequestRow;

export interface LeaseOptions {
  limit: number;
  leaseSeconds: number;
  perHost: number;
}

const secs = (s: number) => sql`now() + make_interval(secs => ${s})`;
const subs = websubSubscriptions;
const reqs = websubRequests;
const live = () => gt(subs.expiresAt, sql`now()`);
const unleased = (table: typeof subs | typeof reqs) => or(isNull(table.leaseUntil), lte(table.leaseUntil, sql`now()`))!;
const leased = (table: typeof subs | typeof reqs, lease: { id: number; attempts: number }) => and(eq(table.id, lease.id), eq(table.attempts, lease.attempts));

/**
 * The ids of up to `limit` due rows, taken in turn from each callback host (its oldest first), and
 * none from a host that already has `perHost` rows leased.
 */
async function fairCandidates(db: Db, table: typeof subs | typeof reqs, due: SQL, dueAt: SQL, options: LeaseOptions): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`with busy as (
          select ${table.callbackHost} as host, count(*)::int as n from ${table} where ${table.leaseUntil} > now() group by ${table.callbackHost}
        ), ranked as (
          select ${table.id} as id, ${dueAt} as due_at,
                 row_number() over (partition by ${table.callbackHost} order by ${dueAt}, ${table.id}) + coalesce(busy.n, 0) as place
          from ${table} left join busy on busy.host = ${table.callbackHost}
          where ${due}
        )
        select id from ranked where place <= ${options.perHost} order by place, due_at, id limit ${options.limit}`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Leases the fair candidates that are still due: FOR UPDATE SKIP LOCKED, so concurrent workers
 * take disjoint rows; `attempts` is bumped (the lease's token) and lease_until set.
 */
async function leaseFairly<Row>(db: Db, table: typeof subs | typeof reqs, due: SQL, dueAt: SQL, options: LeaseOptions): Promise<Row[]> {
  if (options.limit <= 0) return [];
  const ids = await fairCandidates(db, table, due, dueAt, options);
  if (!ids.length) return [];
  // Both tables have the id, attempts and lease_until this needs; the query builder wants one type.
  const t = table as typeof subs;
  const lockable = db
    .select({ id: t.id })
    .from(t)
    .where(and(sql`${t.id} = any(${intArray(ids)})`, due))
    .for('update', { skipLocked: true });
  const rows = await db
    .update(t)
    .set({ attempts: sql`${t.attempts} + 1`, leaseUntil: secs(options.leaseSeconds) })
    .where(inArray(t.id, lockable))
    .returning();
  return rows as unknown as Row[];
}

// ---- subscriptions

export async function getSubscription(db: Db, topic: string, callback: string): Promise<WebsubSubscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(subs)
    .where(and(eq(subs.topic, topic), eq(subs.callback, callback)));
  return row;
}

export async function listSubscriptions(db: Db): Promise<WebsubSubscriptionRow[]> {
  return db.select().from(subs).orderBy(asc(subs.id));
}

/** Live subscriptions: all of them, and those of one callback host. */
export async function countSubscriptions(db: Db, callbackHost: string): Promise<{ total: number; forHost: number }> {
  const [row] = await db
    .select({ total: count(), forHost: sql<number>`count(*) filter (where ${subs.callbackHost} = ${callbackHost})`.mapWith(Number) })
    .from(subs)
    .where(live());
  return { total: Number(row.total), forHost: row.forHost };
}

/**
 * Intent verified: the subscription is active for `leaseSeconds` from now, with the secret given
 * in this request (none if none: W3C WebSub §5.1 lets a renewal drop it). A new subscription starts
 * from `contentHash`, the document as it was when the subscriber asked; a renewal keeps its
 * delivery state.
 */
export async function activateSubscription(
  db: Db,
  s: { topic: string; callback: string; callbackHost: string; leaseSeconds: number; secret: string | null; contentHash: string | null },
): Promise<WebsubSubscriptionRow> {
  const [row] = await db
    .insert(subs)
    .values({ topic: s.topic, callback: s.callback, callbackHost: s.callbackHost, leaseSeconds: s.leaseSeconds, secret: s.secret, expiresAt: secs(s.leaseSeconds), lastContentHash: s.contentHash })
    .onConflictDoUpdate({
      target: [subs.topic, subs.callback],
      set: {
        leaseSeconds: s.leaseSeconds,
        secret: s.secret,
        expiresAt: secs(s.leaseSeconds),
        lastContentHash: sql`coalesce(${subs.lastContentHash}, excluded.last_content_hash)`,
      },
    })
    .returning();
  return row;
}

export async function deleteSubscription(db: Db, topic: string, callback: string): Promise<boolean> {
  const gone = await db
    .delete(subs)
    .where(and(eq(subs.topic, topic), eq(subs.callback, callback)))
    .returning({ id: subs.id });
  return gone.length > 0;
}

export async function deleteSubscriptionById(db: Db, id: number): Promise<void> {
  await db.delete(subs).where(eq(subs.id, id));
}

/** Leases are enforced (§5.3.1): expired subscriptions go. */
export async function deleteExpiredSubscriptions(db: Db): Promise<number> {
  return (await db.delete(subs).where(lte(subs.expiresAt, sql`now()`)).returning({ id: subs.id })).length;
}

/**
 * Every topic with a live subscription, the longest-subscribed first: a flood of new topics waits
 * behind the feeds people already follow, whatever their names.
 */
export async function listSubscribedTopics(db: Db): Promise<string[]> {
  const rows = await db
    .select({ topic: subs.topic })
    .from(subs)
    .where(live())
    .groupBy(subs.topic)
    .orderBy(sql`min(${subs.id})`);
  return rows.map((r) => r.topic);
}

export async function listSubscriptionsForTopic(db: Db, topic: string): Promise<WebsubSubscriptionRow[]> {
  return db.select().from(subs).where(and(eq(subs.topic, topic), live()));
}

/**
 * The topic's document is now `contentHash`: every subscription that has not dealt with it yet
 * gets a delivery due now. One already waiting keeps its schedule (its retry sends whatever is
 * current then), so a failing callback is not hammered by every ingest.
 */
export async function markTopicChanged(db: Db, topic: string, contentHash: string): Promise<number> {
  const rows = await db
    .update(subs)
    .set({ pendingSince: sql`now()`, nextAttemptAt: sql`now()`, attempts: 0 })
    .where(and(eq(subs.topic, topic), live(), isNull(subs.pendingSince), sql`${subs.lastContentHash} is distinct from ${contentHash}`))
    .returning({ id: subs.id });
  return rows.length;
}

/** Leases up to `limit` due deliveries; concurrent workers take disjoint rows. */
export async function leaseDeliveries(db: Db, options: LeaseOptions): Promise<DeliveryLease[]> {
  const due = and(live(), isNotNull(subs.pendingSince), lte(subs.nextAttemptAt, sql`now()`), unleased(subs))!;
  return leaseFairly<DeliveryLease>(db, subs, due, sql`${subs.nextAttemptAt}`, options);
}

/**
 * Delivered (or found already current). The delivery is settled unless the document moved on
 * while it was in flight (`currentHash` differs), in which case the next one is due at once.
 */
export async function completeDelivery(
  db: Db,
  lease: DeliveryLease,
  result: { contentHash: string; currentHash: string; delivered: boolean },
): Promise<boolean> {
  const again = result.currentHash !== result.contentHash;
  const rows = await db
    .update(subs)
    .set({
      lastContentHash: result.contentHash,
      ...(result.delivered ? { lastDeliveryAt: sql`now()`, lastError: null } : {}),
      pendingSince: again ? sql`now()` : null,
      nextAttemptAt: again ? sql`now()` : null,
      attempts: 0,
      leaseUntil: null,
    })
    .where(leased(subs, lease))
    .returning({ id: subs.id });
  return rows.length > 0;
}

/** A failed attempt: try again in `delaySeconds`. */
export async function retryDelivery(db: Db, lease: DeliveryLease, delaySeconds: number, error: string): Promise<boolean> {
  const rows = await db
    .update(subs)
    .set({ nextAttemptAt: secs(delaySeconds), lastError: error, leaseUntil: null })
    .where(leased(subs, lease))
    .returning({ id: subs.id });
  return rows.length > 0;
}

/**
 * Out of attempts: this document is given up on (`contentHash` recorded as dealt with) and the
 * subscription stays, so the next change is delivered afresh (§7).
 */
export async function dropDelivery(db: Db, lease: DeliveryLease, contentHash: string | null, error: string): Promise<boolean> {
  const rows = await db
    .update(subs)
    .set({
      ...(contentHash ? { lastContentHash: contentHash } : {}),
      pendingSince: null,
      nextAttemptAt: null,
      attempts: 0,
      lastError: error,
      leaseUntil: null,
    })
    .where(leased(subs, lease))
    .returning({ id: subs.id });
  return rows.length > 0;
}

/** Gives a lease back untouched (shutdown mid-request): due again now, the attempt not counted. */
export async function releaseDelivery(db: Db, lease: DeliveryLease): Promise<void> {
  await db
    .update(subs)
    .set({ leaseUntil: null, attempts: sql`${subs.attempts} - 1` })
    .where(leased(subs, lease));
}

// ---- requests waiting for a worker

export interface NewRequest {
  mode: WebsubRequestMode;
  topic: string;
  requestedTopic: string;
  callback: string;
  callbackHost: string;
  leaseSeconds: number;
  secret: string | null;
  contentHash?: string | null;
  reason?: string | null;
  /** How long the request may wait for a worker. */
  holdSeconds: number;
}

/** Queues a request; one already waiting for the same topic and callback is replaced by it. */
export async function putRequest(db: Db, r: NewRequest): Promise<void> {
  const values = {
    mode: r.mode,
    topic: r.topic,
    requestedTopic: r.requestedTopic,
    callback: r.callback,
    callbackHost: r.callbackHost,
    leaseSeconds: r.leaseSeconds,
    secret: r.secret,
    contentHash: r.contentHash ?? null,
    reason: r.reason ?? null,
    requestedAt: sql`now()`,
    expiresAt: secs(r.holdSeconds),
    attempts: 0,
    leaseUntil: null,
  };
  await db.insert(reqs).values(values).onConflictDoUpdate({ target: [reqs.topic, reqs.callback], set: values });
}

/** Verifications waiting (denials not counted): all of them, and those of one callback host. */
export async function countPendingVerifications(db: Db, callbackHost: string): Promise<{ total: number; forHost: number }> {
  const [row] = await db
    .select({ total: count(), forHost: sql<number>`count(*) filter (where ${reqs.callbackHost} = ${callbackHost})`.mapWith(Number) })
    .from(reqs)
    .where(and(ne(reqs.mode, 'denied'), gt(reqs.expiresAt, sql`now()`)));
  return { total: Number(row.total), forHost: row.forHost };
}

/** Leases up to `limit` requests, giving up on those already tried `maxAttempts` times. */
export async function leaseRequests(db: Db, options: LeaseOptions & { maxAttempts: number }): Promise<RequestLease[]> {
  const due = and(gt(reqs.expiresAt, sql`now()`), unleased(reqs), sql`${reqs.attempts} < ${options.maxAttempts}`)!;
  return leaseFairly<RequestLease>(db, reqs, due, sql`${reqs.requestedAt}`, options);
}

/** Done with a request; a newer one that replaced it meanwhile stays. */
export async function finishRequest(db: Db, lease: RequestLease): Promise<void> {
  await db.delete(reqs).where(leased(reqs, lease));
}

/** Gives a request back untouched (shutdown mid-request). */
export async function releaseRequest(db: Db, lease: RequestLease): Promise<void> {
  await db
    .update(reqs)
    .set({ leaseUntil: null, attempts: sql`${reqs.attempts} - 1` })
    .where(leased(reqs, lease));
}

/** Requests nobody verified in time, or tried too often, go. */
export async function deleteStaleRequests(db: Db, maxAttempts: number): Promise<number> {
  const gone = await db
    .delete(reqs)
    .where(or(lte(reqs.expiresAt, sql`now()`), and(sql`${reqs.attempts} >= ${maxAttempts}`, unleased(reqs))))
    .returning({ id: reqs.id });
  return gone.length;
}

export async function listRequests(db: Db): Promise<WebsubRequestRow[]> {
  return db.select().from(reqs).orderBy(asc(reqs.id));
}
