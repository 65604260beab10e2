/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The admin pages: sign in with a token, the health of every source, one source with its fetch
// history and actions, editing it, deleting it with a confirmation step, adding a source with
// discovery, importing an OPML file. Plain HTML forms under the reader's CSP (no script at all),
// in English and French at /en/admin and /fr/admin, every message in the page's language. They
// run the same pipeline functions as the admin API, with the same token checks; the session and
// the defence against cross-site requests are described in admin-session.ts.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError, BadRequestError, ConflictError, NotFoundError, UnprocessableError } from '../core/errors.ts';
import { FETCH_OUTCOMES, isOneOf, LANGUAGES, PROVINCE_REGION, PROVINCES, REGIONS, type Language } from '../core/types.ts';
import { formatBytes } from '../core/locale.ts';
import { DEFAULT_OPML_LIMITS } from '../parse/index.ts';
import { importOpml, type OutlineProblem } from '../pipeline/import-opml.ts';
import { pauseSource, refreshSource, removeSource, requireSource, resumeSource, type Actor } from '../pipeline/source-admin.ts';
import { previewSource, registerSource, updateSource, type FeedCandidate, type SubscribeDeps } from '../pipeline/subscribe.ts';
import { provinceFits } from '../sources/feeds-file.ts';
import type { FieldProblem } from '../sources/source-input.ts';
import type { SourceRow } from '../store/schema.ts';
import { listRecentFetches } from '../store/fetch-history.ts';
import { getSourceBySlug, listFetches, listSources } from '../store/sources-repo.ts';
import { bearerToken } from './admin-auth.ts';
import type { AdminRoutesDeps } from './admin-routes.ts';
import {
  FORM_TOKEN_FIELD,
  formTokenFor,
  isFormTokenValid,
  isSentFromOurPages,
  MAX_TOKEN_LENGTH,
  readSessionCookie,
  safeNextPath,
  sessionCookies,
  type CookieScope,
} from './admin-session.ts';
import { ADMIN_FORM_WORDS } from './admin-form-words.ts';
import { ADMIN_WORDS } from './admin-words.ts';
import { PAGE_SOURCE_WORDS } from './page-source-words.ts';
import type { AppEnv } from './app-env.ts';
import type { FormBody, Handler, Signed } from './admin-handler.ts';
import { otherLanguageHref, preferredLanguage } from './language.ts';
import { HTML, PAGE_HEADERS } from './page-headers.ts';
import { mountSelectorRoutes, pageProblemOf, pageRegistration, pageStepAfterPreview } from './admin-page-source-routes.tsx';
import { AddSourcePage, EMPTY_ADD_FORM, type AddFormValues, type AddProblem } from './pages/admin-add.tsx';
import { editValuesOf, EditSourcePage, type EditFormValues } from './pages/admin-edit.tsx';
import { ImportPage, type ImportChoices, type ImportOutcome } from './pages/admin-import.tsx';
import { MessagePage, SignInPage, SPARK_FETCHES, type AdminContext, type AdminSession, type NoticeTone } from './pages/admin-frame.tsx';
import { DeletePage, HealthPage, SourcePage, type PageNotice } from './pages/admin-sources.tsx';
import { renderDocument } from './pages/layout.tsx';
import { DigestsAdminPage } from './pages/admin-digests.tsx';
import { DIGEST_ADMIN_WORDS } from './digest-words.ts';
import { checkAddress } from '../mail/address.ts';
import { selectionQuery } from '../publish/digest-message.ts';
import { describeQuery } from '../publish/wording.ts';
import { deleteAddress, listSelectionStats } from '../store/digests-repo.ts';
import { wordsFor } from './reader-words.ts';

/** Fetches shown on a source's page (the log keeps FETCH_HISTORY of them). */
const HISTORY_SHOWN = 50;
const FORM_LIMIT = 64 * 1024;
/** An OPML file as large as the import takes, with room for the form around it. */
export const OPML_FORM_LIMIT = DEFAULT_OPML_LIMITS.maxBytes + 64 * 1024;

type SessionState = ({ kind: 'ok' } & Signed) | { kind: 'none' } | { kind: 'ended' } | { kind: 'throttled'; retryAfter: number };

const first = (v: FormBody[string] | undefined): string | undefined => {
  const one = Array.isArray(v) ? v[0] : v;
  return typeof one === 'string' ? one : undefined;
};
const every = (v: FormBody[string] | undefined): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

function formValues(form: FormBody): AddFormValues {
  const text = (name: string) => (first(form[name]) ?? '').trim();
  return {
    url: text('url'),
    organization: text('organization'),
    region: text('region'),
    province: text('province'),
    languages: every(form.languages),
    topics: every(form.topics),
    title: text('title'),
    slug: text('slug'),
    feedUrl: text('feedUrl'),
    kind: text('kind') === 'page' ? 'page' : '',
    proposal: text('proposal'),
    selectors: { item: text('sel-item'), title: text('sel-title'), link: text('sel-link'), date: text('sel-date'), summary: text('sel-summary') },
  };
}

/** The form as the API's body: empty optional fields left out, so the feed supplies them. */
function registrationOf(v: AddFormValues): Record<string, unknown> {
  return {
    url: v.url,
    organization: v.organization,
    ...(v.region ? { region: v.region } : {}),
    ...(v.province ? { province: v.province } : {}),
    ...(v.languages.length ? { languages: v.languages } : {}),
    topics: v.topics,
    ...(v.title ? { title: v.title } : {}),
    ...(v.slug ? { slug: v.slug } : {}),
    ...(v.feedUrl && v.kind !== 'page' ? { feedUrl: v.feedUrl } : {}),
    ...pageRegistration(v),
  };
}

function editFormValues(form: FormBody): EditFormValues {
  const text = (name: string) => (first(form[name]) ?? '').trim();
  return {
    title: text('title'),
    organization: text('organization'),
    url: text('url'),
    siteUrl: text('siteUrl'),
    region: text('region'),
    province: text('province'),
    languages: every(form.languages),
    topics: every(form.topics),
    intervalMinutes: text('intervalMinutes'),
  };
}

/**
 * The edit form as the API's change. Choosing a province sets its region: a new province that the
 * region left as it was does not fit moves the source to the province's region; so does a province
 * given with no region. A region left empty without a province is a problem of its own.
 */
function patchOf(v: EditFormValues, row: SourceRow): { patch: Record<string, unknown> } | { problems: FieldProblem[] } {
  const province = v.province || null;
  let region = v.region;
  if (isOneOf(PROVINCES, v.province)) {
    const changedAlone = region === row.region && v.province !== row.province && !provinceFits(region, v.province);
    if (!region || changedAlone) region = PROVINCE_REGION[v.province];
  }
  if (!region) return { problems: [{ field: 'region', message: 'required', code: 'required' }] };
  const interval = v.intervalMinutes === '' ? null : /^\d{1,9}$/.test(v.intervalMinutes) ? Number(v.intervalMinutes) : v.intervalMinutes;
  return {
    patch: {
      title: v.title,
      organization: v.organization,
      url: v.url,
      siteUrl: v.siteUrl || null,
      region,
      province,
      languages: v.languages,
      topics: v.topics,
      intervalMinutes: interval,
    },
  };
}

/** The admin pages at /admin, /en/admin/… and /fr/admin/…; mounted before the reader, whose /en/* and /fr/* would answer 404. */
export function createAdminPageRoutes(deps: AdminRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db, auth } = deps;
  const log = deps.logger.child({ component: 'admin-pages' });
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const base = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const publicOrigin = new URL(publicUrl).origin;
  const scope: CookieScope = { base, secure: publicUrl.startsWith('https:') };
  const subscribeDeps: SubscribeDeps = { db, fetch: deps.pipeline.fetch, fetchDeps: deps.pipeline.fetchDeps, topics: deps.topics, logger: log, now: deps.pipeline.now };
  const topicLabels = Object.fromEntries(LANGUAGES.map((ui) => [ui, new Map(deps.topics.map((t) => [t.slug, t.label[ui]]))])) as Record<Language, Map<string, string>>;
  const limit = bodyLimit({ maxSize: FORM_LIMIT, onError: (c) => c.text('form too large', 413) });

  const contextFor = (ui: Language, session?: AdminSession): AdminContext => ({
    ui,
    w: wordsFor(ui),
    aw: ADMIN_WORDS[ui],
    base,
    publicUrl,
    topicLabels: topicLabels[ui],
    now: Date.now(),
    session,
  });
  const at = (ui: Language, path = '', query = '') => `${base}/${ui}/admin${path ? `/${path}` : ''}${query ? `?${query}` : ''}`;

  const switchHref = (c: Context, ui: Language) => otherLanguageHref(c, ui, base);

  async function render(c: Context, node: unknown, status = 200, headers: Record<string, string> = {}): Promise<Response> {
    const body = await renderDocument(node);
    return c.body(body, status as 200, {
      ...PAGE_HEADERS,
      'Content-Type': HTML,
      'Cache-Control': 'no-store',
      'X-Robots-Tag': 'noindex',
      Vary: 'Cookie',
      ...headers,
    });
  }

  function setSession(c: Context, token: string | null): void {
    for (const cookie of sessionCookies(scope, token)) c.header('Set-Cookie', cookie, { append: true });
  }

  /** The token of this request: its own Authorization header, else the session cookie. */
  async function sessionOf(c: Context): Promise<SessionState> {
    const header = bearerToken(c.req.header('authorization'));
    const token = header ?? readSessionCookie(c.req.header('cookie'));
    if (!token) return { kind: 'none' };
    const result = await auth.check(c, token);
    if (result.kind === 'ok') return { kind: 'ok', identity: result.identity, token, viaCookie: header === undefined };
    if (result.kind === 'throttled') return result;
    return { kind: 'ended' };
  }

  function signInPage(c: Context, ui: Language, status: number, message?: { tone: NoticeTone; text: string }, next?: string, headers: Record<string, string> = {}) {
    return render(c, <SignInPage ctx={contextFor(ui)} switchHref={switchHref(c, ui)} next={next} message={message} />, status, headers);
  }

  function throttledPage(c: Context, ui: Language, retryAfter: number) {
    return signInPage(c, ui, 429, { tone: 'bad', text: ADMIN_WORDS[ui].tooManyAttempts(Math.ceil(retryAfter / 60)) }, undefined, { 'Retry-After': String(retryAfter) });
  }

  function refusedForm(c: Context, ctx: AdminContext) {
    log.warn({ reqId: c.get('requestId'), path: c.req.path, origin: c.req.header('origin') ?? null, site: c.req.header('sec-fetch-site') ?? null }, 'admin form refused');
    return render(c, <MessagePage ctx={ctx} switchHref={switchHref(c, ctx.ui)} title={ctx.aw.csrfTitle} text={ctx.aw.csrfText} />, 403);
  }

  /** What a refused action means, in the page's language, from the code the refusal carries. */
  function refusalText(ctx: AdminContext, err: AppError): string {
    switch (err.extra?.code) {
      case 'file-managed':
        return ctx.aw.fileManaged;
      case 'not-active':
        return ctx.aw.refreshNeedsActive;
      case 'being-fetched':
        return ADMIN_FORM_WORDS[ctx.ui].beingFetched;
      default:
        return ctx.aw.conflictTitle;
    }
  }

  async function failurePage(c: Context, ctx: AdminContext, err: unknown): Promise<Response> {
    const sw = switchHref(c, ctx.ui);
    if (err instanceof NotFoundError) return render(c, <MessagePage ctx={ctx} switchHref={sw} title={ctx.w.notFoundTitle} text={ctx.aw.sourceNotFound} detail={err.message} />, 404);
    if (err instanceof AppError && err.status < 500) return render(c, <MessagePage ctx={ctx} switchHref={sw} title={ctx.aw.conflictTitle} text={refusalText(ctx, err)} detail={err.message} />, err.status);
    log.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'admin page failed');
    return render(c, <MessagePage ctx={ctx} switchHref={sw} title={ctx.w.serverErrorTitle} text={`${ctx.w.serverErrorText} ${c.get('requestId')}`} />, 500);
  }

  /**
   * An admin page for a signed-in token. POSTs are changes: they must come from our pages (when
   * the token rides on the cookie) and from a token that may write.
   */
  function guarded(method: 'get' | 'post', path: string, handler: Handler, bodyBytes?: number): void {
    for (const ui of LANGUAGES) {
      const run = async (c: Context<AppEnv>) => {
        const state = await sessionOf(c);
        if (state.kind === 'throttled') return throttledPage(c, ui, state.retryAfter);
        if (state.kind === 'ended') {
          setSession(c, null);
          return signInPage(c, ui, 401, { tone: 'bad', text: ADMIN_WORDS[ui].sessionEnded }, method === 'get' ? safeNextPath(c.req.path) : undefined);
        }
        if (state.kind === 'none') {
          const next = method === 'get' ? safeNextPath(c.req.path) : undefined;
          return c.redirect(at(ui, 'sign-in', next && next !== `/${ui}/admin` ? `next=${encodeURIComponent(next)}` : ''), 303);
        }
        const { identity, token, viaCookie } = state;
        const ctx = contextFor(ui, { name: identity.name, readOnly: identity.readOnly, formToken: viaCookie ? formTokenFor(token) : undefined });
        try {
          let form: FormBody = {};
          if (method === 'post') {
            form = (await c.req.parseBody({ all: true })) as FormBody;
            if (viaCookie && (!isSentFromOurPages(c, publicOrigin) || !isFormTokenValid(token, first(form[FORM_TOKEN_FIELD])))) return refusedForm(c, ctx);
            if (identity.readOnly) return forbidden(c, ctx);
          }
          return await handler(c, ctx, state, form);
        } catch (err) {
          return failurePage(c, ctx, err);
        }
      };
      const route = `/${ui}/admin${path}`;
      if (method === 'get') app.get(route, run);
      else if (bodyBytes === undefined) app.post(route, limit, run);
      else app.post(route, bodyLimit({ maxSize: bodyBytes, onError: (c) => tooLargePage(c, ui, bodyBytes) }), run);
    }
  }

  function tooLargePage(c: Context, ui: Language, bytes: number) {
    const ctx = contextFor(ui);
    const fw = ADMIN_FORM_WORDS[ui];
    return render(
      c,
      <MessagePage ctx={ctx} switchHref={switchHref(c, ui)} title={fw.importRefusedHeading} text={fw.fileTooLarge(formatBytes(bytes - 64 * 1024, ui))} back={{ href: at(ui, 'import'), label: fw.importTitle }} />,
      413,
    );
  }

  const forbidden = (c: Context, ctx: AdminContext) =>
    render(c, <MessagePage ctx={ctx} switchHref={switchHref(c, ctx.ui)} title={ctx.aw.forbiddenTitle} text={ctx.aw.readOnlyText} />, 403);
  const actorOf = (s: Signed): Actor => ({ tokenId: s.identity.id, token: s.identity.name });

  // ── Entry and signing in ──────────────────────────────────────────────────────────────────────

  app.get('/admin', (c) => {
    const ui = preferredLanguage(c);
    return c.body(null, 302, { Location: at(ui), Vary: 'Accept-Language, Cookie', 'Cache-Control': 'private, no-cache' });
  });
  app.get('/admin/', (c) => c.redirect(`${base}/admin`, 301));

  for (const ui of LANGUAGES) {
    app.get(`/${ui}/admin/`, (c) => c.redirect(at(ui), 301));

    app.get(`/${ui}/admin/sign-in`, async (c) => {
      const params = new URL(c.req.url).searchParams;
      const next = safeNextPath(params.get('next'));
      if (readSessionCookie(c.req.header('cookie'))) {
        const state = await sessionOf(c);
        if (state.kind === 'ok') return c.redirect(`${base}${next ?? `/${ui}/admin`}`, 303);
        if (state.kind === 'throttled') return throttledPage(c, ui, state.retryAfter);
        setSession(c, null);
      }
      const message = params.has('signed-out') ? { tone: 'ok' as const, text: ADMIN_WORDS[ui].signedOut } : undefined;
      return signInPage(c, ui, 200, message, next);
    });

    app.post(`/${ui}/admin/sign-in`, limit, async (c) => {
      if (!isSentFromOurPages(c, publicOrigin)) return refusedForm(c, contextFor(ui));
      const form = (await c.req.parseBody({ all: true })) as FormBody;
      const token = first(form.token)?.trim() || undefined;
      const next = safeNextPath(first(form.next));
      // Longer than a cookie could carry back: refused before it is checked, so it can never succeed.
      const result = token && token.length > MAX_TOKEN_LENGTH ? ({ kind: 'invalid' } as const) : await auth.check(c, token);
      if (result.kind === 'throttled') return throttledPage(c, ui, result.retryAfter);
      if (result.kind !== 'ok') {
        // The API's answer in other words: the token was not accepted, and nothing about why.
        return signInPage(c, ui, 401, { tone: 'bad', text: ADMIN_WORDS[ui].signInFailed }, next, { 'WWW-Authenticate': 'Bearer realm="passerelle"' });
      }
      setSession(c, token!);
      log.info({ token: result.identity.name, readOnly: result.identity.readOnly }, 'admin signed in');
      return c.redirect(`${base}${next ?? `/${ui}/admin`}`, 303);
    });

    // Ending a session needs no valid token (an expired one is cleared too), but is still a POST
    // that must come from our pages, so another site cannot sign an operator out.
    app.post(`/${ui}/admin/sign-out`, limit, async (c) => {
      if (!isSentFromOurPages(c, publicOrigin)) return refusedForm(c, contextFor(ui));
      setSession(c, null);
      return c.redirect(at(ui, 'sign-in', 'signed-out'), 303);
    });
  }

  // ── Sources ───────────────────────────────────────────────────────────────────────────────────

  guarded('get', '', async (c, ctx) => {
    const sources = await listSources(db);
    const recent = await listRecentFetches(db, SPARK_FETCHES);
    const params = new URL(c.req.url).searchParams;
    const deleted = params.get('done') === 'deleted' ? params.get('slug') : null;
    const notice: PageNotice | undefined = deleted ? { tone: 'ok', text: ctx.aw.doneDeleted(deleted, Number(params.get('items')) || 0) } : undefined;
    const rows = sources.map((source) => ({ source, fetches: recent.get(source.id) ?? [] }));
    return render(c, <HealthPage ctx={ctx} rows={rows} switchHref={switchHref(c, ctx.ui)} notice={notice} />);
  });

  async function sourcePage(c: Context, ctx: AdminContext, slug: string, notice?: PageNotice, status = 200): Promise<Response> {
    const source = await requireSource(db, slug);
    const fetches = (await listFetches(db, source.id, HISTORY_SHOWN)).reverse();
    return render(c, <SourcePage ctx={ctx} source={source} fetches={fetches} topicLabels={topicLabels[ctx.ui]} switchHref={switchHref(c, ctx.ui)} notice={notice} />, status);
  }

  /** The message a finished action leaves on the source's page (carried in the address after the redirect). */
  function noticeFrom(ctx: AdminContext, params: URLSearchParams, lastError: string | null): PageNotice | undefined {
    const { aw } = ctx;
    switch (params.get('done')) {
      case 'added':
        return { tone: 'ok', text: aw.doneAdded };
      case 'edited':
        return { tone: 'ok', text: ADMIN_FORM_WORDS[ctx.ui].doneEdited };
      case 'paused':
        return { tone: 'ok', text: aw.donePaused };
      case 'resumed':
        return { tone: 'ok', text: aw.doneResumed };
      case 'selectors':
        return { tone: 'ok', text: PAGE_SOURCE_WORDS[ctx.ui].doneSelectors };
      case 'refreshed': {
        const outcome = params.get('outcome') ?? '';
        const known = isOneOf(FETCH_OUTCOMES, outcome) ? aw.outcome[outcome] : outcome.replace(/[^a-z-]/g, '');
        const failed = outcome === 'failed';
        return {
          tone: failed ? 'bad' : 'ok',
          text: aw.doneRefreshed(known, Number(params.get('new')) || 0, Number(params.get('updated')) || 0),
          detail: failed && lastError ? lastError : undefined,
        };
      }
      default:
        return undefined;
    }
  }

  guarded('get', '/sources/:slug', async (c, ctx) => {
    const slug = c.req.param('slug') ?? '';
    const source = await requireSource(db, slug);
    return sourcePage(c, ctx, slug, noticeFrom(ctx, new URL(c.req.url).searchParams, source.lastError));
  });

  /** Runs an action on a source; a refusal (paused, being fetched, managed by feeds.yaml) comes back on its page. */
  const action = (name: string, run: (slug: string, s: Signed, c: Context<AppEnv>) => Promise<string>) =>
    guarded('post', `/sources/:slug/${name}`, async (c, ctx, session) => {
      const slug = c.req.param('slug') ?? '';
      try {
        const query = await run(slug, session, c);
        return c.redirect(at(ctx.ui, `sources/${slug}`, query), 303);
      } catch (err) {
        if (err instanceof ConflictError) return sourcePage(c, ctx, slug, { tone: 'bad', text: refusalText(ctx, err), detail: err.message }, 409);
        throw err;
      }
    });

  action('pause', async (slug, s) => {
    await pauseSource(subscribeDeps, slug, actorOf(s));
    return 'done=paused';
  });
  action('resume', async (slug, s) => {
    await resumeSource(subscribeDeps, slug, actorOf(s));
    return 'done=resumed';
  });
  action('refresh', async (slug, s, c) => {
    const { outcome } = await refreshSource(deps.pipeline, slug, actorOf(s), { owner: `admin:${c.get('requestId')}`, leaseSeconds: deps.leaseSeconds });
    return new URLSearchParams({ done: 'refreshed', outcome: outcome.outcome, new: String(outcome.itemsNew), updated: String(outcome.itemsUpdated) }).toString();
  });

  guarded('get', '/sources/:slug/delete', async (c, ctx) => {
    if (ctx.session?.readOnly) return forbidden(c, ctx);
    const source = await requireSource(db, c.req.param('slug') ?? '');
    if (source.origin === 'file') return sourcePage(c, ctx, source.slug, { tone: 'bad', text: ctx.aw.fileManaged }, 409);
    return render(c, <DeletePage ctx={ctx} source={source} switchHref={switchHref(c, ctx.ui)} />);
  });

  guarded('post', '/sources/:slug/delete', async (c, ctx, session, form) => {
    const slug = c.req.param('slug') ?? '';
    const source = await requireSource(db, slug);
    if (first(form.confirm) !== 'yes') {
      return render(c, <DeletePage ctx={ctx} source={source} switchHref={switchHref(c, ctx.ui)} problem={ctx.aw.deleteNeedsConfirm} />, 400);
    }
    try {
      const { itemsDeleted } = await removeSource(subscribeDeps, slug, actorOf(session));
      return c.redirect(at(ctx.ui, '', new URLSearchParams({ done: 'deleted', slug, items: String(itemsDeleted) }).toString()), 303);
    } catch (err) {
      if (err instanceof ConflictError) return sourcePage(c, ctx, slug, { tone: 'bad', text: ctx.aw.fileManaged, detail: err.message }, 409);
      throw err;
    }
  });

  // ── Email digests ─────────────────────────────────────────────────────────────────────────────

  async function digestsPage(c: Context, ctx: AdminContext, notice?: { tone: NoticeTone; text: string }, status = 200): Promise<Response> {
    const sourceSlugs = (await listSources(db)).map((s) => s.slug);
    const vocab = { topicSlugs: deps.topics.map((t) => t.slug), sourceSlugs };
    const rows = (await listSelectionStats(db)).map((r) => ({ ...r, title: r.selection ? describeQuery(selectionQuery(r.selection, vocab), ctx.ui, topicLabels[ctx.ui]) : ctx.w.navRiver }));
    return render(c, <DigestsAdminPage ctx={ctx} switchHref={switchHref(c, ctx.ui)} rows={rows} mailEnabled={deps.mailEnabled ?? false} notice={notice} />, status);
  }

  guarded('get', '/digests', (c, ctx) => digestsPage(c, ctx));

  guarded('post', '/digests/send-now', async (c, ctx, session) => {
    if (!deps.sendDigestsNow) return digestsPage(c, ctx, { tone: 'bad', text: DIGEST_ADMIN_WORDS[ctx.ui].off }, 409);
    const report = await deps.sendDigestsNow();
    log.info({ token: session.identity.name, ...report }, 'digests sent now');
    return digestsPage(c, ctx, { tone: report.failed + report.bounced + report.suspended ? 'bad' : 'ok', text: DIGEST_ADMIN_WORDS[ctx.ui].sentNow(report) });
  });

  guarded('post', '/digests/remove', async (c, ctx, session, form) => {
    const checked = checkAddress(first(form.email) ?? '');
    if (!checked.ok) return digestsPage(c, ctx, { tone: 'bad', text: DIGEST_ADMIN_WORDS[ctx.ui].badAddress }, 400);
    const removed = await deleteAddress(db, checked.address);
    log.info({ token: session.identity.name, removed }, 'digest address removed');
    return digestsPage(c, ctx, { tone: 'ok', text: DIGEST_ADMIN_WORDS[ctx.ui].removed(removed) });
  });

  // ── Adding a source ───────────────────────────────────────────────────────────────────────────

  const topicChoices = (ui: Language): [string, string][] => deps.topics.map((t) => [t.slug, t.label[ui]]);

  guarded('get', '/add', async (c, ctx) => {
    if (ctx.session?.readOnly) return forbidden(c, ctx);
    return render(c, <AddSourcePage ctx={ctx} values={EMPTY_ADD_FORM} topics={topicChoices(ctx.ui)} switchHref={switchHref(c, ctx.ui)} />);
  });

  /** What a refused registration means for the form, or undefined for a failure of ours. */
  async function problemOf(err: unknown): Promise<AddProblem | undefined> {
    const page = pageProblemOf(err);
    if (page) return page;
    if (err instanceof BadRequestError) {
      const details = Array.isArray(err.details) ? (err.details as FieldProblem[]) : [];
      return { kind: 'fields', fields: details.length ? details : [{ field: 'url', message: err.message }] };
    }
    if (err instanceof ConflictError) {
      const extra = err.extra ?? {};
      if (Array.isArray(extra.candidates)) return { kind: 'candidates', candidates: extra.candidates as FeedCandidate[] };
      if (typeof extra.existing === 'string') {
        const row = await getSourceBySlug(db, extra.existing);
        const existing = { slug: extra.existing, title: row?.title ?? extra.existing };
        return { kind: /^slug /.test(err.message) ? 'slug-taken' : 'duplicate', existing, detail: err.message };
      }
      return { kind: 'other', detail: err.message };
    }
    if (err instanceof UnprocessableError) {
      const m = err.message;
      const kind = /^blocked:/.test(m)
        ? 'blocked'
        : /^feedUrl /.test(m)
          ? 'chosen-unusable'
          : /^cannot fetch /.test(m)
            ? 'cannot-fetch'
            : /the page offers none/.test(m)
              ? 'no-feed-offered'
              : 'no-feed';
      return { kind, detail: m };
    }
    return undefined;
  }

  guarded('post', '/add', async (c, ctx, session, form) => {
    const values = formValues(form);
    try {
      // A page source is previewed (or its blocks proposed) until the operator saves what the preview showed.
      if (values.kind === 'page' && first(form.step) !== 'save') {
        const next = pageStepAfterPreview(values, await previewSource(registrationOf(values), subscribeDeps));
        return render(c, <AddSourcePage ctx={ctx} values={next.values} topics={topicChoices(ctx.ui)} switchHref={switchHref(c, ctx.ui)} page={next.page} />);
      }
      const { source } = await registerSource(registrationOf(values), subscribeDeps, actorOf(session));
      return c.redirect(at(ctx.ui, `sources/${source.slug}`, 'done=added'), 303);
    } catch (err) {
      const problem = await problemOf(err);
      if (!problem) throw err;
      const status = (err as AppError).status;
      // No feed, but the page holds lists: the form comes back with the page part, its blocks to choose from.
      if (problem.kind === 'page-offer') {
        const shown = { ...values, kind: 'page', proposal: '' };
        return render(c, <AddSourcePage ctx={ctx} values={shown} topics={topicChoices(ctx.ui)} switchHref={switchHref(c, ctx.ui)} page={{ proposals: problem.proposals }} />, status);
      }
      return render(c, <AddSourcePage ctx={ctx} values={values} topics={topicChoices(ctx.ui)} switchHref={switchHref(c, ctx.ui)} problem={problem} />, status);
    }
  });

  // ── Editing a source ──────────────────────────────────────────────────────────────────────────

  guarded('get', '/sources/:slug/edit', async (c, ctx) => {
    if (ctx.session?.readOnly) return forbidden(c, ctx);
    const source = await requireSource(db, c.req.param('slug') ?? '');
    return render(c, <EditSourcePage ctx={ctx} source={source} values={editValuesOf(source)} topics={topicChoices(ctx.ui)} switchHref={switchHref(c, ctx.ui)} />);
  });

  guarded('post', '/sources/:slug/edit', async (c, ctx, session, form) => {
    const source = await requireSource(db, c.req.param('slug') ?? '');
    const values = editFormValues(form);
    const page = (problem: AddProblem, status: number) =>
      render(c, <EditSourcePage ctx={ctx} source={source} values={values} topics={topicChoices(ctx.ui)} switchHref={switchHref(c, ctx.ui)} problem={problem} />, status);
    if (source.origin === 'file') return render(c, <EditSourcePage ctx={ctx} source={source} values={values} topics={topicChoices(ctx.ui)} switchHref={switchHref(c, ctx.ui)} />, 409);
    const change = patchOf(values, source);
    if ('problems' in change) return page({ kind: 'fields', fields: change.problems }, 400);
    try {
      await updateSource(source.slug, change.patch, subscribeDeps, actorOf(session));
      return c.redirect(at(ctx.ui, `sources/${source.slug}`, 'done=edited'), 303);
    } catch (err) {
      const problem = await problemOf(err);
      if (!problem) throw err;
      return page(problem, (err as AppError).status);
    }
  });

  // ── Importing an OPML file ────────────────────────────────────────────────────────────────────

  const importChoices = (form: FormBody): ImportChoices => {
    const region = first(form.region) ?? '';
    return {
      region: isOneOf(REGIONS, region) ? region : '',
      languages: every(form.languages).filter((l): l is Language => isOneOf(LANGUAGES, l)),
      dryRun: first(form.dryRun) === 'yes',
    };
  };
  const importPage = (c: Context, ctx: AdminContext, choices: ImportChoices, outcome?: ImportOutcome, status = 200) =>
    render(c, <ImportPage ctx={ctx} choices={choices} switchHref={switchHref(c, ctx.ui)} topicLabels={topicLabels[ctx.ui]} limits={DEFAULT_OPML_LIMITS} outcome={outcome} />, status);

  guarded('get', '/import', async (c, ctx) => {
    if (ctx.session?.readOnly) return forbidden(c, ctx);
    return importPage(c, ctx, { region: '', languages: [], dryRun: true });
  });

  // The same import, options and report as `passerelle opml import` and POST /api/opml.
  guarded(
    'post',
    '/import',
    async (c, ctx, session, form) => {
      const choices = importChoices(form);
      const fw = ADMIN_FORM_WORDS[ctx.ui];
      const file = Array.isArray(form.file) ? form.file[0] : form.file;
      if (!(file instanceof File) || file.size === 0) return importPage(c, ctx, choices, { kind: 'file', text: fw.noFile }, 400);
      try {
        const report = await importOpml(
          await file.text(),
          { region: choices.region || undefined, languages: choices.languages.length ? choices.languages : undefined, dryRun: choices.dryRun },
          { db, fetch: deps.pipeline.fetch, fetchDeps: deps.pipeline.fetchDeps, topics: deps.topics, logger: log },
          actorOf(session),
        );
        return importPage(c, ctx, { ...choices, dryRun: true }, { kind: 'report', report }, report.dryRun ? 200 : 201);
      } catch (err) {
        if (!(err instanceof UnprocessableError)) throw err;
        const details = err.extra?.details as OutlineProblem[] | undefined;
        const outcome: ImportOutcome = details ? { kind: 'refused', problems: details } : { kind: 'file', text: fw.notOpml, detail: err.message };
        return importPage(c, ctx, choices, outcome, 422);
      }
    },
    OPML_FORM_LIMIT,
  );

  mountSelectorRoutes({ guarded, render, forbidden, switchHref, sourcePage, subscribeDeps, at, actorOf });

  return app;
}
