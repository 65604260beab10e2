// What every request is held to before any route reads it. Its body is bounded: a route reads at
// most its limit, sent with a Content-Length or chunked, and a longer body is a 413 as soon as the
// limit is passed, never buffered further (hono's bodyLimit counts the stream as it reads). And a
// NUL in the address, which no database column takes, is a 400 naming the parameter.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BadRequestError } from '../core/errors.ts';
import { DEFAULT_OPML_LIMITS } from '../parse/index.ts';

/** Every form and JSON body we take fits: a source, a sign-in, a subscription request. */
export const DEFAULT_BODY_BYTES = 64 * 1024;

/** Routes that take more: an OPML file up to the import's own limit, with room for its envelope. */
const LARGER_BODIES: Record<string, number> = { '/api/opml': DEFAULT_OPML_LIMITS.maxBytes + 4096 };

const tooLarge = (maxSize: number) =>
  bodyLimit({ maxSize, onError: (c) => c.json({ error: `body: too large (at most ${Math.round(maxSize / 1024)} KiB)` }, 413) });

export function requestLimits(defaultBytes = DEFAULT_BODY_BYTES): MiddlewareHandler {
  const byDefault = tooLarge(defaultBytes);
  const larger = new Map(Object.entries(LARGER_BODIES).map(([path, bytes]) => [path, tooLarge(bytes)]));
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (url.pathname.includes('%00')) throw new BadRequestError('path: must not contain NUL');
    for (const [name, value] of url.searchParams) {
      if (value.includes('\u0000') || name.includes('\u0000')) throw new BadRequestError(`${name.replace(/\u0000/g, '') || 'query'}: must not contain NUL`);
    }
    return (larger.get(c.req.path) ?? byDefault)(c, next);
  };
}
