// A WebSub subscription request as a subscriber sends it (W3C WebSub §5.1): its form checked, its
// lease clamped, its callback guarded like any address we fetch. Whether the topic is one of our
// feeds is the hub's question (websub.ts), because it needs the renderer.
import { BadRequestError } from '../core/errors.ts';
import { checkUrlHost, type GuardSettings } from '../fetch/address-guard.ts';
import { quoted } from './feed-query.ts';

/** §8.2: "10 days is a good default"; leases are never perpetual (§5.3.1). */
export const LEASE_LIMITS = { defaultSeconds: 10 * 86_400, minSeconds: 3_600, maxSeconds: 30 * 86_400 };

/** §5.1: hub.secret "MUST be less than 200 bytes". */
const SECRET_MAX_BYTES = 199;
const URL_MAX_LENGTH = 2048;

export interface SubscriptionRequest {
  mode: 'subscribe' | 'unsubscribe';
  /** As the subscriber spelled it. */
  topic: string;
  callback: string;
  /** The callback's host name, as the URL parser gives it: caps and slots are counted per host. */
  callbackHost: string;
  /** Clamped to LEASE_LIMITS; meaningless for unsubscribe. */
  leaseSeconds: number;
  secret: string | null;
}

// C0 controls and DEL never belong in a URL (and text columns refuse NUL).
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The form of a subscription request, checked per §5.1. */
export function parseSubscriptionRequest(form: URLSearchParams, guard: GuardSettings): SubscriptionRequest {
  const mode = form.get('hub.mode');
  if (mode !== 'subscribe' && mode !== 'unsubscribe') {
    throw new BadRequestError(`hub.mode: ${mode ? `unknown value ${quoted(mode)}` : 'missing'}; accepted: subscribe, unsubscribe`);
  }
  const topic = form.get('hub.topic')?.trim();
  if (!topic) throw new BadRequestError('hub.topic: missing; give the self URL of one of our feeds');
  if (topic.length > URL_MAX_LENGTH) throw new BadRequestError(`hub.topic: longer than ${URL_MAX_LENGTH} characters`);
  if (CONTROL.test(topic)) throw new BadRequestError('hub.topic: must not contain control characters');

  const callback = form.get('hub.callback')?.trim();
  if (!callback) throw new BadRequestError('hub.callback: missing');
  if (callback.length > URL_MAX_LENGTH) throw new BadRequestError(`hub.callback: longer than ${URL_MAX_LENGTH} characters`);
  if (CONTROL.test(callback)) throw new BadRequestError('hub.callback: must not contain control characters');
  let url: URL;
  try {
    url = new URL(callback);
  } catch {
    throw new BadRequestError('hub.callback: not an absolute URL');
  }
  const host = checkUrlHost(url, guard);
  if (!host.ok) throw new BadRequestError(`hub.callback: ${host.error}`);
  if (url.username || url.password) throw new BadRequestError('hub.callback: user names and passwords in the URL are not accepted');

  // §5.1: lease and secret "MUST be ignored" in an unsubscription request.
  let leaseSeconds = LEASE_LIMITS.defaultSeconds;
  let secret: string | null = null;
  if (mode === 'subscribe') {
    const lease = form.get('hub.lease_seconds')?.trim();
    if (lease) {
      if (!/^\d+$/.test(lease) || Number(lease) === 0) throw new BadRequestError('hub.lease_seconds: must be a positive whole number of seconds');
      leaseSeconds = Math.min(LEASE_LIMITS.maxSeconds, Math.max(LEASE_LIMITS.minSeconds, Number(lease)));
    }
    const given = form.get('hub.secret');
    if (given) {
      if (Buffer.byteLength(given, 'utf8') > SECRET_MAX_BYTES) throw new BadRequestError('hub.secret: must be less than 200 bytes');
      if (given.includes('\u0000')) throw new BadRequestError('hub.secret: must not contain NUL');
      secret = given;
    }
  }
  return { mode, topic, callback, callbackHost: url.hostname, leaseSeconds, secret };
}

/** §5.3: the hub's parameters go after the callback's own query string, which is kept as it is. */
export function verificationUrl(callback: string, params: Record<string, string>): string {
  const url = new URL(callback);
  url.hash = '';
  const href = url.href;
  const extra = new URLSearchParams(params).toString();
  return `${href}${url.search ? '&' : href.endsWith('?') ? '' : '?'}${extra}`;
}
