// Email digests as two jobs of the shared runner (run-jobs.ts): confirmation messages, and
// digests. Each leases its rows from the database (store/digests-repo.ts), so any number of
// workers share them, and each has its own slots, so a flood of subscription requests never takes
// a digest's place.
//
// A digest is the subscription's selection over the stories first seen since its last one (the
// window runs from slot to slot, see digest-slots.ts, so the subscribers of one selection share
// one query). The window's start is read with an overlap, against items committed late, and the
// stories already sent to the subscription are left out. Before the message goes, its content is
// written as a prepared send; SMTP's acceptance is recorded in the transaction that moves the
// window on. So a worker that dies, a Postgres restart or a dropped connection never makes a
// second, different digest of the same stories: a prepared send is sent again as it was, under
// its Message-ID (see the README for what SMTP allows beyond that).
//
// Failures: an SMTP server that cannot be reached, or answers 4xx, is tried again with backoff,
// and the digest then sent holds everything due meanwhile. An address refused with 5xx is tried
// again later; refused BOUNCE_LIMIT times in a row, it is suspended with the server's reason.
import { randomBytes } from 'node:crypto';
import type { DigestSettings } from '../core/config.ts';
import type { ConfirmationOutcome, DigestOutcome } from '../core/metrics.ts';
import type { Logger } from '../core/logger.ts';
import { LANGUAGES, type Language, type Topic } from '../core/types.ts';
import type { Mailer, OutgoingMessage, SendOutcome } from '../mail/smtp-mailer.ts';
import { buildConfirmationMessage, buildDigestMessage, selectionQuery, type MessageParts, type SenderIdentity } from '../publish/digest-message.ts';
import { describeQuery } from '../publish/wording.ts';
import type { Db } from '../store/db.ts';
import {
  CONFIRMATION_DAYS,
  completeSend,
  failConfirmation,
  failSend,
  findPreparedSend,
  leaseConfirmations,
  leaseDigests,
  listToConfirm,
  markConfirmationsSent,
  prepareSend,
  recentlyCovered,
  releaseLease,
  releaseReservation,
  reserveConfirmation,
  skipEmptyDigest,
  sweepDigests,
  type DigestSendRow,
  type DigestSubscriptionRow,
} from '../store/digests-repo.ts';
import { getItems, queryItems, type ItemView } from '../store/items-query.ts';
import { listSources } from '../store/sources-repo.ts';
import { latestSlot, nextSlot, type SlotSettings } from './digest-slots.ts';
import { createJobRunner, type Job, type JobRunner } from './run-jobs.ts';

/** Waits after the 1st, 2nd … failed try of one digest; the last repeats. */
export const DEFAULT_RETRY_DELAYS_MS = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000];
/** Waits after an address's 1st and 2nd refusal; the next refusal suspends it. */
export const DEFAULT_BOUNCE_DELAYS_MS = [3_600_000, 21_600_000];
export const BOUNCE_LIMIT = 3;
/** Items committed this late after they were first seen are still found by the next digest. */
export const WINDOW_OVERLAP_MS = 15 * 60_000;
/** A story published this long before the window opened is not new, even if the hub first saw it now (a source just added). */
export const PUBLISHED_SLACK_MS = 7 * 86_400_000;
/** Stories read per window at most (a digest shows MAX_STORIES and counts the rest). */
const CANDIDATES = 200;

export interface DigestJobsOptions {
  db: Db;
  mailer: Mailer;
  logger: Logger;
  publicUrl: string;
  topics: Topic[];
  settings: Pick<DigestSettings, 'hour' | 'weekday' | 'timeZone' | 'concurrency' | 'sendLogDays'> & { from: string; sender: SenderIdentity };
  /** How long a leased subscription is ours; must outlast a send (the mailer's timeouts). Default 300 s. */
  leaseSeconds?: number;
  /** Between lease passes while idle. Default 5 s. */
  pollMs?: number;
  retryDelaysMs?: number[];
  bounceDelaysMs?: number[];
  /** Between sweeps of expired requests, limits and old send logs. Default 60 s. */
  sweepMs?: number;
  now?: () => Date;
  onDigest?: (outcome: DigestOutcome) => void;
  onConfirmation?: (outcome: ConfirmationOutcome) => void;
}

export interface DigestTask {
  sub: DigestSubscriptionRow;
  /** `digests send --now`: sent as if due, the window ending at this instant. */
  forcedAt?: Date;
}

export type DigestResult =
  | { kind: 'empty'; windowEnd: Date }
  | { kind: 'vanished'; send: DigestSendRow }
  | { kind: 'attempted'; send: DigestSendRow; outcome: SendOutcome }
  | { kind: 'aborted' };

type ConfirmTask = DigestSubscriptionRow;
type ConfirmResult = { kind: 'attempted'; ids: number[]; outcome: SendOutcome } | { kind: 'limited' } | { kind: 'nothing' } | { kind: 'aborted' };

export interface SendNowReport {
  sent: number;
  empty: number;
  failed: number;
  bounced: number;
  suspended: number;
}

export interface DigestJobs {
  confirmations: JobRunner<ConfirmTask, ConfirmResult>;
  digests: JobRunner<DigestTask, DigestResult>;
  /** A request was stored in this process: send its confirmation now rather than at the next poll. */
  requestQueued(): void;
  /** Every active subscription's digest now, as if due; resolves when all are done. */
  sendNow(onResult?: (task: DigestTask, result: DigestResult) => void): Promise<SendNowReport>;
  start(): void;
  stop(graceMs?: number): Promise<void>;
  /** Sends every due confirmation and digest, and resolves when none is left (tests, one-shot commands). */
  idle(): Promise<void>;
}

export function createDigestJobs(options: DigestJobsOptions): DigestJobs {
  const { db, mailer, settings } = options;
  const log = options.logger.child({ component: 'digests' });
  const now = options.now ?? (() => new Date());
  const leaseSeconds = options.leaseSeconds ?? 300;
  const pollMs = options.pollMs ?? 5000;
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const bounceDelaysMs = options.bounceDelaysMs ?? DEFAULT_BOUNCE_DELAYS_MS;
  const sweepMs = options.sweepMs ?? 60_000;
  const slots: SlotSettings = { hour: settings.hour, weekday: settings.weekday, timeZone: settings.timeZone };
  const host = new URL(options.publicUrl).hostname;
  const topicLabels = Object.fromEntries(LANGUAGES.map((ui) => [ui, new Map(options.topics.map((t) => [t.slug, t.label[ui]]))])) as Record<Language, Map<string, string>>;
  const topicSlugs = options.topics.map((t) => t.slug);
  const itemHref = (ui: Language) => (id: number) => `${options.publicUrl}/${ui}/items/${id}`;
  const retryDelay = (failures: number) => retryDelaysMs[Math.min(failures, retryDelaysMs.length - 1)] / 1000;
  /** Sends SMTP took whose record has not landed yet (the database was away): never handed over again by this process. */
  const acceptedHere = new Map<number, string>();

  // The source slugs a selection may name, read again at most every 30 s (not once per message).
  let vocab: { at: number; value: Promise<{ topicSlugs: string[]; sourceSlugs: string[] }> } | undefined;
  function vocabulary() {
    if (!vocab || Date.now() - vocab.at > 30_000) {
      const value = listSources(db).then((rows) => ({ topicSlugs, sourceSlugs: rows.map((s) => s.slug) }));
      value.catch(() => (vocab = undefined));
      vocab = { at: Date.now(), value };
    }
    return vocab.value;
  }

  function describeSelection(selection: string, ui: Language, vocab: { topicSlugs: string[]; sourceSlugs: string[] }): string {
    return describeQuery(selectionQuery(selection, vocab), ui, topicLabels[ui]);
  }

  function outgoing(sub: DigestSubscriptionRow, parts: MessageParts, messageId: string, date: Date): OutgoingMessage {
    return { ...parts, from: settings.from, to: sub.email, messageId, date };
  }

  /** A stop that outlasts its grace period closes the connections: the send ends at once, as uncertain. */
  async function sendUnlessStopped(message: OutgoingMessage, signal: AbortSignal): Promise<SendOutcome> {
    const onAbort = () => mailer.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await mailer.send(message);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  // Stories of one selection and window, shared by every subscriber of it for a minute.
  const windows = new Map<string, { at: number; stories: Promise<ItemView[]> }>();
  function storiesOf(selection: string, after: Date, until: Date, vocab: { topicSlugs: string[]; sourceSlugs: string[] }): Promise<ItemView[]> {
    const key = `${selection}\u0000${after.getTime()}\u0000${until.getTime()}`;
    const t = Date.now();
    const hit = windows.get(key);
    if (hit && t - hit.at < 60_000) return hit.stories;
    if (windows.size > 1000) for (const [k, v] of windows) if (t - v.at >= 60_000) windows.delete(k);
    const query = selectionQuery(selection, vocab);
    const stories = queryItems(db, {
      ...query,
      order: 'date',
      clusters: true,
      limit: CANDIDATES,
      since: new Date(after.getTime() + WINDOW_OVERLAP_MS - PUBLISHED_SLACK_MS),
      firstSeen: { after, until },
    });
    windows.set(key, { at: t, stories });
    stories.catch(() => windows.delete(key));
    return stories;
  }

  // ---- digests

  const digestJob: Job<DigestTask, DigestResult> = {
    name: 'digests',
    lease: async (limit) => (await leaseDigests(db, { limit, leaseSeconds })).map((sub) => ({ sub })),
    async run({ sub, forcedAt }, signal) {
      if (signal.aborted) return { kind: 'aborted' };
      const vocab = await vocabulary();
      const title = describeSelection(sub.selection, sub.ui, vocab);
      const link = `${sub.id}.${sub.token}`;
      let send = await findPreparedSend(db, sub.id);
      let parts: MessageParts;
      if (send) {
        // An earlier attempt's message, perhaps already taken by the server: the same again.
        const accepted = acceptedHere.get(send.id);
        if (accepted !== undefined) return { kind: 'attempted', send, outcome: { kind: 'accepted', response: accepted, durationMs: 0 } };
        const stories = await getItems(db, send.storyIds.map(Number));
        if (!stories.length) return { kind: 'vanished', send };
        parts = buildDigestMessage({ ui: sub.ui, frequency: sub.frequency, selectionTitle: title, selection: sub.selection, stories, moreCount: send.moreCount, windowStart: send.windowStart, publicUrl: options.publicUrl, link, sender: settings.sender, itemHref: itemHref(sub.ui) });
      } else {
        const windowStart = sub.windowStart ?? now();
        const t = forcedAt ?? latestSlot(now(), sub.frequency, slots);
        const windowEnd = new Date(Math.max(t.getTime(), windowStart.getTime()));
        const after = new Date(windowStart.getTime() - WINDOW_OVERLAP_MS);
        const [candidates, covered] = await Promise.all([storiesOf(sub.selection, after, windowEnd, vocab), recentlyCovered(db, sub.id, after)]);
        const fresh = candidates.filter((s) => !covered.has(s.id) && !s.also.some((a) => covered.has(a.id)));
        if (!fresh.length) return { kind: 'empty', windowEnd };
        const message = buildDigestMessage({ ui: sub.ui, frequency: sub.frequency, selectionTitle: title, selection: sub.selection, stories: fresh, moreCount: 0, windowStart, publicUrl: options.publicUrl, link, sender: settings.sender, itemHref: itemHref(sub.ui) });
        parts = message;
        send = await prepareSend(db, sub, {
          windowStart,
          windowEnd,
          storyIds: message.shownIds,
          coveredIds: [...new Set(fresh.flatMap((s) => [s.id, ...s.also.map((a) => a.id)]))],
          moreCount: message.moreCount,
          messageId: `<digest.${sub.id}.${randomBytes(12).toString('hex')}@${host}>`,
        });
      }
      const outcome = await sendUnlessStopped(outgoing(sub, parts, send.messageId, send.createdAt), signal);
      return { kind: 'attempted', send, outcome };
    },
    async record(task, result, ctx) {
      const sub = task.sub;
      const dlog = ctx.log.child({ subscription: sub.id });
      if (result.kind === 'aborted') return releaseLease(db, sub);
      if (result.kind === 'empty') {
        await skipEmptyDigest(db, sub, { windowEnd: result.windowEnd, nextDueAt: nextSlot(now(), sub.frequency, slots) });
        dlog.debug('nothing new');
        return;
      }
      if (result.kind === 'vanished') {
        await failSend(db, sub, result.send, { status: 'failed', response: 'its stories are no longer stored', delaySeconds: 0 });
        return;
      }
      const { send, outcome } = result;
      if (outcome.kind === 'accepted') {
        acceptedHere.set(send.id, outcome.response);
        await completeSend(db, sub, send, { response: outcome.response, nextDueAt: nextSlot(now(), sub.frequency, slots) });
        acceptedHere.delete(send.id);
        dlog.info({ send: send.id, stories: send.storyIds.length, durationMs: outcome.durationMs }, 'digest sent');
        options.onDigest?.('sent');
        return;
      }
      if (outcome.kind === 'refused' && outcome.permanent && outcome.recipient) {
        const bounces = sub.bounces + 1;
        const reason = `${outcome.response}`;
        if (bounces >= BOUNCE_LIMIT) {
          await failSend(db, sub, send, { status: 'bounced', response: reason, delaySeconds: 0, suspend: reason });
          dlog.warn({ send: send.id, code: outcome.code, bounces }, 'address suspended');
          options.onDigest?.('suspended');
        } else {
          const delay = bounceDelaysMs[Math.min(bounces - 1, bounceDelaysMs.length - 1)] / 1000;
          await failSend(db, sub, send, { status: 'bounced', response: reason, delaySeconds: delay });
          dlog.warn({ send: send.id, code: outcome.code, bounces, retryInS: delay }, 'digest refused for this address');
        }
        options.onDigest?.('bounced');
        return;
      }
      const delay = retryDelay(sub.failures);
      const error = outcome.kind === 'refused' ? outcome.response : outcome.error;
      await failSend(db, sub, send, { status: 'failed', response: error, delaySeconds: delay, uncertain: outcome.kind === 'uncertain' });
      ctx.wakeIn(delay * 1000);
      dlog.warn({ send: send.id, outcome: outcome.kind, error, retryInS: delay }, 'digest not sent');
      options.onDigest?.('failed');
    },
    describe: (task) => ({ subscription: task.sub.id }),
  };

  // ---- confirmations

  let sweptAt = -Infinity;
  async function sweep(): Promise<void> {
    if (performance.now() - sweptAt < sweepMs) return;
    sweptAt = performance.now();
    const gone = await sweepDigests(db, settings.sendLogDays);
    if (gone.requests || gone.sends) log.info(gone, 'digest requests and logs expired');
  }

  const confirmJob: Job<ConfirmTask, ConfirmResult> = {
    name: 'digest-confirmations',
    async lease(limit) {
      await sweep();
      return leaseConfirmations(db, { limit, leaseSeconds });
    },
    async run(lease, signal) {
      if (signal.aborted) return { kind: 'aborted' };
      const rows = await listToConfirm(db, lease.addressKey);
      if (!rows.length) return { kind: 'nothing' };
      // The address's one message of the day is taken before it goes: see reserveConfirmation.
      if (!(await reserveConfirmation(db, lease.addressKey))) return { kind: 'limited' };
      const latest = rows.at(-1)!;
      const vocab = await vocabulary();
      const first = Math.min(...rows.map((r) => r.requestedAt.getTime()));
      const parts = buildConfirmationMessage({
        ui: latest.ui,
        publicUrl: options.publicUrl,
        requests: rows.map((r) => ({ selectionTitle: describeSelection(r.selection, latest.ui, vocab), frequency: r.frequency, link: `${r.id}.${r.token}`, selection: r.selection })),
        expiresAt: new Date(first + CONFIRMATION_DAYS * 86_400_000),
        sender: settings.sender,
      });
      const outcome = await sendUnlessStopped(outgoing(latest, parts, `<confirm.${lease.id}.${randomBytes(12).toString('hex')}@${host}>`, now()), signal);
      return { kind: 'attempted', ids: rows.map((r) => r.id), outcome };
    },
    async record(lease, result, ctx) {
      const clog = ctx.log.child({ subscription: lease.id });
      if (result.kind !== 'attempted') return releaseLease(db, lease);
      const { outcome } = result;
      if (outcome.kind === 'accepted') {
        await markConfirmationsSent(db, lease, result.ids);
        clog.info({ requests: result.ids.length, durationMs: outcome.durationMs }, 'confirmation sent');
        options.onConfirmation?.('sent');
        return;
      }
      if (outcome.kind === 'refused' && outcome.permanent && outcome.recipient) {
        // The address does not take mail: the request waits out its week, unconfirmable.
        await failConfirmation(db, lease, null, outcome.response);
        clog.warn({ code: outcome.code }, 'confirmation refused for this address');
        options.onConfirmation?.('bounced');
        return;
      }
      // Certainly not sent: the day's message is still to be had. Perhaps sent: it is not (a day's wait).
      if (outcome.kind !== 'uncertain') await releaseReservation(db, lease.addressKey);
      const delay = retryDelay(lease.failures);
      const error = outcome.kind === 'refused' ? outcome.response : outcome.error;
      await failConfirmation(db, lease, delay, error);
      ctx.wakeIn(delay * 1000);
      clog.warn({ outcome: outcome.kind, error, retryInS: delay }, 'confirmation not sent');
      options.onConfirmation?.('failed');
    },
    describe: (lease) => ({ subscription: lease.id }),
  };

  const concurrency = settings.concurrency;
  const confirmations = createJobRunner(confirmJob, { concurrency, pollMs, logger: options.logger });
  const digests = createJobRunner(digestJob, { concurrency, pollMs, logger: options.logger });

  return {
    confirmations,
    digests,
    requestQueued: () => confirmations.wake(),
    async sendNow(onResult) {
      const forcedAt = now();
      const seen = new Set<number>();
      const report: SendNowReport = { sent: 0, empty: 0, failed: 0, bounced: 0, suspended: 0 };
      await digests.drain({
        async lease(limit) {
          const rows = await leaseDigests(db, { limit, leaseSeconds, all: true, excludeIds: [...seen] });
          for (const r of rows) seen.add(r.id);
          return rows.map((sub) => ({ sub, forcedAt }));
        },
        onResult(task, result) {
          if (result.kind === 'empty') report.empty++;
          else if (result.kind === 'attempted') {
            const o = result.outcome;
            if (o.kind === 'accepted') report.sent++;
            else if (o.kind === 'refused' && o.permanent && o.recipient) {
              if (task.sub.bounces + 1 >= BOUNCE_LIMIT) report.suspended++;
              else report.bounced++;
            } else report.failed++;
          } else if (result.kind === 'vanished') report.failed++;
          onResult?.(task, result);
        },
      });
      return report;
    },
    start() {
      confirmations.start();
      digests.start();
    },
    async stop(graceMs = 10_000) {
      await Promise.all([confirmations.stop(graceMs), digests.stop(graceMs)]);
    },
    async idle() {
      for (;;) {
        const confirmed = await confirmations.drain();
        const sent = await digests.drain();
        if (!confirmed && !sent) return;
      }
    },
  };
}
