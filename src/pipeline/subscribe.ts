// Subscribing: from a URL someone typed (a feed, or a site that links to one) to a stored Source.
// The URL is checked before any packet leaves (scheme, non-public addresses), fetched through
// the SSRF-guarded fetcher, parsed; a web page is searched for the feeds it announces, then the
// usual feed paths are tried. Autodiscovery happens here only, never on a scheduled refresh,
// which reports a site page as "not a feed" rather than quietly following it elsewhere. A page
// that announces no feed is offered as a page source: the hub proposes the repeated blocks it
// holds, and a page source registered with CSS selectors is read once before it is stored.
import { createHash } from 'node:crypto';
import type { FetchSettings } from '../core/config.ts';
import { BadRequestError, ConflictError, ParseError, UnprocessableError } from '../core/errors.ts';
import { canonicalSelectors } from '../core/page-selectors.ts';
import type { Language, PageSelectors, ParsedFeed, SourceKind, SourceSpec, Topic, Warning } from '../core/types.ts';
import { checkUrlHost } from '../fetch/address-guard.ts';
import { fetchFeed, type FetchDeps } from '../fetch/fetch-feed.ts';
import { normalizeItem } from '../normalize/normalize-item.ts';
import { plainText } from '../normalize/text.ts';
import { compileTaxonomy } from '../normalize/topics.ts';
import { findFeedLinks, looksLikeHtml, parseFeed } from '../parse/index.ts';
import { readPage, type SelectorProposal } from '../parse/page/index.ts';
import {
  checkSpec,
  describeIssues,
  feedUrlKey,
  languagesFrom,
  newSourceSchema,
  slugify,
  sourcePatchSchema,
  uniqueSlug,
  type FieldProblem,
} from '../sources/source-input.ts';
import type { Db } from '../store/db.ts';
import type { SourceRow } from '../store/schema.ts';
import { insertSources, listSources, updateSourceSpec, withRegistryLock } from '../store/sources-repo.ts';
import { fileManagedError, recordAdmin, requireSource, type Actor, type AdminDeps } from './source-admin.ts';
import { fetchPage, offerFor, PREVIEW_ITEMS, previewItem, readWithSelectors, type FetchedPage, type PageOffer, type PagePreview, type PreviewItem } from './subscribe-page.ts';

export interface SubscribeDeps extends AdminDeps {
  db: Db;
  fetch: FetchSettings;
  /** Test seam for DNS. */
  fetchDeps?: FetchDeps;
  /** The taxonomy: default topics must be among these slugs. */
  topics: Topic[];
  /** The clock previews judge dates by. */
  now?: () => Date;
}

/** Where sites usually keep their feed when their pages do not say (WordPress, Hugo, Jekyll, Drupal …). */
export const COMMON_FEED_PATHS = ['/feed', '/feed/', '/rss.xml', '/rss', '/atom.xml', '/feed.json', '/index.xml'];

export interface FeedCandidate {
  feedUrl: string;
  title?: string;
  type?: string;
}

export interface Discovered {
  /** The URL to store: the one asked for, or where a permanent redirect led. */
  feedUrl: string;
  feed: ParsedFeed;
  /** The page the feed was found on, when it was found on one. */
  siteUrl?: string;
  /** direct: the URL was a feed; link: the page announced it; guess: found at a usual path. */
  via: 'direct' | 'link' | 'guess';
  /** Every URL this feed answered at (requested, redirected to), for duplicate checks. */
  seenAt: string[];
}

type Tried =
  | { ok: true; feedUrl: string; feed: ParsedFeed; finalUrl: string; bodyHash: string; seenAt: string[] }
  | { ok: false; error: string; blocked?: boolean; fetchFailed?: boolean; html?: { text: string; url: string; bytes: Buffer; contentType?: string } };

function problemsError(problems: FieldProblem[]): BadRequestError {
  return new BadRequestError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}

/** Refuses a URL that may not be fetched, before anything is sent. */
function guardUrl(url: string, settings: FetchSettings): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequestError(`url: must be an absolute http(s) URL`, [{ field: 'url', message: 'must be an absolute http(s) URL' }]);
  }
  const check = checkUrlHost(parsed, settings);
  if (!check.ok) throw new UnprocessableError(check.error);
}

async function tryFeed(url: string, deps: SubscribeDeps): Promise<Tried> {
  const result = await fetchFeed({ url }, deps.fetch, deps.fetchDeps);
  if (result.kind === 'failed') return { ok: false, error: result.error, blocked: result.code === 'blocked', fetchFailed: true };
  if (result.kind === 'not-modified') return { ok: false, error: 'the server answered 304 Not Modified to a plain GET' };
  try {
    const feed = await parseFeed(result.text, { contentType: result.contentType, url: result.url, maxItems: deps.fetch.maxItems });
    return {
      ok: true,
      feedUrl: result.permanentRedirect ?? url,
      feed,
      finalUrl: result.url,
      bodyHash: createHash('sha256').update(result.bytes).digest('hex'),
      seenAt: [url, result.url],
    };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const html = looksLikeHtml(result.text, result.contentType) ? { text: result.text, url: result.url, bytes: result.bytes, contentType: result.contentType } : undefined;
    return { ok: false, error: html ? 'not a feed (HTML)' : `not a feed (${err.message})`, html };
  }
}

function isFetchable(url: string, settings: FetchSettings): boolean {
  try {
    return checkUrlHost(new URL(url), settings).ok;
  } catch {
    return false;
  }
}

function candidatesError(candidates: FeedCandidate[]): ConflictError {
  return new ConflictError(`several feeds found (${candidates.length}); choose one and send it as feedUrl`, { extra: { candidates } });
}

/**
 * Finds the feed behind `url`: the URL itself when it is a feed; else the one feed its page
 * announces; else the one feed found at the usual paths. Several → 409 with the candidates;
 * none → 422. With `chosen` (a feedUrl from the candidates) only that URL is tried.
 */
export async function discoverFeed(url: string, deps: SubscribeDeps, chosen?: string): Promise<Discovered> {
  const target = chosen ?? url;
  guardUrl(target, deps.fetch);
  const first = await tryFeed(target, deps);
  if (first.ok) return { feedUrl: first.feedUrl, feed: first.feed, via: 'direct', seenAt: first.seenAt, ...(chosen && chosen !== url ? { siteUrl: url } : {}) };
  if (first.blocked) throw new UnprocessableError(first.error);
  if (chosen) throw new UnprocessableError(`feedUrl ${chosen} is not a usable feed: ${first.error}`);
  if (first.fetchFailed) throw new UnprocessableError(`cannot fetch ${target}: ${first.error}`);
  if (!first.html) throw new UnprocessableError(`${first.error}, and not a web page that could link to one`);

  const page = first.html;
  const links = findFeedLinks(page.text, page.url).filter((l) => isFetchable(l.url, deps.fetch));
  if (links.length > 1) throw candidatesError(links.map((l) => ({ feedUrl: l.url, title: l.title, type: l.type })));
  if (links.length === 1) {
    const linked = await tryFeed(links[0].url, deps);
    if (!linked.ok) throw new UnprocessableError(`the page links to ${links[0].url}, which is not a usable feed: ${linked.error}`);
    return { feedUrl: linked.feedUrl, feed: linked.feed, siteUrl: page.url, via: 'link', seenAt: linked.seenAt };
  }

  // Nothing announced: try the usual places, two at a time, on the page's origin.
  const origin = new URL(page.url).origin;
  const guesses = COMMON_FEED_PATHS.map((p) => new URL(p, origin).href);
  const found: Extract<Tried, { ok: true }>[] = [];
  for (let i = 0; i < guesses.length; i += 2) {
    const batch = await Promise.all(guesses.slice(i, i + 2).map((g) => tryFeed(g, deps)));
    for (const tried of batch) if (tried.ok) found.push(tried);
  }
  // /feed and /feed/ (or /rss and /rss.xml) are often one feed: the same final URL or the same bytes.
  const distinct = found.filter(
    (f, i) => found.findIndex((g) => feedUrlKey(g.finalUrl) === feedUrlKey(f.finalUrl) || g.bodyHash === f.bodyHash) === i,
  );
  if (distinct.length === 0) {
    // The page itself may still be read: what it holds is offered as a page source.
    const reading = readPage({ bytes: page.bytes, contentType: page.contentType }, page.url);
    const offer: PageOffer = reading.ok ? offerFor(reading.page) : { url: page.url, proposals: [], problem: reading.problem };
    throw new UnprocessableError(
      `not a feed (HTML), and the page offers none: no <link rel="alternate"> to a feed, and nothing at ${COMMON_FEED_PATHS.join(', ')}` +
        (offer.proposals.length ? `; the page itself can be read as a page source (kind "page") with CSS selectors: ${offer.proposals.length} proposed` : ''),
      { extra: { page: offer } },
    );
  }
  if (distinct.length > 1) throw candidatesError(distinct.map((f) => ({ feedUrl: f.feedUrl, title: plainText(f.feed.title) || undefined })));
  const only = distinct[0];
  return {
    feedUrl: only.feedUrl,
    feed: only.feed,
    siteUrl: page.url,
    via: 'guess',
    seenAt: found.filter((f) => f.bodyHash === only.bodyHash).flatMap((f) => f.seenAt),
  };
}

/** The source that already has one of these URLs (as its URL or an alias), if any. */
export function findDuplicate(rows: SourceRow[], urls: string[], exceptId?: number): SourceRow | undefined {
  const keys = new Set(urls.map(feedUrlKey));
  return rows.find((r) => r.id !== exceptId && [r.url, ...r.aliases].some((u) => keys.has(feedUrlKey(u))));
}

function duplicateError(existing: SourceRow): ConflictError {
  return new ConflictError(`already registered as source "${existing.slug}" (${existing.url})`, { extra: { existing: existing.slug } });
}

function slugTakenError(slug: string): ConflictError {
  return new ConflictError(`slug "${slug}" is already used by another source`, { extra: { existing: slug } });
}

export interface Registered {
  source: SourceRow;
  via: Discovered['via'] | 'page';
  warnings: string[];
}

/** What registering would store and read, shown before anything is saved. */
export interface SourcePreview {
  kind: SourceKind;
  /** The address to be stored (a feed, or the page). */
  url: string;
  title: string;
  languages: Language[];
  via: Registered['via'];
  siteUrl?: string;
  /** A page source's selectors; absent while they are still to be chosen. */
  selectors?: PageSelectors;
  /** Items the source holds now (the first PREVIEW_ITEMS are in `items`). */
  itemCount: number;
  items: PreviewItem[];
  warnings: Warning[];
  /** A page source given no selectors: the repeated blocks proposed for it. */
  proposals?: SelectorProposal[];
  /** Feeds the page announces, when a page source is asked for on a page that has one. */
  feedLinks?: string[];
}

/** What was found at the address given, before anything is stored. */
type Found =
  | { kind: 'feed'; discovered: Discovered }
  | { kind: 'page'; fetched: FetchedPage; read?: PagePreview; offer?: PageOffer };

type NewSource = ReturnType<typeof newSourceSchema.parse>;

/** Valid stand-ins for the fields a new source takes from its feed or page once it is read. */
const DECIDED_LATER = { slug: 'decided-later', title: 'decided later', selectors: { item: 'li' } } as const;

/**
 * Checks the input, refuses duplicates, then finds the source: the feed behind the address, or
 * for `kind: "page"` the page and what its selectors read. Nothing is stored.
 */
async function findSource(input: unknown, deps: SubscribeDeps, preview: boolean): Promise<{ req: NewSource; found: Found }> {
  const parsed = newSourceSchema.safeParse(input);
  if (!parsed.success) throw problemsError(describeIssues(parsed.error.issues));
  const req = parsed.data;
  const isPage = req.kind === 'page';
  if (isPage && req.feedUrl) throw problemsError([{ field: 'feedUrl', message: 'only for a feed: a page source is read at its url' }]);

  // Everything that does not depend on the feed is checked before any request is sent. What the
  // feed or page decides later (slug and title from the feed's own, selectors from the blocks
  // proposed) stands in as a valid value, so only what the caller gave is judged now.
  const { feedUrl: _chosen, ...fields } = req;
  const early = checkSpec(
    {
      ...fields,
      slug: req.slug ?? DECIDED_LATER.slug,
      title: req.title ?? DECIDED_LATER.title,
      languages: req.languages ?? ['en'],
      url: req.feedUrl ?? req.url,
      ...(isPage && !req.selectors ? { selectors: DECIDED_LATER.selectors } : {}),
    },
    deps.topics,
  );
  if (!early.ok) throw problemsError(early.problems);
  const before = await listSources(deps.db);
  const known = findDuplicate(before, [req.url, ...(req.feedUrl ? [req.feedUrl] : [])]);
  if (known) throw duplicateError(known);
  if (req.slug && before.some((r) => r.slug === req.slug)) throw slugTakenError(req.slug);

  if (!isPage) return { req, found: { kind: 'feed', discovered: await discoverFeed(req.url, deps, req.feedUrl) } };
  const fetched = await fetchPage(req.url, deps);
  if (!req.selectors) {
    const offer = offerFor(fetched.page);
    if (preview) return { req, found: { kind: 'page', fetched, offer } };
    throw new UnprocessableError('selectors: required for a page source: confirm one of the proposed blocks or give CSS selectors', { extra: { page: offer } });
  }
  return { req, found: { kind: 'page', fetched, read: await readWithSelectors(fetched, canonicalSelectors(req.selectors), deps) } };
}

/** The title, languages and addresses a new source gets from what was found, where the input left them out. */
function describeFound(req: NewSource, found: Found) {
  if (found.kind === 'feed') {
    const { discovered } = found;
    const feedLink = discovered.feed.link && /^https?:\/\//i.test(discovered.feed.link) ? discovered.feed.link : undefined;
    return {
      url: discovered.feedUrl,
      seenAt: discovered.seenAt,
      title: req.title ?? (plainText(discovered.feed.title).slice(0, 200) || new URL(discovered.feedUrl).hostname),
      declared: discovered.feed.language,
      siteUrl: req.siteUrl ?? discovered.siteUrl ?? feedLink,
      via: discovered.via as Registered['via'],
      warnings: discovered.feed.warnings,
    };
  }
  const { fetched } = found;
  const pageTitle = plainText(fetched.page.title).slice(0, 200);
  return {
    url: fetched.pageUrl,
    seenAt: fetched.seenAt,
    title: req.title ?? (pageTitle || new URL(fetched.pageUrl).hostname),
    declared: fetched.page.language,
    siteUrl: req.siteUrl,
    via: 'page' as const,
    warnings: fetched.feedLinks.length ? [`the page announces a feed (${fetched.feedLinks[0]}): a feed is usually the better source`] : [],
  };
}

/** What registering `input` would store, with the items it would read now; nothing is saved. */
export async function previewSource(input: unknown, deps: SubscribeDeps): Promise<SourcePreview> {
  const { req, found } = await findSource(input, deps, true);
  const d = describeFound(req, found);
  const languages = req.languages ?? languagesFrom(d.declared);
  const common = { url: d.url, title: d.title, languages, via: d.via, ...(d.siteUrl ? { siteUrl: d.siteUrl } : {}) };
  if (found.kind === 'page') {
    const feedLinks = found.fetched.feedLinks.length ? { feedLinks: found.fetched.feedLinks } : {};
    if (found.read) return { kind: 'page', ...common, selectors: found.read.selectors, itemCount: found.read.itemCount, items: found.read.items, warnings: found.read.warnings, ...feedLinks };
    return { kind: 'page', ...common, itemCount: 0, items: [], warnings: [], proposals: found.offer?.proposals ?? [], ...feedLinks };
  }
  const { items, warnings } = readFeedPreview(found.discovered.feed, d.url, languages, deps);
  return { kind: 'feed', ...common, itemCount: items.length, items: items.slice(0, PREVIEW_ITEMS), warnings };
}

/** A discovered feed's items as they would be stored. */
function readFeedPreview(feed: ParsedFeed, url: string, languages: Language[], deps: SubscribeDeps): { items: PreviewItem[]; warnings: Warning[] } {
  const ctx = {
    now: deps.now?.() ?? new Date(),
    fetchUrl: url,
    feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
    source: { languages, region: 'national' as const, topics: [] },
    taxonomy: compileTaxonomy(deps.topics),
  };
  const warnings: Warning[] = feed.warnings.map((detail) => ({ code: 'parse-note', params: { detail } }));
  const items: PreviewItem[] = [];
  for (const parsed of feed.items) {
    const out = normalizeItem(parsed, ctx);
    if ('item' in out) items.push(previewItem(out.item));
  }
  return { items, warnings };
}

/**
 * Registers a source from API or CLI input (the fields of a feeds.yaml entry, slug, title and
 * languages optional). Input problems → 400 naming the field; duplicates → 409; a URL that is not
 * a feed and offers none → 422, with the page's repeated blocks proposed as a page source; several
 * feeds → 409 with the candidates. A page source (`kind: "page"`) is read with its selectors
 * first: selectors that find no items, or a page that cannot be a source → 422 with the reason.
 */
export async function registerSource(input: unknown, deps: SubscribeDeps, actor: Actor): Promise<Registered> {
  const { req, found } = await findSource(input, deps, false);
  const d = describeFound(req, found);
  const languages = req.languages ?? languagesFrom(d.declared);
  if (languages.length === 0) {
    const what = found.kind === 'page' ? 'page' : 'feed';
    throw problemsError([{ field: 'languages', message: `required: the ${what} does not say whether it is in English or French (it says "${d.declared ?? 'nothing'}")` }]);
  }

  const source = await withRegistryLock(deps.db, async (tx) => {
    const rows = await listSources(tx as unknown as Db);
    const dup = findDuplicate(rows, [d.url, ...d.seenAt]);
    if (dup) throw duplicateError(dup);
    if (req.slug && rows.some((r) => r.slug === req.slug)) throw slugTakenError(req.slug);
    const spec: SourceSpec = {
      slug: req.slug ?? uniqueSlug(slugify(d.title), new Set(rows.map((r) => r.slug))),
      url: d.url,
      title: d.title,
      organization: req.organization,
      region: req.region,
      ...(req.province ? { province: req.province } : {}),
      languages,
      topics: req.topics,
      ...(d.siteUrl ? { siteUrl: d.siteUrl } : {}),
      ...(req.intervalMinutes ? { intervalMinutes: req.intervalMinutes } : {}),
      ...(found.kind === 'page' ? { kind: 'page' as const, selectors: found.read!.selectors } : {}),
    };
    const checked = checkSpec(spec, deps.topics);
    if (!checked.ok) throw problemsError(checked.problems);
    const [row] = await insertSources(tx, [checked.spec]);
    return row;
  });
  await recordAdmin(deps, actor, 'source.add', { source: source.slug, url: source.url, via: d.via, ...(found.kind === 'page' ? { selectors: source.selectors } : {}) });
  return { source, via: d.via, warnings: d.warnings };
}

/** A source's declared fields as a spec (for merging a patch). */
function specOf(row: SourceRow): SourceSpec {
  return {
    slug: row.slug,
    url: row.url,
    title: row.title,
    organization: row.organization,
    region: row.region,
    ...(row.province ? { province: row.province } : {}),
    languages: row.languages,
    topics: row.topics,
    ...(row.siteUrl ? { siteUrl: row.siteUrl } : {}),
    ...(row.intervalOverrideMinutes ? { intervalMinutes: row.intervalOverrideMinutes } : {}),
    ...(row.kind === 'page' ? { kind: 'page' as const, ...(row.selectors ? { selectors: row.selectors } : {}) } : {}),
  };
}

/** A change checked and its new address or selectors read, ready to be written (or previewed). */
interface PlannedUpdate {
  row: SourceRow;
  patch: ReturnType<typeof sourcePatchSchema.parse>;
  spec: SourceSpec;
  seenAt: string[];
  /** What a page source reads with its new address or selectors. */
  read?: PagePreview;
}

async function planUpdate(slug: string, input: unknown, deps: SubscribeDeps, preview: boolean): Promise<PlannedUpdate> {
  if (input && typeof input === 'object' && 'slug' in input && (input as { slug: unknown }).slug !== slug) {
    throw problemsError([{ field: 'slug', message: 'cannot be changed (the source feed URLs use it); add a new source instead' }]);
  }
  const { slug: _ignored, ...rest } = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const parsed = sourcePatchSchema.safeParse(input === null || typeof input !== 'object' ? input : rest);
  if (!parsed.success) throw problemsError(describeIssues(parsed.error.issues));
  const patch = parsed.data;
  const row = await requireSource(deps.db, slug);
  if (row.origin === 'file') throw fileManagedError(row, 'edit');

  const merged: Record<string, unknown> = { ...specOf(row) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  const checked = checkSpec(merged, deps.topics);
  if (!checked.ok) throw problemsError(checked.problems);
  const spec = checked.spec;

  let seenAt: string[] = [];
  const moved = patch.url !== undefined && feedUrlKey(patch.url) !== feedUrlKey(row.url);
  if (moved) {
    const dup = findDuplicate(await listSources(deps.db), [patch.url!], row.id);
    if (dup) throw duplicateError(dup);
  }
  if (row.kind === 'page') {
    // New selectors, or a new address, are read before they are stored, with the same checks as a new page source.
    let read: PagePreview | undefined;
    spec.url = row.url;
    if (moved || patch.selectors || preview) {
      const fetched = await fetchPage(moved ? patch.url! : row.url, deps);
      read = await readWithSelectors(fetched, canonicalSelectors(spec.selectors!), deps);
      spec.selectors = read.selectors;
      if (moved) {
        spec.url = fetched.pageUrl;
        seenAt = fetched.seenAt;
      }
    }
    return { row, patch, spec, seenAt, read };
  }
  if (moved) {
    const found = await discoverFeed(patch.url!, deps);
    spec.url = found.feedUrl;
    seenAt = found.seenAt;
  } else if (patch.url) {
    spec.url = row.url;
  }
  return { row, patch, spec, seenAt };
}

/**
 * Changes a source added at run time; a new URL is checked like a new subscription, and a page
 * source's new selectors (which replace its selectors as a whole) must find items on the page.
 */
export async function updateSource(slug: string, input: unknown, deps: SubscribeDeps, actor: Actor): Promise<SourceRow> {
  const { row, patch, spec, seenAt } = await planUpdate(slug, input, deps, false);
  const updated = await withRegistryLock(deps.db, async (tx) => {
    if (seenAt.length) {
      const dup = findDuplicate(await listSources(tx as unknown as Db), [spec.url, ...seenAt], row.id);
      if (dup) throw duplicateError(dup);
    }
    return updateSourceSpec(tx, row, spec);
  });
  await recordAdmin(deps, actor, 'source.update', { source: slug, fields: Object.keys(patch) });
  return updated;
}

/** What a source would read after a change, read now; nothing is saved. */
export async function previewUpdate(slug: string, input: unknown, deps: SubscribeDeps): Promise<SourcePreview> {
  const { spec, read } = await planUpdate(slug, input, deps, true);
  const common = { url: spec.url, title: spec.title, languages: spec.languages, ...(spec.siteUrl ? { siteUrl: spec.siteUrl } : {}) };
  if (read) return { kind: 'page', ...common, via: 'page', selectors: read.selectors, itemCount: read.itemCount, items: read.items, warnings: read.warnings };
  const found = await discoverFeed(spec.url, deps);
  const { items, warnings } = readFeedPreview(found.feed, found.feedUrl, spec.languages, deps);
  return { kind: 'feed', ...common, url: found.feedUrl, via: found.via, itemCount: items.length, items: items.slice(0, PREVIEW_ITEMS), warnings };
}
