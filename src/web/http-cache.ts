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

export function sendCacheable(c: Context, value: CacheableBody, contentType: string, maxAgeSeconds: number, extraHeaders: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    ETag: value.etag,
    // An empty feed or a document with no date of its own has no meaningful Last-Modified.
    ...(value.lastModified.getTime() > 0 ? { 'Last-Modified': value.lastModified.toUTCString() } : {}),
    'Cache-Control': `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds}`,
    Vary: 'Accept-Encoding',
    ...extraHeaders,
  };
  const inm = c.req.header('if-none-match');
  const ims = c.req.header('if-modified-since');
  // If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2).
  if (inm ? etagMatches(inm, value.etag) : ims && value.lastModified.getTime() > 0 ? notModifiedSince(ims, value.lastModified) : false) {
    return c.body(null, 304, headers);
  }
  return c.body(value.body, 200, { ...headers, 'Content-Type': contentType });
}
