// A small, realistic hub for the reader's tests: fictional organizations in every region, English
// and French items run through normalizeItem (so topics, types, clusters and translations come out
// as in production), one story cross-posted, two English/French pairs and one failing source.
//
//   const { ids } = await seedReader(db);              // ids.housing, ids.housingFr, ids.report …
//   await seedFiller(db, 60);                          // more items, for paging and page weight
//   await seedHostile(db);                             // tests/fixtures/hostile/*.html as items
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParsedItem, SourceSpec, Topic } from '../../src/core/types.ts';
import { normalizeItem } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Db } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { items } from '../../src/store/schema.ts';
import { eq } from 'drizzle-orm';

export const READER_SOURCES: SourceSpec[] = [
  { slug: 'harbourview', url: 'https://harbourview.example.ca/feed/', title: 'Harbourview Newcomer Centre — News', organization: 'Harbourview Newcomer Centre', region: 'atlantic', province: 'ns', languages: ['en', 'fr'], topics: [], siteUrl: 'https://harbourview.example.ca/' },
  { slug: 'carrefour', url: 'https://carrefour.example.ca/fr/atom.xml', title: 'Carrefour acadien d’accueil — Nouvelles', organization: 'Carrefour acadien d’accueil', region: 'atlantic', province: 'nb', languages: ['fr'], topics: ['francophone'], siteUrl: 'https://carrefour.example.ca/fr/' },
  { slug: 'reseau-quebec', url: 'https://reseau-accueil.example.ca/feed', title: 'Réseau d’accueil du Québec', organization: 'Réseau d’accueil du Québec', region: 'quebec', province: 'qc', languages: ['fr'], topics: [] },
  { slug: 'ontario-hub', url: 'https://ontario-hub.example.ca/rss.xml', title: 'Ontario Settlement Knowledge Hub', organization: 'Ontario Settlement Knowledge Hub', region: 'ontario', province: 'on', languages: ['en'], topics: [], siteUrl: 'https://ontario-hub.example.ca/' },
  { slug: 'prairie-rural', url: 'https://prairie-rural.example.ca/rss.xml', title: 'Prairie Rural Settlement Network', organization: 'Prairie Rural Settlement Network', region: 'prairies', province: 'sk', languages: ['en'], topics: ['rural'] },
  { slug: 'pacific-hub', url: 'https://pacific-hub.example.ca/feed.json', title: 'Pacific Settlement Knowledge Hub', organization: 'Pacific Settlement Knowledge Hub', region: 'bc', province: 'bc', languages: ['en'], topics: [] },
  { slug: 'yukon-accueil', url: 'https://accueil-yukon.example.ca/fr/rss', title: 'Accueil Yukon — Actualités', organization: 'Accueil Yukon', region: 'north', province: 'yt', languages: ['fr'], topics: ['francophone'] },
  { slug: 'research-en', url: 'https://research.example.ca/en/rss', title: 'National Settlement Research Partnership (English)', organization: 'National Settlement Research Partnership', region: 'national', languages: ['en'], topics: ['research'] },
  { slug: 'research-fr', url: 'https://research.example.ca/fr/rss', title: 'Partenariat national de recherche (français)', organization: 'National Settlement Research Partnership', region: 'national', languages: ['fr'], topics: ['research'] },
  { slug: 'northern-gateway', url: 'https://northern-gateway.example.ca/feed/', title: 'Northern Gateway Services', organization: 'Northern Gateway Services', region: 'north', province: 'nt', languages: ['en'], topics: [] },
];

const HOUR = 3_600_000;

interface Entry {
  source: string;
  title: string;
  link: string;
  summary: string;
  hoursAgo: number;
  language?: string;
  categories?: string[];
}

/** Titles are what tests look for; keep them unique. */
export const ENTRIES = {
  housing: { source: 'harbourview', language: 'en', hoursAgo: 3, link: 'https://harbourview.example.ca/en/news/housing-clinic', title: 'Affordable housing clinic for newcomer families in Halifax',
    summary: 'Our settlement counsellors help newcomer families understand leases, tenant rights and rent supplements. Bring your questions about housing, landlords and affordable rental apartments in Halifax and Dartmouth.' },
  housingFr: { source: 'harbourview', language: 'fr', hoursAgo: 3, link: 'https://harbourview.example.ca/fr/news/housing-clinic', title: 'Clinique sur le logement abordable pour les familles nouvellement arrivées à Halifax',
    summary: 'Nos conseillères en établissement aident les familles nouvellement arrivées à comprendre les baux, les droits des locataires et les suppléments au loyer. Apportez vos questions sur le logement abordable à Halifax.' },
  housingRepost: { source: 'pacific-hub', language: 'en', hoursAgo: 1, link: 'https://harbourview.example.ca/en/news/housing-clinic?utm_source=pacific&utm_medium=feed', title: 'Harbourview opens its housing clinic to every newcomer family',
    summary: 'Shared from Harbourview Newcomer Centre: a housing clinic on leases, tenant rights and rent supplements for newcomer families.' },
  funding: { source: 'carrefour', language: 'fr', hoursAgo: 26, link: 'https://carrefour.example.ca/fr/nouvelles/appel-de-propositions-rural', title: 'Appel de propositions : projets d’établissement en milieu rural',
    summary: 'Le Carrefour lance un appel de propositions pour des projets d’accueil et d’établissement dans les petites collectivités rurales du Nouveau-Brunswick. Date limite : le 30 du mois prochain. Financement jusqu’à 50 000 $.' },
  webinar: { source: 'reseau-quebec', language: 'fr', hoursAgo: 50, link: 'https://reseau-accueil.example.ca/evenements/webinaire-sante-mentale', title: 'Webinaire : la santé mentale des personnes réfugiées',
    summary: 'Un webinaire de 90 minutes pour les intervenantes et intervenants : repérer les signes de traumatisme, orienter vers les services de santé mentale et prendre soin de soi. Le mardi 14 h, en ligne.' },
  job: { source: 'ontario-hub', language: 'en', hoursAgo: 74, link: 'https://ontario-hub.example.ca/jobs/swis-coordinator', title: 'Job posting: Settlement Workers in Schools coordinator, Sudbury',
    summary: 'Full-time position. The coordinator supports a team of settlement workers in schools, builds partnerships with school boards and reports to funders. Apply by the end of the month; salary and benefits listed in the posting.' },
  transport: { source: 'prairie-rural', language: 'en', hoursAgo: 98, link: 'https://prairie-rural.example.ca/news/rural-transportation-pilot', title: 'Rural transportation pilot gets newcomers to work in Swift Current',
    summary: 'A ride-share and bus pass pilot connects newcomers in small towns with jobs at local employers. Early results show fewer missed shifts and more people keeping their first Canadian job.' },
  report: { source: 'research-en', language: 'en', hoursAgo: 122, link: 'https://research.example.ca/en/reports/smaller-centres', title: 'Smaller centres report: what keeps newcomers in rural communities',
    summary: 'Our research across 40 smaller centres finds that housing, transportation and a welcoming community matter more than wages for retention. The evaluation includes recommendations for funders and service providers.' },
  reportFr: { source: 'research-fr', language: 'fr', hoursAgo: 122, link: 'https://research.example.ca/fr/reports/smaller-centres', title: 'Rapport sur les petits centres : ce qui retient les nouveaux arrivants en milieu rural',
    summary: 'Notre recherche dans 40 petits centres montre que le logement, le transport et une communauté accueillante comptent plus que le salaire. L’évaluation propose des recommandations aux bailleurs de fonds.' },
  french: { source: 'yukon-accueil', language: 'fr', hoursAgo: 146, link: 'https://accueil-yukon.example.ca/fr/nouvelles/cours-de-francais', title: 'Cours de français gratuits pour les nouveaux arrivants à Whitehorse',
    summary: 'Des cours de français langue seconde, le soir et la fin de semaine, pour les nouveaux arrivants et leurs familles. Inscription gratuite; garde d’enfants offerte sur place.' },
  toolkit: { source: 'ontario-hub', language: 'en', hoursAgo: 240, link: 'https://ontario-hub.example.ca/resources/linc-youth-toolkit', title: 'Toolkit: language training for newcomer youth',
    summary: 'A free toolkit for LINC instructors working with youth: lesson plans, language assessment tips and activities that build confidence. Download the guide and the slides.' },
  interpretation: { source: 'pacific-hub', language: 'en', hoursAgo: 300, link: 'https://pacific-hub.example.ca/news/interpretation-40-languages', title: 'Interpretation services now offered in 40 languages',
    summary: 'Newcomers in British Columbia can now book a trained interpreter in 40 languages for medical, legal and school appointments, by phone or video, free of charge.' },
} satisfies Record<string, Entry>;

export type EntryName = keyof typeof ENTRIES;

export async function readerTopics(): Promise<Topic[]> {
  return (await loadFeedsFile('feeds.yaml')).topics;
}

async function store(db: Db, topics: Topic[], entries: Entry[], now: number, withContent?: (e: Entry) => string): Promise<void> {
  const taxonomy = compileTaxonomy(topics);
  const bySource = new Map<string, Entry[]>();
  for (const e of entries) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e]);
  for (const [slug, list] of bySource) {
    const spec = READER_SOURCES.find((s) => s.slug === slug) ?? { slug, url: `https://${slug}.example.ca/feed`, title: slug, organization: slug, region: 'national' as const, languages: ['en' as const], topics: [] };
    const row = (await getSourceBySlug(db, slug))!;
    const normalized = list.map((e) => {
      const parsed: ParsedItem = {
        guid: e.link,
        link: e.link,
        title: e.title,
        contentHtml: withContent ? withContent(e) : `<p>${e.summary}</p><p>Details and registration: <a href="${e.link}">${new URL(e.link).hostname}</a></p>`,
        published: new Date(now - e.hoursAgo * HOUR).toISOString(),
        categories: e.categories ?? [],
        language: e.language,
      };
      const out = normalizeItem(parsed, {
        now: new Date(now),
        fetchUrl: spec.url,
        feed: { link: spec.siteUrl },
        source: { languages: spec.languages, region: spec.region, province: spec.province, topics: spec.topics },
        taxonomy,
      });
      if ('dropped' in out) throw new Error(`fixture item dropped: ${out.dropped}`);
      return out.item;
    });
    await commitIngest(db, {
      sourceId: row.id, owner: 'fixture', historyLimit: 5,
      log: { startedAt: new Date(now), durationMs: 120, outcome: 'ok', httpStatus: 200 },
      patch: { lastFetchAt: new Date(now - 5 * 60_000), lastSuccessAt: new Date(now - 5 * 60_000), lastStatus: 200 },
      items: normalized,
    });
  }
}

/** Sources and the named entries; the failing source gets its error. Returns item ids by name. */
export async function seedReader(db: Db, options: { now?: number; topics?: Topic[] } = {}): Promise<{ ids: Record<EntryName, number>; topics: Topic[] }> {
  const now = options.now ?? Date.now();
  const topics = options.topics ?? (await readerTopics());
  await syncSources(db, READER_SOURCES);
  // Oldest first, as feeds are fetched over time: a cross-post joins the cluster of its original.
  const named = Object.entries(ENTRIES).sort(([, a], [, b]) => b.hoursAgo - a.hoursAgo);
  for (const [, e] of named) await store(db, topics, [e], now);
  const broken = (await getSourceBySlug(db, 'northern-gateway'))!;
  await commitIngest(db, {
    sourceId: broken.id, owner: 'fixture', historyLimit: 5,
    log: { startedAt: new Date(now), durationMs: 80, outcome: 'failed', httpStatus: 200, errorCode: 'not-a-feed', errorParams: { contentType: 'text/html' }, error: 'not a feed (HTML page)' },
    patch: {
      lastFetchAt: new Date(now - 20 * 60_000), lastStatus: 200, lastErrorCode: 'not-a-feed', lastErrorParams: { contentType: 'text/html' },
      lastError: 'not a feed (HTML page)', lastErrorAt: new Date(now - 20 * 60_000), errorCount: 3,
    },
  });
  const ids = {} as Record<EntryName, number>;
  for (const [name, e] of Object.entries(ENTRIES)) {
    const [row] = await db.select({ id: items.id }).from(items).where(eq(items.guid, e.link));
    ids[name as EntryName] = row.id;
  }
  return { ids, topics };
}

const FILLER_TOPICS = [
  ['employment', 'Employment counselling and job search workshops for skilled newcomers, with mock interviews and résumé reviews'],
  ['health', 'Mental health and wellness sessions with a family doctor and a nurse from the community health centre'],
  ['childcare', 'Childcare spaces and subsidies for newcomer parents attending language classes'],
  ['digital', 'Digital literacy sessions: using online services, video calls and email safely'],
  ['credentials', 'Foreign credential recognition: how internationally trained professionals get licensed'],
] as const;

/** `count` more items (English and French, about a year of posts), for paging and page weight. */
export async function seedFiller(db: Db, count: number, options: { now?: number; topics?: Topic[] } = {}): Promise<void> {
  const now = options.now ?? Date.now();
  const topics = options.topics ?? (await readerTopics());
  const entries: Entry[] = Array.from({ length: count }, (_, i) => {
    const [, theme] = FILLER_TOPICS[i % FILLER_TOPICS.length];
    const fr = i % 3 === 0;
    const source = fr ? 'reseau-quebec' : ['ontario-hub', 'pacific-hub', 'prairie-rural'][i % 3];
    return {
      source,
      language: fr ? 'fr' : 'en',
      hoursAgo: 400 + i * 30,
      link: `https://${source}.example.ca/posts/${i}`,
      title: fr ? `Séance d’information no ${i} : services aux nouveaux arrivants et à leurs familles` : `Information session ${i}: ${theme.split(':')[0].toLowerCase()} in smaller centres`,
      summary: fr
        ? `Une séance gratuite pour les nouveaux arrivants : emploi, santé, garde d’enfants et logement. Les intervenantes répondent à vos questions sur l’établissement, les services d’interprétation et la reconnaissance des diplômes étrangers. Inscription obligatoire, places limitées, en personne et en ligne (${i}).`
        : `${theme}. Staff from local settlement agencies answer questions on housing, transportation and services in smaller centres and rural communities. Free, in person and online; registration required, places are limited, interpretation available (${i}).`,
    };
  });
  await store(db, topics, entries, now);
}

export const HOSTILE_DIR = path.resolve('tests/fixtures/hostile');

/** A title that is text but reads like markup: pages and embed.js must show it, never parse it. */
export const HOSTILE_TITLE = '<img src=x onerror="__hostileRan(\'title img\')"><script>__hostileRan(\'title script\')</script> A title that looks like markup & "quotes"';

/**
 * Every hostile fixture as an item of a source "hostile", run through normalizeItem like any feed,
 * plus one item whose plain-text title looks like markup. Returns the fixture file names.
 */
export async function seedHostile(db: Db, options: { now?: number; topics?: Topic[] } = {}): Promise<string[]> {
  const now = options.now ?? Date.now();
  const topics = options.topics ?? (await readerTopics());
  await syncSources(db, [...READER_SOURCES, { slug: 'hostile', url: 'https://hostile.example.org/feed', title: 'Hostile fixtures', organization: 'Hostile Test Org', region: 'national', languages: ['en'], topics: [] }]);
  const files = readdirSync(HOSTILE_DIR).filter((f) => f.endsWith('.html')).sort();
  const html = new Map(files.map((f) => [`Hostile fixture ${f}`, readFileSync(path.join(HOSTILE_DIR, f), 'utf8')]));
  const entries: Entry[] = files.map((f, i) => ({
    source: 'hostile',
    language: 'en',
    hoursAgo: 1000 + i,
    link: `https://www.example.org/blog/2024/${f.replace(/\.html$/, '')}.html`,
    title: `Hostile fixture ${f}`,
    summary: '',
  }));
  entries.push({ source: 'hostile', language: 'en', hoursAgo: 999, link: 'https://www.example.org/blog/2024/hostile-title.html', title: HOSTILE_TITLE, summary: '' });
  await store(db, topics, entries, now, (e) => html.get(e.title) ?? '<p>An ordinary body under a title that looks like markup.</p>');
  return files;
}
