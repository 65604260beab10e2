// WebSub's background work as two jobs of the shared runner (run-jobs.ts): verifying requests
// (and telling denials), and delivering changed topics. Each has its own slots, so a flood of
// subscription requests never takes a delivery's place, and each leases fairly between callback
// hosts (store/websub-repo.ts), so a host whose callbacks hang holds at most its share of slots
// while every other subscriber is served.
//
// An ingest never waits for WebSub: itemsChanged() asks for a check a moment later. The delivery
// job's lease pass then renders the subscribed topics (a batch per pass, the oldest subscriptions
// first), marks the subscriptions whose document changed, and leases the due deliveries, which POST
// the document that check rendered: a change is rendered once, not again by every delivery (on a
// busy hub each render waits behind the web requests for the database). A delivery that finds the
// hub changed since its document was rendered is due again, and the next check decides. A failed
// delivery backs off, then is dropped; the subscription lives until its lease ends (§7), or until
// the callback answers 410.
import { DEFAULT_WEBSUB_SETTINGS } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { WebsubDeliveryOutcome } from '../core/metrics.ts';
import type { GuardSettings } from '../fetch/address-guard.ts';
import { requestCallback, type CallbackDeps, type CallbackSettings } from '../fetch/callback-request.ts';
import type { FeedCache } from '../publish/feed-cache.ts';
import type { FeedRenderer, RenderedFeed } from '../publish/feed-renderer.ts';
import { deliverFeed, type DeliveryAttempt } from '../publish/websub-deliver.ts';
import { tellDenied, verifyIntent, type CallbackCaller, type VerifyOutcome } from '../publish/websub-verify.ts';
import type { Db } from '../store/db.ts';
import { readGeneration } from '../store/hub-state.ts';
import {
  activateSubscription,
  completeDelivery,
  deleteExpiredSubscriptions,
  deleteStaleRequests,
  deleteSubscription,
  deleteSubscriptionById,
  dropDelivery,
  finishRequest,
  leaseDeliveries,
  leaseRequests,
  listSubscribedTopics,
  listSubscriptionsForTopic,
  markTopicChanged,
  putRequest,
  releaseDelivery,
  releaseRequest,
  retryDelivery,
  type DeliveryLease,
  type RequestLease,
} from '../store/websub-repo.ts';
import { createJobRunner, type Job, type JobContext, type JobRunner } from './run-jobs.ts';

/** Waits after the 1st, 2nd … failed attempt; one more failure after the last drops the delivery. */
export const DEFAULT_RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 14_400_000, 43_200_000];

export type DeliveryOutcome = WebsubDeliveryOutcome;

/** A request is tried this often (the worker died, or the database failed mid-way), then dropped. */
const REQUEST_MAX_ATTEMPTS = 3;
/** Topics rendered per lease pass of the delivery job, so deliveries start while the rest are checked. */
const CHECK_BATCH = 20;
/** A delivery sends the document its check rendered if that is this recent; an older one is rendered again. */
const RENDER_REUSE_MS = 30_000;

export interface WebsubJobsOptions {
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
  /** Deliveries at once in this process, and verifications at once. Default 8 each. */
  concurrency?: number;
  /** Deliveries (and verifications) at once for one callback host, over every worker. Default 2. */
  hostConcurrency?: number;
  /** Deadline of one callback request, connect included. Defaults 10 s and 5 s. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  retryDelaysMs?: number[];
  /** How long a leased delivery or verification is ours; must outlast timeoutMs. Default 60 s. */
  leaseSeconds?: number;
  /** How long a denial may wait for a worker. Default 1 h. */
  holdSeconds?: number;
  /** Between lease passes while idle: work queued by other processes, retries due. Default 2 s. */
  pollMs?: number;
  /** Between sweeps of expired subscriptions and stale requests. Default 10 s. */
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

export interface WebsubJobs {
  verification: JobRunner<RequestLease, RequestResult>;
  delivery: JobRunner<DeliveryLease, DeliveryResult>;
  /** The pipeline's onItemsChanged: schedules a check of every subscribed topic. Returns at once. */
  itemsChanged(): void;
  /** A request was queued in this process: verify it now rather than at the next poll. */
  requestQueued(): void;
  start(): void;
  /** Stops leasing, waits up to `graceMs` for requests in flight, then aborts them and gives their leases back. */
  stop(graceMs?: number): Promise<void>;
  /** Verifies, checks and delivers everything due now, and resolves when none is left (tests, one-shot commands). */
  idle(): Promise<void>;
}

type TopicRender = { kind: 'ok'; feed: RenderedFeed } | { kind: 'invalid'; reason: string } | { kind: 'unknown' } | { kind: 'error'; error: string };

type RequestResult = { kind: 'denial-told' } | VerifyOutcome;

type DeliveryResult =
  | { kind: 'deny'; reason: string }
  | { kind: 'unrenderable'; error: string; durationMs: number }
  | { kind: 'current'; etag: string; currentHash: string }
  | { kind: 'attempted'; etag: string; attempt: Exclude<DeliveryAttempt, { kind: 'aborted' }>; currentHash: string }
  | { kind: 'aborted' };

export function createWebsubJobs(options: WebsubJobsOptions): WebsubJobs {
  const { db, renderer } = options;
  const log = options.logger.child({ component: 'websub' });
  const hubUrl = `${options.publicUrl}/websub`;
  const concurrency = options.concurrency ?? DEFAULT_WEBSUB_SETTINGS.concurrency;
  const perHost = options.hostConcurrency ?? DEFAULT_WEBSUB_SETTINGS.hostConcurrency;
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseSeconds = options.leaseSeconds ?? Math.max(60, Math.ceil((3 * timeoutMs) / 1000));
  const holdSeconds = options.holdSeconds ?? 3600;
  const pollMs = options.pollMs ?? 2000;
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
  const caller = (signal: AbortSignal): CallbackCaller => (request) => requestCallback({ ...request, signal }, settings, options.callbackDeps);
  const hostOf = (callback: string) => {
    try {
      return new URL(callback).hostname;
    } catch {
      return '?';
    }
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

  /** §5.2: a subscription refused after it was accepted is removed, and its subscriber told by the verification job. */
  async function deny(subscription: DeliveryLease, reason: string): Promise<void> {
    await deleteSubscriptionById(db, subscription.id);
    await putRequest(db, {
      mode: 'denied',
      topic: subscription.topic,
      requestedTopic: subscription.topic,
      callback: subscription.callback,
      callbackHost: subscription.callbackHost,
      leaseSeconds: subscription.leaseSeconds,
      secret: null,
      reason,
      holdSeconds,
    });
    log.info({ subscription: subscription.id, callback: subscription.callbackHost, reason }, 'subscription denied');
    verification.wake();
  }

  // ---- verification of intent, and denials

  let sweptAt = -Infinity;
  async function sweep(): Promise<void> {
    if (performance.now() - sweptAt < sweepMs) return;
    sweptAt = performance.now();
    const expired = await deleteExpiredSubscriptions(db);
    const stale = await deleteStaleRequests(db, REQUEST_MAX_ATTEMPTS);
    if (expired || stale) log.info({ expired, stale }, 'subscriptions expired');
  }

  const verificationJob: Job<RequestLease, RequestResult> = {
    name: 'websub-verify',
    async lease(limit) {
      await sweep();
      return leaseRequests(db, { limit, leaseSeconds, perHost, maxAttempts: REQUEST_MAX_ATTEMPTS });
    },
    async run(req, signal) {
      const call = caller(signal);
      if (req.mode === 'denied') return (await tellDenied({ topic: req.topic, callback: req.callback, reason: req.reason ?? '' }, call)) === 'aborted' ? { kind: 'aborted' } : { kind: 'denial-told' };
      return verifyIntent({ mode: req.mode, topic: req.requestedTopic, callback: req.callback, leaseSeconds: req.leaseSeconds }, call);
    },
    async record(req, result, ctx) {
      if (result.kind === 'aborted') return releaseRequest(db, req);
      const vlog = ctx.log.child({ callback: req.callbackHost, topic: req.topic, mode: req.mode });
      const outcome = result.kind === 'denial-told' ? {} : { status: result.status, error: result.error, durationMs: result.durationMs };
      if (req.mode === 'subscribe' && result.kind === 'verified') {
        const row = await activateSubscription(db, {
          topic: req.topic,
          callback: req.callback,
          callbackHost: req.callbackHost,
          leaseSeconds: req.leaseSeconds,
          secret: req.secret,
          contentHash: req.contentHash,
        });
        vlog.info({ subscription: row.id, leaseSeconds: req.leaseSeconds, ...outcome }, 'subscription verified');
      } else if (req.mode === 'unsubscribe' && result.kind === 'verified') {
        await deleteSubscription(db, req.topic, req.callback);
        vlog.info(outcome, 'unsubscription verified');
      } else if (req.mode !== 'denied') {
        // A renewal the subscriber does not confirm leaves the subscription as it was (§5.1).
        vlog.info(outcome, `${req.mode === 'subscribe' ? 'subscription' : 'unsubscription'} not verified`);
      }
      await finishRequest(db, req);
    },
    describe: (req) => ({ request: req.id, callback: req.callbackHost }),
  };

  // ---- delivery

  let checkWanted = false;
  let checkTimer: NodeJS.Timeout | undefined;
  let checkedGeneration = -1;
  let checkedAt = -Infinity;
  let toCheck: string[] = [];
  const checkPending = () => checkWanted || toCheck.length > 0;
  /**
   * The document each topic's latest check rendered, with the hub generation read before it (the
   * document is at least that new). Only topics with live subscriptions are kept.
   */
  const checked = new Map<string, { feed: RenderedFeed; generation: number; at: number }>();

  /** The topic's document for a delivery: its check's, if recent, or rendered now. */
  async function documentFor(topic: string): Promise<{ render: TopicRender; generation: number }> {
    const kept = checked.get(topic);
    if (kept && performance.now() - kept.at < RENDER_REUSE_MS) return { render: { kind: 'ok', feed: kept.feed }, generation: kept.generation };
    const { generation } = await readGeneration(db);
    return { render: await renderTopic(topic), generation };
  }

  /** What a delivery records as the topic's current document: its own, unless the hub changed since (then none, and it is due again). */
  async function currentHashAfter(etag: string, generation: number): Promise<string> {
    return (await readGeneration(db)).generation === generation ? etag : '';
  }

  /** Renders a batch of subscribed topics and marks the subscriptions whose document changed. */
  async function checkSomeTopics(ctx: JobContext): Promise<void> {
    if (!toCheck.length) {
      const { generation } = await readGeneration(db);
      if (!checkWanted && generation === checkedGeneration && performance.now() - checkedAt < fullCheckMs) return;
      checkWanted = false;
      checkedGeneration = generation;
      checkedAt = performance.now();
      toCheck = await listSubscribedTopics(db);
      const live = new Set(toCheck);
      for (const topic of checked.keys()) if (!live.has(topic)) checked.delete(topic);
    }
    let marked = 0;
    for (const topic of toCheck.splice(0, CHECK_BATCH)) {
      const r = await renderTopic(topic);
      checked.delete(topic);
      if (r.kind === 'ok') {
        checked.set(topic, { feed: r.feed, generation: checkedGeneration, at: performance.now() });
        marked += await markTopicChanged(db, topic, r.feed.etag);
      } else if (r.kind === 'invalid') for (const s of await listSubscriptionsForTopic(db, topic)) await deny(s, r.reason);
      else if (r.kind === 'error') log.warn({ topic, error: r.error }, 'topic check failed');
      // 'unknown': not under PUBLIC_URL any more (it changed); those leases simply run out.
    }
    if (marked) log.debug({ marked }, 'deliveries due');
    if (toCheck.length) ctx.wakeIn(0);
  }

  const deliveryJob: Job<DeliveryLease, DeliveryResult> = {
    name: 'websub-deliver',
    async lease(limit, ctx) {
      await checkSomeTopics(ctx);
      return leaseDeliveries(db, { limit, leaseSeconds, perHost });
    },
    async run(lease, signal) {
      const t0 = performance.now();
      const { render: r, generation } = await documentFor(lease.topic);
      if (r.kind === 'invalid') return { kind: 'deny', reason: r.reason };
      if (r.kind !== 'ok') return { kind: 'unrenderable', error: r.kind === 'error' ? r.error : 'topic is not a feed of this hub', durationMs: Math.round(performance.now() - t0) };
      const feed = r.feed;
      // Already dealt with (another process, or the document changed back).
      if (feed.etag === lease.lastContentHash) return { kind: 'current', etag: feed.etag, currentHash: await currentHashAfter(feed.etag, generation) };
      const attempt = await deliverFeed(feed, lease, hubUrl, caller(signal));
      if (attempt.kind === 'aborted') return attempt;
      const currentHash = attempt.kind === 'delivered' ? await currentHashAfter(feed.etag, generation) : feed.etag;
      return { kind: 'attempted', etag: feed.etag, attempt, currentHash };
    },
    async record(lease, result, ctx) {
      const dlog = ctx.log.child({ subscription: lease.id, callback: lease.callbackHost, attempt: lease.attempts });
      const landed = (ok: boolean) => {
        if (!ok) dlog.warn('delivery lease lost');
      };
      switch (result.kind) {
        case 'aborted':
          return releaseDelivery(db, lease);
        case 'deny':
          return deny(lease, result.reason);
        case 'current':
          return landed(await completeDelivery(db, lease, { contentHash: result.etag, currentHash: result.currentHash, delivered: false }));
        case 'unrenderable':
          return fail(lease, dlog, ctx, null, { error: result.error, permanent: false, durationMs: result.durationMs });
      }
      const { attempt, etag } = result;
      if (attempt.kind === 'delivered') {
        landed(await completeDelivery(db, lease, { contentHash: etag, currentHash: result.currentHash, delivered: true }));
        dlog.info({ status: attempt.status, durationMs: attempt.durationMs }, 'delivered');
        options.onDelivery?.('delivered', attempt.durationMs);
      } else if (attempt.kind === 'gone') {
        // §7: the subscriber deleted this subscription.
        await deleteSubscriptionById(db, lease.id);
        dlog.info({ status: 410, durationMs: attempt.durationMs }, 'subscription gone');
        options.onDelivery?.('gone', attempt.durationMs);
      } else {
        await fail(lease, dlog, ctx, etag, attempt);
      }
    },
    describe: (lease) => ({ subscription: lease.id, callback: hostOf(lease.callback) }),
  };

  async function fail(
    lease: DeliveryLease,
    dlog: Logger,
    ctx: JobContext,
    contentHash: string | null,
    problem: { error: string; permanent: boolean; durationMs: number; status?: number },
  ): Promise<void> {
    const { error, durationMs, status } = problem;
    if (problem.permanent || lease.attempts > retryDelaysMs.length) {
      const ok = await dropDelivery(db, lease, contentHash, `gave up after ${lease.attempts} attempt(s): ${error}`);
      if (!ok) dlog.warn('delivery lease lost');
      dlog.warn({ status, error, durationMs }, 'delivery dropped');
      options.onDelivery?.('dropped', durationMs);
      return;
    }
    const delayMs = retryDelaysMs[lease.attempts - 1];
    const ok = await retryDelivery(db, lease, delayMs / 1000, error);
    if (!ok) dlog.warn('delivery lease lost');
    // This process tries again on time; any other would at its next poll.
    ctx.wakeIn(delayMs);
    dlog.warn({ status, error, durationMs, retryInMs: delayMs }, 'delivery failed');
    options.onDelivery?.('retrying', durationMs);
  }

  const verification = createJobRunner(verificationJob, { concurrency, pollMs, logger: options.logger });
  const delivery = createJobRunner(deliveryJob, { concurrency, pollMs, logger: options.logger });
  let started = false;

  return {
    verification,
    delivery,
    itemsChanged() {
      if (!started || checkTimer) return;
      checkTimer = setTimeout(() => {
        checkTimer = undefined;
        checkWanted = true;
        delivery.wake();
      }, checkDelayMs);
      checkTimer.unref();
    },
    requestQueued() {
      verification.wake();
    },
    start() {
      if (started) return;
      started = true;
      verification.start();
      delivery.start();
    },
    async stop(graceMs = 10_000) {
      started = false;
      clearTimeout(checkTimer);
      checkTimer = undefined;
      await Promise.all([verification.stop(graceMs), delivery.stop(graceMs)]);
    },
    async idle() {
      if (checkTimer) {
        clearTimeout(checkTimer);
        checkTimer = undefined;
        checkWanted = true;
      }
      // Deliveries first: a check may deny a subscription, and the denial is the verification job's to tell.
      for (;;) {
        const delivered = await delivery.drain();
        const verified = await verification.drain();
        if (!verified && !delivered && !checkPending()) return;
      }
    },
  };
}
