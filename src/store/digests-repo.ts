// Queries on email digest subscriptions, their send log and the confirmation limit. Sending is a
// job (schedule/digest-jobs.ts): a lease takes due rows with FOR UPDATE SKIP LOCKED, bumps
// `attempts` and sets lease_until, so a worker that dies hands its rows to the others when the
// lease runs out; a result only lands while `attempts` is still the lease's own.
//
// "Never twice": a digest's content (its window, its stories, its Message-ID) is written as a
// prepared send before the message goes; the transaction that records SMTP's acceptance settles
// that send and moves the subscription's window on. A prepared send found by the next attempt (the
// worker died, or the connection dropped after the message was handed over) is sent again exactly
// as it was, under the same Message-ID, and never rebuilt into another message.
import { createHash, timingSafeEqual } from 'node:crypto';
import { and, asc, count, desc, eq, gt, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import { queryRows, type Db } from './db.ts';
import {
  digestConfirmationLimits,
  digestSends,
  digestSubscriptions,
  type DigestFrequency,
  type DigestSendRow,
  type DigestSendStatus,
  type DigestSubscriptionRow,
} from './digest-schema.ts';

export type { DigestFrequency, DigestSendRow, DigestSubscriptionRow };

const subs = digestSubscriptions;
const sends = digestSends;
const limits = digestConfirmationLimits;

const secs = (s: number) => sql`now() + make_interval(secs => ${s})`;
const ago = (s: number) => sql`now() - make_interval(secs => ${s})`;
const unleased = () => or(isNull(subs.leaseUntil), lte(subs.leaseUntil, sql`now()`))!;
const leased = (lease: { id: number; attempts: number }) => and(eq(subs.id, lease.id), eq(subs.attempts, lease.attempts))!;
/** Those of these subscriptions still leased by their `attempts`. */
const stillLeased = (leases: readonly { id: number; attempts: number }[]) => or(...leases.map(leased))!;

/** How long a confirmation link works, and an unconfirmed request is kept. */
export const CONFIRMATION_DAYS = 7;
const CONFIRMATION_SECONDS = CONFIRMATION_DAYS * 86_400;
/** One confirmation message per address per this many seconds, whatever the number of requests. */
export const CONFIRMATION_INTERVAL_SECONDS = 86_400;
/** Selections one message of confirmation lists at most (one address). */
export const MAX_PENDING_PER_ADDRESS = 5;

/** The key an address is counted and matched by: lower case, hashed (it outlives the address for a day). */
export function addressKeyOf(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('hex');
}

// ---- the web side: asking, confirming, changing, leaving

export type RequestResult = { kind: 'queued'; id: number } | { kind: 'known' } | { kind: 'address-full' } | { kind: 'full' };

/**
 * Records a request to subscribe, waiting for its confirmation message. An address that already
 * asked for (or receives) this selection is left as it is; the answer is the same to the person
 * either way, so nobody learns whether an address subscribes to anything.
 */
export async function requestSubscription(
  db: Db,
  r: { email: string; selection: string; ui: 'en' | 'fr'; frequency: DigestFrequency; token: string; from: string; maxPending: number },
): Promise<RequestResult> {
  const addressKey = addressKeyOf(r.email);
  const [counts] = await db
    .select({ total: count(), forAddress: sql<number>`count(*) filter (where ${subs.addressKey} = ${addressKey})`.mapWith(Number) })
    .from(subs)
    .where(eq(subs.status, 'pending'));
  const [existing] = await db.select({ id: subs.id }).from(subs).where(and(eq(subs.addressKey, addressKey), eq(subs.selection, r.selection)));
  if (existing) return { kind: 'known' };
  if (counts.forAddress >= MAX_PENDING_PER_ADDRESS) return { kind: 'address-full' };
  if (Number(counts.total) >= r.maxPending) return { kind: 'full' };
  const [row] = await db
    .insert(subs)
    .values({ email: r.email, addressKey, selection: r.selection, ui: r.ui, frequency: r.frequency, token: r.token, requestedFrom: r.from })
    .onConflictDoNothing()
    .returning({ id: subs.id });
  return row ? { kind: 'queued', id: row.id } : { kind: 'known' };
}

/** What a link's secret opens: the subscription, or why not. */
export type LinkLookup = { kind: 'ok'; subscription: DigestSubscriptionRow } | { kind: 'unknown' } | { kind: 'expired' };

/** A link's `{id}.{secret}`: the subscription whose secret it is (compared in constant time). */
export async function findByLink(db: Db, link: string): Promise<LinkLookup> {
  const m = /^(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(link);
  if (!m) return { kind: 'unknown' };
  const [row] = await db
    .select({ s: subs, expired: sql<boolean>`${subs.status} = 'pending' and ${subs.requestedAt} <= ${ago(CONFIRMATION_SECONDS)}` })
    .from(subs)
    .where(eq(subs.id, Number(m[1])));
  if (!row) return { kind: 'unknown' };
  const given = Buffer.from(m[2]);
  const expected = Buffer.from(row.s.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'unknown' };
  return row.expired ? { kind: 'expired' } : { kind: 'ok', subscription: row.s };
}

/**
 * Consent given: the subscription is active from now, its first digest due at `nextDueAt` with
 * the stories after `windowStart`. False when it was not pending (or had expired).
 */
export async function confirmSubscription(db: Db, id: number, c: { from: string; windowStart: Date; nextDueAt: Date }): Promise<boolean> {
  const rows = await db
    .update(subs)
    .set({
      status: 'active',
      confirmedAt: sql`now()`,
      confirmedFrom: c.from,
      windowStart: c.windowStart,
      nextDueAt: c.nextDueAt,
      nextAttemptAt: c.nextDueAt,
      attempts: 0,
      failures: 0,
      leaseUntil: null,
      lastError: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(subs.id, id), eq(subs.status, 'pending'), gt(subs.requestedAt, ago(CONFIRMATION_SECONDS))))
    .returning({ id: subs.id });
  return rows.length > 0;
}

/**
 * The change page: frequency, language, selection. A selection this address already receives
 * is refused ('taken'). A new frequency reschedules the next digest.
 */
export async function changeSubscription(
  db: Db,
  id: number,
  c: { ui: 'en' | 'fr'; frequency: DigestFrequency; selection: string; nextDueAt?: Date },
): Promise<'changed' | 'taken' | 'gone'> {
  const [row] = await db.select().from(subs).where(eq(subs.id, id));
  if (!row) return 'gone';
  if (c.selection !== row.selection) {
    const [other] = await db.select({ id: subs.id }).from(subs).where(and(eq(subs.addressKey, row.addressKey), eq(subs.selection, c.selection), ne(subs.id, id)));
    if (other) return 'taken';
  }
  // A new frequency reschedules; saving a suspended subscription starts it again.
  const resume = row.status === 'suspended' ? { status: 'active' as const, bounces: 0, suspendedReason: null } : {};
  const reschedule =
    c.nextDueAt && row.status !== 'pending' && (c.frequency !== row.frequency || row.status === 'suspended') ? { nextDueAt: c.nextDueAt, nextAttemptAt: c.nextDueAt, failures: 0 } : {};
  try {
    await db
      .update(subs)
      .set({ ui: c.ui, frequency: c.frequency, selection: c.selection, ...resume, ...reschedule, updatedAt: sql`now()` })
      .where(eq(subs.id, id));
  } catch (err) {
    if ((err as { code?: string }).code === '23505' || /duplicate key/.test(String((err as Error).message))) return 'taken';
    throw err;
  }
  return 'changed';
}

/** Unsubscribing: the row and the address go at once (its send log keeps no address). */
export async function deleteSubscription(db: Db, id: number): Promise<boolean> {
  return (await db.delete(subs).where(eq(subs.id, id)).returning({ id: subs.id })).length > 0;
}

/** An operator removes an address: every subscription of it, whatever its state. */
export async function deleteAddress(db: Db, email: string): Promise<number> {
  return (await db.delete(subs).where(eq(subs.addressKey, addressKeyOf(email))).returning({ id: subs.id })).length;
}

export async function getSubscription(db: Db, id: number): Promise<DigestSubscriptionRow | undefined> {
  const [row] = await db.select().from(subs).where(eq(subs.id, id));
  return row;
}

// ---- confirmations (a job)

/** Leases up to `limit` addresses with requests to confirm, one row each; none sent one in the last day. */
export async function leaseConfirmations(db: Db, o: { limit: number; leaseSeconds: number }): Promise<DigestSubscriptionRow[]> {
  if (o.limit <= 0) return [];
  const candidates = await queryRows<{ id: number }>(
    db,
    sql`select id from (
          select distinct on (s.address_key) s.id, s.requested_at from ${subs} s
          where s.status = 'pending' and s.confirmation_sent_at is null and s.requested_at > ${ago(CONFIRMATION_SECONDS)}
            and (s.next_attempt_at is null or s.next_attempt_at <= now())
            and (s.lease_until is null or s.lease_until <= now())
            and not exists (select 1 from ${limits} l where l.address_key = s.address_key and l.last_sent_at > ${ago(CONFIRMATION_INTERVAL_SECONDS)})
          order by s.address_key, s.id
        ) c order by requested_at, id limit ${o.limit}`,
  );
  if (!candidates.length) return [];
  const ids = candidates.map((c) => Number(c.id));
  const lockable = db
    .select({ id: subs.id })
    .from(subs)
    .where(and(inArray(subs.id, ids), unleased(), eq(subs.status, 'pending')))
    .for('update', { skipLocked: true });
  return db
    .update(subs)
    .set({ attempts: sql`${subs.attempts} + 1`, leaseUntil: secs(o.leaseSeconds) })
    .where(inArray(subs.id, lockable))
    .returning();
}

/** The requests one confirmation message lists: the address's pending ones not yet sent a link. */
export async function listToConfirm(db: Db, addressKey: string): Promise<DigestSubscriptionRow[]> {
  return db
    .select()
    .from(subs)
    .where(and(eq(subs.addressKey, addressKey), eq(subs.status, 'pending'), isNull(subs.confirmationSentAt), gt(subs.requestedAt, ago(CONFIRMATION_SECONDS))))
    .orderBy(asc(subs.id))
    .limit(MAX_PENDING_PER_ADDRESS);
}

/**
 * Takes the address's one confirmation of the day, before the message goes: true when it is
 * ours. A crash after this leaves it taken, so a retry waits a day rather than risk a second message.
 */
export async function reserveConfirmation(db: Db, addressKey: string): Promise<boolean> {
  const rows = await db
    .insert(limits)
    .values({ addressKey, lastSentAt: sql`now()` })
    .onConflictDoUpdate({ target: limits.addressKey, set: { lastSentAt: sql`now()` }, where: lte(limits.lastSentAt, ago(CONFIRMATION_INTERVAL_SECONDS)) })
    .returning({ key: limits.addressKey });
  return rows.length > 0;
}

/** The message certainly did not go (the server refused it, or could not be reached): the day's confirmation is not used. */
export async function releaseReservation(db: Db, addressKey: string): Promise<void> {
  await db.delete(limits).where(eq(limits.addressKey, addressKey));
}

export async function markConfirmationsSent(db: Db, lease: DigestSubscriptionRow, ids: number[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(subs).set({ confirmationSentAt: sql`now()`, lastError: null, updatedAt: sql`now()` }).where(inArray(subs.id, ids));
    await tx.update(subs).set({ leaseUntil: null }).where(leased(lease));
  });
}

/** A failed confirmation: retried in `delaySeconds`, or (null) never, the request left to expire. */
export async function failConfirmation(db: Db, lease: DigestSubscriptionRow, delaySeconds: number | null, error: string): Promise<void> {
  await db
    .update(subs)
    .set({
      nextAttemptAt: delaySeconds === null ? sql`${subs.requestedAt} + make_interval(secs => ${CONFIRMATION_SECONDS})` : secs(delaySeconds),
      failures: sql`${subs.failures} + 1`,
      lastError: error,
      leaseUntil: null,
    })
    .where(leased(lease));
}

/** Gives leases back untouched (shutdown, or leased ahead and not reached): due again, the attempt not counted. */
export async function releaseLeases(db: Db, leases: readonly DigestSubscriptionRow[]): Promise<void> {
  if (!leases.length) return;
  await db
    .update(subs)
    .set({ leaseUntil: null, attempts: sql`${subs.attempts} - 1` })
    .where(stillLeased(leases));
}

// ---- digests (a job)

export interface DigestLeaseOptions {
  limit: number;
  leaseSeconds: number;
  /**
   * Every active subscription, due or not (`digests send --now`), in id order after `afterId`:
   * a run moves through the table once, whatever its size. Rows another worker holds at that
   * moment are left to it.
   */
  all?: boolean;
  afterId?: number;
}

/** Leases up to `limit` active subscriptions whose digest is due (the oldest due first). */
export async function leaseDigests(db: Db, o: DigestLeaseOptions): Promise<DigestSubscriptionRow[]> {
  if (o.limit <= 0) return [];
  const due = and(eq(subs.status, 'active'), unleased(), o.all ? gt(subs.id, o.afterId ?? 0) : lte(subs.nextAttemptAt, sql`now()`));
  const order = o.all ? [asc(subs.id)] : [asc(subs.nextAttemptAt), asc(subs.id)];
  const lockable = db
    .select({ id: subs.id })
    .from(subs)
    .where(due)
    .orderBy(...order)
    .limit(o.limit)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(subs)
    .set({ attempts: sql`${subs.attempts} + 1`, leaseUntil: secs(o.leaseSeconds) })
    .where(inArray(subs.id, lockable))
    .returning();
  return rows.sort((a, b) => a.id - b.id);
}

/** Where a leased subscription's digest stands: the send an earlier attempt prepared, and the items its recent digests held. */
export interface DigestState {
  /** Prepared and not settled: what this attempt sends, exactly as it was. */
  prepared?: DigestSendRow;
  /** Items of its digests whose window ended after the lease's `after`: the overlap never repeats them. */
  covered: Set<number>;
}

/** The state of a batch of leased subscriptions in one query, each read from its own `after`. */
export async function loadDigestStates(db: Db, leases: { id: number; after: Date }[]): Promise<Map<number, DigestState>> {
  const states = new Map<number, DigestState>(leases.map((l) => [l.id, { covered: new Set<number>() }]));
  if (!leases.length) return states;
  const ids = leases.map((l) => l.id);
  const earliest = new Date(Math.min(...leases.map((l) => l.after.getTime())));
  // Two reads, each along its own index: the unsettled send, and the recent settled ones.
  const rows = await unionAll(
    db.select().from(sends).where(and(eq(sends.status, 'prepared'), inArray(sends.subscriptionId, ids))),
    db
      .select()
      .from(sends)
      .where(and(eq(sends.status, 'sent'), inArray(sends.subscriptionId, ids), gt(sends.windowEnd, earliest))),
  );
  const after = new Map(leases.map((l) => [l.id, l.after.getTime()]));
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    const state = states.get(row.subscriptionId!)!;
    if (row.status === 'prepared') state.prepared = row;
    if (row.windowEnd.getTime() > after.get(row.subscriptionId!)!) for (const id of row.coveredIds) state.covered.add(Number(id));
  }
  return states;
}

export interface PreparedDigest {
  windowStart: Date;
  windowEnd: Date;
  storyIds: number[];
  coveredIds: number[];
  moreCount: number;
  messageId: string;
}

/**
 * Writes digests' content before their messages go (see the head of this file), and renews the
 * leases of the batch's subscriptions that send something (`hold`, which includes those of `sends`)
 * for `leaseSeconds` from now: each message and the record of its answer get a whole lease. A
 * subscription whose lease is no longer this attempt's gets no send: another worker has it.
 */
export async function prepareSends(
  db: Db,
  batch: { hold: DigestSubscriptionRow[]; sends: { lease: DigestSubscriptionRow; digest: PreparedDigest }[] },
  leaseSeconds: number,
): Promise<{ held: Set<number>; prepared: Map<number, DigestSendRow> }> {
  const prepared = new Map<number, DigestSendRow>();
  if (!batch.hold.length) return { held: new Set(), prepared };
  return db.transaction(async (tx) => {
    const renewed = await tx
      .update(subs)
      .set({ leaseUntil: secs(leaseSeconds) })
      .where(stillLeased(batch.hold))
      .returning({ id: subs.id });
    const held = new Set(renewed.map((r) => r.id));
    const kept = batch.sends.filter((b) => held.has(b.lease.id));
    if (kept.length) {
      const rows = await tx
        .insert(sends)
        .values(kept.map(({ lease, digest }) => ({ subscriptionId: lease.id, selection: lease.selection, ui: lease.ui, ...digest })))
        .returning();
      for (const row of rows) prepared.set(row.subscriptionId!, row);
    }
    return { held, prepared };
  });
}

/** Renews leases for `leaseSeconds` from now (a message about to go after a wait); returns the ids still held. */
export async function holdLeases(db: Db, leases: DigestSubscriptionRow[], leaseSeconds: number): Promise<Set<number>> {
  if (!leases.length) return new Set();
  const rows = await db
    .update(subs)
    .set({ leaseUntil: secs(leaseSeconds) })
    .where(stillLeased(leases))
    .returning({ id: subs.id });
  return new Set(rows.map((r) => r.id));
}

export interface AcceptedSend {
  lease: DigestSubscriptionRow;
  send: DigestSendRow;
  response: string;
  nextDueAt: Date;
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
/** A server's answer as stored: text Postgres accepts (no NUL), bounded. */
const answer = (response: string) => response.replace(/\u0000/g, '').slice(0, 500);

/**
 * SMTP took these messages: in one statement (so one transaction) each send is settled and its
 * subscription's window moves to the send's end, its next digest due at `nextDueAt`. A send is
 * recorded even if its lease ran out meanwhile (it went); a window only ever moves forward.
 */
export async function completeSends(db: Db, accepted: AcceptedSend[]): Promise<void> {
  if (!accepted.length) return;
  const values = sql.join(
    accepted.map((a) => sql`(${a.lease.id}::int, ${a.lease.attempts}::int, ${a.send.id}::bigint, ${answer(a.response)}::text, ${at(a.send.windowEnd)}, ${at(a.nextDueAt)})`),
    sql`, `,
  );
  await db.execute(sql`
    with v(id, attempts, send_id, response, window_end, next_due) as (values ${values}),
    settled as (
      update ${sends} d set status = 'sent', response = v.response, finished_at = now()
      from v where d.id = v.send_id and d.status = 'prepared'
      returning d.id
    )
    update ${subs} s set
      window_start = greatest(s.window_start, v.window_end),
      next_due_at = greatest(s.next_due_at, v.next_due),
      next_attempt_at = greatest(s.next_due_at, v.next_due),
      failures = 0, bounces = 0, last_sent_at = now(), last_error = null, updated_at = now(),
      lease_until = case when s.attempts = v.attempts then null else s.lease_until end
    from v where s.id = v.id`);
}

/** Nothing new in these windows: no message; each window still moves on, to its next due time. */
export async function skipEmptyDigests(db: Db, empty: { lease: DigestSubscriptionRow; windowEnd: Date; nextDueAt: Date }[]): Promise<void> {
  if (!empty.length) return;
  const values = sql.join(
    empty.map((e) => sql`(${e.lease.id}::int, ${e.lease.attempts}::int, ${at(e.windowEnd)}, ${at(e.nextDueAt)})`),
    sql`, `,
  );
  await db.execute(sql`
    update ${subs} s set
      window_start = greatest(s.window_start, v.window_end),
      next_due_at = v.next_due, next_attempt_at = v.next_due,
      failures = 0, lease_until = null, updated_at = now()
    from (values ${values}) as v(id, attempts, window_end, next_due)
    where s.id = v.id and s.attempts = v.attempts`);
}

export interface SendFailure {
  /** failed: try again later; bounced: the address's server refused it (5xx). */
  status: Exclude<DigestSendStatus, 'prepared' | 'sent'>;
  response: string;
  /** When to try again; ignored when `suspend` is set. */
  delaySeconds: number;
  /** The address is suspended, with this reason shown to the operator. */
  suspend?: string;
  /** The message may have reached the server (the connection dropped after it was handed over): keep it prepared, to be sent again as it is. */
  uncertain?: boolean;
}

/** A failed attempt: the send settled as failed (or kept prepared), the subscription retried later or suspended. */
export async function failSend(db: Db, lease: DigestSubscriptionRow, send: DigestSendRow | undefined, f: SendFailure): Promise<void> {
  const response = answer(f.response);
  await db.transaction(async (tx) => {
    if (send) {
      await tx
        .update(sends)
        .set(f.uncertain ? { response } : { status: f.status, response, finishedAt: sql`now()` })
        .where(and(eq(sends.id, send.id), eq(sends.status, 'prepared')));
    }
    await tx
      .update(subs)
      .set({
        ...(f.suspend ? { status: 'suspended' as const, suspendedReason: f.suspend.slice(0, 500), nextAttemptAt: null } : { nextAttemptAt: secs(f.delaySeconds) }),
        failures: sql`${subs.failures} + 1`,
        bounces: f.status === 'bounced' ? sql`${subs.bounces} + 1` : subs.bounces,
        lastError: response,
        leaseUntil: null,
        updatedAt: sql`now()`,
      })
      .where(leased(lease));
  });
}

// ---- housekeeping

/** Unconfirmed requests past their week, confirmation limits past their day, send logs past `sendDays`. */
export async function sweepDigests(db: Db, sendDays: number): Promise<{ requests: number; sends: number }> {
  const requests = await db
    .delete(subs)
    .where(and(eq(subs.status, 'pending'), lte(subs.requestedAt, ago(CONFIRMATION_SECONDS))))
    .returning({ id: subs.id });
  await db.delete(limits).where(lte(limits.lastSentAt, ago(CONFIRMATION_INTERVAL_SECONDS)));
  const old = await db
    .delete(sends)
    .where(and(lte(sends.createdAt, ago(sendDays * 86_400)), ne(sends.status, 'prepared')))
    .returning({ id: sends.id });
  return { requests: requests.length, sends: old.length };
}

// ---- what operators see (never an address)

export interface SelectionStats {
  selection: string;
  active: number;
  pending: number;
  suspended: number;
  /** Why addresses of this selection were suspended, with how many for each reason. */
  suspendedReasons: { reason: string; count: number }[];
  lastSend?: { status: DigestSendStatus; at: Date; response: string | null };
}

export async function listSelectionStats(db: Db): Promise<SelectionStats[]> {
  const counts = await db
    .select({
      selection: subs.selection,
      active: sql<number>`count(*) filter (where ${subs.status} = 'active')`.mapWith(Number),
      pending: sql<number>`count(*) filter (where ${subs.status} = 'pending')`.mapWith(Number),
      suspended: sql<number>`count(*) filter (where ${subs.status} = 'suspended')`.mapWith(Number),
    })
    .from(subs)
    .groupBy(subs.selection)
    .orderBy(desc(sql`count(*) filter (where ${subs.status} = 'active')`), asc(subs.selection));
  if (!counts.length) return [];
  const reasons = await db
    .select({ selection: subs.selection, reason: subs.suspendedReason, n: count() })
    .from(subs)
    .where(eq(subs.status, 'suspended'))
    .groupBy(subs.selection, subs.suspendedReason);
  const last = await queryRows<{ selection: string; status: DigestSendStatus; at: Date | string; response: string | null }>(
    db,
    sql`select distinct on (selection) selection, status, coalesce(finished_at, created_at) as at, response
        from ${sends} order by selection, id desc`,
  );
  const lastBy = new Map(last.map((l) => [l.selection, l]));
  return counts.map((c) => {
    const l = lastBy.get(c.selection);
    return {
      ...c,
      suspendedReasons: reasons.filter((r) => r.selection === c.selection).map((r) => ({ reason: r.reason ?? '', count: Number(r.n) })),
      ...(l ? { lastSend: { status: l.status, at: new Date(l.at), response: l.response } } : {}),
    };
  });
}
