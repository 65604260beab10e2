// One content distribution (W3C WebSub §7): the topic's whole document POSTed to the callback with
// the hub and self links, signed when the subscriber gave a secret (§7.1). The answer is classified
// here; retries, backoff and what to store belong to the delivery job.
import { createHmac } from 'node:crypto';
import type { RenderedFeed } from './feed-renderer.ts';
import { FORMAT_MEDIA_TYPES } from './output-feed.ts';
import type { CallbackCaller } from './websub-verify.ts';

export type DeliveryAttempt =
  | { kind: 'delivered'; status: number; durationMs: number }
  /** 410: the subscriber deleted this subscription (§7). */
  | { kind: 'gone'; durationMs: number }
  /** Anything else; `permanent` when waiting cannot help (an address the guard refuses). */
  | { kind: 'failed'; error: string; permanent: boolean; status?: number; durationMs: number }
  | { kind: 'aborted' };

/** §7.1: `X-Hub-Signature: sha256=<hex HMAC of the body, keyed with hub.secret>`. */
export function signBody(secret: string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  return `sha256=${(typeof body === 'string' ? hmac.update(body, 'utf8') : hmac.update(body)).digest('hex')}`;
}

export async function deliverFeed(feed: RenderedFeed, to: { callback: string; secret: string | null }, hubUrl: string, call: CallbackCaller): Promise<DeliveryAttempt> {
  const headers: Record<string, string> = {
    'Content-Type': FORMAT_MEDIA_TYPES[feed.format],
    // §7: one Link header with the hub and the topic's canonical (self) URL.
    Link: `<${hubUrl}>; rel="hub", <${feed.selfUrl}>; rel="self"`,
  };
  if (to.secret) headers['X-Hub-Signature'] = signBody(to.secret, feed.body);
  const result = await call({ method: 'POST', url: to.callback, headers, body: feed.body });
  if (result.kind === 'failed') {
    if (result.code === 'aborted') return { kind: 'aborted' };
    // An address the guard refuses will not become acceptable by waiting.
    return { kind: 'failed', error: result.error, permanent: result.code === 'blocked' || result.code === 'bad-url', durationMs: result.durationMs };
  }
  if (result.status >= 200 && result.status < 300) return { kind: 'delivered', status: result.status, durationMs: result.durationMs };
  if (result.status === 410) return { kind: 'gone', durationMs: result.durationMs };
  return { kind: 'failed', error: `HTTP ${result.status}`, permanent: false, status: result.status, durationMs: result.durationMs };
}
