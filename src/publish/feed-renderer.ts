// Renders any of our output feeds from its address: /feeds/all, /topics/{slug}, /sources/{slug}
// or /f/{id}, a format and a query string. The web routes and the WebSub hub both go through
// here, so a subscriber is pushed exactly the document a poller would get.
import { BadRequestError, NotFoundError } from '../core/errors.ts';
import type { Language, Topic } from '../core/types.ts';
import type { Db } from '../store/db.ts';
import { queryItems } from '../store/items-query.ts';
import { getSavedFeed } from '../store/saved-feeds.ts';
import { listSources } from '../store/sources-repo.ts';
import { renderAtom } from './atom.ts';
import { buildOutputFeed, feedSelfUrl } from './build-output-feed.ts';
import type { FeedCache, Rendered } from './feed-cache.ts';
import { canonicalFilter, parseFeedQuery, type FeedQuery } from './feed-query.ts';
import { renderJsonFeed } from './json-feed.ts';
import type { OutputFormat } from './output-feed.ts';
import { renderRss } from './rss.ts';

export const OUTPUT_FORMATS: OutputFormat[] = ['rss', 'atom', 'json'];
const RENDER: Record<OutputFormat, typeof renderRss> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };
export const FEED_LIMITS = { defaultLimit: 50, maxLimit: 200 };

export interface FeedAddress {
  /** "feeds", "topics", "sources" or "f". */
  kind: string;
  name: string;
  format: OutputFormat;
  params: URLSearchParams;
}

export interface RenderedFeed extends Rendered {
  format: OutputFormat;
  /** The canonical URL of this document (its self link). */
  selfUrl: string;
}

export interface FeedRenderer {
  render(address: FeedAddress): Promise<RenderedFeed>;
  /** Reads one of our feed URLs (absolute, under PUBLIC_URL); undefined if it is not one. */
  addressOf(url: string): FeedAddress | undefined;
}

export interface FeedRendererOptions {
  db: Db;
  topics: Topic[];
  publicUrl: string;
  version: string;
  cache: FeedCache;
}

/** The slugs of every source, from the database once per data generation. */
export function sourceSlugsOf(db: Db, cache: FeedCache): Promise<string[]> {
  return cache.memo('source-slugs', async () => (await listSources(db)).map((s) => s.slug));
}

/** "housing.rss" → { name: "housing", format: "rss" }, with a 400 for any other extension. */
export function splitFeedFile(file: string): { name: string; format: OutputFormat } {
  const m = /^(.+)\.([a-z0-9]+)$/i.exec(file);
  if (!m) throw new BadRequestError('format: missing; add .rss, .atom or .json to the path');
  const format = m[2].toLowerCase() as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new BadRequestError(`format: unknown "${m[2]}"; accepted: rss, atom, json`);
  return { name: m[1], format };
}

export function createFeedRenderer(options: FeedRendererOptions): FeedRenderer {
  const { db, cache, publicUrl } = options;
  const topicSlugs = options.topics.map((tp) => tp.slug);

  async function resolve(address: FeedAddress): Promise<{ query: FeedQuery; path: string; fixedKeys: (keyof FeedQuery)[]; title?: string; defaultUi?: Language }> {
    const sourceSlugs = await sourceSlugsOf(db, cache);
    const vocabulary = { topicSlugs, sourceSlugs };
    const parse = (params: URLSearchParams) => parseFeedQuery(params, vocabulary, FEED_LIMITS);
    switch (address.kind) {
      case 'feeds':
        if (address.name !== 'all') {
          throw new NotFoundError(`no feed "${address.name}": use /feeds/all.${address.format} with filters, /topics/{slug}.${address.format} or /sources/{slug}.${address.format}`);
        }
        return { query: parse(address.params), path: '/feeds/all', fixedKeys: [] };
      case 'topics':
        if (!topicSlugs.includes(address.name)) throw new BadRequestError(`topic: unknown value "${address.name}"; accepted: ${topicSlugs.join(', ')}`);
        return { query: { ...parse(address.params), topics: [address.name] }, path: `/topics/${address.name}`, fixedKeys: ['topics'] };
      case 'sources':
        if (!sourceSlugs.includes(address.name)) throw new BadRequestError(`source: unknown value "${address.name}"; accepted: ${sourceSlugs.join(', ')}`);
        return { query: { ...parse(address.params), sources: [address.name] }, path: `/sources/${address.name}`, fixedKeys: ['sources'] };
      case 'f': {
        const saved = await getSavedFeed(db, address.name);
        if (!saved) throw new NotFoundError(`no saved feed "${address.name}"`);
        const params = new URLSearchParams(saved.query);
        params.set('ui', address.params.get('ui') ?? saved.ui);
        if (address.params.get('limit')) params.set('limit', address.params.get('limit')!);
        // A saved feed's filter is all fixed: its self link is its short URL.
        const query = parse(params);
        return { query, path: `/f/${saved.id}`, fixedKeys: ['topics', 'regions', 'provinces', 'languages', 'types', 'sources', 'q', 'since', 'clusters'], title: saved.title, defaultUi: saved.ui as Language };
      }
      default:
        throw new NotFoundError('not a feed address');
    }
  }

  return {
    async render(address) {
      const { query, path, fixedKeys, title, defaultUi } = await resolve(address);
      const rest: FeedQuery = { ...query, ...Object.fromEntries(fixedKeys.map((k) => [k, undefined])) };
      const selfQuery = [canonicalFilter(rest), query.limit !== FEED_LIMITS.defaultLimit ? `limit=${query.limit}` : ''].filter(Boolean).join('&');
      const selfUrl = feedSelfUrl(publicUrl, path, address.format, selfQuery, query.ui, defaultUi);
      const key = `${address.format}\u0000${path}\u0000${selfQuery}\u0000${query.ui}\u0000${title ?? ''}`;
      const rendered = await cache.get(key, async () => {
        const rows = await queryItems(db, query);
        const feed = buildOutputFeed(query, rows, { publicUrl, version: options.version, topics: options.topics, path, selfQuery, title, defaultUi });
        // An empty feed has no Last-Modified (http-cache.ts): its Atom date is a fixed one.
        return { body: RENDER[address.format](feed), lastModified: rows.length ? feed.updated : new Date(0) };
      });
      return { ...rendered, format: address.format, selfUrl };
    },
    addressOf(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return undefined;
      }
      const base = new URL(publicUrl);
      if (u.origin !== base.origin) return undefined;
      const rel = u.pathname.slice(base.pathname.replace(/\/$/, '').length);
      const m = /^\/(feeds|topics|sources|f)\/([^/]+)$/.exec(rel);
      if (!m) return undefined;
      try {
        const { name, format } = splitFeedFile(m[2]);
        return { kind: m[1], name, format, params: u.searchParams };
      } catch {
        return undefined;
      }
    },
  };
}
