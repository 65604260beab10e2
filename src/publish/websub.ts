// The WebSub hub for our own output feeds (W3C WebSub Recommendation, 2018): where subscription
// requests to /websub are accepted. A request is checked (websub-request.ts), its topic read as
// one of our feeds and stored under the feed's canonical self URL (one spelling per feed), the
// caps are applied, and it is queued in the database for a worker to verify (§5.3). Verifying and
// delivering are jobs (schedule/websub-jobs.ts), so any worker can do them and none holds them in
// memory; the protocol steps are websub-verify.ts and websub-deliver.ts.
import { DEFAULT_WEBSUB_SETTINGS, type WebsubSettings } from '../core/config.ts';
import { AppError, BadRequestError, ForbiddenError } from '../core/errors.ts';
import type { GuardSettings } from '../fetch/address-guard.ts';
import type { Db } from '../store/db.ts';
import { countPendingVerifications, countSubscriptions, getSubscription, putRequest } from '../store/websub-repo.ts';
import type { FeedRenderer } from './feed-renderer.ts';
import { parseSubscriptionRequest, type SubscriptionRequest } from './websub-request.ts';

export { LEASE_LIMITS, type SubscriptionRequest } from './websub-request.ts';

/** The hub is at its limit of verifications waiting: 503, try again later. */
export class HubBusyError extends AppError {
  override readonly status = 503;
}

/** This callback host has as many verifications waiting as it may: 429, try again later. */
export class CallbackHostBusyError extends AppError {
  override readonly status = 429;
}

export type WebsubLimits = Pick<WebsubSettings, 'maxPending' | 'maxPendingPerHost' | 'maxSubscriptions' | 'maxSubscriptionsPerHost'>;

export interface WebsubOptions {
  db: Db;
  renderer: FeedRenderer;
  publicUrl: string;
  /** The fetcher's address guard applies to callbacks too. */
  guard: GuardSettings;
  limits?: Partial<WebsubLimits>;
  /** How long a request may wait for a worker before it is dropped. Default 1 h. */
  holdSeconds?: number;
  /** Told when a request is queued: wakes this process's verification job. */
  onQueued?: () => void;
}

export interface WebsubHub {
  /**
   * A subscription request, as its form fields. Throws a 4xx AppError for a request we refuse, 503
   * (or 429 for one callback host) when too many verifications are waiting; otherwise resolves
   * once the request is queued for verification (202).
   */
  request(form: URLSearchParams): Promise<SubscriptionRequest>;
}

export function createWebsubHub(options: WebsubOptions): WebsubHub {
  const { db, renderer } = options;
  const limits: WebsubLimits = { ...DEFAULT_WEBSUB_SETTINGS, ...options.limits };
  const holdSeconds = options.holdSeconds ?? 3600;

  /** The canonical self URL of the topic, with the reason as a 400 when it is not one of our feeds. */
  const notOurs = () => new BadRequestError(`hub.topic: not a feed of this hub; use the self URL of a feed under ${options.publicUrl}`);

  async function canonicalTopic(topic: string): Promise<string> {
    const address = renderer.addressOf(topic);
    if (!address) throw notOurs();
    try {
      return await renderer.canonicalUrl(address);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) throw new BadRequestError(`hub.topic: ${err.message}`);
      throw err;
    }
  }

  async function checkCaps(req: SubscriptionRequest, topic: string): Promise<void> {
    const pending = await countPendingVerifications(db, req.callbackHost);
    if (pending.total >= limits.maxPending) throw new HubBusyError('the hub has too many requests to verify right now; try again in a minute');
    if (pending.forHost >= limits.maxPendingPerHost) {
      throw new CallbackHostBusyError(`hub.callback: ${limits.maxPendingPerHost} requests for this callback host are waiting to be verified; try again in a minute`);
    }
    if (req.mode !== 'subscribe' || (await getSubscription(db, topic, req.callback))) return;
    const subscriptions = await countSubscriptions(db, req.callbackHost);
    if (subscriptions.total >= limits.maxSubscriptions) throw new HubBusyError('the hub holds as many subscriptions as it accepts; try again later');
    if (subscriptions.forHost >= limits.maxSubscriptionsPerHost) {
      throw new ForbiddenError(`hub.callback: this callback host has ${subscriptions.forHost} subscriptions, the most this hub accepts for one host`);
    }
  }

  return {
    async request(form) {
      const req = parseSubscriptionRequest(form, options.guard);
      let topic: string;
      let contentHash: string | null = null;
      if (req.mode === 'subscribe') {
        topic = await canonicalTopic(req.topic);
        await checkCaps(req, topic);
        // The topic must render now; a new subscription starts from this document.
        contentHash = (await renderer.render(renderer.addressOf(topic)!)).etag;
      } else {
        const address = renderer.addressOf(req.topic);
        if (!address) throw notOurs();
        // A topic that no longer reads (a source renamed) can still be left, under the name it was stored with.
        topic = await renderer.canonicalUrl(address).catch(() => req.topic);
        // Nothing to remove: nothing to ask. The 202 says the same either way, so it tells no one
        // whether a callback was subscribed.
        if (!(await getSubscription(db, topic, req.callback))) return req;
        await checkCaps(req, topic);
      }
      await putRequest(db, {
        mode: req.mode,
        topic,
        requestedTopic: req.topic,
        callback: req.callback,
        callbackHost: req.callbackHost,
        leaseSeconds: req.leaseSeconds,
        secret: req.secret,
        contentHash,
        holdSeconds,
      });
      options.onQueued?.();
      return req;
    },
  };
}
