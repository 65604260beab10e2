// The WebSub hub for our own output feeds (W3C WebSub Recommendation, 2018). Subscribers POST to
// /websub; intent is verified in the background (§5.3); when an ingest changes items, every
// subscribed topic is rendered again through the feed renderer, and each subscriber whose topic
// changed is sent the full document a poller would get (§7), signed when it gave a secret (§7.1).
//
// Deliveries never run inside an ingest: itemsChanged() only asks for a check a moment later. The
// check marks changed subscriptions due in the database; a bounded pool claims due deliveries
// (store/websub-repo.ts) and POSTs them with a deadline each, so a slow callback holds one slot
// for at most the deadline and never delays the others. Failures back off, then the delivery is
// dropped; the subscription itself lives until its lease ends (§7), or until the callback says 410.
import { createHmac, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { AppError, BadRequestError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { checkUrlHost, type GuardSettings } from '../fetch/address-guard.ts';
import { requestCallback, type CallbackDeps, type CallbackResult, type CallbackSettings } from '../fetch/callback-request.ts';
import type { Db } from '../store/db.ts';
import { readGeneration } from '../store/hub-state.ts';
import {
  activateSubscription,
  claimDueDeliveries,
  completeDelivery,
  deleteExpiredSubscriptions,
  deleteSubscription,
  deleteSubscriptionById,
  discardPendingSubscription,
  dropDelivery,
  getSubscription,
  insertPendingSubscription,
  listActiveSubscriptionsForTopic,
  listSubscribedTopics,
  markTopicChanged,
  releaseDelivery,
  retryDelivery,
  type DeliveryClaim,
} from '../store/websub-repo.ts';
import type { FeedCache } from './feed-cache.ts';
import type { FeedRenderer, RenderedFeed } from './feed-renderer.ts';
import { FORMAT_MEDIA_TYPES } from './output-feed.ts';

/** §8.2: "10 days is a good default"; leases are never perpetual (§5.3.1). */
export const LEASE_LIMITS = { defaultSeconds: 10 * 86_400, minSeconds: 3_600, maxSeconds: 30 * 86_400 };

/** Waits after the 1st, 2nd … failed attempt; one more failure after the last drops the delivery. */
export const DEFAULT_RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 14_400_000, 43_200_000];

/** §5.1: hub.secret "MUST be less than 200 bytes". */
const SECRET_MAX_BYTES = 199;
const URL_MAX_LENGTH = 2048;
/** A challenge is 32 characters; anything longer than this is not an echo of it. */
const CHALLENGE_READ_BYTES = 1024;

export interface SubscriptionRequest {
  mode: 'subscribe' | 'unsubscribe';
  topic: string;
  callback: string;
  /** Clamped to LEASE_LIMITS; meaningless for unsubscribe. */
  leaseSeconds: number;
  secret: string | null;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dropped' | 'gone';

/** The hub is at its limit of verifications waiting: 503, try again later. */
export class HubBusyError extends AppError {
  override readonly status = 503;
}

export interface WebsubOptions {
  db: Db;
  renderer: FeedRenderer;
  /**
   * The renderer's cache. It is told to read the hub generation again before every render here,
   * so a check or a delivery never works from a document older than the database.
   */
  cache?: FeedCache;
  publicUrl: string;
  logger: Logger;
  /** The fetcher's address guard applies to callbacks too. */
  guard: GuardSettings;
  userAgent: string;
  /** Deliveries at once in this process. Default 4. */
  concurrency?: number;
  /** Intent verifications at once, and waiting, in this process. Defaults 4 and 1000. */
  verifyConcurrency?: number;
  maxQueuedVerifications?: number;
  /** Deadline of one callback request, connect included. Defaults 10 s and 5 s. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  retryDelaysMs?: number[];
  /** How long a claimed delivery is ours; must outlast timeoutMs. Default 60 s. */
  claimSeconds?: number;
  /** How long an unverified subscription's placeholder may stay. Default 1 h. */
  pendingHoldSeconds?: number;
  /** Between sweeps: expire leases, notice changes made by other processes, pick up due retries. Default 10 s. */
  sweepMs?: number;
  /** Every topic is checked at least this often, generation or not. Default 5 min. */
  fullCheckMs?: number;
  /** Ingests coming in a burst share one check this long after the first. Default 250 ms. */
  checkDelayMs?: number;
  /** Test seams for the callback client (DNS, CA). */
  callbackDeps?: CallbackDeps;
  /** Told of every delivery attempt's outcome: the place for metrics (recordWebsubDelivery). */
  onDelivery?: (outcome: DeliveryOutcome, durationMs: number) => void;
}

export interface WebsubHub {
  /**
   * A subscription request, as its form fields. Throws BadRequestError (400) for a request we
   * refuse, HubBusyError (503) when too many verifications are waiting; otherwise resolves once
   * the request is accepted (202) and verification of intent is queued.
   */
  request(form: URLSearchParams): Promise<SubscriptionRequest>;
  /** The pipeline's onItemsChanged: schedules a check of every subscribed topic. Returns at once. */
  itemsChanged(): void;
  /** Starts the delivery loop (processes that run the scheduler). */
  start(): void;
  /** Stops taking work, waits up to `graceMs` for requests in flight, then aborts and releases them. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when nothing is running or queued here right now (tests, one-shot commands). */
  idle(): Promise<void>;
}

/** The form of a subscription request, checked per §5.1; topic checks need the renderer (see request()). */
export function parseSubscriptionRequest(form: URLSearchParams, guard: GuardSettings): SubscriptionRequest {
  const mode = form.get('hub.mode');
  if (mode !== 'subscribe' && mode !== 'unsubscribe') {
    throw new BadRequestError(`hub.mode: ${mode ? `unknown value "${mode.slice(0, 40)}"` : 'missing'}; accepted: subscribe, unsubscribe`);
  }
  const topic = form.get('hub.topic')?.trim();
  if (!topic) throw new BadRequestError('hub.topic: missing; give the self URL of one of our feeds');
  if (topic.length > URL_MAX_LENGTH) throw new BadRequestError(`hub.topic: longer than ${URL_MAX_LENGTH} characters`);

  const callback = form.get('hub.callback')?.trim();
  if (!callback) throw new BadRequestError('hub.callback: missing');
  if (callback.length > URL_MAX_LENGTH) throw new BadRequestError(`hub.callback: longer than ${URL_MAX_LENGTH} characters`);
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
      secret = given;
    }
  }
  return { mode, topic, callback, leaseSeconds, secret };
}

/** §5.3: the hub's parameters go after the callback's own query string, which is kept as it is. */
export function verificationUrl(callback: string, params: Record<string, string>): string {
  const url = new URL(callback);
  url.hash = '';
  const href = url.href;
  const extra = new URLSearchParams(params).toString();
  return `${href}${url.search ? '&' : href.endsWith('?') ? '' : '?'}${extra}`;
}

/** §7.1: `X-Hub-Signature: sha256=<hex HMAC of the body, keyed with hub.secret>`. */
export function signBody(secret: string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  return `sha256=${(typeof body === 'string' ? hmac.update(body, 'utf8') : hmac.update(body)).digest('hex')}`;
}

function callbackHost(callback: string): string {
  try {
    return new URL(callback).host;
  } catch {
    return '?';
  }
}

type TopicRender = { kind: 'ok'; feed: RenderedFeed } | { kind: 'invalid'; reason: string } | { kind: 'unknown' } | { kind: 'error'; error: string };

export function createWebsubHub(options: WebsubOptions): WebsubHub {
  const { db, renderer } = options;
  const log = options.logger.child({ component: 'websub' });
  const hubUrl = `${options.publicUrl}/websub`;
  const concurrency = options.concurrency ?? 4;
  const verifyConcurrency = options.verifyConcurrency ?? 4;
  const maxQueued = options.maxQueuedVerifications ?? 1000;
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const claimSeconds = options.claimSeconds ?? Math.max(60, Math.ceil((3 * timeoutMs) / 1000));
  const pendingHoldSeconds = options.pendingHoldSeconds ?? 3600;
  const sweepMs = options.sweepMs ?? 10_000;
  const fullCheckMs = options.fullCheckMs ?? 300_000;
  const checkDelayMs = options.checkDelayMs ?? 250;
  const settings: CallbackSettings = {
    allowPrivateNetworks: options.guard.allowPrivateNetworks,
    privateAllowlist: options.guard.privateAllowlist,
    userAgent: options.userAgent,
    timeoutMs,
    connectTimeoutMs: Math.min(options.connectTimeoutMs ?? 5_000, timeoutMs),
  };
  const abort = new AbortController();
  // Every callback request in flight listens to this one signal.
  setMaxListeners(0, abort.signal);
  const call = (request: Parameters<typeof requestCallback>[0]): Promise<CallbackResult> =>
    requestCallback({ ...request, signal: abort.signal }, settings, options.callbackDeps);

  let started = false;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
    return timer;
  };

  async function renderTopic(topic: string): Promise<TopicRender> {
    const address = renderer.addressOf(topic);
    if (!address) return { kind: 'unknown' };
    options.cache?.invalidate();
    try {
      return { kind: 'ok', feed: await renderer.render(address) };
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return { kind: 'invalid', reason: err.message };
      return { kind: 'error', error: `render failed: ${(err as Error).message}` };
    }
  }

  // ---- intent verification: its own small pool, so a flood of requests never stalls deliveries

  const verifyQueue: (() => Promise<void>)[] = [];
  const verifying = new Set<Promise<void>>();

  function drainVerifications(): void {
    while (!closed && verifying.size < verifyConcurrency && verifyQueue.length) {
      const job = verifyQueue.shift()!;
      const p: Promise<void> = job()
        .catch((err) => log.error({ err }, 'verification failed'))
        .finally(() => {
          verifying.delete(p);
          drainVerifications();
        });
      verifying.add(p);
    }
  }

  function enqueue(job: () => Promise<void>): void {
    if (closed) throw new HubBusyError('the hub is shutting down; try again in a minute');
    if (verifyQueue.length >= maxQueued) throw new HubBusyError('the hub has too many requests to verify right now; try again in a minute');
    verifyQueue.push(job);
    drainVerifications();
  }

  async function verifyIntent(req: SubscriptionRequest, contentHash: string): Promise<void> {
    const vlog = log.child({ callback: callbackHost(req.callback), topic: req.topic, mode: req.mode });
    if (req.mode === 'unsubscribe') {
      // Nothing to remove: nothing to ask. The 202 said the same either way, so it tells no one
      // whether a callback was subscribed.
      if (!(await getSubscription(db, req.topic, req.callback))) return;
    } else {
      await insertPendingSubscription(db, { topic: req.topic, callback: req.callback, leaseSeconds: req.leaseSeconds, holdSeconds: pendingHoldSeconds });
    }
    const challenge = randomBytes(24).toString('base64url');
    const params: Record<string, string> = { 'hub.mode': req.mode, 'hub.topic': req.topic, 'hub.challenge': challenge };
    if (req.mode === 'subscribe') params['hub.lease_seconds'] = String(req.leaseSeconds);
    const result = await call({ method: 'GET', url: verificationUrl(req.callback, params), maxResponseBytes: CHALLENGE_READ_BYTES });
    // §5.3.1: a 2xx whose body is exactly the challenge; any other answer is a refusal.
    const verified = result.kind === 'response' && result.status >= 200 && result.status < 300 && !result.truncated && result.body === challenge;
    const outcome = result.kind === 'response' ? { status: result.status, durationMs: result.durationMs } : { error: result.error, durationMs: result.durationMs };
    if (req.mode === 'subscribe') {
      if (verified) {
        const row = await activateSubscription(db, { topic: req.topic, callback: req.callback, leaseSeconds: req.leaseSeconds, secret: req.secret, contentHash });
        vlog.info({ subscription: row.id, leaseSeconds: req.leaseSeconds, ...outcome }, 'subscription verified');
      } else {
        await discardPendingSubscription(db, req.topic, req.callback);
        vlog.info(outcome, 'subscription not verified');
      }
    } else if (verified) {
      await deleteSubscription(db, req.topic, req.callback);
      vlog.info(outcome, 'unsubscription verified');
    } else {
      vlog.info(outcome, 'unsubscription not verified');
    }
  }

  /** §5.2: a subscription refused after it was accepted is told so, then removed. */
  async function deny(subscription: { id: number; topic: string; callback: string }, reason: string): Promise<void> {
    await deleteSubscriptionById(db, subscription.id);
    log.info({ subscription: subscription.id, callback: callbackHost(subscription.callback), reason }, 'subscription denied');
    const url = verificationUrl(subscription.callback, { 'hub.mode': 'denied', 'hub.topic': subscription.topic, 'hub.reason': reason.slice(0, 300) });
    try {
      enqueue(async () => void (await call({ method: 'GET', url })));
    } catch {
      // Busy or closing: the subscriber learns when its renewal is refused.
    }
  }

  // ---- delivery loop

  const inFlight = new Map<number, Promise<void>>();
  let passRunning: Promise<void> | undefined;
  let passQueued = false;
  let passAgain = false;
  let checkWanted = false;
  let checkTimer: NodeJS.Timeout | undefined;
  let sweepRunning: Promise<void> | undefined;
  let checkedGeneration = -1;
  let checkedAt = -Infinity;

  function schedulePass(): void {
    if (!started) return;
    if (passRunning) {
      passAgain = true;
      return;
    }
    if (passQueued) return;
    passQueued = true;
    setImmediate(() => {
      passQueued = false;
      if (!started || passRunning) return;
      passRunning = runPass().finally(() => (passRunning = undefined));
    });
  }

  async function runPass(): Promise<void> {
    try {
      do {
        passAgain = false;
        if (checkWanted) {
          checkWanted = false;
          await checkTopics();
        }
        await pump();
      } while (passAgain && started);
    } catch (err) {
      // The database may be away for a moment: the next sweep tries again.
      log.error({ err }, 'delivery pass failed');
    }
  }

  /** Renders every subscribed topic and marks the subscriptions whose document changed. */
  async function checkTopics(): Promise<void> {
    const { generation } = await readGeneration(db);
    let marked = 0;
    for (const topic of await listSubscribedTopics(db)) {
      if (!started) return;
      const r = await renderTopic(topic);
      if (r.kind === 'ok') marked += await markTopicChanged(db, topic, r.feed.etag);
      else if (r.kind === 'invalid') for (const s of await listActiveSubscriptionsForTopic(db, topic)) await deny(s, r.reason);
      else if (r.kind === 'error') log.warn({ topic, error: r.error }, 'topic check failed');
      // 'unknown': not under PUBLIC_URL any more (it changed); those leases simply run out.
    }
    checkedGeneration = generation;
    checkedAt = performance.now();
    if (marked) log.debug({ marked }, 'deliveries due');
  }

  async function pump(): Promise<void> {
    if (!started) return;
    const claims = await claimDueDeliveries(db, { limit: concurrency - inFlight.size, claimSeconds });
    for (const claim of claims) {
      const p = deliver(claim)
        .catch((err) => log.error({ err, subscription: claim.id }, 'delivery crashed'))
        .finally(() => {
          inFlight.delete(claim.id);
          schedulePass();
        });
      inFlight.set(claim.id, p);
    }
  }

  async function deliver(claim: DeliveryClaim): Promise<void> {
    const dlog = log.child({ subscription: claim.id, callback: callbackHost(claim.callback), attempt: claim.attempts });
    const lost = (landed: boolean) => {
      if (!landed) dlog.warn('delivery claim lost');
    };
    const t0 = performance.now();
    const r = await renderTopic(claim.topic);
    if (r.kind === 'invalid') return deny(claim, r.reason);
    if (r.kind !== 'ok') {
      const error = r.kind === 'error' ? r.error : 'topic is not a feed of this hub';
      return fail(claim, dlog, null, error, false, Math.round(performance.now() - t0));
    }
    const feed = r.feed;
    if (feed.etag === claim.lastContentHash) {
      // Already dealt with (another process, or the document changed back).
      return lost(await completeDelivery(db, claim, { contentHash: feed.etag, currentHash: feed.etag, delivered: false }));
    }
    const headers: Record<string, string> = {
      'Content-Type': FORMAT_MEDIA_TYPES[feed.format],
      // §7: one Link header with the hub and the topic's canonical (self) URL.
      Link: `<${hubUrl}>; rel="hub", <${feed.selfUrl}>; rel="self"`,
    };
    if (claim.secret) headers['X-Hub-Signature'] = signBody(claim.secret, feed.body);
    const result = await call({ method: 'POST', url: claim.callback, headers, body: feed.body });
    const durationMs = result.durationMs;

    if (result.kind === 'failed' && result.code === 'aborted') {
      await releaseDelivery(db, claim);
      return;
    }
    if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
      const now = await renderTopic(claim.topic);
      const currentHash = now.kind === 'ok' ? now.feed.etag : feed.etag;
      lost(await completeDelivery(db, claim, { contentHash: feed.etag, currentHash, delivered: true }));
      dlog.info({ status: result.status, durationMs }, 'delivered');
      options.onDelivery?.('delivered', durationMs);
      return;
    }
    if (result.kind === 'response' && result.status === 410) {
      // §7: the subscriber deleted this subscription.
      await deleteSubscriptionById(db, claim.id);
      dlog.info({ status: 410, durationMs }, 'subscription gone');
      options.onDelivery?.('gone', durationMs);
      return;
    }
    const error = result.kind === 'response' ? `HTTP ${result.status}` : result.error;
    // An address the guard refuses will not become acceptable by waiting.
    const permanent = result.kind === 'failed' && (result.code === 'blocked' || result.code === 'bad-url');
    return fail(claim, dlog, feed.etag, error, permanent, durationMs, result.kind === 'response' ? result.status : undefined);
  }

  async function fail(
    claim: DeliveryClaim,
    dlog: Logger,
    contentHash: string | null,
    error: string,
    permanent: boolean,
    durationMs: number,
    status?: number,
  ): Promise<void> {
    if (permanent || claim.attempts > retryDelaysMs.length) {
      const landed = await dropDelivery(db, claim, contentHash, `gave up after ${claim.attempts} attempt(s): ${error}`);
      if (!landed) dlog.warn('delivery claim lost');
      dlog.warn({ status, error, durationMs }, 'delivery dropped');
      options.onDelivery?.('dropped', durationMs);
      return;
    }
    const delayMs = retryDelaysMs[claim.attempts - 1];
    const landed = await retryDelivery(db, claim, delayMs / 1000, error);
    if (!landed) dlog.warn('delivery claim lost');
    // This process tries again on time; any other would at its next sweep.
    later(delayMs, schedulePass);
    dlog.warn({ status, error, durationMs, retryInMs: delayMs }, 'delivery failed');
    options.onDelivery?.('retrying', durationMs);
  }

  async function sweep(): Promise<void> {
    try {
      const expired = await deleteExpiredSubscriptions(db);
      const lapsed = expired.filter((s) => s.state === 'active');
      if (lapsed.length) log.info({ expired: lapsed.length }, 'subscriptions expired');
      // Another process may have ingested: its generation bump is our cue.
      const { generation } = await readGeneration(db);
      if (generation !== checkedGeneration || performance.now() - checkedAt >= fullCheckMs) checkWanted = true;
      schedulePass();
    } catch (err) {
      log.error({ err }, 'websub sweep failed');
    }
  }

  function sweepLoop(): void {
    if (!started) return;
    sweepRunning = sweep().finally(() => {
      sweepRunning = undefined;
      if (started) later(sweepMs, sweepLoop);
    });
  }

  return {
    async request(form) {
      const req = parseSubscriptionRequest(form, options.guard);
      if (!renderer.addressOf(req.topic)) {
        throw new BadRequestError(`hub.topic: not a feed of this hub; use the self URL of a feed under ${options.publicUrl}`);
      }
      let contentHash = '';
      if (req.mode === 'subscribe') {
        // The topic must render now: an unknown topic, source or filter is refused with the reason.
        const r = await renderTopic(req.topic);
        if (r.kind === 'invalid') throw new BadRequestError(`hub.topic: ${r.reason}`);
        if (r.kind !== 'ok') throw new Error(r.kind === 'error' ? r.error : 'topic not renderable');
        contentHash = r.feed.etag;
      }
      enqueue(() => verifyIntent(req, contentHash));
      return req;
    },
    itemsChanged() {
      if (!started || checkTimer) return;
      checkTimer = later(checkDelayMs, () => {
        checkTimer = undefined;
        checkWanted = true;
        schedulePass();
      });
    },
    start() {
      if (started || closed) return;
      started = true;
      sweepLoop();
    },
    async stop(graceMs = 10_000) {
      if (closed) return;
      closed = true;
      started = false;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      checkTimer = undefined;
      if (verifyQueue.length) log.info({ dropped: verifyQueue.length }, 'verifications not started before shutdown');
      verifyQueue.length = 0;
      const running = () => [...inFlight.values(), ...verifying, ...(passRunning ? [passRunning] : []), ...(sweepRunning ? [sweepRunning] : [])];
      if (running().length) {
        const grace = new Promise((r) => setTimeout(r, graceMs).unref());
        await Promise.race([Promise.allSettled(running()), grace]);
      }
      if (running().length) {
        abort.abort();
        await Promise.allSettled(running());
      }
    },
    async idle() {
      for (;;) {
        const busy = inFlight.size || verifying.size || verifyQueue.length || passRunning || passQueued || checkTimer || sweepRunning;
        if (!busy) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
