// Subscribing: from a URL someone typed (a feed, or a site that links to one) to a stored Source.
// The URL is checked before any packet leaves (FAULTS 1–6), fetched through the SSRF-guarded
// fetcher, parsed; a web page is searched for the feeds it announces, then the usual feed paths
// are tried. Autodiscovery happens here only, never on a scheduled refresh (FAULTS 25).
import { createHash } from 'node:crypto';
import type { FetchSettings } from '../core/config.ts';
import { BadRequestError, ConflictError, ParseError, UnprocessableError } from '../core/errors.ts';
import type { ParsedFeed, SourceSpec, Topic } from '../core/types.ts';
import { checkUrlHost } from '../fetch/address-guard.ts';
import { fetchFeed, type FetchDeps } from '../fetch/fetch-feed.ts';
import { plainText } from '../normalize/text.ts';
import { findFeedLinks, looksLikeHtml, parseFeed } from '../parse/index.ts';
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

export interface SubscribeDeps extends AdminDeps {
  db: Db;
  fetch: FetchSettings;
  /** Test seam for DNS. */
  fetchDeps?: FetchDeps;
  /** The taxonomy: default topics must be among these slugs. */
  topics: Topic[];
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
  | { ok: false; error: string; blocked?: boolean; fetchFailed?: boolean; html?: { text: string; url: string } };

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
    const html = looksLikeHtml(result.text, result.contentType) ? { text: result.text, url: result.url } : undefined;
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
    throw new UnprocessableError(
      `not a feed (HTML), and the page offers none: no <link rel="alternate"> to a feed, and nothing at ${COMMON_FEED_PATHS.join(', ')}`,
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
  via: Discovered['via'];
  warnings: string[];
}

/**
 * Registers a source from API or CLI input (the fields of a feeds.yaml entry, slug, title and
 * languages optional). Input problems → 400 naming the field; duplicates → 409; a URL that is not
 * a feed and offers none → 422; several feeds → 409 with the candidates.
 */
export async function registerSource(input: unknown, deps: SubscribeDeps, actor: Actor): Promise<Registered> {
  const parsed = newSourceSchema.safeParse(input);
  if (!parsed.success) throw problemsError(describeIssues(parsed.error.issues));
  const req = parsed.data;

  // Everything that does not depend on the feed is checked before any request is sent.
  const { feedUrl: _chosen, ...fields } = req;
  const early = checkSpec(
    { ...fields, slug: req.slug ?? 'placeholder', title: req.title ?? 'placeholder', languages: req.languages ?? ['en'], url: req.feedUrl ?? req.url },
    deps.topics,
  );
  if (!early.ok) throw problemsError(early.problems);
  const before = await listSources(deps.db);
  const known = findDuplicate(before, [req.url, ...(req.feedUrl ? [req.feedUrl] : [])]);
  if (known) throw duplicateError(known);
  if (req.slug && before.some((r) => r.slug === req.slug)) throw slugTakenError(req.slug);

  const found = await discoverFeed(req.url, deps, req.feedUrl);
  const title = req.title ?? (plainText(found.feed.title).slice(0, 200) || new URL(found.feedUrl).hostname);
  const languages = req.languages ?? languagesFrom(found.feed.language);
  if (languages.length === 0) {
    throw problemsError([{ field: 'languages', message: `required: the feed does not say whether it is in English or French (it says "${found.feed.language ?? 'nothing'}")` }]);
  }
  const feedLink = found.feed.link && /^https?:\/\//i.test(found.feed.link) ? found.feed.link : undefined;

  const source = await withRegistryLock(deps.db, async (tx) => {
    const rows = await listSources(tx as unknown as Db);
    const dup = findDuplicate(rows, [found.feedUrl, ...found.seenAt]);
    if (dup) throw duplicateError(dup);
    if (req.slug && rows.some((r) => r.slug === req.slug)) throw slugTakenError(req.slug);
    const spec: SourceSpec = {
      slug: req.slug ?? uniqueSlug(slugify(title), new Set(rows.map((r) => r.slug))),
      url: found.feedUrl,
      title,
      organization: req.organization,
      region: req.region,
      ...(req.province ? { province: req.province } : {}),
      languages,
      topics: req.topics,
      ...((req.siteUrl ?? found.siteUrl ?? feedLink) ? { siteUrl: req.siteUrl ?? found.siteUrl ?? feedLink } : {}),
      ...(req.intervalMinutes ? { intervalMinutes: req.intervalMinutes } : {}),
    };
    const checked = checkSpec(spec, deps.topics);
    if (!checked.ok) throw problemsError(checked.problems);
    const [row] = await insertSources(tx, [checked.spec]);
    return row;
  });
  await recordAdmin(deps, actor, 'source.add', { source: source.slug, url: source.url, via: found.via });
  return { source, via: found.via, warnings: found.feed.warnings };
}

/** A source's declared fields as a spec (for merging a patch). */
function specOf(row: SourceRow): SourceSpec {
  return {
    slug: row.slug,
    url: row.url,
    title: row.title,
    organization: row.organization,
    region: row.region as SourceSpec['region'],
    ...(row.province ? { province: row.province as SourceSpec['province'] } : {}),
    languages: row.languages as SourceSpec['languages'],
    topics: row.topics,
    ...(row.siteUrl ? { siteUrl: row.siteUrl } : {}),
    ...(row.intervalOverrideMinutes ? { intervalMinutes: row.intervalOverrideMinutes } : {}),
  };
}

/** Changes a source added at run time; a new URL is checked like a new subscription. */
export async function updateSource(slug: string, input: unknown, deps: SubscribeDeps, actor: Actor): Promise<SourceRow> {
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
  if (patch.url && feedUrlKey(patch.url) !== feedUrlKey(row.url)) {
    const dup = findDuplicate(await listSources(deps.db), [patch.url], row.id);
    if (dup) throw duplicateError(dup);
    const found = await discoverFeed(patch.url, deps);
    spec.url = found.feedUrl;
    seenAt = found.seenAt;
  } else if (patch.url) {
    spec.url = row.url;
  }
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
