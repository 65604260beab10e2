// The hub endpoint our feeds advertise (rel="hub"): subscription and unsubscription requests per
// W3C WebSub §5.1. Answers are plain text, as §5.1.2 asks; the work happens in publish/websub.ts.
// The body is bounded (16 KiB) by request-limits.ts before it gets here.
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../core/errors.ts';
import type { WebsubHub } from '../publish/websub.ts';
import type { AppEnv } from './app-env.ts';

/** Answers worth waiting for: the hub or this callback host has too much waiting. */
const RETRY_LATER = new Set([429, 503]);

export function createWebsubRoutes(websub: WebsubHub): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/websub', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return c.text('send the request as application/x-www-form-urlencoded (W3C WebSub §5.1)\n', 415);
    }
    const body = await c.req.text();
    try {
      const accepted = await websub.request(new URLSearchParams(body));
      return c.text(`accepted: the hub will now verify this ${accepted.mode === 'subscribe' ? 'subscription' : 'unsubscription'} at hub.callback\n`, 202);
    } catch (err) {
      if (err instanceof AppError && (err.status < 500 || err.status === 503)) {
        return c.text(`${err.message}\n`, err.status as ContentfulStatusCode, RETRY_LATER.has(err.status) ? { 'Retry-After': '60' } : {});
      }
      throw err;
    }
  });
  app.get('/websub', (c) =>
    c.text(
      'This is a WebSub hub (https://www.w3.org/TR/websub/) for this site\'s feeds. POST hub.mode=subscribe, hub.topic=<a feed\'s self URL>, hub.callback=<your URL> and optionally hub.lease_seconds and hub.secret, form-encoded.\n',
      405,
      { Allow: 'POST' },
    ),
  );
  return app;
}
