// OPML import: every feed outline becomes a source in one transaction, or nothing does. Each
// outline says what it can: folders whose name is a topic (slug, or English or French label,
// accents and case aside) become default topics; a category gives the region or province (our
// export's "/atlantic/ns", or a plain province code or name); the language comes from the outline,
// else from the feed itself; the organization is the outline's name without the feed's own words
// ("… News", "… — Actualités"). The feeds are read once, a few at a time and within a time budget,
// only for the languages the outlines do not give; the scheduler fetches them for real afterwards.
import type { FetchSettings } from '../core/config.ts';
import { ParseError, UnprocessableError } from '../core/errors.ts';
import { isOneOf, LANGUAGES, PROVINCE_REGION, PROVINCES, REGIONS, type Language, type Province, type Region, type SourceSpec, type Topic } from '../core/types.ts';
import { PROVINCE_LABELS, REGION_LABELS } from '../core/words.ts';
import { checkUrlHost } from '../fetch/address-guard.ts';
import { fetchFeed, type FetchDeps } from '../fetch/fetch-feed.ts';
import { parseFeed, readOpml, type OpmlFeed, type OpmlLimits } from '../parse/index.ts';
import { provinceFits } from '../sources/feeds-file.ts';
import { checkSpec, feedUrlKey, foldText, languagesFrom, slugify, topicForFolder, uniqueSlug, type FieldProblem } from '../sources/source-input.ts';
import type { Db } from '../store/db.ts';
import type { SourceRow } from '../store/schema.ts';
import { insertSources, listSources, withRegistryLock } from '../store/sources-repo.ts';
import { recordAdmin, type Actor, type AdminDeps } from './source-admin.ts';
import { findDuplicate } from './subscribe.ts';

export interface ImportOpmlDeps extends AdminDeps {
  db: Db;
  fetch: FetchSettings;
  /** Test seam for DNS, as for any fetch. */
  fetchDeps?: FetchDeps;
  topics: Topic[];
  limits?: OpmlLimits;
  /** How long reading the feeds' declared languages may take in all (default 20 s). */
  languageBudgetMs?: number;
}

export interface ImportOpmlOptions {
  /** Region of every imported source; else the outline's category, else national. */
  region?: Region;
  /** Languages of every imported source; else the outline's language, else the feed's, else both. */
  languages?: Language[];
  /** Validate and report without storing anything. */
  dryRun?: boolean;
}

/** Where a source's languages came from: the import's option, the outline, the feed, or neither (both assumed). */
export type LanguageOrigin = 'option' | 'outline' | 'feed' | 'assumed';

export interface ImportReport {
  imported: (Pick<SourceSpec, 'slug' | 'url' | 'title' | 'organization' | 'region' | 'province' | 'languages' | 'topics'> & { languagesFrom: LanguageOrigin })[];
  skipped: { url: string; reason: string; code: 'already-registered' | 'listed-twice'; existing?: string }[];
  /** Folder names that match no topic (their feeds are imported without that topic). */
  unmatchedFolders: string[];
  dryRun: boolean;
}

/** One outline's problem, as the refusal's `details` carry it: the English message and a code to word. */
export interface OutlineProblem extends FieldProblem {
  outline: number;
  title?: string;
}

/** Province and region names as people write them, folded: "nova-scotia", "nouvelle-ecosse", "ns", "pei". */
const PLACE_NAMES: Map<string, { region: Region; province?: Province }> = (() => {
  const names = new Map<string, { region: Region; province?: Province }>();
  for (const region of REGIONS) {
    for (const name of [region, REGION_LABELS[region].en, REGION_LABELS[region].fr]) names.set(foldText(name), { region });
  }
  names.set('the-north', { region: 'north' });
  // A province's own name wins over a region of the same name (British Columbia, Quebec, Ontario).
  for (const province of PROVINCES) {
    for (const name of [province, PROVINCE_LABELS[province].en, PROVINCE_LABELS[province].fr]) names.set(foldText(name), { region: PROVINCE_REGION[province], province });
  }
  for (const [alias, province] of [['pei', 'pe'], ['p-e-i', 'pe'], ['newfoundland', 'nl'], ['nfld', 'nl'], ['nwt', 'nt'], ['n-w-t', 'nt']] as const) {
    names.set(alias, { region: PROVINCE_REGION[province], province });
  }
  return names;
})();

/**
 * The place a category names: our export's "/atlantic/ns", "/national/on" and "/ontario", a plain
 * province code or name ("NS", "Nova Scotia", "/Canada/Nouvelle-Écosse", "Québec"), or a region
 * ("Prairies").
 */
export function placeFromCategory(category: string | undefined): { region?: Region; province?: Province } {
  for (const path of (category ?? '').split(',')) {
    // Our export's own form: a region's slug, then a province's code ("/ontario", "/bc/bc").
    const [, slug, code] = /^\s*\/?([a-z]+)(?:\/([a-z]{2}))?\s*$/.exec(path) ?? [];
    if (isOneOf(REGIONS, slug)) {
      const province = isOneOf(PROVINCES, code) ? code : undefined;
      if (!province) return { region: slug };
      return { region: provinceFits(slug, province) ? slug : PROVINCE_REGION[province], province };
    }
    const found = path
      .split('/')
      .map((segment) => PLACE_NAMES.get(foldText(segment)))
      .filter((p): p is { region: Region; province?: Province } => p !== undefined);
    const province = found.findLast((p) => p.province)?.province;
    const region = found.find((p) => !p.province)?.region;
    if (province) return { region: region && provinceFits(region, province) ? region : PROVINCE_REGION[province], province };
    if (region) return { region };
  }
  return {};
}

// The words a feed adds to its publisher's name, in English and French. Matched as whole words at
// the end ("AMSSA News", "Accueil Yukon — Actualités") or the start ("News from AMSSA").
const FEED_WORDS =
  'latest news|news ?feed|newsroom|news|blog|rss feed|rss|atom|feed|updates|announcements|bulletin|newsletter|events|press releases|' +
  'dernières nouvelles|actualités|actualites|nouvelles|nouveautés|fil rss|fil de presse|fil|communiqués de presse|communiqués|événements|evenements|blogue|infolettre|bulletin';
const TRAILING_FEED_WORDS = new RegExp(`(?:^|[\\s:|–—·»-]+)(?:${FEED_WORDS})\\s*$`, 'iu');
const HAS_FEED_WORDS = new RegExp(`(?:^|\\s)(?:${FEED_WORDS})(?:\\s|$)`, 'iu');
/** Where a feed's name joins its publisher's to its own words: "IRCC: News releases", "ISANS | Blog". */
const SEPARATOR = /\s+[—–|·»]\s+|:\s+|\s+-\s+/u;
const LEADING_FEED_WORDS = new RegExp(`^(?:${FEED_WORDS})\\s+(?:from|of|by|de la|de l[’']|du|des|de|d[’'])\\s*`, 'iu');

/** "AMSSA News" → "AMSSA"; "Accueil Yukon — Actualités" → "Accueil Yukon"; "News from ISANS" → "ISANS". */
export function organizationFrom(label: string, fallback: string): string {
  let name = label.replace(LEADING_FEED_WORDS, '');
  for (let previous = ''; previous !== name; ) {
    previous = name;
    name = name.replace(TRAILING_FEED_WORDS, '').trim();
  }
  return name.replace(/[\s:|–—·»-]+$/u, '').trim() || fallback;
}

/**
 * "Title — Organization" (our export: an organization does not end in a feed's words), else the
 * outline's name for the title and its publisher's name for the organization: the part before a
 * separator when the rest is the feed's words ("IRCC: News releases"), else the name without them.
 */
export function titleAndOrganization(feed: Pick<OpmlFeed, 'title' | 'text' | 'xmlUrl'>): { title: string; organization: string } {
  const host = new URL(feed.xmlUrl).hostname.replace(/^www\./, '');
  const label = (feed.title ?? feed.text ?? '').replace(/\s+/g, ' ').trim() || host;
  const cut = label.lastIndexOf(' — ');
  const head = label.slice(0, Math.max(0, cut)).trim();
  const tail = label.slice(cut + 3).trim();
  if (cut > 0 && head && tail && organizationFrom(tail, '') === tail) return { title: head.slice(0, 200), organization: tail.slice(0, 200) };
  const parts = label.split(SEPARATOR);
  const publisher = parts.length > 1 && HAS_FEED_WORDS.test(parts.at(-1)!) ? parts[0] : label;
  return { title: label.slice(0, 200), organization: organizationFrom(publisher, host).slice(0, 200) };
}

/**
 * The languages the feeds declare (<language>, xml:lang), read a few at a time within a budget: a
 * feed that cannot be read, or is not read in time, declares nothing.
 */
async function declaredLanguages(urls: string[], deps: ImportOpmlDeps): Promise<Map<string, Language[]>> {
  const found = new Map<string, Language[]>();
  const deadline = Date.now() + (deps.languageBudgetMs ?? 20_000);
  const queue = [...new Set(urls)];
  const settings: FetchSettings = { ...deps.fetch, timeoutMs: Math.min(deps.fetch.timeoutMs, 10_000) };
  const worker = async () => {
    for (let url = queue.shift(); url !== undefined && Date.now() < deadline; url = queue.shift()) {
      let timer: Parameters<typeof clearTimeout>[0];
      const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
      const result = await Promise.race([fetchFeed({ url }, settings, deps.fetchDeps), late]);
      clearTimeout(timer);
      if (!result || result.kind !== 'ok') continue;
      try {
        const feed = await parseFeed(result.text, { contentType: result.contentType, url: result.url, maxItems: 1 });
        const languages = languagesFrom(feed.language);
        if (languages.length) found.set(url, languages);
      } catch {
        // Not a feed: the scheduler's first fetch will say so on the source's health.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, queue.length) }, worker));
  return found;
}

export async function importOpml(text: string, options: ImportOpmlOptions, deps: ImportOpmlDeps, actor: Actor): Promise<ImportReport> {
  let doc;
  try {
    doc = readOpml(text, deps.limits);
  } catch (err) {
    if (err instanceof ParseError) throw new UnprocessableError(`OPML import refused: ${err.message}; nothing was imported`);
    throw err;
  }

  const plan = (rows: SourceRow[], declared: Map<string, Language[]>) => {
    const taken = new Set(rows.map((r) => r.slug));
    const specs: SourceSpec[] = [];
    const skipped: ImportReport['skipped'] = [];
    const problems: OutlineProblem[] = [];
    const origins = new Map<string, LanguageOrigin>();
    /** Outlines whose language neither the import nor the outline gives. */
    const undeclared: string[] = [];
    const unmatched = new Set<string>();
    const inFile = new Map<string, SourceSpec>();
    doc.feeds.forEach((feed, i) => {
      const name = (feed.title ?? feed.text)?.slice(0, 60);
      const where = `outline ${i + 1}${name ? ` ("${name}")` : ''}`;
      const at = { outline: i + 1, ...(name ? { title: name } : {}) };
      let url: URL;
      try {
        url = new URL(feed.xmlUrl);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('not http(s)');
      } catch {
        problems.push({ ...at, field: where, message: `xmlUrl "${feed.xmlUrl.slice(0, 100)}" is not an absolute URL`, code: 'not-a-url', params: { url: feed.xmlUrl.slice(0, 100) } });
        return;
      }
      const host = checkUrlHost(url, deps.fetch);
      if (!host.ok) {
        problems.push({ ...at, field: where, message: host.error, code: 'invalid', params: { blocked: url.hostname } });
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
        skipped.push({ url: feed.xmlUrl, reason: `already registered as "${existing.slug}"`, code: 'already-registered', existing: existing.slug });
        return;
      }
      const twin = inFile.get(feedUrlKey(feed.xmlUrl));
      if (twin) {
        skipped.push({ url: feed.xmlUrl, reason: `listed twice in the file (imported as "${twin.slug}")`, code: 'listed-twice', existing: twin.slug });
        return;
      }
      const place = placeFromCategory(feed.category);
      const region = options.region ?? place.region ?? 'national';
      const province = place.province && provinceFits(region, place.province) ? place.province : undefined;
      const fromOutline = languagesFrom(feed.language);
      const fromFeed = declared.get(feed.xmlUrl);
      const [languages, origin]: [Language[], LanguageOrigin] = options.languages
        ? [options.languages, 'option']
        : fromOutline.length
          ? [fromOutline, 'outline']
          : fromFeed
            ? [fromFeed, 'feed']
            : [[...LANGUAGES], 'assumed'];
      if (!options.languages && !fromOutline.length) undeclared.push(feed.xmlUrl);
      const { title, organization } = titleAndOrganization(feed);
      const slug = uniqueSlug(slugify(title), taken);
      const siteUrl = feed.htmlUrl && /^https?:\/\//i.test(feed.htmlUrl) ? feed.htmlUrl : undefined;
      const checked = checkSpec(
        { slug, url: url.href, title, organization, region, ...(province ? { province } : {}), languages, topics: [...topics], ...(siteUrl ? { siteUrl } : {}) },
        deps.topics,
      );
      if (!checked.ok) {
        problems.push(...checked.problems.map((p) => ({ ...p, ...at, field: `${where} ${p.field}` })));
        return;
      }
      taken.add(slug);
      specs.push(checked.spec);
      origins.set(checked.spec.slug, origin);
      inFile.set(feedUrlKey(checked.spec.url), checked.spec);
    });
    return { specs, skipped, problems, unmatched, origins, undeclared };
  };

  const first = plan(await listSources(deps.db), new Map());
  if (first.problems.length) {
    throw new UnprocessableError(`OPML import refused: ${first.problems.length} problem(s); nothing was imported`, {
      extra: { problems: first.problems.map((p) => `${p.field}: ${p.message}`), details: first.problems },
    });
  }
  const declared = first.undeclared.length ? await declaredLanguages(first.undeclared, deps) : new Map<string, Language[]>();
  const report = (planned: ReturnType<typeof plan>, dryRun: boolean): ImportReport => ({
    imported: planned.specs.map((s) => ({
      slug: s.slug,
      url: s.url,
      title: s.title,
      organization: s.organization,
      region: s.region,
      ...(s.province ? { province: s.province } : {}),
      languages: s.languages,
      languagesFrom: planned.origins.get(s.slug) ?? 'assumed',
      topics: s.topics,
    })),
    skipped: planned.skipped,
    unmatchedFolders: [...first.unmatched],
    dryRun,
  });
  if (options.dryRun) return report(plan(await listSources(deps.db), declared), true);

  // Planned again under the registry lock, so a source registered meanwhile is skipped, not doubled.
  const final = await withRegistryLock(deps.db, async (tx) => {
    const again = plan(await listSources(tx as unknown as Db), declared);
    await insertSources(tx, again.specs);
    return again;
  });
  await recordAdmin(deps, actor, 'opml.import', { imported: final.specs.length, skipped: final.skipped.length });
  return report(final, false);
}
