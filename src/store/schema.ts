// The database schema. Migrations in migrations/ are generated from this file by drizzle-kit
// (`npm run db:generate`) and never edited once applied.
import { sql } from 'drizzle-orm';
import {
  bigserial,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

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
    region: text('region').notNull(),
    province: text('province'),
    languages: text('languages').array().notNull(),
    topics: text('topics').array().notNull().default(sql`'{}'::text[]`),
    siteUrl: text('site_url'),
    /** 'file' when feeds.yaml declares it (the file wins on sync), 'api' when added at run time. */
    origin: text('origin').notNull().default('file'),
    intervalOverrideMinutes: integer('interval_override_minutes'),
    status: text('status').notNull().default('active'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    bodyHash: text('body_hash'),
    feedTitle: text('feed_title'),
    feedLink: text('feed_link'),
    lastFetchAt: tz('last_fetch_at'),
    lastSuccessAt: tz('last_success_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lastErrorAt: tz('last_error_at'),
    lastWarnings: jsonb('last_warnings').$type<string[]>(),
    errorCount: integer('error_count').notNull().default(0),
    intervalMinutes: integer('interval_minutes'),
    nextFetchAt: tz('next_fetch_at').notNull().defaultNow(),
    leaseOwner: text('lease_owner'),
    leaseUntil: tz('lease_until'),
    redirectTo: text('redirect_to'),
    redirectSeen: integer('redirect_seen').notNull().default(0),
    itemCount: integer('item_count').notNull().default(0),
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
    language: text('language').notNull().default('other'),
    langHint: text('lang_hint'),
    enclosure: jsonb('enclosure').$type<{ url: string; type?: string; length?: number }>(),
    contentHash: text('content_hash').notNull(),
  },
  (t) => [
    uniqueIndex('items_source_key').on(t.sourceId, t.key),
    index('items_published_idx').on(t.publishedAt.desc(), t.id.desc()),
    index('items_source_published_idx').on(t.sourceId, t.publishedAt.desc()),
  ],
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
    /** ok | not-modified | unchanged | failed */
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status'),
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
