// The tables of email digests, apart from the items' schema: subscriptions (a person's address,
// the selection they chose and where their digest stands), the send log (what each digest held,
// written before the message goes and settled after), and when each address was last sent a
// confirmation. drizzle-kit reads this file beside schema.ts (drizzle.config.ts).
import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type DigestFrequency = 'daily' | 'weekly';
/** pending: asked, not confirmed; active: confirmed, digests go; suspended: the address's server kept refusing. */
export type DigestStatus = 'pending' | 'active' | 'suspended';
/** prepared: written, the message handed (or about to be handed) to SMTP; the rest are settled. */
export type DigestSendStatus = 'prepared' | 'sent' | 'failed' | 'bounced';

export const digestSubscriptions = pgTable(
  'digest_subscriptions',
  {
    id: serial('id').primaryKey(),
    /** As the person typed it, the domain in lower case. Deleted with the row on unsubscribing. */
    email: text('email').notNull(),
    /** SHA-256 of the address in lower case: one subscription per address and selection, one confirmation per address a day. */
    addressKey: text('address_key').notNull(),
    /** The selection as a canonical filter query string (publish/feed-query.ts), '' for everything. */
    selection: text('selection').notNull(),
    ui: text('ui').$type<'en' | 'fr'>().notNull(),
    frequency: text('frequency').$type<DigestFrequency>().notNull(),
    status: text('status').$type<DigestStatus>().notNull().default('pending'),
    /** 32 random bytes (base64url): the secret of this subscription's confirm, change and unsubscribe links. */
    token: text('token').notNull(),
    requestedAt: tz('requested_at').notNull().defaultNow(),
    requestedFrom: text('requested_from'),
    confirmationSentAt: tz('confirmation_sent_at'),
    /** Consent (CASL): when the confirmation link was followed, and from which client address. */
    confirmedAt: tz('confirmed_at'),
    confirmedFrom: text('confirmed_from'),
    /** The next digest holds stories first seen after this. */
    windowStart: tz('window_start'),
    /** The next scheduled digest. */
    nextDueAt: tz('next_due_at'),
    /** When a worker should next try (the due time, or a retry's). */
    nextAttemptAt: tz('next_attempt_at'),
    /** Bumped by every lease: the lease's token. */
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: tz('lease_until'),
    /** Failed tries in a row (backoff), and refusals (5xx) of the address in a row (suspension). */
    failures: integer('failures').notNull().default(0),
    bounces: integer('bounces').notNull().default(0),
    lastSentAt: tz('last_sent_at'),
    lastError: text('last_error'),
    suspendedReason: text('suspended_reason'),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('digest_subscriptions_address_selection_key').on(t.addressKey, t.selection),
    index('digest_subscriptions_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'active'`),
    index('digest_subscriptions_pending_idx').on(t.requestedAt).where(sql`${t.status} = 'pending'`),
    index('digest_subscriptions_selection_idx').on(t.selection),
  ],
);

/**
 * One row per digest message. Written as 'prepared' (its window, its stories, its Message-ID)
 * before the message is handed to SMTP, settled in the transaction that moves the subscription
 * on: a send found still prepared is sent again as it was, never rebuilt.
 */
export const digestSends = pgTable(
  'digest_sends',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: integer('subscription_id').references(() => digestSubscriptions.id, { onDelete: 'set null' }),
    selection: text('selection').notNull(),
    ui: text('ui').notNull(),
    windowStart: tz('window_start').notNull(),
    windowEnd: tz('window_end').notNull(),
    /** The stories shown, in order (the item each story is shown as). */
    storyIds: bigint('story_ids', { mode: 'number' }).array().notNull(),
    /** Every item those stories cover (their other copies too): never shown again to this subscription. */
    coveredIds: bigint('covered_ids', { mode: 'number' }).array().notNull(),
    /** Stories left out for length (the message links to the rest on the hub). */
    moreCount: integer('more_count').notNull().default(0),
    messageId: text('message_id').notNull(),
    status: text('status').$type<DigestSendStatus>().notNull().default('prepared'),
    /** The SMTP answer: the acceptance, or the refusal or error. */
    response: text('response'),
    createdAt: tz('created_at').notNull().defaultNow(),
    finishedAt: tz('finished_at'),
  },
  (t) => [
    // A batch's recent digests, read from each subscription's window (and the rows a deleted subscription leaves).
    index('digest_sends_subscription_window_idx').on(t.subscriptionId, t.windowEnd),
    index('digest_sends_prepared_idx').on(t.subscriptionId).where(sql`${t.status} = 'prepared'`),
    index('digest_sends_selection_idx').on(t.selection, t.id),
    index('digest_sends_created_idx').on(t.createdAt),
  ],
);

/** The last confirmation message each address was sent (by address key), kept a day. */
export const digestConfirmationLimits = pgTable('digest_confirmation_limits', {
  addressKey: text('address_key').primaryKey(),
  lastSentAt: tz('last_sent_at').notNull(),
});

export type DigestSubscriptionRow = typeof digestSubscriptions.$inferSelect;
export type DigestSendRow = typeof digestSends.$inferSelect;
