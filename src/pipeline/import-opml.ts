// OPML import: every feed outline becomes a source in one transaction, or nothing does. Folders
// whose name is a topic (slug, or English or French label, accents and case aside) become the
// default topics of the feeds inside them. Feeds are not fetched here: a list of hundreds would
// take minutes; the scheduler fetches them on its next tick and their health shows any problem.
import { ParseError, UnprocessableError } from '../core/errors.ts';
import { isOneOf, LANGUAGES, PROVINCES, REGIONS, type Language, type Province, type Region, type SourceSpec, type Topic } from '../core/types.ts';
import { checkUrlHost } from '../fetch/address-guard.ts';
import type { FetchSettings } from '../core/config.ts';
import { readOpml, type OpmlFeed, type OpmlLimits } from '../parse/index.ts';
import { checkSpec, feedUrlKey, languagesFrom, slugify, topicForFolder, uniqueSlug, type FieldProblem } from '../sources/source-input.ts';
import { provinceFits } from '../sources/feeds-file.ts';
import type { Db } from '../store/db.ts';
import type { SourceRow } from '../store/schema.ts';
import { insertSources, listSources, withRegistryLock } from '../store/sources-repo.ts';
import { recordAdmin, type Actor, type AdminDeps } from './source-admin.ts';
import { findDuplicate } from './subscribe.ts';

export interface ImportOpmlDeps extends AdminDeps {
  db: Db;
  fetch: Pick<FetchSettings, 'allowPrivateNetworks' | 'privateAllowlist'>;
  topics: Topic[];
  limits?: OpmlLimits;
}

export interface ImportOpmlOptions {
  /** Region of every imported source; else the outline's category (as our export writes it), else national. */
  region?: Region;
  /** Languages of every imported source; else the outline's language attribute, else both. */
  languages?: Language[];
  /** Validate and report without storing anything. */
  dryRun?: boolean;
}

export interface ImportReport {
  imported: { slug: string; url: string; title: string; organization: string; region: string; topics: string[] }[];
  skipped: { url: string; reason: string; existing?: string }[];
  /** Folder names that match no topic (their feeds are imported without that topic). */
  unmatchedFolders: string[];
  dryRun: boolean;
}

/** "/ontario/on" (the category our own OPML export writes) → region and province. */
function placeFromCategory(category: string | undefined): { region?: Region; province?: Province } {
  for (const path of (category ?? '').split(',')) {
    const [region, province] = path.trim().replace(/^\/+/, '').toLowerCase().split('/');
    if (isOneOf(REGIONS, region)) {
      const p = isOneOf(PROVINCES, province) && provinceFits(region, province) ? province : undefined;
      return { region, ...(p ? { province: p } : {}) };
    }
  }
  return {};
}

/** "Title — Organization" (our export), else the title stands for both. */
function titleAndOrganization(feed: OpmlFeed): { title: string; organization: string } {
  const label = (feed.title ?? feed.text ?? '').replace(/\s+/g, ' ').trim() || new URL(feed.xmlUrl).hostname;
  const parts = label.split(' — ');
  if (parts.length === 2 && parts[0].trim() && parts[1].trim()) return { title: parts[0].trim().slice(0, 200), organization: parts[1].trim().slice(0, 200) };
  return { title: label.slice(0, 200), organization: label.slice(0, 200) };
}

export async function importOpml(text: string, options: ImportOpmlOptions, deps: ImportOpmlDeps, actor: Actor): Promise<ImportReport> {
  let doc;
  try {
    doc = readOpml(text, deps.limits);
  } catch (err) {
    if (err instanceof ParseError) throw new UnprocessableError(`OPML import refused: ${err.message}; nothing was imported`);
    throw err;
  }

  const plan = (rows: SourceRow[]) => {
    const taken = new Set(rows.map((r) => r.slug));
    const specs: SourceSpec[] = [];
    const skipped: ImportReport['skipped'] = [];
    const problems: FieldProblem[] = [];
    const unmatched = new Set<string>();
    const inFile = new Map<string, SourceSpec>();
    doc.feeds.forEach((feed, i) => {
      const where = `outline ${i + 1}${feed.title || feed.text ? ` ("${(feed.title ?? feed.text)!.slice(0, 60)}")` : ''}`;
      let url: URL;
      try {
        url = new URL(feed.xmlUrl);
      } catch {
        problems.push({ field: where, message: `xmlUrl "${feed.xmlUrl.slice(0, 100)}" is not an absolute URL` });
        return;
      }
      const host = checkUrlHost(url, deps.fetch);
      if (!host.ok) {
        problems.push({ field: where, message: host.error });
        return;
      }
      const topics = new Set<string>();
      for (const folder of feed.folders) {
        const topic = topicForFolder(folder, deps.topics);
        if (topic) topics.add(topic);
        else unmatched.add(folder);
      }
      const existing = findDuplicate(rows, [feed.xmlUrl]);
      if (existing) {
        skipped.push({ url: feed.xmlUrl, reason: `already registered as "${existing.slug}"`, existing: existing.slug });
        return;
      }
      const twin = inFile.get(feedUrlKey(feed.xmlUrl));
      if (twin) {
        skipped.push({ url: feed.xmlUrl, reason: `listed twice in the file (imported as "${twin.slug}")`, existing: twin.slug });
        return;
      }
      const place = placeFromCategory(feed.category);
      const region = options.region ?? place.region ?? 'national';
      const province = !options.region || options.region === place.region ? place.province : undefined;
      const languages = options.languages ?? (languagesFrom(feed.language).length ? languagesFrom(feed.language) : [...LANGUAGES]);
      const { title, organization } = titleAndOrganization(feed);
      const slug = uniqueSlug(slugify(title), taken);
      const siteUrl = feed.htmlUrl && /^https?:\/\//i.test(feed.htmlUrl) ? feed.htmlUrl : undefined;
      const checked = checkSpec(
        { slug, url: url.href, title, organization, region, ...(province ? { province } : {}), languages, topics: [...topics], ...(siteUrl ? { siteUrl } : {}) },
        deps.topics,
      );
      if (!checked.ok) {
        problems.push(...checked.problems.map((p) => ({ field: `${where} ${p.field}`, message: p.message })));
        return;
      }
      taken.add(slug);
      specs.push(checked.spec);
      inFile.set(feedUrlKey(checked.spec.url), checked.spec);
    });
    return { specs, skipped, problems, unmatched };
  };

  const first = plan(await listSources(deps.db));
  if (first.problems.length) {
    throw new UnprocessableError(`OPML import refused: ${first.problems.length} problem(s); nothing was imported`, {
      extra: { problems: first.problems.map((p) => `${p.field}: ${p.message}`) },
    });
  }
  const report = (specs: SourceSpec[], skipped: ImportReport['skipped'], dryRun: boolean): ImportReport => ({
    imported: specs.map((s) => ({ slug: s.slug, url: s.url, title: s.title, organization: s.organization, region: s.region, topics: s.topics })),
    skipped,
    unmatchedFolders: [...first.unmatched],
    dryRun,
  });
  if (options.dryRun) return report(first.specs, first.skipped, true);

  // Planned again under the registry lock, so a source registered meanwhile is skipped, not doubled.
  const final = await withRegistryLock(deps.db, async (tx) => {
    const again = plan(await listSources(tx as unknown as Db));
    await insertSources(tx, again.specs);
    return again;
  });
  await recordAdmin(deps, actor, 'opml.import', { imported: final.specs.length, skipped: final.skipped.length });
  return report(final.specs, final.skipped, false);
}
