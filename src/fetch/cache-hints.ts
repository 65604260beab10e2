// Reads what a response says about when to come back: Retry-After (RFC 9110 §10.2.3) and
// freshness from Cache-Control max-age or Expires (RFC 9111 §4.2.1, §5.3).

export const RETRY_AFTER_MIN_SECONDS = 60;
export const RETRY_AFTER_MAX_SECONDS = 7 * 86_400;

type Headers = Record<string, string | undefined>;

/** An HTTP-date (RFC 9110 §5.6.7); every accepted form names the month, which keeps "0" or "-1" out of Date.parse. */
function parseHttpDate(value: string | undefined): number | undefined {
  if (!value || !/[a-z]{3}/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Retry-After as seconds, clamped to [1 min, 7 d]; undefined when absent or unreadable. An
 * HTTP-date is measured from the response's own Date when it has one, so a skewed server
 * clock does not turn a one-hour pause into a day.
 */
export function parseRetryAfter(headers: Headers, nowMs: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  let seconds: number;
  if (/^\d+$/.test(value)) {
    seconds = Number(value);
  } else {
    const at = parseHttpDate(value);
    if (at === undefined) return undefined;
    seconds = Math.ceil((at - (parseHttpDate(headers.date) ?? nowMs)) / 1000);
  }
  return Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, seconds));
}

/**
 * Freshness lifetime in seconds. max-age wins over Expires (RFC 9111 §5.3); s-maxage is for shared
 * caches, and we are a private one. An unreadable Expires, "0" included, means already stale.
 */
export function parseCacheLifetime(headers: Headers, nowMs: number): number | undefined {
  const cacheControl = headers['cache-control'];
  if (cacheControl) {
    const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl);
    if (m) return Math.min(Number(m[1]), 2 ** 31 - 1);
  }
  const expires = headers.expires;
  if (expires === undefined) return undefined;
  const at = parseHttpDate(expires);
  if (at === undefined) return 0;
  const base = parseHttpDate(headers.date) ?? nowMs;
  return Math.max(0, Math.floor((at - base) / 1000));
}
