// Bearer tokens for the admin API: ADMIN_TOKEN (compared by hash in constant time, never stored)
// or a token from `passerelle tokens create` (stored as its SHA-256). A missing or wrong token gets
// 401 {"error":"unauthorized"} and nothing more; wrong tokens from one client address are throttled
// with a leaky bucket (429 with Retry-After), so guessing is slow whatever the token's strength.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { Metrics } from '../core/metrics.ts';
import { findLiveToken, hashToken, recordTokenUse, sameTokenHash } from '../store/api-tokens.ts';
import type { Db } from '../store/db.ts';
import type { AppEnv, TokenIdentity } from './app-env.ts';

export interface ThrottleOptions {
  /** Wrong tokens a client may send in a burst before it must wait. */
  maxFailures: number;
  /** One failure is forgotten per this many seconds. */
  decaySeconds: number;
  /** Client addresses remembered at most (the oldest are forgotten first). */
  maxTracked?: number;
  now?: () => number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { maxFailures: 5, decaySeconds: 60 };

export interface FailureThrottle {
  /** Seconds the client must wait before its next attempt; 0 when it may try now. */
  retryAfter(client: string): number;
  fail(client: string): void;
}

/**
 * A leaky bucket per client: each failure adds one, one drains every decaySeconds. At maxFailures
 * the client waits until the level drops below it; attempts while waiting count too, up to twice
 * the limit, so hammering keeps the door shut while a person who mistyped waits about a minute.
 */
export function createFailureThrottle(options: ThrottleOptions): FailureThrottle {
  const now = options.now ?? Date.now;
  const decayMs = options.decaySeconds * 1000;
  const maxTracked = options.maxTracked ?? 10_000;
  const buckets = new Map<string, { level: number; at: number }>();
  const levelOf = (client: string, t: number) => {
    const b = buckets.get(client);
    return b ? Math.max(0, b.level - (t - b.at) / decayMs) : 0;
  };
  return {
    retryAfter(client) {
      const level = levelOf(client, now());
      const excess = level - (options.maxFailures - 1);
      return excess > 0 ? Math.max(1, Math.ceil((excess * decayMs) / 1000)) : 0;
    },
    fail(client) {
      const t = now();
      const level = Math.min(levelOf(client, t) + 1, options.maxFailures * 2);
      buckets.delete(client);
      buckets.set(client, { level, at: t });
      if (buckets.size > maxTracked) {
        for (const [key] of buckets) {
          if (buckets.size <= maxTracked) break;
          buckets.delete(key);
        }
      }
    },
  };
}

export interface AuthOptions {
  db: Db;
  metrics: Metrics;
  adminToken?: string;
  /** Take the client address from the last X-Forwarded-For entry (the one our proxy wrote). */
  trustProxy?: boolean;
  throttle?: ThrottleOptions;
}

/** What checking one token found: who it is, or why not (the same reasons the API answers with). */
export type TokenCheck =
  | { kind: 'ok'; identity: TokenIdentity }
  | { kind: 'missing' }
  | { kind: 'invalid' }
  | { kind: 'throttled'; retryAfter: number };

export interface Auth {
  /** Admits a valid token; 'write' also refuses read-only tokens (403). */
  require(access: 'read' | 'write'): MiddlewareHandler<AppEnv>;
  /**
   * Checks a token taken from elsewhere than the Authorization header (the admin pages' sign-in
   * form and session cookie), with the same throttle and metrics as require().
   */
  check(c: Context, token: string | undefined): Promise<TokenCheck>;
  /** Admits only this one secret as a bearer token (METRICS_TOKEN), with the same throttle. */
  requireSecret(secret: string): MiddlewareHandler<AppEnv>;
}

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="passerelle"' };

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
  return m?.[1];
}

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-memory requests (tests) have no socket
  }
}

export function createAuth(options: AuthOptions): Auth {
  const throttle = createFailureThrottle(options.throttle ?? DEFAULT_THROTTLE);
  const adminHash = options.adminToken ? hashToken(options.adminToken) : undefined;

  const identify = async (token: string): Promise<TokenIdentity | undefined> => {
    const hash = hashToken(token);
    if (adminHash && sameTokenHash(hash, adminHash)) return { id: null, name: 'ADMIN_TOKEN', readOnly: false };
    const row = await findLiveToken(options.db, hash);
    if (!row) return undefined;
    await recordTokenUse(options.db, row.id);
    return { id: row.id, name: row.name, readOnly: row.readOnly };
  };

  const checkWith = async (c: Context, token: string | undefined, lookup: (token: string) => Promise<TokenIdentity | undefined>): Promise<TokenCheck> => {
    const client = clientAddress(c, options.trustProxy ?? false);
    const wait = throttle.retryAfter(client);
    if (wait > 0) {
      throttle.fail(client);
      options.metrics.recordAuthFailure('throttled');
      return { kind: 'throttled', retryAfter: wait };
    }
    const identity = token ? await lookup(token) : undefined;
    if (!identity) {
      // A missing token is a mistake, not a guess: only wrong tokens fill the bucket.
      if (token) throttle.fail(client);
      options.metrics.recordAuthFailure(token ? 'invalid' : 'missing');
      return { kind: token ? 'invalid' : 'missing' };
    }
    return { kind: 'ok', identity };
  };

  const guard = (lookup: (token: string) => Promise<TokenIdentity | undefined>, access: 'read' | 'write'): MiddlewareHandler<AppEnv> =>
    async (c, next) => {
      const result = await checkWith(c, bearerToken(c.req.header('authorization')), lookup);
      if (result.kind === 'throttled') return c.json({ error: 'too many failed attempts; retry later' }, 429, { 'Retry-After': String(result.retryAfter) });
      if (result.kind !== 'ok') return c.json({ error: 'unauthorized' }, 401, UNAUTHORIZED_HEADERS);
      if (access === 'write' && result.identity.readOnly) return c.json({ error: 'forbidden: this token is read-only' }, 403);
      c.set('token', result.identity);
      await next();
    };

  return {
    require: (access) => guard(identify, access),
    check: (c, token) => checkWith(c, token, identify),
    requireSecret(secret) {
      const secretHash = hashToken(secret);
      return guard(async (token) => (sameTokenHash(hashToken(token), secretHash) ? { id: null, name: 'METRICS_TOKEN', readOnly: true } : undefined), 'read');
    },
  };
}
