// Queries on WebSub subscriptions. The delivery state lives on the row (pending_since,
// next_attempt_at, attempts), so any process can pick up a due delivery: a claim takes rows with
// FOR UPDATE SKIP LOCKED, bumps `attempts` and pushes next_attempt_at past the request deadline.
// The bumped `attempts` is the claim's token: a completion only lands if it is still the same,
// so a claim that outlived its lease can never overwrite another process's work.
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { websubSubscriptions } from './schema.ts';

export type WebsubSubscriptionRow = typeof websubSubscriptions.$inferSelect;

/** A claimed delivery: the row as it was claimed. */
export type DeliveryClaim = WebsubSubscriptionRow;

const secs = (s: number) => sql`now() + make_interval(secs => ${s})`;
const live = () => gt(websubSubscriptions.expiresAt, sql`now()`);
const claimed = (claim: DeliveryClaim) => and(eq(websubSubscriptions.id, claim.id), eq(websubSubscriptions.attempts, claim.attempts));

export async function getSubscription(db: Db, topic: string, callback: string): Promise<WebsubSubscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(websubSubscriptions)
    .where(and(eq(websubSubscriptions.topic, topic), eq(websubSubscriptions.callback, callback)));
  return row;
}

export async function listSubscriptions(db: Db): Promise<WebsubSubscriptionRow[]> {
  return db.select().from(websubSubscriptions).orderBy(asc(websubSubscriptions.id));
}

/**
 * A placeholder for a subscription whose intent is being verified: `pending`, never delivered
 * to, gone after `holdSeconds` if the verifying process dies. An existing row is left alone
 * (a renewal changes nothing until verified, W3C WebSub §5.1).
 */
export async function insertPendingSubscription(db: Db, s: { topic: string; callback: string; leaseSeconds: number; holdSeconds: number }): Promise<void> {
  await db
    .insert(websubSubscriptions)
    .values({ topic: s.topic, callback: s.callback, leaseSeconds: s.leaseSeconds, state: 'pending', expiresAt: secs(s.holdSeconds) })
    .onConflictDoNothing({ target: [websubSubscriptions.topic, websubSubscriptions.callback] });
}

/**
 * Intent verified: the subscription is active for `leaseSeconds` from now, with the secret given
 * in this request (none if none: §5.1 lets a renewal drop it). A new subscription starts from
 * `contentHash`, the document as it was when the subscriber asked; a renewal keeps its delivery state.
 */
export async function activateSubscription(
  db: Db,
  s: { topic: string; callback: string; leaseSeconds: number; secret: string | null; contentHash: string },
): Promise<WebsubSubscriptionRow> {
  const [row] = await db
    .insert(websubSubscriptions)
    .values({ topic: s.topic, callback: s.callback, leaseSeconds: s.leaseSeconds, secret: s.secret, state: 'active', expiresAt: secs(s.leaseSeconds), lastContentHash: s.contentHash })
    .onConflictDoUpdate({
      target: [websubSubscriptions.topic, websubSubscriptions.callback],
      set: {
        leaseSeconds: s.leaseSeconds,
        secret: s.secret,
        state: 'active',
        expiresAt: secs(s.leaseSeconds),
        lastContentHash: sql`coalesce(${websubSubscriptions.lastContentHash}, excluded.last_content_hash)`,
      },
    })
    .returning();
  return row;
}

/** Verification failed: a placeholder goes; an active subscription stays as it was (§5.1). */
export async function discardPendingSubscription(db: Db, topic: string, callback: string): Promise<void> {
  await db
    .delete(websubSubscriptions)
    .where(and(eq(websubSubscriptions.topic, topic), eq(websubSubscriptions.callback, callback), eq(websubSubscriptions.state, 'pending')));
}

export async function deleteSubscription(db: Db, topic: string, callback: string): Promise<boolean> {
  const gone = await db
    .delete(websubSubscriptions)
    .where(and(eq(websubSubscriptions.topic, topic), eq(websubSubscriptions.callback, callback)))
    .returning({ id: websubSubscriptions.id });
  return gone.length > 0;
}

export async function deleteSubscriptionById(db: Db, id: number): Promise<void> {
  await db.delete(websubSubscriptions).where(eq(websubSubscriptions.id, id));
}

/** Leases are enforced (§5.3.1): expired subscriptions, and placeholders nobody verified, go. */
export async function deleteExpiredSubscriptions(db: Db): Promise<WebsubSubscriptionRow[]> {
  return db.delete(websubSubscriptions).where(lte(websubSubscriptions.expiresAt, sql`now()`)).returning();
}

/** Every topic with a live active subscription. */
export async function listSubscribedTopics(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ topic: websubSubscriptions.topic })
    .from(websubSubscriptions)
    .where(and(eq(websubSubscriptions.state, 'active'), live()))
    .orderBy(asc(websubSubscriptions.topic));
  return rows.map((r) => r.topic);
}

export async function listActiveSubscriptionsForTopic(db: Db, topic: string): Promise<WebsubSubscriptionRow[]> {
  return db
    .select()
    .from(websubSubscriptions)
    .where(and(eq(websubSubscriptions.topic, topic), eq(websubSubscriptions.state, 'active')));
}

/**
 * The topic's document is now `contentHash`: every active subscription that has not dealt with it
 * yet gets a delivery due now. One already waiting keeps its schedule (its retry sends whatever
 * is current then), so a failing callback is not hammered by every ingest.
 */
export async function markTopicChanged(db: Db, topic: string, contentHash: string): Promise<number> {
  const rows = await db
    .update(websubSubscriptions)
    .set({ pendingSince: sql`now()`, nextAttemptAt: sql`now()`, attempts: 0 })
    .where(
      and(
        eq(websubSubscriptions.topic, topic),
        eq(websubSubscriptions.state, 'active'),
        live(),
        isNull(websubSubscriptions.pendingSince),
        sql`${websubSubscriptions.lastContentHash} is distinct from ${contentHash}`,
      ),
    )
    .returning({ id: websubSubscriptions.id });
  return rows.length;
}

/** Claims up to `limit` due deliveries for `claimSeconds`; concurrent claimers take disjoint rows. */
export async function claimDueDeliveries(db: Db, options: { limit: number; claimSeconds: number }): Promise<DeliveryClaim[]> {
  if (options.limit <= 0) return [];
  const due = db
    .select({ id: websubSubscriptions.id })
    .from(websubSubscriptions)
    .where(
      and(
        eq(websubSubscriptions.state, 'active'),
        live(),
        isNotNull(websubSubscriptions.pendingSince),
        lte(websubSubscriptions.nextAttemptAt, sql`now()`),
      ),
    )
    .orderBy(asc(websubSubscriptions.nextAttemptAt), asc(websubSubscriptions.id))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  return db
    .update(websubSubscriptions)
    .set({ attempts: sql`${websubSubscriptions.attempts} + 1`, nextAttemptAt: secs(options.claimSeconds) })
    .where(inArray(websubSubscriptions.id, due))
    .returning();
}

/**
 * Delivered (or found already current). The delivery is settled unless the document moved on
 * while it was in flight (`currentHash` differs), in which case the next one is due at once.
 */
export async function completeDelivery(
  db: Db,
  claim: DeliveryClaim,
  result: { contentHash: string; currentHash: string; delivered: boolean },
): Promise<boolean> {
  const again = result.currentHash !== result.contentHash;
  const rows = await db
    .update(websubSubscriptions)
    .set({
      lastContentHash: result.contentHash,
      ...(result.delivered ? { lastDeliveryAt: sql`now()`, lastError: null } : {}),
      pendingSince: again ? sql`now()` : null,
      nextAttemptAt: again ? sql`now()` : null,
      attempts: 0,
    })
    .where(claimed(claim))
    .returning({ id: websubSubscriptions.id });
  return rows.length > 0;
}

/** A failed attempt: try again in `delaySeconds`. */
export async function retryDelivery(db: Db, claim: DeliveryClaim, delaySeconds: number, error: string): Promise<boolean> {
  const rows = await db
    .update(websubSubscriptions)
    .set({ nextAttemptAt: secs(delaySeconds), lastError: error })
    .where(claimed(claim))
    .returning({ id: websubSubscriptions.id });
  return rows.length > 0;
}

/**
 * Out of attempts: this document is given up on (`contentHash` recorded as dealt with) and the
 * subscription stays, so the next change is delivered afresh (§7).
 */
export async function dropDelivery(db: Db, claim: DeliveryClaim, contentHash: string | null, error: string): Promise<boolean> {
  const rows = await db
    .update(websubSubscriptions)
    .set({
      ...(contentHash ? { lastContentHash: contentHash } : {}),
      pendingSince: null,
      nextAttemptAt: null,
      lastError: error,
    })
    .where(claimed(claim))
    .returning({ id: websubSubscriptions.id });
  return rows.length > 0;
}

/** Gives a claim back untouched (shutdown mid-request): due again now, the attempt not counted. */
export async function releaseDelivery(db: Db, claim: DeliveryClaim): Promise<void> {
  await db
    .update(websubSubscriptions)
    .set({ nextAttemptAt: sql`now()`, attempts: sql`${websubSubscriptions.attempts} - 1` })
    .where(claimed(claim));
}
