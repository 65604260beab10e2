// Output feeds over HTTP: any filter in RSS, Atom or JSON Feed; friendly topic and source forms;
// saved feeds; OPML bundles. Rendered documents come from the feed cache and are sent with
// strong validators, so polling readers mostly get 304s.
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../core/errors.ts';
import type { Language, Topic } from '../core/types.ts';
import { buildOutputFeed } from '../publish/build-output-feed.ts';
import { strongEtag, type FeedCache } from '../publish/feed-cache.ts';
import { canonicalFilter, parseFeedQuery, type FeedQuery } from '../publish/feed-query.ts';
import { renderJsonFeed } from '../publish/json-feed.ts';
import { renderOpml } from '../publish/opml.ts';
import { FORMAT_MEDIA_TYPES, type OutputFormat } from '../publish/output-feed.ts';
import { renderAtom } from '../publish/atom.ts';
import { renderRss } from '../publish/rss.ts';
import { t } from '../publish/wording.ts';
import type { Db } from '../store/db.ts';
import { queryItems } from '../store/items-query.ts';
import { getSavedFeed, saveFeed } from '../store/saved-feeds.ts';
import { listSources } from '../store/sources-repo.ts';
import type { AppEnv } from './app.ts';
import { sendCacheable } from './http-cache.ts';

export interface FeedRoutesDeps {
  db: Db;
  topics: Topic[];
  publicUrl: string;
  version: string;
  cache: FeedCache;
}

const FORMATS: OutputFormat[] = ['rss', 'atom', 'json'];
const RENDER: Record<OutputFormat, typeof renderRss> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };
const FEED_MAX_AGE = 300;
const FEED_LIMITS = { defaultLimit: 50, maxLimit: 200 };

/** "housing.rss" → { name: "housing", format: "rss" }, with a 400 for any other extension. */
function splitFile(file: string): { name: string; format: OutputFormat } {
  const m = /^(.+)\.([a-z0-9]+)$/i.exec(file);
  if (!m) throw new BadRequestError(`format: missing; add .rss, .atom or .json to the path`);
  const format = m[2].toLowerCase() as OutputFormat;
  if (!FORMATS.includes(format)) throw new BadRequestError(`format: unknown "${m[2]}"; accepted: rss, atom, json`);
  return { name: m[1], format };
}

export function registerFeedRoutes(app: Hono<AppEnv>, deps: FeedRoutesDeps): void {
  const { db, cache } = deps;
  const topicSlugs = deps.topics.map((tp) => tp.slug);
  const vocabulary = async () => ({ topicSlugs, sourceSlugs: (await listSources(db)).map((s) => s.slug) });

  async function serveFeed(
    c: Context<AppEnv>,
    format: OutputFormat,
    path: string,
    params: URLSearchParams,
    options: { fixed?: Partial<FeedQuery>; title?: string } = {},
  ) {
    const query: FeedQuery = { ...parseFeedQuery(params, await vocabulary(), FEED_LIMITS), ...options.fixed };
    // The friendly path already names its topic or source; the self link carries only the rest.
    const rest: FeedQuery = { ...query, ...Object.fromEntries(Object.keys(options.fixed ?? {}).map((k) => [k, undefined])) };
    const selfQuery = [canonicalFilter(rest), query.limit !== FEED_LIMITS.defaultLimit ? `limit=${query.limit}` : ''].filter(Boolean).join('&');
    const key = `${format}\u0000${path}\u0000${selfQuery}\u0000${query.ui}\u0000${options.title ?? ''}`;
    const rendered = await cache.get(key, async () => {
      const rows = await queryItems(db, query);
      const feed = buildOutputFeed(query, rows, { publicUrl: deps.publicUrl, version: deps.version, topics: deps.topics, path, selfQuery, title: options.title });
      return { body: RENDER[format](feed), lastModified: feed.updated };
    });
    const self = `${deps.publicUrl}${path}.${format}${selfQuery || query.ui === 'fr' ? `?${[selfQuery, query.ui === 'fr' ? 'ui=fr' : ''].filter(Boolean).join('&')}` : ''}`;
    return sendCacheable(c, rendered, FORMAT_MEDIA_TYPES[format], FEED_MAX_AGE, {
      // WebSub discovery (W3C WebSub §4) also works from the HTTP headers.
      Link: `<${deps.publicUrl}/websub>; rel="hub", <${self}>; rel="self"`,
      'Access-Control-Allow-Origin': '*',
    });
  }

  app.get('/feeds/:file', async (c) => {
    const { name, format } = splitFile(c.req.param('file'));
    if (name !== 'all') throw new NotFoundError(`no feed "${name}": use /feeds/all.${format} with filters, /topics/{slug}.${format} or /sources/{slug}.${format}`);
    return serveFeed(c, format, '/feeds/all', new URL(c.req.url).searchParams);
  });

  app.get('/topics/:file', async (c) => {
    const { name, format } = splitFile(c.req.param('file'));
    if (!topicSlugs.includes(name)) throw new BadRequestError(`topic: unknown value "${name}"; accepted: ${topicSlugs.join(', ')}`);
    return serveFeed(c, format, `/topics/${name}`, new URL(c.req.url).searchParams, { fixed: { topics: [name] } });
  });

  app.get('/sources/:file', async (c) => {
    const { name, format } = splitFile(c.req.param('file'));
    const { sourceSlugs } = await vocabulary();
    if (!sourceSlugs.includes(name)) throw new BadRequestError(`source: unknown value "${name}"; accepted: ${sourceSlugs.join(', ')}`);
    return serveFeed(c, format, `/sources/${name}`, new URL(c.req.url).searchParams, { fixed: { sources: [name] } });
  });

  app.get('/f/:file', async (c) => {
    const { name, format } = splitFile(c.req.param('file'));
    const saved = await getSavedFeed(db, name);
    if (!saved) throw new NotFoundError(`no saved feed "${name}"`);
    const params = new URLSearchParams(saved.query);
    const asked = new URL(c.req.url).searchParams;
    params.set('ui', asked.get('ui') ?? saved.ui);
    if (asked.get('limit')) params.set('limit', asked.get('limit')!);
    return serveFeed(c, format, `/f/${saved.id}`, params, { title: saved.title });
  });

  const savedFeedBody = z.strictObject({
    title: z.string().trim().min(1).max(200),
    query: z.union([z.string().max(2000), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]).default(''),
    ui: z.enum(['en', 'fr']).optional(),
  });

  app.post('/api/saved-feeds', async (c) => {
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
    const query = parseFeedQuery(params, await vocabulary(), FEED_LIMITS);
    const filter = canonicalFilter(query);
    const ui: Language = parsed.data.ui ?? query.ui;
    // Saving the same filter under the same title twice gives the same URL.
    const id = createHash('sha256').update(`${filter}\u0000${parsed.data.title}\u0000${ui}`).digest('base64url').replace(/[-_]/g, '').slice(0, 10).toLowerCase();
    const saved = await saveFeed(db, { id, title: parsed.data.title, query: filter, ui });
    const base = `${deps.publicUrl}/f/${saved.id}`;
    return c.json(
      { id: saved.id, title: saved.title, query: saved.query, ui: saved.ui, urls: { rss: `${base}.rss`, atom: `${base}.atom`, json: `${base}.json` } },
      201,
      { Location: `${base}.rss` },
    );
  });

  app.get('/opml/:file', async (c) => {
    const file = c.req.param('file');
    const ui = parseFeedQuery(new URL(c.req.url).searchParams, await vocabulary()).ui;
    const suffix = ui === 'fr' ? '?ui=fr' : '';
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
        new Date(0),
        'Passerelle',
      );
    } else if (file === 'sources.opml') {
      const rows = await listSources(db);
      body = renderOpml(
        t(ui, 'sourcesOpml'),
        rows
          .filter((s) => s.status !== 'gone')
          .map((s) => ({
            text: `${s.title} — ${s.organization}`,
            xmlUrl: s.url,
            htmlUrl: s.siteUrl ?? undefined,
            language: s.languages.join(','),
            category: `/${s.region}${s.province ? `/${s.province}` : ''}`,
          })),
        new Date(0),
      );
    } else {
      throw new NotFoundError('no such OPML file: try /opml/topics.opml or /opml/sources.opml');
    }
    return sendCacheable(c, { body, etag: strongEtag(body), lastModified: new Date(0) }, 'text/x-opml; charset=utf-8', 3600, {
      'Content-Disposition': `inline; filename="passerelle-${file}"`,
      'Access-Control-Allow-Origin': '*',
    });
  });
}
