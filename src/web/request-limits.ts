// What every request is held to before any route reads it. Its body is bounded: a route reads at
// most its limit, sent with a Content-Length or chunked, and a longer body is a 413 as soon as the
// limit is passed, never buffered further (hono's bodyLimit counts the stream as it reads). And a
// NUL in the address, which no database column takes, is a 400 naming the parameter.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BadRequestError } from '../core/errors.ts';
import { DEFAULT_OPML_LIMITS } from '../parse/index.ts';

/** Every form and JSON body we take fits: a source, a sign-in. */
export const DEFAULT_BODY_BYTES = 64 * 1024;

/** Routes with a limit of their own, checked here so that nothing reads past it first. */
const ROUTE_BODIES: Record<string, { bytes: number; text?: boolean }> = {
  // An OPML file up to the import's own limit, with room for its envelope.
  '/api/opml': { bytes: DEFAULT_OPML_LIMITS.maxBytes + 4096 },
  // The admin pages' OPML upload: the file in a multipart form. The page's own limit, a little
  // lower, answers first, with a page in its language.
  '/en/admin/import': { bytes: DEFAULT_OPML_LIMITS.maxBytes + 128 * 1024 },
  '/fr/admin/import': { bytes: DEFAULT_OPML_LIMITS.maxBytes + 128 * 1024 },
  // A saved feed is a title and a filter; anything bigger is not one.
  '/api/saved-feeds': { bytes: 16 * 1024 },
  // A subscription request is a few URLs and a secret. The hub answers in plain text (W3C WebSub §5.1.2).
  '/websub': { bytes: 16 * 1024, text: true },
};

const tooLarge = (maxSize: number, text = false) => {
  const message = `body: too large (at most ${Math.round(maxSize / 1024)} KiB)`;
  return bodyLimit({ maxSize, onError: (c) => (text ? c.text(`${message}\n`, 413) : c.json({ error: message }, 413)) });
};

export function requestLimits(defaultBytes = DEFAULT_BODY_BYTES): MiddlewareHandler {
  const byDefault = tooLarge(defaultBytes);
  const byRoute = new Map(Object.entries(ROUTE_BODIES).map(([path, limit]) => [path, tooLarge(limit.bytes, limit.text)]));
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (url.pathname.includes('%00')) throw new BadRequestError('path: must not contain NUL');
    for (const [name, value] of url.searchParams) {
      if (value.includes('\u0000') || name.includes('\u0000')) throw new BadRequestError(`${name.replace(/\u0000/g, '') || 'query'}: must not contain NUL`);
    }
    return (byRoute.get(c.req.path) ?? byDefault)(c, next);
  };
}
