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
// Work per message is kept small: subscriptions are leased in batches, with what their earlier
// digests hold read in one query per batch; subscribers sharing a selection and a window share one
// stories query; and the writes of tasks that finish together go as one statement (write-batcher.ts).
// Preparing a send renews its lease, so the message and the record of SMTP's answer have a whole
// lease: a record that fails (the database is away) is tried again until it lands or the lease is
// about to run out, and only past that could another worker send the same message again.
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
import type { QueryVocabulary } from '../publish/feed-query.ts';
import { describeQuery } from '../publish/wording.ts';
import type { Db } from '../store/db.ts';
import {
  CONFIRMATION_DAYS,
  completeSends,
  failConfirmation,
  failSend,
  holdLeases,
  leaseConfirmations,
  leaseDigests,
  listToConfirm,
  loadDigestStates,
  markConfirmationsSent,
  prepareSends,
  releaseLeases,
  releaseReservation,
  reserveConfirmation,
  skipEmptyDigests,
  sweepDigests,
  type AcceptedSend,
  type DigestFrequency,
  type DigestSendRow,
  type DigestState,
  type DigestSubscriptionRow,
  type PreparedDigest,
} from '../store/digests-repo.ts';
import { getItems, queryItems, type ItemView } from '../store/items-query.ts';
import { listSources } from '../store/sources-repo.ts';
import { latestSlot, nextSlot, type SlotSettings } from './digest-slots.ts';
import { createJobRunner, type Job, type JobRunner } from './run-jobs.ts';
import { createWriteBatcher } from './write-batcher.ts';

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
/** Waits between tries of recording a message SMTP took; the last repeats until the lease is nearly out. */
const RECORD_RETRY_MS = [200, 500, 1000, 2000, 5000];
/** A record is not tried this close to the end of its lease: another worker may take the subscription then. */
const RECORD_MARGIN_MS = 2000;

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

/** What a leased subscription's attempt does, worked out with its batch (times are performance.now()). */
export type DigestPlan =
  | { kind: 'empty'; windowEnd: Date }
  /** A prepared send whose stories are all gone. */
  | { kind: 'vanished'; send: DigestSendRow }
  /** A message written as a prepared send (now, or by an earlier attempt), its lease renewed at `heldFrom`. */
  | { kind: 'send'; send: DigestSendRow; parts: MessageParts; heldFrom: number }
  /** SMTP took it in this process and its record had not landed: recorded, not sent again. */
  | { kind: 'accepted'; send: DigestSendRow; response: string; heldFrom: number };

export interface DigestTask {
  sub: DigestSubscriptionRow;
  plan: DigestPlan;
  /** `digests send --now`: sent as if due, the window ending at this instant. */
  forcedAt?: Date;
}

export type DigestResult =
  | { kind: 'empty'; windowEnd: Date }
  | { kind: 'vanished'; send: DigestSendRow }
  /** `heldUntil` (performance.now()): the lease holds until then at least. */
  | { kind: 'attempted'; send: DigestSendRow; outcome: SendOutcome; heldUntil: number }
  /** The lease ran out before the message went, and another worker may have the subscription: nothing was sent. */
  | { kind: 'lost' }
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

  // The due times around now: the same until the next slot comes, so worked out once per slot, not per message.
  const slotCache = new Map<DigestFrequency, { from: number; until: number }>();
  function nextSlotFromNow(frequency: DigestFrequency): Date {
    const t = now();
    const cached = slotCache.get(frequency);
    if (cached && t.getTime() >= cached.from && t.getTime() < cached.until) return new Date(cached.until);
    const bounds = { from: latestSlot(t, frequency, slots).getTime(), until: nextSlot(t, frequency, slots).getTime() };
    slotCache.set(frequency, bounds);
    return new Date(bounds.until);
  }
  const latestSlotBeforeNow = (frequency: DigestFrequency) => {
    nextSlotFromNow(frequency);
    return new Date(slotCache.get(frequency)!.from);
  };

  // Writes of tasks that finish together, one statement each kind.
  const hold = createWriteBatcher(async (batch: DigestSubscriptionRow[]) => {
    const held = await holdLeases(db, batch, leaseSeconds);
    return batch.map((b) => held.has(b.id));
  });
  const complete = createWriteBatcher(async (batch: AcceptedSend[]) => {
    await completeSends(db, batch);
    return batch.map(() => undefined);
  });
  const skipEmpty = createWriteBatcher(async (batch: { lease: DigestSubscriptionRow; windowEnd: Date; nextDueAt: Date }[]) => {
    await skipEmptyDigests(db, batch);
    return batch.map(() => undefined);
  });

  // Stopping past its grace period ends the tries to record (see recordAccepted).
  const stopRetries = new AbortController();

  /** SMTP took the message: recorded, tried again while the database is away, as long as the lease holds. */
  async function recordAccepted(accepted: AcceptedSend, heldUntil: number, dlog: Logger): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await complete(accepted);
      } catch (err) {
        const wait = RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)];
        if (stopRetries.signal.aborted || performance.now() + wait > heldUntil - RECORD_MARGIN_MS) throw err;
        if (attempt === 0) dlog.warn({ err, send: accepted.send.id }, 'recording a sent digest failed; trying again');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait);
          function done() {
            clearTimeout(timer);
            stopRetries.signal.removeEventListener('abort', done);
            resolve();
          }
          stopRetries.signal.addEventListener('abort', done, { once: true });
        });
      }
    }
  }

  type Draft = DigestPlan | { kind: 'resend'; send: DigestSendRow; parts: MessageParts } | { kind: 'new'; parts: MessageParts; digest: PreparedDigest };

  /** What one leased subscription's attempt will do (no write: its batch writes them together). */
  async function draftDigest(sub: DigestSubscriptionRow, state: DigestState, windowStart: Date, vocab: QueryVocabulary, forcedAt: Date | undefined): Promise<Draft> {
    const selectionTitle = describeSelection(sub.selection, sub.ui, vocab);
    const common = { ui: sub.ui, frequency: sub.frequency, selectionTitle, selection: sub.selection, publicUrl: options.publicUrl, link: `${sub.id}.${sub.token}`, sender: settings.sender, itemHref: itemHref(sub.ui) };
    const send = state.prepared;
    if (send) {
      // An earlier attempt's message, perhaps already taken by the server: the same again.
      const accepted = acceptedHere.get(send.id);
      if (accepted !== undefined) return { kind: 'accepted', send, response: accepted, heldFrom: 0 };
      const stories = await getItems(db, send.storyIds.map(Number));
      if (!stories.length) return { kind: 'vanished', send };
      return { kind: 'resend', send, parts: buildDigestMessage({ ...common, stories, moreCount: send.moreCount, windowStart: send.windowStart, now: send.createdAt }) };
    }
    const t = forcedAt ?? latestSlotBeforeNow(sub.frequency);
    const windowEnd = new Date(Math.max(t.getTime(), windowStart.getTime()));
    const after = new Date(windowStart.getTime() - WINDOW_OVERLAP_MS);
    const candidates = await storiesOf(sub.selection, after, windowEnd, vocab);
    const fresh = candidates.filter((s) => !state.covered.has(s.id) && !s.also.some((a) => state.covered.has(a.id)));
    if (!fresh.length) return { kind: 'empty', windowEnd };
    const message = buildDigestMessage({ ...common, stories: fresh, moreCount: 0, windowStart, now: now() });
    return {
      kind: 'new',
      parts: message,
      digest: {
        windowStart,
        windowEnd,
        storyIds: message.shownIds,
        coveredIds: [...new Set(fresh.flatMap((s) => [s.id, ...s.also.map((a) => a.id)]))],
        moreCount: message.moreCount,
        messageId: `<digest.${sub.id}.${randomBytes(12).toString('hex')}@${host}>`,
      },
    };
  }

  /**
   * Leases up to `limit` subscriptions and works out their digests: one lease statement, one read
   * of where their digests stand, one stories query per selection and window, and one transaction
   * that writes the new sends and renews the leases. A subscription whose digest could not be made
   * is logged and left to its lease.
   */
  async function leaseAndPlan(limit: number, run: { forcedAt?: Date; afterId: number }): Promise<{ tasks: DigestTask[]; leased: DigestSubscriptionRow[] }> {
    const forcedAt = run.forcedAt;
    const rows = await leaseDigests(db, { all: forcedAt !== undefined, afterId: run.afterId, limit, leaseSeconds });
    if (!rows.length) return { tasks: [], leased: rows };
    const windowStarts = new Map(rows.map((sub) => [sub.id, sub.windowStart ?? now()]));
    const states = await loadDigestStates(db, rows.map((sub) => ({ id: sub.id, after: new Date(windowStarts.get(sub.id)!.getTime() - WINDOW_OVERLAP_MS) })));
    const vocab = await vocabulary();
    const drafts = await Promise.all(
      rows.map((sub) =>
        draftDigest(sub, states.get(sub.id)!, windowStarts.get(sub.id)!, vocab, forcedAt).catch((err: unknown) => {
          log.error({ err, subscription: sub.id }, 'digest could not be made');
          return undefined;
        }),
      ),
    );
    const hold: DigestSubscriptionRow[] = [];
    const sends: { lease: DigestSubscriptionRow; digest: PreparedDigest }[] = [];
    rows.forEach((lease, i) => {
      const draft = drafts[i];
      if (draft?.kind === 'new') sends.push({ lease, digest: draft.digest });
      if (draft?.kind === 'new' || draft?.kind === 'resend' || draft?.kind === 'accepted') hold.push(lease);
    });
    const heldFrom = performance.now();
    const { held, prepared } = await prepareSends(db, { hold, sends }, leaseSeconds);
    const tasks: DigestTask[] = [];
    rows.forEach((sub, i) => {
      const draft = drafts[i];
      if (!draft) return;
      let plan: DigestPlan;
      if (draft.kind === 'new' || draft.kind === 'resend') {
        const send = draft.kind === 'new' ? prepared.get(sub.id) : draft.send;
        if (!send || !held.has(sub.id)) return log.warn({ subscription: sub.id }, 'lease ran out before the digest went; left to the worker that has it');
        plan = { kind: 'send', send, parts: draft.parts, heldFrom };
      } else if (draft.kind === 'accepted') {
        // Recorded even if another worker has it now: it went.
        plan = { ...draft, heldFrom };
      } else plan = draft;
      tasks.push({ sub, plan, ...(forcedAt ? { forcedAt } : {}) });
    });
    return { tasks, leased: rows };
  }

  /**
   * Subscriptions leased a batch at a time (leaseAndPlan) and handed out as slots free. What is
   * left when a run stops is given back (a prepared send among them goes later, as it is).
   */
  const leaseBatch = Math.min(100, Math.max(8, settings.concurrency * 4));
  function leaseAhead(forcedAt?: Date) {
    const ahead: DigestTask[] = [];
    // A forced run (every subscription, due or not) goes through them once, in id order.
    const run = { forcedAt, afterId: 0 };
    return {
      async take(limit: number): Promise<DigestTask[]> {
        // A batch that came back short (leases lost, digests that could not be made) is followed by the next.
        while (ahead.length < limit) {
          const wanted = Math.max(leaseBatch, limit) - ahead.length;
          const { tasks, leased } = await leaseAndPlan(wanted, run);
          ahead.push(...tasks);
          if (leased.length) run.afterId = leased.at(-1)!.id;
          if (leased.length < wanted) break;
        }
        return ahead.splice(0, limit);
      },
      release: () => releaseLeases(db, ahead.splice(0).map((t) => t.sub)),
    };
  }
  const dueLeases = leaseAhead();

  // ---- digests

  const digestJob: Job<DigestTask, DigestResult> = {
    name: 'digests',
    lease: (limit) => dueLeases.take(limit),
    async run({ sub, plan }, signal) {
      if (signal.aborted) return { kind: 'aborted' };
      if (plan.kind === 'empty' || plan.kind === 'vanished') return plan;
      if (plan.kind === 'accepted') return { kind: 'attempted', send: plan.send, outcome: { kind: 'accepted', response: plan.response, durationMs: 0 }, heldUntil: plan.heldFrom + leaseSeconds * 1000 };
      // A message that waited its turn long is sent under a renewed lease.
      let heldFrom = plan.heldFrom;
      if (performance.now() - heldFrom > leaseSeconds * 250) {
        heldFrom = performance.now();
        if (!(await hold(sub))) return { kind: 'lost' };
      }
      const outcome = await sendUnlessStopped(outgoing(sub, plan.parts, plan.send.messageId, plan.send.createdAt), signal);
      return { kind: 'attempted', send: plan.send, outcome, heldUntil: heldFrom + leaseSeconds * 1000 };
    },
    async record(task, result, ctx) {
      const sub = task.sub;
      const dlog = ctx.log.child({ subscription: sub.id });
      if (result.kind === 'aborted') return releaseLeases(db, [sub]);
      if (result.kind === 'lost') {
        dlog.warn('lease ran out before the digest went; left to the worker that has it');
        return;
      }
      if (result.kind === 'empty') {
        await skipEmpty({ lease: sub, windowEnd: result.windowEnd, nextDueAt: nextSlotFromNow(sub.frequency) });
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
        await recordAccepted({ lease: sub, send, response: outcome.response, nextDueAt: nextSlotFromNow(sub.frequency) }, result.heldUntil, dlog);
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
      if (result.kind !== 'attempted') return releaseLeases(db, [lease]);
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
      const forced = leaseAhead(now());
      const report: SendNowReport = { sent: 0, empty: 0, failed: 0, bounced: 0, suspended: 0 };
      try {
        await digests.drain({
          lease: (limit) => forced.take(limit),
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
      } finally {
        // A stop ends the run with leases taken ahead: they go back.
        await forced.release();
      }
      return report;
    },
    start() {
      confirmations.start();
      digests.start();
    },
    async stop(graceMs = 10_000) {
      const timer = setTimeout(() => stopRetries.abort(), graceMs);
      try {
        await Promise.all([confirmations.stop(graceMs), digests.stop(graceMs)]);
      } finally {
        clearTimeout(timer);
      }
      await dueLeases.release();
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
