/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Email digests on the web: asking for one (the Subscribe box's form), and the pages behind the
// links of its messages, confirm, change and unsubscribe, at /{en,fr}/digests/…. Mounted only when
// SMTP_URL is set. Nothing here sends mail: a request is stored, and the confirmation job sends it.
//
// Against mail-bombing a third party: one confirmation per address per day (the job), a leaky
// bucket of requests per client address, a field no person fills, and the same answer whatever
// the address (nobody learns whether an address subscribes). Links carry the subscription's
// 32-byte secret, compared in constant time; the unsubscribe link also takes RFC 8058's one-click
// POST, which needs no cookie and no form token: the secret in the address is the authority.
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { DigestSettings } from '../core/config.ts';
import { BadRequestError } from '../core/errors.ts';
import { formatDate } from '../core/locale.ts';
import type { Logger } from '../core/logger.ts';
import { LANGUAGES, type Language, type Topic } from '../core/types.ts';
import { checkAddress } from '../mail/address.ts';
import { parseFeedQuery } from '../publish/feed-query.ts';
import { selectionOf, selectionQuery } from '../publish/digest-message.ts';
import { describeQuery } from '../publish/wording.ts';
import { latestSlot, nextSlot } from '../schedule/digest-slots.ts';
import type { Db } from '../store/db.ts';
import { changeSubscription, confirmSubscription, deleteSubscription, findByLink, requestSubscription, type DigestSubscriptionRow } from '../store/digests-repo.ts';
import { listSources } from '../store/sources-repo.ts';
import { clientAddress, createFailureThrottle, type ThrottleOptions } from './admin-auth.ts';
import type { AppEnv } from './app-env.ts';
import { DIGEST_PAGE_WORDS } from './digest-words.ts';
import { otherLanguageHref } from './language.ts';
import { HTML, PAGE_HEADERS } from './page-headers.ts';
import { DigestButtonPage, DigestManagePage, DigestMessagePage, DigestRequestPage, type DigestContext, type EmailFormValues } from './pages/digest-pages.tsx';
import { pageHref, renderDocument } from './pages/layout.tsx';
import { wordsFor } from './reader-words.ts';

export type DigestWebSettings = Pick<DigestSettings, 'hour' | 'weekday' | 'timeZone' | 'requestsPerHour' | 'maxPending'>;

export interface DigestRouteDeps {
  db: Db;
  logger: Logger;
  publicUrl: string;
  topics: Topic[];
  settings: DigestWebSettings;
  trustProxy?: boolean;
  /** A request was stored: the confirmation job may send it now (one-process mode). */
  onRequest?: () => void;
  /** The requests bucket; by default five at once, then DIGEST_REQUESTS_PER_HOUR. */
  throttle?: ThrottleOptions;
  now?: () => Date;
}

type Form = Record<string, string | File | (string | File)[]>;
const one = (v: Form[string] | undefined): string => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : '';
};

export function createDigestRoutes(deps: DigestRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db, settings } = deps;
  const log = deps.logger.child({ component: 'digest-pages' });
  const now = deps.now ?? (() => new Date());
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const base = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const topicSlugs = deps.topics.map((t) => t.slug);
  const topicLabels = Object.fromEntries(LANGUAGES.map((ui) => [ui, new Map(deps.topics.map((t) => [t.slug, t.label[ui]]))])) as Record<Language, Map<string, string>>;
  const throttle = createFailureThrottle(deps.throttle ?? { maxFailures: 5, decaySeconds: 3600 / settings.requestsPerHour });
  const slots = { hour: settings.hour, weekday: settings.weekday, timeZone: settings.timeZone };

  const contextFor = (ui: Language): DigestContext => ({ ui, w: wordsFor(ui), dw: DIGEST_PAGE_WORDS[ui], base, publicUrl, topicLabels: topicLabels[ui], now: now().getTime() });
  const vocabulary = async () => ({ topicSlugs, sourceSlugs: (await listSources(db)).map((s) => s.slug) });
  const at = (ui: Language, path: string) => `${base}/${ui}/digests${path}`;

  async function render(c: Context, node: unknown, status = 200, extra: Record<string, string> = {}): Promise<Response> {
    // The secret is in the address of these pages: no Referer may carry it to another site.
    return c.body(await renderDocument(node), status as 200, { ...PAGE_HEADERS, 'Content-Type': HTML, 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex', 'Referrer-Policy': 'no-referrer', ...extra });
  }
  const switchHref = (c: Context, ui: Language) => otherLanguageHref(c, ui, base);

  function message(c: Context, ui: Language, title: string, paragraphs: string[], status = 200, tone: 'ok' | 'bad' = 'ok', back?: { href: string; text: string }, extra: Record<string, string> = {}) {
    return render(c, <DigestMessagePage ctx={contextFor(ui)} switchHref={switchHref(c, ui)} title={title} paragraphs={paragraphs} tone={tone} back={back} />, status, extra);
  }

  /** The page for a link that opens nothing: expired (a request past its week) or wrong. */
  function badLink(c: Context, ui: Language, kind: 'expired' | 'unknown') {
    const dw = DIGEST_PAGE_WORDS[ui];
    return kind === 'expired' ? message(c, ui, dw.expiredTitle, [dw.expiredText], 410, 'bad') : message(c, ui, dw.unknownTitle, [dw.unknownText], 404, 'bad');
  }

  const titleOf = (selection: string, ui: Language, vocab: { topicSlugs: string[]; sourceSlugs: string[] }) => {
    const described = describeQuery(selectionQuery(selection, vocab), ui, topicLabels[ui]);
    return selection ? described : DIGEST_PAGE_WORDS[ui].selectionWhole;
  };

  const firstDigestWhen = (sub: DigestSubscriptionRow, ui: Language) => formatDate(sub.nextDueAt ?? nextSlot(now(), sub.frequency, slots), ui);

  const guard = (ui: Language, c: Context<AppEnv>, handler: () => Promise<Response>) =>
    handler().catch((err: unknown) => {
      log.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'digest page failed');
      const w = wordsFor(ui);
      return message(c, ui, w.serverErrorTitle, [`${w.serverErrorText} ${c.get('requestId')}`], 500, 'bad');
    });

  for (const ui of LANGUAGES) {
    const dw = DIGEST_PAGE_WORDS[ui];

    // ── Asking ────────────────────────────────────────────────────────────────────────────────
    app.post(`/${ui}/digests`, (c) =>
      guard(ui, c, async () => {
        const client = clientAddress(c, deps.trustProxy ?? false);
        const wait = throttle.retryAfter(client);
        throttle.fail(client);
        if (wait > 0) return message(c, ui, dw.requestTitle, [dw.tooMany(Math.ceil(wait / 60))], 429, 'bad', undefined, { 'Retry-After': String(wait) });
        const form = (await c.req.parseBody({ all: true })) as Form;
        const values: EmailFormValues = { email: one(form.email).slice(0, 320), frequency: one(form.frequency), ui: one(form.ui) };
        const vocab = await vocabulary();
        let selection: string;
        try {
          selection = selectionOf(parseFeedQuery(new URLSearchParams(one(form.selection).slice(0, 4096)), vocab));
        } catch (err) {
          if (!(err instanceof BadRequestError)) throw err;
          return message(c, ui, dw.requestTitle, [dw.badSelection, err.message], 400, 'bad');
        }
        const requested = at(ui, `/requested${selection ? `?${selection}` : ''}`);
        // A robot filled the field nobody sees: it is answered as a person would be, and nothing is stored.
        if (one(form.website)) return c.redirect(requested, 303);
        const formLinks = { action: at(ui, ''), selection };
        const again = (problem: string, status = 400) =>
          render(c, <DigestRequestPage ctx={contextFor(ui)} switchHref={pageHref(contextFor(ui), '', selection, ui === 'en' ? 'fr' : 'en')} form={formLinks} selectionTitle={titleOf(selection, ui, vocab)} values={values} problem={problem} />, status);
        const address = checkAddress(values.email);
        if (!address.ok) return again(dw.problems[address.problem]);
        if ((values.frequency !== 'daily' && values.frequency !== 'weekly') || (values.ui !== 'en' && values.ui !== 'fr')) return again(dw.badChoice);
        const result = await requestSubscription(db, {
          email: address.address,
          selection,
          ui: values.ui,
          frequency: values.frequency,
          token: randomBytes(32).toString('base64url'),
          from: client,
          maxPending: settings.maxPending,
        });
        if (result.kind === 'full') return again(dw.busy, 503);
        if (result.kind === 'queued') {
          log.info({ subscription: result.id }, 'digest requested');
          deps.onRequest?.();
        }
        return c.redirect(requested, 303);
      }),
    );

    app.get(`/${ui}/digests/requested`, (c) => {
      const selection = new URL(c.req.url).search.slice(1);
      return message(c, ui, dw.requestedTitle, [dw.requestedText, dw.requestedLimit], 200, 'ok', { href: pageHref(contextFor(ui), '', selection), text: dw.backToSelection });
    });

    // ── Confirming (consent) ────────────────────────────────────────────────────────────────────
    app.get(`/${ui}/digests/confirm/:link`, (c) =>
      guard(ui, c, async () => {
        const found = await findByLink(db, c.req.param('link'));
        if (found.kind !== 'ok') return badLink(c, ui, found.kind);
        const sub = found.subscription;
        if (sub.status !== 'pending') return message(c, ui, dw.confirmedTitle, [dw.alreadyConfirmed, dw.confirmedText(firstDigestWhen(sub, ui))]);
        const vocab = await vocabulary();
        return render(
          c,
          <DigestButtonPage ctx={contextFor(ui)} switchHref={switchHref(c, ui)} title={dw.confirmTitle} text={dw.confirmText(sub.email)} selectionTitle={titleOf(sub.selection, ui, vocab)} action={at(ui, `/confirm/${c.req.param('link')}`)} button={dw.confirmButton} />,
        );
      }),
    );

    app.post(`/${ui}/digests/confirm/:link`, (c) =>
      guard(ui, c, async () => {
        const found = await findByLink(db, c.req.param('link'));
        if (found.kind !== 'ok') return badLink(c, ui, found.kind);
        const sub = found.subscription;
        if (sub.status === 'pending') {
          const t = now();
          // The first digest holds the stories of its whole period, those just before consent included.
          const ok = await confirmSubscription(db, sub.id, { from: clientAddress(c, deps.trustProxy ?? false), windowStart: latestSlot(t, sub.frequency, slots), nextDueAt: nextSlot(t, sub.frequency, slots) });
          if (!ok) return badLink(c, ui, 'expired');
          log.info({ subscription: sub.id }, 'digest confirmed');
          return message(c, ui, dw.confirmedTitle, [dw.confirmedText(formatDate(nextSlot(t, sub.frequency, slots), ui))]);
        }
        return message(c, ui, dw.confirmedTitle, [dw.alreadyConfirmed, dw.confirmedText(firstDigestWhen(sub, ui))]);
      }),
    );

    // ── Changing ──────────────────────────────────────────────────────────────────────────────
    async function managePage(c: Context<AppEnv>, sub: DigestSubscriptionRow, notice?: { tone: 'ok' | 'bad'; text: string }, status = 200) {
      const sources = await listSources(db);
      const vocab = { topicSlugs, sourceSlugs: sources.map((s) => s.slug) };
      const link = c.req.param('link');
      return render(
        c,
        <DigestManagePage
          ctx={contextFor(ui)}
          switchHref={switchHref(c, ui)}
          action={at(ui, `/manage/${link}`)}
          unsubscribeAction={at(ui, `/unsubscribe/${link}`)}
          values={{ email: sub.email, frequency: sub.frequency, ui: sub.ui, query: selectionQuery(sub.selection, vocab), suspendedReason: sub.status === 'suspended' ? sub.suspendedReason ?? '' : null }}
          sources={sources.map((s) => [s.slug, s.title])}
          notice={notice}
        />,
        status,
      );
    }

    app.get(`/${ui}/digests/manage/:link`, (c) =>
      guard(ui, c, async () => {
        const found = await findByLink(db, c.req.param('link'));
        if (found.kind !== 'ok') return badLink(c, ui, found.kind);
        return managePage(c, found.subscription);
      }),
    );

    app.post(`/${ui}/digests/manage/:link`, (c) =>
      guard(ui, c, async () => {
        const found = await findByLink(db, c.req.param('link'));
        if (found.kind !== 'ok') return badLink(c, ui, found.kind);
        const sub = found.subscription;
        const form = (await c.req.parseBody({ all: true })) as Form;
        const frequency = one(form.frequency);
        const lang = one(form.ui);
        if ((frequency !== 'daily' && frequency !== 'weekly') || (lang !== 'en' && lang !== 'fr')) return managePage(c, sub, { tone: 'bad', text: dw.badChoice }, 400);
        const params = new URLSearchParams();
        for (const name of ['topic', 'region', 'province', 'lang', 'type', 'source']) {
          const v = form[name];
          for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) if (typeof x === 'string' && x) params.append(name, x.slice(0, 200));
        }
        if (one(form.q).trim()) params.set('q', one(form.q));
        let selection: string;
        try {
          selection = selectionOf(parseFeedQuery(params, await vocabulary()));
        } catch (err) {
          if (!(err instanceof BadRequestError)) throw err;
          return managePage(c, sub, { tone: 'bad', text: `${dw.badSelection} ${err.message}` }, 400);
        }
        const result = await changeSubscription(db, sub.id, { ui: lang, frequency, selection, nextDueAt: nextSlot(now(), frequency, slots) });
        if (result === 'gone') return badLink(c, ui, 'unknown');
        const after = (await findByLink(db, c.req.param('link'))) as { kind: 'ok'; subscription: DigestSubscriptionRow };
        if (result === 'taken') return managePage(c, after.subscription ?? sub, { tone: 'bad', text: dw.taken }, 409);
        return managePage(c, after.subscription ?? sub, { tone: 'ok', text: dw.saved });
      }),
    );

    // ── Leaving ───────────────────────────────────────────────────────────────────────────────
    app.get(`/${ui}/digests/unsubscribe/:link`, (c) =>
      guard(ui, c, async () => {
        const found = await findByLink(db, c.req.param('link'));
        if (found.kind !== 'ok') return badLink(c, ui, found.kind === 'expired' ? 'unknown' : found.kind);
        const sub = found.subscription;
        return render(
          c,
          <DigestButtonPage
            ctx={contextFor(ui)}
            switchHref={switchHref(c, ui)}
            title={dw.unsubscribeTitle}
            text={dw.unsubscribeText(sub.email)}
            selectionTitle={titleOf(sub.selection, ui, await vocabulary())}
            action={at(ui, `/unsubscribe/${c.req.param('link')}`)}
            button={dw.unsubscribeButton}
            danger
          />,
        );
      }),
    );

    // The page's button and RFC 8058's one-click POST (body "List-Unsubscribe=One-Click") alike.
    app.post(`/${ui}/digests/unsubscribe/:link`, (c) =>
      guard(ui, c, async () => {
        const found = await findByLink(db, c.req.param('link'));
        if (found.kind === 'unknown') return badLink(c, ui, 'unknown');
        const sub = found.kind === 'ok' ? found.subscription : undefined;
        if (sub) await deleteSubscription(db, sub.id);
        else {
          // An expired request: unsubscribing from it still deletes it.
          const m = /^(\d{1,9})\./.exec(c.req.param('link'));
          if (m) await deleteSubscription(db, Number(m[1]));
        }
        log.info({ subscription: sub?.id }, 'digest unsubscribed');
        return message(c, ui, dw.unsubscribedTitle, [dw.unsubscribedText]);
      }),
    );
  }
  return app;
}
