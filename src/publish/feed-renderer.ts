// Renders any of our output feeds from its address (feed-address.ts). The web routes and the
// WebSub hub both go through here, so a subscriber is pushed exactly the document a poller would
// get. Every spelling of one feed resolves to its canonical self URL, which is also its key in the
// feed cache: one document per feed, however it was asked for.
import { BadRequestError, NotFoundError } from '../core/errors.ts';
import type { Language, Topic } from '../core/types.ts';
import type { Db } from '../store/db.ts';
import { queryItems } from '../store/items-query.ts';
import { getSavedFeed, SAVED_FEED_ID } from '../store/saved-feeds.ts';
import { listSourceSlugs } from '../store/sources-repo.ts';
import { renderAtom } from './atom.ts';
import { compileSearchTerms, type SearchTerms } from './bilingual-search.ts';
import { buildOutputFeed } from './build-output-feed.ts';
import { FEED_LIMITS, FEED_PARAMS, feedAddressOf, feedPath, feedSelfUrl, unknownFeedParams, type FeedAddress } from './feed-address.ts';
import type { FeedCache, Rendered } from './feed-cache.ts';
import { canonicalFilter, checkParameters, PAGE_PARAMS, parseFeedQuery, quoted, type FeedQuery } from './feed-query.ts';
import { renderJsonFeed } from './json-feed.ts';
import type { OutputFormat } from './output-feed.ts';
import { renderRss } from './rss.ts';

const RENDER: Record<OutputFormat, typeof renderRss> = { rss: renderRss, atom: renderAtom, json: renderJsonFeed };

export interface RenderedFeed extends Rendered {
  format: OutputFormat;
  /** The canonical URL of this document (its self link, and its key in the cache). */
  selfUrl: string;
}

export interface FeedRenderer {
  /** Renders (or finds in the cache) the feed at `address`; `requestUrl`, when given, finds it again through peek(). */
  render(address: FeedAddress, requestUrl?: string): Promise<RenderedFeed>;
  /**
   * The feed a request URL was answered with, if it is still current (no database, no parsing).
   * Given its `address`, also one rendered from older data within the cache's stale bound, while
   * the feed is rendered again in the background.
   */
  peek(requestUrl: string, address?: () => FeedAddress): RenderedFeed | undefined;
  /** The canonical self URL of a feed, without rendering it: 400 or 404 for an address that is not one. */
  canonicalUrl(address: FeedAddress): Promise<string>;
  /** Reads one of our feed URLs (absolute, under PUBLIC_URL); undefined if it is not one. */
  addressOf(url: string): FeedAddress | undefined;
}

export interface FeedRendererOptions {
  db: Db;
  topics: Topic[];
  publicUrl: string;
  version: string;
  cache: FeedCache;
  /** How searches are read in both languages (by default, from the taxonomy alone). */
  searchTerms?: SearchTerms;
}

/** The slugs of every source, from the database once per data generation. */
export function sourceSlugsOf(db: Db, cache: FeedCache): Promise<string[]> {
  return cache.memo('source-slugs', () => listSourceSlugs(db));
}

interface Resolved {
  query: FeedQuery;
  path: string;
  selfQuery: string;
  selfUrl: string;
  title?: string;
  defaultUi?: Language;
}

/** A saved feed's filter is all fixed: its self link is its short URL. */
const EVERY_FILTER: (keyof FeedQuery)[] = ['topics', 'regions', 'provinces', 'languages', 'types', 'sources', 'q', 'since', 'clusters'];

export function createFeedRenderer(options: FeedRendererOptions): FeedRenderer {
  const { db, cache, publicUrl } = options;
  const topicSlugs = options.topics.map((tp) => tp.slug);
  const searchTerms = options.searchTerms ?? compileSearchTerms(options.topics);

  async function resolve(address: FeedAddress): Promise<Resolved> {
    const sourceSlugs = await sourceSlugsOf(db, cache);
    const parse = (params: URLSearchParams) => parseFeedQuery(params, { topicSlugs, sourceSlugs, searchTerms }, FEED_LIMITS);
    const { kind, name, format } = address;
    // A misspelt parameter is refused rather than ignored (the feed would look unfiltered); paging
    // and tracking parameters do not change a feed (unknownFeedParams says what a WebSub topic may carry).
    checkParameters(address.params, [...FEED_PARAMS, ...PAGE_PARAMS]);
    const params = new URLSearchParams([...address.params].filter(([k]) => FEED_PARAMS.includes(k)));
    let query: FeedQuery;
    let fixed: (keyof FeedQuery)[] = [];
    let title: string | undefined;
    let defaultUi: Language | undefined;
    let path = feedPath(kind, name);
    switch (kind) {
      case 'feeds':
        if (name !== 'all') {
          throw new NotFoundError(`no feed ${quoted(name)}: use /feeds/all.${format} with filters, /topics/{slug}.${format} or /sources/{slug}.${format}`);
        }
        query = parse(params);
        break;
      case 'topics':
        if (!topicSlugs.includes(name)) throw new BadRequestError(`topic: unknown value ${quoted(name)}; accepted: ${topicSlugs.join(', ')}`);
        query = { ...parse(params), topics: [name] };
        fixed = ['topics'];
        break;
      case 'sources':
        if (!sourceSlugs.includes(name)) throw new BadRequestError(`source: unknown value ${quoted(name)}; accepted: ${sourceSlugs.join(', ')}`);
        query = { ...parse(params), sources: [name] };
        fixed = ['sources'];
        break;
      case 'f': {
        const saved = SAVED_FEED_ID.test(name) ? await getSavedFeed(db, name) : undefined;
        if (!saved) throw new NotFoundError(`no saved feed ${quoted(name)}`);
        const own = new URLSearchParams(saved.query);
        own.set('ui', params.get('ui') ?? saved.ui);
        if (params.get('limit')) own.set('limit', params.get('limit')!);
        // A saved feed lists both twins, as it always did, unless its address asks for one language.
        const { prefer } = parse(new URLSearchParams([...params].filter(([k]) => k === 'ui' || k === 'prefer')));
        query = { ...parse(own), prefer };
        fixed = EVERY_FILTER;
        title = saved.title;
        defaultUi = saved.ui;
        path = feedPath('f', saved.id);
        break;
      }
    }
    const rest: FeedQuery = { ...query, ...Object.fromEntries(fixed.map((k) => [k, undefined])) };
    const selfQuery = [
      canonicalFilter(rest),
      rest.q && query.order === 'date' ? 'sort=date' : '',
      query.limit !== FEED_LIMITS.defaultLimit ? `limit=${query.limit}` : '',
      // The self link names the twins' language unless its ui does already.
      query.prefer && !(query.prefer === query.ui && query.ui !== (defaultUi ?? 'en')) ? `prefer=${query.prefer}` : '',
    ]
      .filter(Boolean)
      .join('&');
    const selfUrl = feedSelfUrl(publicUrl, path, format, selfQuery, query.ui, defaultUi);
    return { query: { ...query, before: undefined, offset: undefined }, path, selfQuery, selfUrl, title, defaultUi };
  }

  const renderer: FeedRenderer = {
    async render(address, requestUrl) {
      const { query, path, selfQuery, selfUrl, title, defaultUi } = await resolve(address);
      const feed = await cache.get<{ format: OutputFormat; selfUrl: string }>(selfUrl, async () => {
        const rows = await queryItems(db, query);
        const built = buildOutputFeed(query, rows, { publicUrl, version: options.version, topics: options.topics, path, selfQuery, title, defaultUi });
        // An empty feed has no Last-Modified (http-cache.ts): its Atom date is a fixed one.
        return { body: RENDER[address.format](built), lastModified: rows.length ? built.updated : new Date(0), format: address.format, selfUrl };
      });
      if (requestUrl) cache.alias(requestUrl, selfUrl);
      return feed;
    },
    peek(requestUrl, address) {
      // A failure here is met again by the request that finds the document past its bound.
      const revalidate = address && (() => void renderer.render(address(), requestUrl).catch(() => {}));
      return cache.peek<RenderedFeed>(requestUrl, revalidate);
    },
    async canonicalUrl(address) {
      const unknown = unknownFeedParams(address.params);
      if (unknown.length) {
        throw new BadRequestError(`${unknown.slice(0, 5).map(quoted).join(', ')}: not a parameter of our feeds; accepted: ${FEED_PARAMS.join(', ')}`);
      }
      return (await resolve(address)).selfUrl;
    },
    addressOf: (url) => feedAddressOf(url, publicUrl),
  };
  return renderer;
}
