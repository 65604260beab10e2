// Settings from the environment, parsed once with zod, every problem reported together, then
// frozen and passed down as values: stages never read process.env themselves.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Rendered feeds kept in memory, in bytes, when FEED_CACHE_BYTES does not say. */
export const DEFAULT_FEED_CACHE_BYTES = 64 * 1024 * 1024;
/**
 * How long a rendered feed may still be answered after the data under it changed, while it is
 * rendered again. Readers poll every quarter of an hour or so: a few seconds behind is invisible,
 * and during a busy cycle polls do not wait for renders that compete with the ingest.
 */
export const DEFAULT_FEED_STALE_SECONDS = 5;

export const DEFAULT_WEBSUB_SETTINGS: WebsubSettings = {
  concurrency: 8,
  hostConcurrency: 2,
  maxPending: 1000,
  maxPendingPerHost: 20,
  maxSubscriptions: 20_000,
  maxSubscriptionsPerHost: 200,
};

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEFAULT_DIGEST_SETTINGS: Omit<DigestSettings, 'smtpUrl' | 'tlsCaFile' | 'from' | 'sender'> = {
  hour: 7,
  weekday: 'monday',
  timeZone: 'America/Toronto',
  concurrency: 4,
  requestsPerHour: 10,
  maxPending: 10_000,
  sendLogDays: 90,
};

/** Read workers when PARSE_WORKERS does not say: every core but one, which serves and writes. */
export const DEFAULT_READ_WORKERS = Math.max(1, os.availableParallelism() - 1);

export const DEFAULT_SAVED_FEED_SETTINGS: SavedFeedSettings = { max: 50_000, perClientPerHour: 30 };

const envSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  FEEDS_FILE: z.string().min(1).default('./feeds.yaml'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  CONTACT_URL: z.url({ protocol: /^(https?|mailto)$/ }).optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: int(0, 65535).optional(),
  TRUST_PROXY: bool.default(false),
  ALLOW_PRIVATE_NETWORKS: bool.default(false),
  PRIVATE_NETWORK_ALLOWLIST: z.string().default(''),
  FETCH_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  FETCH_CONNECT_TIMEOUT_MS: int(100, 120_000).default(10_000),
  FETCH_MAX_BYTES: int(1024, 1024 ** 3).default(15 * 1024 * 1024),
  FETCH_CONCURRENCY: int(1, 1000).default(16),
  FETCH_HOST_CONCURRENCY: int(1, 100).default(2),
  FETCH_MAX_ITEMS: int(1, 100_000).default(500),
  PARSE_WORKERS: int(0, 256).default(DEFAULT_READ_WORKERS),
  PARSE_MEMORY_MB: int(32, 16_384).default(256),
  PARSE_TIMEOUT_MS: int(100, 600_000).default(30_000),
  SCHEDULER_TICK: z.string().min(1).default('*/20 * * * * *'),
  MIN_INTERVAL_MINUTES: int(1, 10_080).default(15),
  MAX_INTERVAL_MINUTES: int(1, 10_080).default(1440),
  LEASE_SECONDS: int(10, 86_400).default(300),
  FETCH_HISTORY: int(1, 10_000).default(50),
  RETENTION_DAYS: int(0, 36_500).default(0),
  RETENTION_MAX_ITEMS_PER_SOURCE: int(0, 10_000_000).default(5000),
  RETENTION_SCHEDULE: z.string().min(1).default('0 30 3 * * *'),
  ADMIN_LOG_RETENTION_DAYS: int(0, 36_500).default(365),
  FEED_CACHE_BYTES: int(0, 64 * 1024 ** 3).default(DEFAULT_FEED_CACHE_BYTES),
  FEED_STALE_SECONDS: int(0, 3600).default(DEFAULT_FEED_STALE_SECONDS),
  WEBSUB_CONCURRENCY: int(1, 1000).default(DEFAULT_WEBSUB_SETTINGS.concurrency),
  WEBSUB_HOST_CONCURRENCY: int(1, 100).default(DEFAULT_WEBSUB_SETTINGS.hostConcurrency),
  WEBSUB_MAX_PENDING: int(1, 1_000_000).default(DEFAULT_WEBSUB_SETTINGS.maxPending),
  WEBSUB_MAX_PENDING_PER_HOST: int(1, 1_000_000).default(DEFAULT_WEBSUB_SETTINGS.maxPendingPerHost),
  WEBSUB_MAX_SUBSCRIPTIONS: int(1, 10_000_000).default(DEFAULT_WEBSUB_SETTINGS.maxSubscriptions),
  WEBSUB_MAX_SUBSCRIPTIONS_PER_HOST: int(1, 10_000_000).default(DEFAULT_WEBSUB_SETTINGS.maxSubscriptionsPerHost),
  SAVED_FEEDS_MAX: int(1, 10_000_000).default(DEFAULT_SAVED_FEED_SETTINGS.max),
  SAVED_FEEDS_PER_HOUR: int(1, 100_000).default(DEFAULT_SAVED_FEED_SETTINGS.perClientPerHour),
  SAVED_FEED_UNUSED_DAYS: int(0, 36_500).default(365),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be smtp://[user:pass@]host[:port] or smtps://…' }).optional(),
  SMTP_TLS_CA: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).max(320).optional(),
  MAIL_SENDER_NAME: z.string().min(1).max(200).optional(),
  MAIL_SENDER_ADDRESS: z.string().min(5).max(500).optional(),
  MAIL_SENDER_CONTACT: z.string().min(3).max(500).optional(),
  DIGEST_HOUR: int(0, 23).default(DEFAULT_DIGEST_SETTINGS.hour),
  DIGEST_WEEKDAY: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }))
    .default(DEFAULT_DIGEST_SETTINGS.weekday),
  DIGEST_TIMEZONE: z.string().min(1).default(DEFAULT_DIGEST_SETTINGS.timeZone),
  DIGEST_CONCURRENCY: int(1, 100).default(DEFAULT_DIGEST_SETTINGS.concurrency),
  DIGEST_REQUESTS_PER_HOUR: int(1, 100_000).default(DEFAULT_DIGEST_SETTINGS.requestsPerHour),
  DIGEST_MAX_PENDING: int(1, 10_000_000).default(DEFAULT_DIGEST_SETTINGS.maxPending),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  feedsFile: string;
  logLevel: string;
  publicUrl: string;
  adminToken?: string;
  /** When set, /metrics asks for it as a bearer token. */
  metricsToken?: string;
  /** `passerelle worker` serves /healthz, /readyz and /metrics on this port when set. */
  metricsPort?: number;
  /** Take the client address from X-Forwarded-For (set only behind a proxy that writes it). */
  trustProxy: boolean;
  /** Memory for rendered output feeds (publish/feed-cache.ts). */
  feedCacheBytes: number;
  /** How long a feed rendered from older data may still be answered while it is rendered again (publish/feed-cache.ts). */
  feedStaleSeconds: number;
  fetch: FetchSettings;
  read: ReadSettings;
  schedule: ScheduleSettings;
  retention: RetentionSettings;
  websub: WebsubSettings;
  savedFeeds: SavedFeedSettings;
  digests: DigestSettings;
}

/** Email digests: where mail goes out, who sends it (CASL), when digests are due, and the bounds on requests. */
export interface DigestSettings {
  /** Unset: no email form is shown and nothing is sent. */
  smtpUrl?: string;
  /** A PEM file of certificates the SMTP server's may be signed by, beside the public authorities (a self-signed server). */
  tlsCaFile?: string;
  /** The From header, e.g. `Passerelle <digests@hub.example.ca>`. */
  from?: string;
  /** The sender's identity every message carries (CASL): name, mailing address, a web or email contact. */
  sender?: { name: string; address: string; contact: string };
  /** Daily digests go at this local hour; weekly ones on this day at the same hour. */
  hour: number;
  weekday: Weekday;
  timeZone: string;
  /** Messages at once per process. */
  concurrency: number;
  /** Subscription requests one client address may make per hour, after a burst of five. */
  requestsPerHour: number;
  /** Unconfirmed requests held at most. */
  maxPending: number;
  /** Days the send log is kept. */
  sendLogDays: number;
}

/** The WebSub hub's work and what an anonymous subscriber may make it hold. */
export interface WebsubSettings {
  /** Deliveries at once in one process (and, separately, verifications). */
  concurrency: number;
  /** Deliveries (and verifications) at once for one callback host, over every process. */
  hostConcurrency: number;
  /** Verifications waiting, overall and for one callback host. */
  maxPending: number;
  maxPendingPerHost: number;
  maxSubscriptions: number;
  maxSubscriptionsPerHost: number;
}

/** Saved feeds (POST /api/saved-feeds): how many, how fast, and how long an unread one stays. */
export interface SavedFeedSettings {
  max: number;
  /** New saved feeds one client address may ask for per hour, after a burst of ten. */
  perClientPerHour: number;
}

export interface FetchSettings {
  userAgent: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  concurrency: number;
  hostConcurrency: number;
  maxItems: number;
  allowPrivateNetworks: boolean;
  /** CIDR ranges allowed even though they are private (e.g. an internal platform). */
  privateAllowlist: string[];
}

/** Where fetched bodies are parsed and normalized (pipeline/read-pool.ts). */
export interface ReadSettings {
  /** Worker threads; 0 reads on the main thread. */
  workers: number;
  /** Heap limit of each worker, in MiB: a body that needs more is recorded as an error on its source. */
  memoryMb: number;
  /** Time one body may take to read, in milliseconds. */
  timeoutMs: number;
}

export interface ScheduleSettings {
  tick: string;
  minIntervalMinutes: number;
  maxIntervalMinutes: number;
  leaseSeconds: number;
  historyPerSource: number;
}

/** What the database keeps (store/retention.ts); 0 turns a rule off. */
export interface RetentionSettings {
  /** Items older than this many days go (by date and by first sighting); 0 keeps them forever. */
  days: number;
  /** Items of one source beyond its newest N go; 0 for no limit. */
  maxItemsPerSource: number;
  /** When the retention job runs (cron, with seconds). */
  schedule: string;
  /** Admin log entries older than this many days go; 0 keeps them. */
  adminLogDays: number;
  /** Saved feeds nobody saved or read for this many days go; 0 keeps them. */
  savedFeedUnusedDays: number;
}

export const VERSION = '0.1.0';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  // Empty strings in the environment mean "unset", as most shells and compose files intend.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      'environment',
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.MIN_INTERVAL_MINUTES > e.MAX_INTERVAL_MINUTES) {
    problems.push('MIN_INTERVAL_MINUTES: must not exceed MAX_INTERVAL_MINUTES');
  }
  const allowlist = e.PRIVATE_NETWORK_ALLOWLIST.split(',').map((s) => s.trim()).filter(Boolean);
  for (const cidr of allowlist) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(cidr)) problems.push(`PRIVATE_NETWORK_ALLOWLIST: "${cidr}" is not an address or CIDR range`);
  }
  if (e.SMTP_URL) {
    if (!e.MAIL_FROM) problems.push('MAIL_FROM: required when SMTP_URL is set (e.g. "Passerelle <digests@hub.example.ca>")');
    if (!e.MAIL_SENDER_NAME) problems.push('MAIL_SENDER_NAME: required when SMTP_URL is set (CASL: every message names its sender)');
    if (!e.MAIL_SENDER_ADDRESS) problems.push('MAIL_SENDER_ADDRESS: required when SMTP_URL is set (CASL: the sender\'s mailing address)');
  }
  if (e.MAIL_FROM && (/[\r\n]/.test(e.MAIL_FROM) || !/@[^@\s>]+\.[^@\s>]+>?\s*$/.test(e.MAIL_FROM))) problems.push('MAIL_FROM: must be an address, optionally with a name ("Name <address@domain>")');
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.DIGEST_TIMEZONE });
  } catch {
    problems.push(`DIGEST_TIMEZONE: "${e.DIGEST_TIMEZONE}" is not a time zone (e.g. America/Toronto, America/Vancouver)`);
  }
  if (problems.length) throw new ConfigError(problems, 'environment');

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const contact = e.CONTACT_URL ?? publicUrl;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    feedsFile: path.resolve(e.FEEDS_FILE),
    logLevel: e.LOG_LEVEL,
    publicUrl,
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    trustProxy: e.TRUST_PROXY,
    feedCacheBytes: e.FEED_CACHE_BYTES,
    feedStaleSeconds: e.FEED_STALE_SECONDS,
    fetch: Object.freeze({
      userAgent: `Passerelle/${VERSION} (feed aggregator; +${contact})`,
      timeoutMs: e.FETCH_TIMEOUT_MS,
      connectTimeoutMs: e.FETCH_CONNECT_TIMEOUT_MS,
      maxBytes: e.FETCH_MAX_BYTES,
      maxRedirects: 5,
      concurrency: e.FETCH_CONCURRENCY,
      hostConcurrency: e.FETCH_HOST_CONCURRENCY,
      maxItems: e.FETCH_MAX_ITEMS,
      allowPrivateNetworks: e.ALLOW_PRIVATE_NETWORKS,
      privateAllowlist: allowlist,
    }),
    read: Object.freeze({ workers: e.PARSE_WORKERS, memoryMb: e.PARSE_MEMORY_MB, timeoutMs: e.PARSE_TIMEOUT_MS }),
    schedule: Object.freeze({
      tick: e.SCHEDULER_TICK,
      minIntervalMinutes: e.MIN_INTERVAL_MINUTES,
      maxIntervalMinutes: e.MAX_INTERVAL_MINUTES,
      leaseSeconds: e.LEASE_SECONDS,
      historyPerSource: e.FETCH_HISTORY,
    }),
    retention: Object.freeze({
      days: e.RETENTION_DAYS,
      maxItemsPerSource: e.RETENTION_MAX_ITEMS_PER_SOURCE,
      schedule: e.RETENTION_SCHEDULE,
      adminLogDays: e.ADMIN_LOG_RETENTION_DAYS,
      savedFeedUnusedDays: e.SAVED_FEED_UNUSED_DAYS,
    }),
    websub: Object.freeze({
      concurrency: e.WEBSUB_CONCURRENCY,
      hostConcurrency: e.WEBSUB_HOST_CONCURRENCY,
      maxPending: e.WEBSUB_MAX_PENDING,
      maxPendingPerHost: e.WEBSUB_MAX_PENDING_PER_HOST,
      maxSubscriptions: e.WEBSUB_MAX_SUBSCRIPTIONS,
      maxSubscriptionsPerHost: e.WEBSUB_MAX_SUBSCRIPTIONS_PER_HOST,
    }),
    savedFeeds: Object.freeze({
      max: e.SAVED_FEEDS_MAX,
      perClientPerHour: e.SAVED_FEEDS_PER_HOUR,
    }),
    digests: Object.freeze({
      smtpUrl: e.SMTP_URL,
      tlsCaFile: e.SMTP_TLS_CA ? path.resolve(e.SMTP_TLS_CA) : undefined,
      from: e.MAIL_FROM,
      sender: e.MAIL_SENDER_NAME && e.MAIL_SENDER_ADDRESS ? Object.freeze({ name: e.MAIL_SENDER_NAME, address: e.MAIL_SENDER_ADDRESS, contact: e.MAIL_SENDER_CONTACT ?? contact }) : undefined,
      hour: e.DIGEST_HOUR,
      weekday: e.DIGEST_WEEKDAY,
      timeZone: e.DIGEST_TIMEZONE,
      concurrency: e.DIGEST_CONCURRENCY,
      requestsPerHour: e.DIGEST_REQUESTS_PER_HOUR,
      maxPending: e.DIGEST_MAX_PENDING,
      sendLogDays: DEFAULT_DIGEST_SETTINGS.sendLogDays,
    }),
  });
}
