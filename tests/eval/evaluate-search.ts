// Runs the bilingual search over the labelled set in tests/fixtures/search/: the items are
// normalized and stored as the pipeline stores them (in an embedded database), then each query goes
// through parseFeedQuery and queryItems as the API runs it. Measured: the share of the other
// language's items labelled with the query's topic that the query finds, and of its own language's.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { REGIONS, type Language, type ParsedItem, type SourceSpec } from '../../src/core/types.ts';
import { normalizeItem } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { compileSearchTerms, lexiconTermPairs, taxonomyPairs, type TermPair } from '../../src/publish/bilingual-search.ts';
import { LEXICON_PAIRS } from '../../src/normalize/lexicon.ts';
import { parseFeedQuery } from '../../src/publish/feed-query.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';
import { openDatabase } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { queryItems } from '../../src/store/items-query.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { FEEDS_FILE } from './evaluate.ts';

export const SEARCH_SET = new URL('../fixtures/search/labelled.yaml', import.meta.url);

const lang = z.enum(['en', 'fr']);
const setSchema = z.strictObject({
  sources: z.array(z.strictObject({ slug: z.string(), organization: z.string(), languages: z.array(lang), region: z.enum(REGIONS) })),
  queries: z.array(z.strictObject({ q: z.string(), language: lang, topic: z.string() })),
  items: z.array(
    z.strictObject({
      id: z.string(),
      source: z.string(),
      url: z.string().url(),
      title: z.string(),
      summary: z.string(),
      publishedAt: z.string().datetime({ offset: true }),
      topics: z.array(z.string()),
    }),
  ),
});

export interface Share {
  found: number;
  of: number;
  /** Labelled items the query did not find. */
  missed: string[];
}

export interface QueryReport {
  q: string;
  language: Language;
  topic: string;
  /** The other language's items labelled with the topic. */
  across: Share;
  /** The query's own language's items labelled with the topic. */
  same: Share;
  /** Items found that are not labelled with the topic. */
  offTopic: string[];
  /** The query's language's items come before the other's. */
  ownLanguageFirst: boolean;
}

export interface SearchReport {
  items: number;
  queries: QueryReport[];
  /** French queries over English items, and English queries over French items. */
  frToEn: Share;
  enToFr: Share;
}

function total(reports: QueryReport[]): Share {
  return reports.reduce<Share>((s, r) => ({ found: s.found + r.across.found, of: s.of + r.across.of, missed: [...s.missed, ...r.across.missed] }), { found: 0, of: 0, missed: [] });
}

/** Searches are read as the hub reads them: the taxonomy, and the built-in lexicon unless `pairs` is given. */
export async function evaluateSearch(options: { pairs?: TermPair[] } = {}): Promise<SearchReport> {
  const set = setSchema.parse(parse(await readFile(SEARCH_SET, 'utf8')));
  const { topics } = parseFeedsFile(await readFile(FEEDS_FILE, 'utf8'));
  const taxonomy = compileTaxonomy(topics);
  const searchTerms = compileSearchTerms(topics, [...taxonomyPairs(topics), ...(options.pairs ?? lexiconTermPairs(LEXICON_PAIRS))]);
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const db = database.db;
    const specs: SourceSpec[] = set.sources.map((s) => ({ ...s, url: `https://${s.slug}.example.ca/feed`, title: s.organization, topics: [] }));
    await syncSources(db, specs);
    const byUrl = new Map<string, (typeof set.items)[number]>();
    for (const spec of specs) {
      const source = (await getSourceBySlug(db, spec.slug))!;
      const stored = set.items.filter((i) => i.source === spec.slug).map((i) => {
        byUrl.set(i.url, i);
        const parsed: ParsedItem = { guid: i.url, link: i.url, title: i.title, contentHtml: `<p>${i.summary}</p>`, published: i.publishedAt, categories: [] };
        const out = normalizeItem(parsed, { now: new Date('2026-01-01T00:00:00Z'), fetchUrl: spec.url, feed: {}, source: { languages: spec.languages, region: spec.region, topics: [] }, taxonomy });
        if ('dropped' in out) throw new Error(`${i.id}: dropped (${out.dropped})`);
        return out.item;
      });
      await commitIngest(db, {
        sourceId: source.id, owner: 'eval', historyLimit: 5,
        log: { startedAt: new Date(), durationMs: 1, outcome: 'ok', httpStatus: 200 },
        patch: { lastSuccessAt: new Date(), lastStatus: 200 },
        items: stored,
      });
    }
    const languageOf = new Map(set.items.map((i) => [i.id, specs.find((s) => s.slug === i.source)!.languages[0]]));
    const vocabulary = { topicSlugs: topics.map((t) => t.slug), sourceSlugs: specs.map((s) => s.slug), searchTerms };
    const queries: QueryReport[] = [];
    for (const query of set.queries) {
      const parsed = parseFeedQuery(new URLSearchParams({ q: query.q, limit: '200' }), vocabulary, { defaultLimit: 200, maxLimit: 200 });
      const found = (await queryItems(db, parsed)).map((r) => byUrl.get(r.url ?? '')!.id);
      const share = (language: Language): Share => {
        const labelled = set.items.filter((i) => languageOf.get(i.id) === language && i.topics.includes(query.topic)).map((i) => i.id);
        const missed = labelled.filter((id) => !found.includes(id));
        return { found: labelled.length - missed.length, of: labelled.length, missed };
      };
      const languages = found.map((id) => languageOf.get(id));
      const firstOther = languages.findIndex((l) => l !== query.language);
      queries.push({
        ...query,
        across: share(query.language === 'en' ? 'fr' : 'en'),
        same: share(query.language),
        offTopic: found.filter((id) => !set.items.find((i) => i.id === id)!.topics.includes(query.topic)),
        ownLanguageFirst: firstOther === -1 || languages.slice(firstOther).every((l) => l !== query.language),
      });
    }
    return {
      items: set.items.length,
      queries,
      frToEn: total(queries.filter((q) => q.language === 'fr')),
      enToFr: total(queries.filter((q) => q.language === 'en')),
    };
  } finally {
    await database.close();
  }
}
