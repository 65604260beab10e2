/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The web reader, the directory and the embed: server-rendered pages in English and French that
// need no script, under a CSP that allows none. Pages read the same query vocabulary as the feeds
// and the JSON API (publish/feed-query.ts), so a filtered page names its feeds exactly; the
// addresses people share stay clean (a form's empty fields are redirected away).
import { Hono, type Context } from 'hono';
import { BadRequestError, NotFoundError } from '../core/errors.ts';
import { dayNumber } from '../core/locale.ts';
import type { Logger } from '../core/logger.ts';
import { LANGUAGES, type Language, type Topic } from '../core/types.ts';
import { uiParam, uiQuery } from '../publish/feed-address.ts';
import { strongEtag, createFeedCache, type Rendered } from '../publish/feed-cache.ts';
import { isTrackingParam } from '../normalize/canonical-url.ts';
import { standingOf, type HubStanding } from '../pipeline/hub-standing.ts';
import type { SearchTerms } from '../publish/bilingual-search.ts';
import { selectionOf } from '../publish/digest-message.ts';
import { canonicalEventParams, dayIn, EVENT_PARAMS, eventWindow, nextEventCursor, parseEventCursor, parseEventParams, startOfDay } from '../publish/event-query.ts';
import { canonicalFilter, checkParameters, encodeCursor, listParam, nextCursor, oneOf, PAGE_PARAMS, parseFeedQuery, parseWholeNumber, QUERY_PARAMS, QueryError, type FeedQuery } from '../publish/feed-query.ts';
import { describeQuery } from '../publish/wording.ts';
import type { Db } from '../store/db.ts';
import { readGeneration } from '../store/hub-state.ts';
import { queryEvents } from '../store/events-query.ts';
import { getItem, queryItems, type ItemView } from '../store/items-query.ts';
import { getSavedFeed, SAVED_FEED_ID } from '../store/saved-feeds.ts';
import { listSources } from '../store/sources-repo.ts';
import { clientAddress } from './admin-auth.ts';
import { isSentFromOurPages } from './admin-session.ts';
import type { AppEnv } from './app-env.ts';
import { ADMIN_CSS, EMBED_JS, ICON, SITE_CSS, type Asset } from './assets.ts';
import { sendCacheable } from './http-cache.ts';
import { askedLanguage, cookieLanguage, languageCookie, ONLY_PATH, onlyLanguage, onlyLanguageCookie, onlyOwnLanguage, otherLanguage, otherLanguageHref, preferredLanguage } from './language.ts';
import { COMMON_HEADERS, EMBED_HEADERS, HTML, PAGE_HEADERS } from './page-headers.ts';
import { DirectoryPage } from './pages/directory.tsx';
import { embedHeight, EmbedPage } from './pages/embed-page.tsx';
import { ErrorPage, type PageProblem } from './pages/error-page.tsx';
import { ItemPage } from './pages/item-page.tsx';
import { EVENTS_PATH, pageHref, renderDocument, type FeedLink, type PageContext } from './pages/layout.tsx';
import { EventsPage, PAST_PATH } from './pages/events-page.tsx';
import { RiverPage, type Paging, type SubscribeLinks } from './pages/river.tsx';
import { SavedPage, SaveRefusedPage } from './pages/saved-page.tsx';
import { describeQueryProblem, wordsFor } from './reader-words.ts';
import { titleProblem, type SelectionSaver } from './selection-saver.ts';

export interface ReaderDeps {
  db: Db;
  logger: Logger;
  publicUrl: string;
  topics: Topic[];
  /** How searches are read in both languages. */
  searchTerms?: SearchTerms;
  /** The Subscribe box offers email digests (SMTP_URL is set). */
  emailDigests?: boolean;
  /** "Save this selection" saves through the API's saver: the same rate and total. */
  saver: SelectionSaver;
  /** Client addresses for the saver's rate come from X-Forwarded-For. */
  trustProxy?: boolean;
}

export const PAGE_LIMITS = { defaultLimit: 20, maxLimit: 50, known: [...QUERY_PARAMS, ...PAGE_PARAMS] };
export const EMBED_LIMITS = { defaultLimit: 10, maxLimit: 50, known: [...QUERY_PARAMS, 'theme', 'height', 'view'] };
export const EVENTS_LIMITS = { defaultLimit: 30, maxLimit: 100, known: [...QUERY_PARAMS, ...EVENT_PARAMS, 'after'] };
/** Rows of the iframe snippet the subscribe box gives: its height is then exact, with no script. */
const SNIPPET_ROWS = 5;

const PAGE_MAX_AGE = 60;
const EMBED_MAX_AGE = 300;
const EMBED_EVENTS_STEP_MS = 15 * 60_000;

/**
 * A hub without items explains itself, and what it says changes with fetches that change no item:
 * its cached pages are kept a minute at most.
 */
function standingKey(standing: HubStanding, now: number): string {
  return standing.kind === 'has-items' ? '' : `${standing.kind}:${Math.floor(now / 60_000)}`;
}

/** The reader, the directory, the embed and their assets; mounted last, for its /en/* and /fr/* 404 pages. */
export function createReaderRoutes(deps: ReaderDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = deps;
  const log = deps.logger.child({ component: 'reader' });
  const publicUrl = deps.publicUrl.replace(/\/+$/, '');
  const base = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const secureCookie = publicUrl.startsWith('https:');
  const publicOrigin = new URL(publicUrl).origin;
  const topicSlugs = deps.topics.map((t) => t.slug);
  const topicLabels = Object.fromEntries(LANGUAGES.map((ui) => [ui, new Map(deps.topics.map((t) => [t.slug, t.label[ui]]))])) as Record<Language, Map<string, string>>;
  // Rendered river and embed pages, kept until an ingest changes the data (or the day changes,
  // for "yesterday"); a cache of their own, so searches never push the feeds out.
  const cache = createFeedCache({ readGeneration: async () => (await readGeneration(db)).generation, maxEntries: 300 });

  const contextFor = (ui: Language): PageContext => ({ ui, w: wordsFor(ui), base, publicUrl, topicLabels: topicLabels[ui], now: Date.now() });
  const vocabulary = (sources: { slug: string }[]) => ({ topicSlugs, sourceSlugs: sources.map((s) => s.slug), searchTerms: deps.searchTerms });

  const switchHref = (c: Context, ui: Language) => otherLanguageHref(c, ui, base);

  /** Reader pages: validators, the language cookie when it changes, security headers. */
  function sendPage(c: Context, ui: Language, page: Rendered): Response {
    const remember = cookieLanguage(c.req.header('cookie')) !== ui;
    const headers: Record<string, string> = { ...PAGE_HEADERS, Vary: 'Accept-Encoding, Cookie' };
    if (remember) {
      headers['Set-Cookie'] = languageCookie(ui, { base, secure: secureCookie });
      headers['Cache-Control'] = 'private, no-cache';
    }
    return sendCacheable(c, page, HTML, PAGE_MAX_AGE, headers);
  }

  const fresh = (body: string): Rendered => ({ body: new TextEncoder().encode(body), etag: strongEtag(body), lastModified: new Date(0) });

  async function problemPage(c: Context, ui: Language, problem: PageProblem): Promise<Response> {
    const body = await renderDocument(<ErrorPage ctx={contextFor(ui)} problem={problem} switchHref={switchHref(c, ui)} />);
    return c.body(body, problem.status, { ...PAGE_HEADERS, 'Content-Type': HTML, 'Cache-Control': 'no-store' });
  }

  /** The same address without the parameter a problem names, or with "amp;" taken off its name. */
  function fixOf(c: Context, err: QueryError): PageProblem['fix'] {
    const url = new URL(c.req.url);
    const { parameter, escapedAmpersand, suggestion } = err.problem;
    const params = new URLSearchParams();
    for (const [k, v] of url.searchParams) {
      if (k === parameter && escapedAmpersand && suggestion) params.append(suggestion, v);
      else if (k !== parameter) params.append(k, v);
    }
    const search = params.toString();
    return { href: `${base}${url.pathname}${search ? `?${search}` : ''}`, corrected: Boolean(escapedAmpersand) };
  }

  /** A reader page in each language; its errors become pages in its language rather than JSON. */
  const page = (path: string, handler: (c: Context<AppEnv>, ui: Language) => Promise<Response>) =>
    LANGUAGES.forEach((ui) => app.get(`/${ui}${path}`, (c) => handle(c, ui, handler)));

  async function handle(c: Context<AppEnv>, ui: Language, handler: (c: Context<AppEnv>, ui: Language) => Promise<Response>): Promise<Response> {
    try {
      return await handler(c, ui);
    } catch (err) {
      if (err instanceof QueryError) return problemPage(c, ui, { status: 400, detail: err.message, query: err.problem, fix: fixOf(c, err) });
      if (err instanceof BadRequestError) return problemPage(c, ui, { status: 400, detail: err.message });
      if (err instanceof NotFoundError) return problemPage(c, ui, { status: 404, detail: err.message });
      log.error({ err, reqId: c.get('requestId'), path: c.req.path }, 'page failed');
      return problemPage(c, ui, { status: 500, requestId: c.get('requestId') });
    }
  }

  /** Filter, sort and size of a page as a query string, without the cursor: what its links keep. */
  function pageQueryOf(query: FeedQuery, limits: { defaultLimit: number }, ui: Language): string {
    const params = new URLSearchParams(canonicalFilter(query));
    if (query.q && query.order === 'date') params.set('sort', 'date');
    if (query.limit !== limits.defaultLimit) params.set('limit', String(query.limit));
    if (query.prefer && query.prefer !== ui) params.set('prefer', query.prefer);
    return params.toString();
  }

  /**
   * Where the pager leads from a page: older by the keyset cursor (which carries the position);
   * newer by the item just before this page, found by its position (so, when items arrived since
   * the reader left the newest page, the newer page may repeat a few).
   */
  async function pagingOf(query: FeedQuery, pageQuery: string, rows: ItemView[], paged: boolean): Promise<Paging> {
    const at = (cursor?: string) => [pageQuery, cursor ? `before=${cursor}` : ''].filter(Boolean).join('&');
    const seen = paged ? query.seen : 0;
    const older = nextCursor(query, rows, seen);
    let newerQuery: string | undefined;
    if (paged) {
      if (seen === undefined || seen <= query.limit) newerQuery = pageQuery;
      else if (query.order === 'relevance') newerQuery = at(encodeCursor({ offset: seen - query.limit }));
      else {
        const [before] = await queryItems(db, { ...query, before: undefined, offset: seen - query.limit - 1, limit: 1 });
        newerQuery = before ? at(encodeCursor({ publishedAt: before.publishedAt, id: before.id, seen: seen - query.limit })) : pageQuery;
      }
    }
    return { newerQuery, olderQuery: older ? at(older) : undefined, seen };
  }

  /** RSS, Atom and JSON Feed of one of our feed paths (/feeds/all, /sources/{slug}), for <link rel="alternate">. */
  function feedLinks(path: string, query: string, title: string): FeedLink[] {
    const href = (ext: string) => `${publicUrl}${path}.${ext}${query ? `?${query}` : ''}`;
    return [
      { type: 'application/rss+xml', title: `${title} (RSS)`, href: href('rss') },
      { type: 'application/atom+xml', title: `${title} (Atom)`, href: href('atom') },
      { type: 'application/feed+json', title: `${title} (JSON Feed)`, href: href('json') },
    ];
  }

  /** The widget's preview address and the two snippets (iframe, script) that embed it with `widget`'s parameters. */
  /** The embed snippets for a widget's parameters; `readerUrl` is the same selection on the hub, shown where scripts are blocked. */
  function embedSnippets(widget: string, heading: string, ui: Language, readerUrl: string): { embedUrl: string; iframe: string; resize: string; script: string } {
    const embedUrl = `${publicUrl}/embed?${widget}&height=${SNIPPET_ROWS}`;
    const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const escapeText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    return {
      embedUrl,
      iframe: `<iframe src="${escapeAttr(embedUrl)}" title="${escapeAttr(`${heading} — Passerelle`)}" width="100%" height="${embedHeight(SNIPPET_ROWS)}" style="border:0" loading="lazy"></iframe>`,
      resize: resizeListener(publicUrl),
      // The link inside is what a page that blocks scripts shows: the same selection, on the hub.
      script: `<div data-passerelle="${escapeAttr(widget)}"><a href="${escapeAttr(readerUrl)}">${escapeText(wordsFor(ui).embedScriptFallback(heading))}</a></div>\n<script src="${escapeAttr(`${publicUrl}/embed.js`)}" async></script>`,
    };
  }

  function subscribeLinks(query: FeedQuery, ui: Language, heading: string): { links: SubscribeLinks; feeds: FeedLink[] } {
    const filter = canonicalFilter(query);
    // The feeds list what the page lists: each story once, in the page's language (ui=fr says so for French).
    const feedQuery = [filter, uiParam(ui) || `prefer=${query.prefer ?? ui}`].filter(Boolean).join('&');
    const feeds = feedLinks('/feeds/all', feedQuery, heading);
    const links: SubscribeLinks = {
      rss: feeds[0].href,
      atom: feeds[1].href,
      json: feeds[2].href,
      opml: `${publicUrl}/opml/topics.opml${uiQuery(ui)}`,
      ...embedSnippets([filter, `ui=${ui}`].filter(Boolean).join('&'), heading, ui, `${publicUrl}/${ui}/${filter ? `?${filter}` : ''}`),
      calendar: `${publicUrl}/calendar/all.ics${filter ? `?${filter}` : ''}`,
      email: deps.emailDigests ? { action: `${base}/${ui}/digests`, selection: selectionOf(query) } : undefined,
      save: { action: pageHref(contextFor(ui), 'saved-feeds'), query: filter, title: heading },
    };
    return { links, feeds };
  }

  const headingOf = (query: FeedQuery, ui: Language, all: string) => {
    const filtered = canonicalFilter(query) !== '';
    return filtered ? describeQuery(query, ui, topicLabels[ui]) : all;
  };

  app.get('/', (c) => {
    const url = new URL(c.req.url);
    const ui = askedLanguage(url.searchParams) ?? preferredLanguage(c);
    url.searchParams.delete('ui');
    const search = url.searchParams.toString();
    return c.body(null, 302, {
      Location: `${base}/${ui}/${search ? `?${search}` : ''}`,
      Vary: 'Accept-Language, Cookie',
      'Cache-Control': 'private, no-cache',
      ...COMMON_HEADERS,
    });
  });

  for (const ui of LANGUAGES) app.get(`/${ui}`, (c) => c.redirect(`${base}/${ui}/${new URL(c.req.url).search}`, 301));

  page('/', async (c, ui) => {
    const url = new URL(c.req.url);
    const clean = cleanSearch(url.searchParams);
    if (clean !== undefined) return c.redirect(`${base}/${ui}/${clean ? `?${clean}` : ''}`, 301);
    const params = url.searchParams;
    const sources = await listSources(db);
    const asked = parseFeedQuery(params, vocabulary(sources), { ...PAGE_LIMITS, prefer: ui });
    const pageQuery = pageQueryOf(asked, PAGE_LIMITS, ui);
    // "Only items in my language", when the reader chose it and the address names no language.
    const onlyMine = onlyOwnLanguage(c.req.header('cookie')) && !asked.languages;
    const query: FeedQuery = onlyMine ? { ...asked, languages: [ui] } : asked;
    const cursor = params.get('before') ?? params.get('page') ?? '';
    const ctx = contextFor(ui);
    const standing = standingOf(sources);
    const key = ['river', ui, pageQuery, cursor, dayNumber(ctx.now), standingKey(standing, ctx.now), onlyMine ? 'only' : ''].join('\u0000');
    const rendered = await cache.get(key, async () => {
      const items = await queryItems(db, query);
      const paging = await pagingOf(query, pageQuery, items, cursor !== '');
      const heading = headingOf(asked, ui, ctx.w.riverHeading);
      const { links, feeds } = subscribeLinks(query, ui, heading);
      const body = await renderDocument(
        <RiverPage
          ctx={ctx}
          query={asked}
          heading={heading}
          items={items}
          sources={sources}
          pageQuery={pageQuery}
          paging={paging}
          subscribe={links}
          feeds={feeds}
          switchHref={pageHref(ctx, '', [pageQuery, cursor ? `before=${cursor}` : ''].filter(Boolean).join('&'), otherLanguage(ui))}
          onlyMine={{ on: onlyMine, href: `${base}/${ui}/${ONLY_PATH}?only=${onlyMine ? 'off' : 'on'}${pageQuery ? `&back=${encodeURIComponent(pageQuery)}` : ''}` }}
          standing={standing}
        />,
      );
      return { body, lastModified: new Date(0) };
    });
    return sendPage(c, ui, rendered);
  });

  // "Only items in my language": a link, so it works with scripts off; remembered for a year like
  // the page's language, and undone the same way. `back` is the river's query to return to.
  for (const ui of LANGUAGES) {
    app.get(`/${ui}/${ONLY_PATH}`, (c) =>
      handle(c, ui, async () => {
        const params = new URL(c.req.url).searchParams;
        checkParameters(params, ['only', 'back']);
        const [only] = oneOf('only', listParam(params, 'only'), ['on', 'off'] as const);
        // Only ever a query on the river, re-encoded: it cannot lead elsewhere. One too long to be ours leads to the river.
        const back = params.get('back') ?? '';
        const search = back.length > 2000 ? '' : new URLSearchParams(back).toString();
        return c.body(null, 303, {
          Location: `${base}/${ui}/${search ? `?${search}` : ''}`,
          'Set-Cookie': onlyLanguageCookie(only !== 'off', { base, secure: secureCookie }),
          'Cache-Control': 'no-store',
          ...COMMON_HEADERS,
        });
      }),
    );
  }

  // "Save this selection": a plain form, so it works with scripts off. It must come from our own
  // pages, and counts against the same rate and total as POST /api/saved-feeds.
  for (const ui of LANGUAGES) {
    app.post(`/${ui}/saved-feeds`, (c) =>
      handle(c, ui, async () => {
        const ctx = contextFor(ui);
        const form = await c.req.parseBody();
        const filter = typeof form.query === 'string' ? form.query : '';
        const refuse = (text: string, status: 400 | 403 | 429 | 503, headers: Record<string, string> = {}) =>
          renderDocument(<SaveRefusedPage ctx={ctx} text={text} backQuery={filter} switchHref={pageHref(ctx, '', filter, otherLanguage(ui))} />).then((body) =>
            c.body(body, status, { ...PAGE_HEADERS, 'Content-Type': HTML, 'Cache-Control': 'no-store', ...headers }),
          );
        if (!isSentFromOurPages(c, publicOrigin)) return refuse(ctx.w.saveFromElsewhere, 403);
        const wait = deps.saver.admit(clientAddress(c, deps.trustProxy ?? false));
        if (wait > 0) return refuse(ctx.w.saveTooMany, 429, { 'Retry-After': String(wait) });
        const title = typeof form.title === 'string' ? form.title : '';
        if (titleProblem(title) || filter.length > 2000) return refuse(ctx.w.saveTitleMissing, 400);
        const outcome = await deps.saver.save({ title, query: new URLSearchParams(filter), ui });
        if (outcome.kind === 'full') return refuse(ctx.w.saveFull, 503, { 'Retry-After': '3600' });
        return c.redirect(pageHref(ctx, `saved/${outcome.feed.id}`), 303);
      }),
    );
  }

  page('/saved/:id', async (c, ui) => {
    const id = c.req.param('id') ?? '';
    const saved = SAVED_FEED_ID.test(id) ? await getSavedFeed(db, id) : undefined;
    if (!saved) throw new NotFoundError(`no saved feed ${id}`);
    const ctx = contextFor(ui);
    const feedBase = `${publicUrl}/f/${saved.id}`;
    const suffix = saved.ui === ui ? '' : `?ui=${ui}`;
    const urls = { rss: `${feedBase}.rss${suffix}`, atom: `${feedBase}.atom${suffix}`, json: `${feedBase}.json${suffix}` };
    return sendPage(c, ui, fresh(await renderDocument(<SavedPage ctx={ctx} saved={{ title: saved.title, query: saved.query, urls }} switchHref={switchHref(c, ui)} />)));
  });

  page('/items/:id', async (c, ui) => {
    const raw = c.req.param('id') ?? '';
    const item = /^\d{1,15}$/.test(raw) ? await getItem(db, Number(raw)) : undefined;
    if (!item) throw new NotFoundError(`no item ${raw}`);
    const ctx = contextFor(ui);
    const feeds = feedLinks(`/sources/${item.source.slug}`, uiParam(ui), item.source.title);
    return sendPage(c, ui, fresh(await renderDocument(<ItemPage ctx={ctx} item={item} feeds={feeds} switchHref={switchHref(c, ui)} />)));
  });


  // Events: upcoming at /en/events and /fr/evenements, past under …/past and …/passes; each
  // language's spelling of the other's address leads to its own page.
  for (const ui of LANGUAGES) {
    app.get(`/${ui}/${EVENTS_PATH[ui]}`, (c) => handle(c, ui, (c, ui) => eventsPage(c, ui, 'upcoming')));
    app.get(`/${ui}/${PAST_PATH[ui]}`, (c) => handle(c, ui, (c, ui) => eventsPage(c, ui, 'past')));
    const other = otherLanguage(ui);
    for (const [from, to] of [[EVENTS_PATH[other], EVENTS_PATH[ui]], [PAST_PATH[other], PAST_PATH[ui]]]) {
      app.get(`/${ui}/${from}`, (c) => c.redirect(`${base}/${ui}/${to}${new URL(c.req.url).search}`, 301));
    }
  }

  async function eventsPage(c: Context<AppEnv>, ui: Language, when: 'upcoming' | 'past'): Promise<Response> {
    const params = new URL(c.req.url).searchParams;
    const sources = await listSources(db);
    const query = parseFeedQuery(params, vocabulary(sources), { ...EVENTS_LIMITS, prefer: ui });
    const range = parseEventParams(params);
    const after = parseEventCursor(params);
    const ctx = contextFor(ui);
    const today = dayIn(ctx.now, range.tz);
    const pageQuery = [pageQueryOf(query, EVENTS_LIMITS, ui), canonicalEventParams(range)].filter(Boolean).join('&');
    const cursor = params.get('after') ?? '';
    const standing = standingOf(sources);
    const key = ['events', when, ui, pageQuery, cursor, today, standingKey(standing, ctx.now)].join('\u0000');
    const rendered = await cache.get(key, async () => {
      // From today on, in the reader's zone: an event earlier today is still today's.
      const todayStart = startOfDay(today, range.tz);
      const { before: _b, offset: _o, order: _r, ...selection } = query;
      const items = await queryEvents(db, { ...selection, ...eventWindow(when, range, todayStart), after });
      const next = nextEventCursor(items, query.limit);
      const title = when === 'upcoming' ? ctx.w.eventsHeading : ctx.w.pastEventsHeading;
      const heading = canonicalFilter(query) ? `${title} · ${describeQuery(query, ui, topicLabels[ui])}` : title;
      const filter = canonicalFilter(query);
      const withFilter = (...parts: string[]) => parts.filter(Boolean).join('&');
      const calendar = `${publicUrl}/calendar/all.ics${withFilter(filter) ? `?${withFilter(filter)}` : ''}`;
      const rss = `${publicUrl}/feeds/all.rss?${withFilter(canonicalFilter({ ...query, types: ['event'] }), uiParam(ui))}`;
      const path = when === 'upcoming' ? EVENTS_PATH : PAST_PATH;
      const body = await renderDocument(
        <EventsPage
          ctx={ctx}
          when={when}
          query={query}
          range={range}
          heading={heading}
          items={items}
          sources={sources}
          pageQuery={pageQuery}
          nextQuery={next ? withFilter(pageQuery, `after=${next}`) : undefined}
          paged={cursor !== ''}
          subscribe={{ calendar, rss, ...embedSnippets(withFilter('view=events', filter, `ui=${ui}`), heading, ui, `${publicUrl}/${ui}/${EVENTS_PATH[ui]}${filter ? `?${filter}` : ''}`) }}
          feeds={[
            { type: 'text/calendar', title: `${heading} (iCalendar)`, href: calendar },
            { type: 'application/rss+xml', title: `${heading} (RSS)`, href: rss },
          ]}
          switchHref={pageHref(ctx, path[otherLanguage(ui)], withFilter(pageQuery, cursor ? `after=${cursor}` : ''), otherLanguage(ui))}
          standing={standing}
        />,
      );
      return { body, lastModified: new Date(0) };
    });
    return sendPage(c, ui, rendered);
  }

  page('/directory', async (c, ui) => {
    const ctx = contextFor(ui);
    const sources = await listSources(db);
    const feeds: FeedLink[] = [
      ...feedLinks('/feeds/all', uiParam(ui), ctx.w.navRiver),
      { type: 'text/x-opml', title: ctx.w.sourcesOpml, href: `${publicUrl}/opml/sources.opml${uiQuery(ui)}` },
    ];
    return sendPage(c, ui, fresh(await renderDocument(<DirectoryPage ctx={ctx} sources={sources} feeds={feeds} switchHref={switchHref(c, ui)} />)));
  });

  // The iframe widget. `ui` picks its words (en, fr); `lang` keeps its meaning everywhere else:
  // the language of the items, though without `ui` a widget asked for French items only speaks
  // French (and English for English ones). `theme` is light or dark; `height` gives it that many
  // rows of a fixed height, so an iframe sized for them fits it exactly. No cookie is read or set here.
  app.get('/embed', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const ui = askedLanguage(params) ?? onlyLanguage(params) ?? 'en';
    const dark = params.get('theme') === 'dark';
    // `view=events`: the upcoming events of the filter, by their date, rather than the newest items.
    const view = params.get('view');
    const ctx = contextFor(ui);
    const send = (rendered: Rendered, status = 200) =>
      status === 200
        ? sendCacheable(c, rendered, HTML, EMBED_MAX_AGE, EMBED_HEADERS)
        : c.body(rendered.body, status as 400, { ...EMBED_HEADERS, 'Content-Type': HTML, 'Cache-Control': 'no-store' });
    let query: FeedQuery;
    let rows: number | undefined;
    const sources = await listSources(db);
    const standing = standingOf(sources);
    const hubEmpty = standing.kind !== 'has-items';
    try {
      oneOf('theme', params.getAll('theme').filter(Boolean), ['light', 'dark'] as const);
      oneOf('view', params.getAll('view').filter(Boolean), ['items', 'events'] as const);
      rows = parseWholeNumber(params, 'height', 1, EMBED_LIMITS.maxLimit);
      query = parseFeedQuery(params, vocabulary(sources), { ...EMBED_LIMITS, defaultLimit: rows ?? EMBED_LIMITS.defaultLimit });
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      const body = await renderDocument(
        <EmbedPage ctx={ctx} heading={ctx.w.badRequestTitle} items={[]} moreHref={`${publicUrl}/${ui}/`} dark={dark} message={describeQueryProblem(err.problem, ui)} />,
      );
      return send(fresh(body), 400);
    }
    const filter = canonicalFilter(query);
    if (view === 'events') {
      // Upcoming events by date; one that has ended leaves the list within a quarter of an hour.
      const at = Math.floor(ctx.now / EMBED_EVENTS_STEP_MS) * EMBED_EVENTS_STEP_MS;
      const key = ['embed-events', ui, dark ? 'dark' : 'light', filter, query.limit, rows ?? '', at, standingKey(standing, ctx.now), query.prefer ?? ''].join('\u0000');
      const rendered = await cache.get(key, async () => {
        const { before: _b, offset: _o, order: _r, ...selection } = query;
        const items = await queryEvents(db, { ...selection, when: 'upcoming', at: new Date(at) });
        const heading = canonicalFilter(query) ? `${ctx.w.eventsHeading} · ${describeQuery(query, ui, topicLabels[ui])}` : ctx.w.embedEventsAll;
        const moreHref = `${publicUrl}/${ui}/${EVENTS_PATH[ui]}${filter ? `?${filter}` : ''}`;
        return { body: await renderDocument(<EmbedPage ctx={ctx} heading={heading} items={items} moreHref={moreHref} dark={dark} empty={ctx.w.embedEventsEmpty} rows={rows} hubEmpty={hubEmpty} />), lastModified: new Date(0) };
      });
      return send(rendered);
    }
    const key = ['embed', ui, dark ? 'dark' : 'light', filter, query.limit, query.order, rows ?? '', dayNumber(ctx.now), standingKey(standing, ctx.now), query.prefer ?? ''].join('\u0000');
    const rendered = await cache.get(key, async () => {
      const items = await queryItems(db, { ...query, before: undefined, offset: undefined });
      const heading = headingOf(query, ui, ctx.w.embedAll);
      const moreHref = `${publicUrl}/${ui}/${filter ? `?${filter}` : ''}`;
      return { body: await renderDocument(<EmbedPage ctx={ctx} heading={heading} items={items} moreHref={moreHref} dark={dark} rows={rows} hubEmpty={hubEmpty} />), lastModified: new Date(0) };
    });
    return send(rendered);
  });

  const sendAsset = (c: Context, asset: Asset, cacheControl: string, extra: Record<string, string> = {}) =>
    sendCacheable(c, { body: asset.body, etag: asset.etag, lastModified: new Date(0) }, asset.contentType, 0, { ...COMMON_HEADERS, 'Cache-Control': cacheControl, ...extra });

  // Other sites link this fixed address, so it is revalidated hourly rather than cached for good.
  app.get('/embed.js', (c) => sendAsset(c, EMBED_JS, 'public, max-age=3600, stale-while-revalidate=86400', { 'Access-Control-Allow-Origin': '*' }));

  app.get('/assets/:file', (c) => {
    const file = c.req.param('file');
    const asset = [SITE_CSS, ADMIN_CSS, ICON].find((a) => a.path === `/assets/${file}`);
    if (asset) return sendAsset(c, asset, 'public, max-age=31536000, immutable');
    // A page cached before a deploy may ask for the previous stylesheet: the current one is better than none.
    const stale = [SITE_CSS, ADMIN_CSS, ICON].find((a) => new RegExp(`^${a.path.split('/').pop()!.split('.')[0]}\\.[0-9a-f]+\\.${a.path.split('.').pop()}$`).test(file));
    if (stale) return sendAsset(c, stale, 'public, max-age=300');
    throw new NotFoundError(`no asset ${file}`);
  });

  // Any other address under /en/ or /fr/ (a mistyped link, "/en/directory/") is a reader's: the
  // 404 page in its language, not the API's JSON. Registered last, so every real page comes first.
  for (const ui of LANGUAGES) app.get(`/${ui}/*`, (c) => problemPage(c, ui, { status: 404 }));
  return app;
}

/**
 * The query a reader's address should have, when it differs: without the empty fields a GET form
 * sends ("?province=&source="), nor the parameters trackers add. Undefined when it is already clean.
 */
export function cleanSearch(params: URLSearchParams): string | undefined {
  const kept = [...params].filter(([name, value]) => value.trim() !== '' && !isTrackingParam(name));
  if (kept.length === [...params].length) return undefined;
  return new URLSearchParams(kept).toString();
}

/**
 * The host page's optional line that lets an iframe widget set its own height: it asks each of our
 * iframes (now and when it loads) for its height, and takes the answers from the hub's origin only.
 */
export function resizeListener(publicUrl: string): string {
  const origin = JSON.stringify(new URL(publicUrl).origin);
  const prefix = JSON.stringify(`${publicUrl}/embed`);
  return `<script>addEventListener("message",function(e){if(e.origin===${origin}&&e.data&&e.data.passerelle==="height")document.querySelectorAll("iframe").forEach(function(f){if(f.contentWindow===e.source)f.style.height=e.data.height+"px"})});document.querySelectorAll('iframe[src^=${prefix}]').forEach(function(f){function ask(){f.contentWindow.postMessage("passerelle:resize",${origin})}ask();f.addEventListener("load",ask)});</script>`;
}
