// The database schema. Migrations in migrations/ are generated from this file by drizzle-kit
// (`npm run db:generate`) and never edited once applied.
import { sql } from 'drizzle-orm';
import {
  customType,
  bigserial,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type {
  Enclosure, FetchErrorCode, FetchOutcome, ItemLanguage, ItemType, Language, PageSelectors, ProblemParams, Province, Region, SourceErrorCode,
  SourceKind, SourceOrigin, SourceStatus, Warning,
} from '../core/types.ts';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * The text search configuration for an item's language. The passerelle_* configurations
 * (migration 0001) add unaccent, so "evenement" finds "événement".
 */
const SEARCH_VECTOR = sql`to_tsvector(
  case language when 'fr' then 'passerelle_fr'::regconfig when 'en' then 'passerelle_en'::regconfig else 'passerelle_simple'::regconfig end,
  coalesce(title, '') || ' ' || coalesce(summary, ''))`;

export const sources = pgTable(
  'sources',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    url: text('url').notNull(),
    /** Earlier URLs of this source (after permanent redirects), so identity survives a move. */
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    host: text('host').notNull(),
    title: text('title').notNull(),
    organization: text('organization').notNull(),
    region: text('region').$type<Region>().notNull(),
    province: text('province').$type<Province>(),
    languages: text('languages').array().$type<Language[]>().notNull(),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    siteUrl: text('site_url'),
    /** 'file' when feeds.yaml declares it (the file wins on sync), 'api' when added at run time. */
    origin: text('origin').$type<SourceOrigin>().notNull().default('file'),
    intervalOverrideMinutes: integer('interval_override_minutes'),
    /** 'feed', or 'page': a web page read with the CSS selectors below. */
    kind: text('kind').$type<SourceKind>().notNull().default('feed'),
    selectors: jsonb('selectors').$type<PageSelectors>(),
    status: text('status').$type<SourceStatus>().notNull().default('active'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    bodyHash: text('body_hash'),
    feedTitle: text('feed_title'),
    feedLink: text('feed_link'),
    lastFetchAt: tz('last_fetch_at'),
    lastSuccessAt: tz('last_success_at'),
    lastStatus: integer('last_status'),
    /** Why the last fetch failed (or why the source is paused): a code and its facts; web/ words them. */
    lastErrorCode: text('last_error_code').$type<SourceErrorCode>(),
    lastErrorParams: jsonb('last_error_params').$type<ProblemParams>(),
    /** The same in English, for operators and logs. */
    lastError: text('last_error'),
    lastErrorAt: tz('last_error_at'),
    lastWarnings: jsonb('last_warnings').$type<Warning[]>(),
    errorCount: integer('error_count').notNull().default(0),
    intervalMinutes: integer('interval_minutes'),
    nextFetchAt: tz('next_fetch_at').notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseUntil: tz('lease_until'),
    redirectTo: text('redirect_to'),
    redirectSeen: integer('redirect_seen').notNull().default(0),
    itemCount: integer('item_count').notNull().default(0),
    /** Items the last new body held: a page that had 12 and now has none was redesigned. */
    lastItemsFound: integer('last_items_found'),
    createdAt: tz('created_at').notNull().defaultNow(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sources_slug_key').on(t.slug),
    index('sources_due_idx').on(t.nextFetchAt),
    index('sources_host_idx').on(t.host),
  ],
);

export const items = pgTable(
  'items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    /** Identity within the source: GUID, else link, else a hash of title and date. */
    key: text('key').notNull(),
    guid: text('guid'),
    url: text('url'),
    title: text('title').notNull(),
    contentHtml: text('content_html').notNull().default(''),
    summary: text('summary').notNull().default(''),
    author: text('author'),
    publishedAt: tz('published_at').notNull(),
    /** False when the feed gave no usable date and publishedAt is when we first saw the item. */
    dateFromFeed: boolean('date_from_feed').notNull().default(true),
    modifiedAt: tz('modified_at'),
    firstSeenAt: tz('first_seen_at').notNull().defaultNow(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
    categories: text('categories').array().notNull().default(sql`'{}'::text[]`),
    language: text('language').$type<ItemLanguage>().notNull().default('other'),
    langHint: text('lang_hint'),
    enclosure: jsonb('enclosure').$type<Enclosure>(),
    contentHash: text('content_hash').notNull(),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    type: text('type').$type<ItemType>().notNull().default('news'),
    /** The source's region, plus the region of the province the item is about when that differs. */
    regions: text('regions').array().$type<Region[]>().notNull().default(sql`'{}'::text[]`),
    province: text('province').$type<Province>(),
    canonicalUrl: text('canonical_url'),
    translationKey: text('translation_key'),
    alternateUrls: text('alternate_urls').array().notNull().default(sql`'{}'::text[]`),
    /** 64-bit SimHash of title and summary; its lookup keys are in item_fingerprint_keys. */
    fingerprint: bigint('fingerprint', { mode: 'bigint' }),
    /** Items telling one story share a cluster: the id of its first item. */
    clusterId: bigint('cluster_id', { mode: 'number' }),
    /** The same item in the other official language, when known. */
    translationOf: bigint('translation_of', { mode: 'number' }),
    search: tsvector('search').generatedAlwaysAs(SEARCH_VECTOR),
    // The event, for items that are dated events (normalize/event.ts); all null otherwise.
    /** When it starts, as an instant (an all-day event: midnight where it takes place): the events' order. */
    eventStartAt: tz('event_start_at'),
    /** When it is over: its end, else midnight after its (last) day where it takes place. */
    eventEndAt: tz('event_end_at'),
    /** Start and end as the event gives them, local with their offset ("2026-12-14T13:00:00-05:00"), or dates when all-day (end inclusive). */
    eventStart: text('event_start'),
    eventEnd: text('event_end'),
    eventAllDay: boolean('event_all_day'),
    /** IANA zone of its times. */
    eventTimezone: text('event_timezone'),
    eventPlace: jsonb('event_place').$type<{ venue?: string; city?: string; province?: string }>(),
    eventOnline: boolean('event_online'),
    eventRegistrationUrl: text('event_registration_url'),
    /** Bumped each time the event's time or place changes (iCalendar SEQUENCE, RFC 5545 §3.8.7.4). */
    eventSequence: integer('event_sequence').notNull().default(0),
  },
  (t) => [
    uniqueIndex('items_source_key').on(t.sourceId, t.key),
    // Newest first, then every column a feed filters on: a filtered feed walks this index alone and
    // reads only the rows it shows (the extra keys do not change the order: id is unique). Drizzle
    // cannot spell INCLUDE, hence keys.
    index('items_newest_idx').on(t.publishedAt.desc(), t.id.desc(), t.language, t.type, t.province, t.sourceId, t.clusterId, t.regions, t.topics),
    index('items_source_published_idx').on(t.sourceId, t.publishedAt.desc()),
    index('items_cluster_idx').on(t.clusterId),
    index('items_canonical_url_idx').on(t.canonicalUrl),
    index('items_translation_key_idx').on(t.translationKey),
    // Readers show each item's translation, found from either side (attachRelations).
    index('items_translation_of_idx').on(t.translationOf).where(sql`${t.translationOf} is not null`),
    index('items_topics_idx').using('gin', t.topics),
    // Written straight into the index (no pending list): every ingest probes it, and a pending
    // list is read in full by each probe until a vacuum empties it.
    index('items_alternate_urls_idx').using('gin', t.alternateUrls).with({ fastupdate: false }),
    index('items_regions_idx').using('gin', t.regions),
    index('items_search_idx').using('gin', t.search),
    // Events by start, then what they are filtered on (as items_newest_idx): upcoming and past
    // events for any filter are a walk of this index, forward or backward.
    index('items_event_start_idx')
      .on(t.eventStartAt, t.id, t.eventEndAt, t.language, t.type, t.province, t.sourceId, t.clusterId, t.regions, t.topics)
      .where(sql`${t.eventStartAt} is not null`),
    // Also items_search_walk_idx (published_at desc, id desc) INCLUDE (search, language, topics),
    // made by migration because drizzle cannot spell INCLUDE: a common word's search walks it
    // (items-query.ts), and a bilingual search tests each item's language and topics on the way.
  ],
);

/**
 * The near-duplicate index: each item's fingerprint keys (normalize/fingerprint.ts), one row per
 * key, with the item's date. A btree range lookup per key and time window finds candidates in
 * milliseconds however large the table grows, where an array column with a GIN index made
 * planners test every row against every key.
 */
export const itemFingerprintKeys = pgTable(
  'item_fingerprint_keys',
  {
    key: integer('key').notNull(),
    // No foreign key: its check on every key row (28 an item) was half the database's work on
    // ingest. The keys of a deleted item are deleted with it (retention.ts, sources-repo.ts); a
    // key left behind would only name an item that lookups no longer find.
    itemId: bigint('item_id', { mode: 'number' }).notNull(),
    /** The item's date, so a lookup reads only the keys inside its time window. */
    publishedAt: tz('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.publishedAt, t.itemId] }), index('item_fingerprint_keys_item_idx').on(t.itemId)],
);

/**
 * Keys that find an item's other versions by equality, with its date: for an English or French
 * item, one per publisher key of its source with its language ("o:ircc…|fr", normalize/twins.ts),
 * so a new item reads its publisher's items in the other language, its twin candidates; and the
 * start of its link ("l:…", normalize/canonical-url.ts linkStem), so a link cut short finds the
 * whole one. Each lookup is a range read of one key inside a time window.
 */
export const itemStoryKeys = pgTable(
  'item_story_keys',
  {
    key: text('key').notNull(),
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    publishedAt: tz('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.publishedAt, t.itemId] }), index('item_story_keys_item_idx').on(t.itemId)],
);

export const fetches = pgTable(
  'fetches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    startedAt: tz('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    outcome: text('outcome').$type<FetchOutcome>().notNull(),
    httpStatus: integer('http_status'),
    errorCode: text('error_code').$type<FetchErrorCode>(),
    errorParams: jsonb('error_params').$type<ProblemParams>(),
    /** The error in English, for operators and logs. */
    error: text('error'),
    itemsNew: integer('items_new').notNull().default(0),
    itemsUpdated: integer('items_updated').notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }),
  },
  (t) => [index('fetches_source_idx').on(t.sourceId, t.startedAt.desc())],
);

export type SourceRow = typeof sources.$inferSelect;
export type ItemRow = typeof items.$inferSelect;
export type NewItemRow = typeof items.$inferInsert;
export type FetchRow = typeof fetches.$inferSelect;

/**
 * The hub's change counter, bumped in every transaction that changes what feeds show, spread
 * over a few rows (slots) so that concurrent ingests do not queue on one row lock until they
 * commit: the counter is the sum of the slots. Web processes compare it to decide whether a
 * rendered feed is still current.
 */
export const hubState = pgTable('hub_state', {
  id: integer('id').primaryKey(),
  generation: bigint('generation', { mode: 'number' }).notNull().default(0),
  changedAt: tz('changed_at').notNull().defaultNow(),
});

/** A filter saved under a short stable URL (/f/{id}.rss). */
export const savedFeeds = pgTable(
  'saved_feeds',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    /** The canonical filter query string (publish/feed-query.ts). */
    query: text('query').notNull(),
    ui: text('ui').$type<Language>().notNull().default('en'),
    createdAt: tz('created_at').notNull().defaultNow(),
    /** Last saved or read (to the day): retention removes feeds nobody has used for long. */
    lastUsedAt: tz('last_used_at').notNull().defaultNow(),
  },
  (t) => [index('saved_feeds_last_used_idx').on(t.lastUsedAt)],
);

/** Bearer tokens for the admin API, stored as SHA-256 hashes; the token itself is shown once. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    readOnly: boolean('read_only').notNull().default(false),
    createdAt: tz('created_at').notNull().defaultNow(),
    lastUsedAt: tz('last_used_at'),
    useCount: integer('use_count').notNull().default(0),
    revokedAt: tz('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), uniqueIndex('api_tokens_name_key').on(t.name)],
);

/** What was done with each token (admin changes), kept bounded by retention. */
export const adminLog = pgTable(
  'admin_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tokenId: integer('token_id').references(() => apiTokens.id, { onDelete: 'set null' }),
    at: tz('at').notNull().defaultNow(),
    action: text('action').notNull(),
    detail: jsonb('detail'),
  },
  (t) => [index('admin_log_at_idx').on(t.at)],
);

/** WebSub subscribers to our output feeds (the hub role, W3C WebSub §5–7): verified subscriptions only. */
export const websubSubscriptions = pgTable(
  'websub_subscriptions',
  {
    id: serial('id').primaryKey(),
    /** The feed subscribed to, as its canonical self URL (publish/feed-renderer.ts). */
    topic: text('topic').notNull(),
    callback: text('callback').notNull(),
    /** The callback's host name: caps and delivery slots are counted per host. */
    callbackHost: text('callback_host').notNull(),
    secret: text('secret'),
    leaseSeconds: integer('lease_seconds').notNull(),
    expiresAt: tz('expires_at').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    /** Hash of the feed content last delivered, so only real changes are pushed. */
    lastContentHash: text('last_content_hash'),
    lastDeliveryAt: tz('last_delivery_at'),
    /** A delivery waiting to be (re)tried, and when. */
    pendingSince: tz('pending_since'),
    nextAttemptAt: tz('next_attempt_at'),
    /** Attempts at the waiting delivery; bumped by each lease, so it also tells one lease from the next. */
    attempts: integer('attempts').notNull().default(0),
    /** Set while a worker delivers; a worker that dies lets it run out. */
    leaseUntil: tz('lease_until'),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('websub_topic_callback_key').on(t.topic, t.callback),
    index('websub_next_attempt_idx').on(t.nextAttemptAt),
    index('websub_callback_host_idx').on(t.callbackHost),
  ],
);

/**
 * Requests waiting for a worker: an intent to verify (§5.3) or a denial to tell (§5.2). One per
 * topic and callback: a newer request replaces one not yet verified.
 */
export const websubRequests = pgTable(
  'websub_requests',
  {
    id: serial('id').primaryKey(),
    /** subscribe | unsubscribe | denied */
    mode: text('mode').$type<'subscribe' | 'unsubscribe' | 'denied'>().notNull(),
    /** Canonical, as subscriptions are stored. */
    topic: text('topic').notNull(),
    /** As the subscriber spelled it: what the verification names (§5.3). */
    requestedTopic: text('requested_topic').notNull(),
    callback: text('callback').notNull(),
    callbackHost: text('callback_host').notNull(),
    leaseSeconds: integer('lease_seconds').notNull(),
    secret: text('secret'),
    /** The document when the subscriber asked: a new subscription starts from it. */
    contentHash: text('content_hash'),
    /** Why a subscription was denied. */
    reason: text('reason'),
    requestedAt: tz('requested_at').notNull().defaultNow(),
    /** Not verified by then (no worker running, say): dropped. */
    expiresAt: tz('expires_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: tz('lease_until'),
  },
  (t) => [uniqueIndex('websub_requests_topic_callback_key').on(t.topic, t.callback), index('websub_requests_host_idx').on(t.callbackHost)],
);
