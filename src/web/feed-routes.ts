// Output feeds over HTTP: any filter in RSS, Atom or JSON Feed; friendly topic and source forms;
// saved feeds; OPML bundles. The paths are the feed grammar's (publish/feed-address.ts). Rendered
// documents come from the feed cache and are sent with strong validators, so polling readers
// mostly get 304s; a repeated request URL is answered without parsing anything.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../core/errors.ts';
import type { Topic } from '../core/types.ts';
import { FEED_KINDS, feedAddress, uiQuery, type FeedKind } from '../publish/feed-address.ts';
import { strongEtag, type FeedCache } from '../publish/feed-cache.ts';
import { parseFeedQuery } from '../publish/feed-query.ts';
import { sourceSlugsOf, type FeedRenderer, type RenderedFeed } from '../publish/feed-renderer.ts';
import { renderOpml } from '../publish/opml.ts';
import { FORMAT_MEDIA_TYPES } from '../publish/output-feed.ts';
import { t } from '../publish/wording.ts';
import type { Db } from '../store/db.ts';
import { SAVED_FEED_ID, touchSavedFeed } from '../store/saved-feeds.ts';
import { listSources } from '../store/sources-repo.ts';
import { clientAddress } from './admin-auth.ts';
import type { AppEnv } from './app-env.ts';
import { cacheHeaders, respondCacheable, sendCacheable, type CacheHeaders } from './http-cache.ts';
import { titleProblem, TITLE_MAX_LENGTH, type SelectionSaver } from './selection-saver.ts';

export interface FeedRoutesDeps {
  db: Db;
  topics: Topic[];
  publicUrl: string;
  renderer: FeedRenderer;
  cache: FeedCache;
  /** Shared with the reader's "Save this selection" form: one rate and one total for both. */
  saver: SelectionSaver;
  /** Client addresses for the saved-feed rate limit come from X-Forwarded-For. */
  trustProxy?: boolean;
}

const FEED_MAX_AGE = 300;
/** Saved feeds whose last use this process has written today (most polls then write nothing). */
const TOUCHED_MAX = 10_000;

const savedFeedBody = z.strictObject({
  title: z
    .string()
    .max(TITLE_MAX_LENGTH + 100)
    .superRefine((v, ctx) => {
      const problem = titleProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  query: z.union([z.string().max(2000), z.record(z.string().max(20), z.union([z.string().max(2000), z.array(z.string().max(2000)).max(50)]))]).default(''),
  ui: z.enum(['en', 'fr']).optional(),
});

export function createFeedRoutes(deps: FeedRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db, renderer } = deps;
  const topicSlugs = deps.topics.map((tp) => tp.slug);
  const vocabulary = async () => ({ topicSlugs, sourceSlugs: await sourceSlugsOf(db, deps.cache) });
  // Built once per document; dropped with it.
  const headersOf = new WeakMap<RenderedFeed, CacheHeaders>();
  const touched = new Map<string, number>();

  /** Remembers that a saved feed was read, in the database at most once a day from this process. */
  function noteSavedFeedRead(file: string) {
    const id = file.split('.')[0];
    const day = Math.floor(Date.now() / 86_400_000);
    if (!SAVED_FEED_ID.test(id) || touched.get(id) === day) return;
    if (touched.size >= TOUCHED_MAX) touched.clear();
    touched.set(id, day);
    // A lost write only makes the feed look older than it is, by a day at most.
    touchSavedFeed(db, id).catch(() => touched.delete(id));
  }

  async function serveFeed(c: Context<AppEnv>, kind: FeedKind) {
    const file = c.req.param('file') ?? '';
    // Most requests are polls of a URL already rendered: answer them without parsing anything.
    const address = () => feedAddress(kind, file, new URL(c.req.url).searchParams);
    const feed = renderer.peek(c.req.url, address) ?? (await renderer.render(address(), c.req.url));
    let headers = headersOf.get(feed);
    if (!headers) {
      headers = cacheHeaders(feed, FORMAT_MEDIA_TYPES[feed.format], FEED_MAX_AGE, {
        // WebSub discovery (W3C WebSub §4) also works from the HTTP headers.
        Link: `<${deps.publicUrl}/websub>; rel="hub", <${feed.selfUrl}>; rel="self"`,
        'Access-Control-Allow-Origin': '*',
      });
      headersOf.set(feed, headers);
    }
    if (kind === 'f') noteSavedFeedRead(file);
    return respondCacheable(c, feed, headers);
  }

  for (const kind of FEED_KINDS) app.get(`/${kind}/:file`, (c) => serveFeed(c, kind));

  // The body is bounded (16 KiB) by request-limits.ts before it gets here.
  app.post('/api/saved-feeds', async (c) => {
    const wait = deps.saver.admit(clientAddress(c, deps.trustProxy ?? false));
    if (wait > 0) return c.json({ error: 'too many saved feeds from this address; retry later' }, 429, { 'Retry-After': String(wait) });
    const raw = await c.req.json().catch(() => {
      throw new BadRequestError('body: must be JSON: {"title": "…", "query": "topic=housing&lang=fr"}');
    });
    const parsed = savedFeedBody.safeParse(raw);
    if (!parsed.success) {
      throw new BadRequestError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    }
    const params = new URLSearchParams();
    const input = parsed.data.query;
    if (typeof input === 'string') new URLSearchParams(input.replace(/^\?/, '')).forEach((v, k) => params.append(k, v));
    else for (const [k, v] of Object.entries(input)) for (const one of [v].flat()) params.append(k, one);
    const outcome = await deps.saver.save({ title: parsed.data.title, query: params, ui: parsed.data.ui });
    if (outcome.kind === 'full') {
      return c.json({ error: 'the hub holds as many saved feeds as it accepts; unused ones are removed in time, try again later' }, 503, { 'Retry-After': '3600' });
    }
    const { feed, urls } = outcome;
    return c.json({ id: feed.id, title: feed.title, query: feed.query, ui: feed.ui, urls }, 201, { Location: urls.rss });
  });

  app.get('/opml/:file', async (c) => {
    const file = c.req.param('file');
    const ui = parseFeedQuery(new URL(c.req.url).searchParams, await vocabulary()).ui;
    const suffix = uiQuery(ui);
    let body: string;
    if (file === 'topics.opml') {
      body = renderOpml(
        t(ui, 'topicsOpml'),
        deps.topics.map((tp) => ({
          text: tp.label[ui],
          xmlUrl: `${deps.publicUrl}/topics/${tp.slug}.rss${suffix}`,
          htmlUrl: `${deps.publicUrl}/${ui}/?topic=${tp.slug}`,
          language: ui,
        })),
        { folder: 'Passerelle' },
      );
    } else if (file === 'sources.opml') {
      const rows = await listSources(db);
      body = renderOpml(
        t(ui, 'sourcesOpml'),
        rows
          .filter((s) => s.status !== 'gone')
          .map((s) => ({
            text: `${s.title} — ${s.organization}`,
            // A page source's address is a web page: readers subscribe to what the hub makes of it.
            xmlUrl: s.kind === 'page' ? `${deps.publicUrl}/sources/${s.slug}.rss` : s.url,
            htmlUrl: s.kind === 'page' ? s.url : (s.siteUrl ?? undefined),
            // OPML's language is one code, like the feed's <language>: a bilingual source names none
            // (our OPML import then takes both, as it did from "en,fr").
            language: s.languages.length === 1 ? s.languages[0] : undefined,
            category: `/${s.region}${s.province ? `/${s.province}` : ''}`,
          })),
      );
    } else {
      throw new NotFoundError('no such OPML file: try /opml/topics.opml or /opml/sources.opml');
    }
    return sendCacheable(c, { body, etag: strongEtag(body), lastModified: new Date(0) }, 'text/x-opml; charset=utf-8', 3600, {
      'Content-Disposition': `inline; filename="passerelle-${file}"`,
      'Access-Control-Allow-Origin': '*',
    });
  });

  return app;
}
