// Conditional responses (RFC 9110 §13): strong ETag and Last-Modified from the data, 304 when
// the client already has it, Cache-Control so readers and proxies poll politely.
import type { Context } from 'hono';

export interface CacheableBody {
  /** Bytes are sent as they are; a string is encoded on every response. */
  body: string | Uint8Array<ArrayBuffer>;
  etag: string;
  lastModified: Date;
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored. */
function etagMatches(header: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return header
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t.replace(/^W\//, '') === bare);
}

/** Dates in HTTP have one-second precision: compare what was sent, not the milliseconds. */
function notModifiedSince(header: string, lastModified: Date): boolean {
  const since = Date.parse(header);
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/** The headers of a cacheable response, built once per document: a poll reuses them. */
export interface CacheHeaders {
  notModified: Record<string, string>;
  ok: Record<string, string>;
}

export function cacheHeaders(value: CacheableBody, contentType: string, maxAgeSeconds: number, extraHeaders: Record<string, string> = {}): CacheHeaders {
  const notModified: Record<string, string> = {
    ETag: value.etag,
    // An empty feed or a document with no date of its own has no meaningful Last-Modified.
    ...(value.lastModified.getTime() > 0 ? { 'Last-Modified': value.lastModified.toUTCString() } : {}),
    'Cache-Control': `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds}`,
    Vary: 'Accept-Encoding',
    ...extraHeaders,
  };
  return { notModified, ok: { ...notModified, 'Content-Type': contentType } };
}

export function respondCacheable(c: Context, value: CacheableBody, headers: CacheHeaders): Response {
  const inm = c.req.header('if-none-match');
  // If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2).
  if (inm !== undefined) {
    if (inm === value.etag || etagMatches(inm, value.etag)) return c.body(null, 304, headers.notModified);
  } else {
    const ims = c.req.header('if-modified-since');
    if (ims && value.lastModified.getTime() > 0 && notModifiedSince(ims, value.lastModified)) return c.body(null, 304, headers.notModified);
  }
  return c.body(value.body, 200, headers.ok);
}

export function sendCacheable(c: Context, value: CacheableBody, contentType: string, maxAgeSeconds: number, extraHeaders: Record<string, string> = {}): Response {
  return respondCacheable(c, value, cacheHeaders(value, contentType, maxAgeSeconds, extraHeaders));
}
