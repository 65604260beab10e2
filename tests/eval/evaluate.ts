// Runs normalize/'s language, topic, type and same-story decisions over the labelled set in
// tests/fixtures/eval/ with the taxonomy and sources of the repository's feeds.yaml, and
// measures them against the labels. Same-story pairs: every pair in the set is compared (a
// superset of the candidates the store would fetch), duplicate edges are closed into clusters
// the way the store joins them, and pairs are counted on those clusters.
import { readdir, readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ITEM_TYPES, type ItemLanguage, type ItemType, type SourceSpec } from '../../src/core/types.ts';
import { canonicalUrl, linkStem, translationKey } from '../../src/normalize/canonical-url.ts';
import { chooseItemLanguage } from '../../src/normalize/detect-language.ts';
import { computeFingerprint, fingerprintKeys } from '../../src/normalize/fingerprint.ts';
import { classifyType } from '../../src/normalize/item-type.ts';
import { compareStories, type StoryFacts } from '../../src/normalize/same-story.ts';
import { compileTaxonomy, tagTopics } from '../../src/normalize/topics.ts';
import { compileLexicon } from '../../src/normalize/lexicon.ts';
import { twinEvidence } from '../../src/normalize/twin-evidence.ts';
import { publisherKeys, twinScore, type TwinFacts } from '../../src/normalize/twins.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';

export const EVAL_DIR = new URL('../fixtures/eval/', import.meta.url);
/** Items written after tuning and never tuned on: reported apart. */
export const HOLDOUT_DIR = new URL('../fixtures/eval-holdout/', import.meta.url);
export const FEEDS_FILE = new URL('../../feeds.yaml', import.meta.url);

const language = z.enum(['en', 'fr', 'other']);
const evalItemSchema = z.strictObject({
  id: z.string().min(1),
  source: z.string().min(1),
  url: z.string().url(),
  title: z.string().min(1),
  summary: z.string().default(''),
  categories: z.array(z.string()).default([]),
  declaredLanguage: language.optional(),
  alternates: z.array(z.string().url()).default([]),
  publishedAt: z.string().datetime({ offset: true }),
  expect: z.strictObject({
    language,
    topics: z.array(z.string()),
    type: z.enum(ITEM_TYPES),
    duplicateOf: z.string().optional(),
    translationOf: z.string().optional(),
    nearMissOf: z.array(z.string()).default([]),
  }),
});
export type EvalItem = z.infer<typeof evalItemSchema> & { file: string };

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface Prediction {
  id: string;
  language: ItemLanguage;
  topics: string[];
  type: ItemType;
}

export interface EvalReport {
  items: number;
  topics: { micro: PrecisionRecall; perTopic: Record<string, PrecisionRecall & { support: number }> };
  language: { accuracy: number; declaredOnlyAccuracy: number; errors: { id: string; expected: ItemLanguage; got: ItemLanguage }[] };
  type: { accuracy: number; perType: Record<string, PrecisionRecall & { support: number }>; errors: { id: string; expected: ItemType; got: ItemType }[] };
  duplicates: PrecisionRecall & { pairs: number };
  /** The same, comparing only the pairs a store would fetch: same canonical URL, or a shared fingerprint key or link stem within the window. */
  duplicatesFromCandidates: PrecisionRecall & { pairs: number; candidates: number };
  translations: PrecisionRecall & { pairs: number };
  nearMisses: { pairs: number; merged: string[] };
  topicErrors: { id: string; missing: string[]; extra: string[] }[];
  predictions: Prediction[];
}

/** Reads and validates every *.yaml file of a folder against `schema`; ids are unique. */
export async function loadYamlSet<T extends { id: string }>(dir: URL, schema: z.ZodType<T>): Promise<(T & { file: string })[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const items: (T & { file: string })[] = [];
  for (const file of files) {
    const raw = parse(await readFile(new URL(file, dir), 'utf8')) as unknown[];
    raw.forEach((entry, i) => {
      const parsed = schema.safeParse(entry);
      if (!parsed.success) throw new Error(`${file} entry ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      items.push({ ...parsed.data, file });
    });
  }
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new Error(`duplicate id ${item.id}`);
    ids.add(item.id);
  }
  return items;
}

/** Reads and validates every *.yaml file of the set; ids are unique and every reference resolves. */
export async function loadEvalSet(dir: URL = EVAL_DIR): Promise<EvalItem[]> {
  const items = await loadYamlSet(dir, evalItemSchema);
  const ids = new Set(items.map((item) => item.id));
  for (const item of items) {
    for (const ref of [item.expect.duplicateOf, item.expect.translationOf, ...item.expect.nearMissOf]) {
      if (ref && !ids.has(ref)) throw new Error(`${item.id} refers to unknown item ${ref}`);
    }
  }
  return items;
}

export async function evaluate(options: { dir?: URL; feedsFile?: URL } = {}): Promise<EvalReport> {
  const feeds = parseFeedsFile(await readFile(options.feedsFile ?? FEEDS_FILE, 'utf8'));
  const items = await loadEvalSet(options.dir);
  const sources = new Map<string, SourceSpec>(feeds.sources.map((s) => [s.slug, s]));
  const slugs = new Set(feeds.topics.map((t) => t.slug));
  for (const item of items) {
    if (!sources.has(item.source)) throw new Error(`${item.id}: unknown source ${item.source}`);
    for (const t of item.expect.topics) if (!slugs.has(t)) throw new Error(`${item.id}: unknown topic ${t}`);
  }

  const taxonomy = compileTaxonomy(feeds.topics);
  const predictions: Prediction[] = items.map((item) => {
    const source = sources.get(item.source)!;
    const lang = chooseItemLanguage(item.declaredLanguage, `${item.title}\n${item.summary}`, source.languages);
    return {
      id: item.id,
      language: lang,
      topics: tagTopics({ title: item.title, summary: item.summary, categories: item.categories, language: lang }, taxonomy, source.topics),
      type: classifyType({ title: item.title, summary: item.summary, categories: item.categories, url: item.url }),
    };
  });

  // Topics, micro and per topic.
  const perTopic: Record<string, { tp: number; fp: number; fn: number; support: number }> = {};
  for (const slug of slugs) perTopic[slug] = { tp: 0, fp: 0, fn: 0, support: 0 };
  const topicErrors: EvalReport['topicErrors'] = [];
  items.forEach((item, i) => {
    const expected = new Set(item.expect.topics);
    const got = new Set(predictions[i].topics);
    for (const t of expected) {
      perTopic[t].support++;
      if (got.has(t)) perTopic[t].tp++;
      else perTopic[t].fn++;
    }
    for (const t of got) if (!expected.has(t) && perTopic[t]) perTopic[t].fp++;
    const missing = [...expected].filter((t) => !got.has(t));
    const extra = [...got].filter((t) => !expected.has(t));
    if (missing.length || extra.length) topicErrors.push({ id: item.id, missing, extra });
  });
  const sum = (k: 'tp' | 'fp' | 'fn') => Object.values(perTopic).reduce((n, c) => n + c[k], 0);

  // Language and type.
  const languageErrors = items.flatMap((item, i) => (predictions[i].language === item.expect.language ? [] : [{ id: item.id, expected: item.expect.language, got: predictions[i].language }]));
  const declaredRight = items.filter((item) => (item.declaredLanguage ?? sources.get(item.source)!.languages[0]) === item.expect.language).length;
  const typeErrors = items.flatMap((item, i) => (predictions[i].type === item.expect.type ? [] : [{ id: item.id, expected: item.expect.type, got: predictions[i].type }]));
  const perType: Record<string, PrecisionRecall & { support: number }> = {};
  for (const type of ITEM_TYPES) {
    const tp = items.filter((item, i) => item.expect.type === type && predictions[i].type === type).length;
    const fp = items.filter((item, i) => item.expect.type !== type && predictions[i].type === type).length;
    const fn = items.filter((item, i) => item.expect.type === type && predictions[i].type !== type).length;
    perType[type] = { ...pr(tp, fp, fn), support: tp + fn };
  }

  // Same story: every pair compared, duplicate edges closed into clusters.
  const facts: StoryFacts[] = items.map((item, i) => ({
    sourceSlug: item.source,
    organization: sources.get(item.source)!.organization,
    url: item.url,
    canonicalUrl: canonicalUrl(item.url),
    translationKey: translationKey(item.url),
    title: item.title,
    summary: item.summary,
    language: predictions[i].language,
    publishedAt: new Date(item.publishedAt),
    fingerprint: computeFingerprint(item.title, item.summary),
    alternateUrls: item.alternates.map(canonicalUrl),
  }));
  const index = new Map(items.map((item, i) => [item.id, i]));
  const keys = facts.map((f) => new Set(fingerprintKeys(f.fingerprint)));
  const stems = facts.map((f) => linkStem(f.canonicalUrl!));
  const isCandidate = (i: number, j: number) =>
    facts[i].canonicalUrl === facts[j].canonicalUrl ||
    (Math.abs(facts[i].publishedAt.getTime() - facts[j].publishedAt.getTime()) <= WINDOW_MS &&
      ([...keys[i]].some((k) => keys[j].has(k)) || (stems[i] !== undefined && stems[i] === stems[j])));
  const predictedDup = new UnionFind(items.length);
  const candidateDup = new UnionFind(items.length);
  const translationEdges: [number, number][] = [];
  let candidates = 0;
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const relation = compareStories(facts[i], facts[j]);
      const candidate = isCandidate(i, j);
      if (candidate) candidates++;
      if (relation === 'duplicate') {
        predictedDup.union(i, j);
        if (candidate) candidateDup.union(i, j);
      } else if (relation === 'translation') translationEdges.push([i, j]);
    }
  }
  // Items no URL links to a translation get their twin from their content, as the store does:
  // in order of publication, each takes the best-scoring earlier item not linked yet.
  const lexicon = compileLexicon(feeds.lexicon);
  const twinFacts: TwinFacts[] = items.map((item, i) => ({
    language: facts[i].language,
    publishedAt: facts[i].publishedAt,
    publisherKeys: publisherKeys(sources.get(item.source)!),
    evidence: twinEvidence({ title: item.title, summary: item.summary, url: item.url, language: facts[i].language }, lexicon),
  }));
  const hasTranslation = new Set(translationEdges.flat());
  const order = items.map((_, i) => i).sort((x, y) => facts[x].publishedAt.getTime() - facts[y].publishedAt.getTime() || x - y);
  const met: number[] = [];
  for (const i of order) {
    if (!hasTranslation.has(i)) {
      let best = -1;
      let bestScore = 0;
      for (const j of met) {
        if (hasTranslation.has(j)) continue;
        const score = twinScore(twinFacts[i], twinFacts[j]);
        if (score !== null && score > bestScore) [best, bestScore] = [j, score];
      }
      if (best >= 0) {
        translationEdges.push([i, best]);
        hasTranslation.add(i).add(best);
      }
    }
    met.push(i);
  }

  const trueDup = new UnionFind(items.length);
  const trueTranslationEdges: [number, number][] = [];
  items.forEach((item, i) => {
    if (item.expect.duplicateOf) trueDup.union(i, index.get(item.expect.duplicateOf)!);
    if (item.expect.translationOf) trueTranslationEdges.push([i, index.get(item.expect.translationOf)!]);
  });
  const dupPairs = (uf: UnionFind) => {
    const pairs = new Set<string>();
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) if (uf.find(i) === uf.find(j)) pairs.add(`${i}:${j}`);
    return pairs;
  };
  const translationPairs = (uf: UnionFind, edges: [number, number][]) => {
    const linked = new Set(edges.map(([a, b]) => clusterPair(uf.find(a), uf.find(b))));
    const pairs = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) if (linked.has(clusterPair(uf.find(i), uf.find(j)))) pairs.add(`${i}:${j}`);
    }
    return pairs;
  };
  const nearMissPairs = items.flatMap((item, i) => item.expect.nearMissOf.map((other) => [i, index.get(other)!] as const));

  return {
    items: items.length,
    topics: {
      micro: pr(sum('tp'), sum('fp'), sum('fn')),
      perTopic: Object.fromEntries(Object.entries(perTopic).map(([slug, c]) => [slug, { ...pr(c.tp, c.fp, c.fn), support: c.support }])),
    },
    language: { accuracy: 1 - languageErrors.length / items.length, declaredOnlyAccuracy: declaredRight / items.length, errors: languageErrors },
    type: { accuracy: 1 - typeErrors.length / items.length, perType, errors: typeErrors },
    duplicates: comparePairs(dupPairs(predictedDup), dupPairs(trueDup)),
    duplicatesFromCandidates: { ...comparePairs(dupPairs(candidateDup), dupPairs(trueDup)), candidates },
    translations: comparePairs(translationPairs(predictedDup, translationEdges), translationPairs(trueDup, trueTranslationEdges)),
    nearMisses: {
      pairs: nearMissPairs.length,
      merged: nearMissPairs.filter(([a, b]) => predictedDup.find(a) === predictedDup.find(b)).map(([a, b]) => `${items[a].id} ~ ${items[b].id}`),
    },
    topicErrors,
    predictions,
  };
}

/** The window compareStories uses by default for near-identical text. */
const WINDOW_MS = 4 * 86_400_000;

function clusterPair(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

function comparePairs(predicted: Set<string>, truth: Set<string>): PrecisionRecall & { pairs: number } {
  let tp = 0;
  for (const p of predicted) if (truth.has(p)) tp++;
  return { ...pr(tp, predicted.size - tp, truth.size - tp), pairs: truth.size };
}

function pr(tp: number, fp: number, fn: number): PrecisionRecall {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}

class UnionFind {
  private parent: number[];
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
