// Measures the English/French twin matcher (normalize/twins.ts) on the labelled set in
// tests/fixtures/twins/: items as bilingual publishers write them (translated slugs, no hreflang),
// fed in order of publication the way the store meets them: each new item is linked to the
// best-scoring earlier candidate not linked yet. Pairs are counted against the labels.
import { readdir, readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { compileLexicon } from '../../src/normalize/lexicon.ts';
import { twinEvidence } from '../../src/normalize/twin-evidence.ts';
import { publisherKeys, twinScore, twinSignals, type TwinFacts, type TwinSignals } from '../../src/normalize/twins.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';
import { FEEDS_FILE } from './evaluate.ts';

export const TWINS_DIR = new URL('../fixtures/twins/', import.meta.url);
/** Pairs written after the rules were fixed, never tuned on. */
export const TWINS_HOLDOUT_DIR = new URL('../fixtures/twins-holdout/', import.meta.url);

const sourceSchema = z.strictObject({
  slug: z.string().min(1),
  organization: z.string().min(1),
  url: z.string().url(),
  siteUrl: z.string().url().optional(),
  languages: z.array(z.enum(['en', 'fr'])).min(1),
});
const itemSchema = z.strictObject({
  id: z.string().min(1),
  source: z.string().min(1),
  language: z.enum(['en', 'fr']).optional(),
  url: z.string().url(),
  title: z.string().min(1),
  summary: z.string().default(''),
  content: z.string().optional(),
  enclosure: z.string().url().optional(),
  publishedAt: z.string().datetime({ offset: true }),
  twinOf: z.string().optional(),
  notTwinOf: z.array(z.string()).default([]),
});
const fileSchema = z.strictObject({ sources: z.array(sourceSchema).default([]), items: z.array(itemSchema) });

export type TwinItem = z.infer<typeof itemSchema> & { file: string; lang: 'en' | 'fr' };

export interface TwinReport {
  items: number;
  twinPairs: number;
  nonTwinPairs: number;
  precision: number;
  recall: number;
  truePositives: number;
  wrong: string[];
  missed: string[];
  nearMissesLinked: string[];
  /** What the matcher saw of each labelled pair and each wrong link, for `npm run eval -- --errors`. */
  signals: Map<string, TwinSignals | null>;
}

export async function loadTwinSet(dir: URL = TWINS_DIR): Promise<{ items: TwinItem[]; sources: Map<string, z.infer<typeof sourceSchema>> }> {
  const sources = new Map<string, z.infer<typeof sourceSchema>>();
  const items: TwinItem[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const parsed = fileSchema.safeParse(parse(await readFile(new URL(file, dir), 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    for (const s of parsed.data.sources) {
      if (sources.has(s.slug)) throw new Error(`${file}: source ${s.slug} defined twice`);
      sources.set(s.slug, s);
    }
    for (const item of parsed.data.items) {
      const source = sources.get(item.source);
      if (!source) throw new Error(`${file}: ${item.id} has unknown source ${item.source}`);
      const lang = item.language ?? (source.languages.length === 1 ? source.languages[0] : undefined);
      if (!lang) throw new Error(`${file}: ${item.id} needs a language (its source has two)`);
      items.push({ ...item, file, lang });
    }
  }
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new Error(`duplicate id ${item.id}`);
    ids.add(item.id);
  }
  for (const item of items) for (const ref of [item.twinOf, ...item.notTwinOf]) if (ref && !ids.has(ref)) throw new Error(`${item.id} refers to unknown ${ref}`);
  return { items, sources };
}

export async function evaluateTwins(dir: URL = TWINS_DIR): Promise<TwinReport> {
  const feeds = parseFeedsFile(await readFile(FEEDS_FILE, 'utf8'));
  const lexicon = compileLexicon(feeds.lexicon);
  const { items, sources } = await loadTwinSet(dir);
  const facts: TwinFacts[] = items.map((item) => ({
    language: item.lang,
    publishedAt: new Date(item.publishedAt),
    publisherKeys: publisherKeys(sources.get(item.source)!),
    evidence: twinEvidence(
      { title: item.title, summary: item.summary, contentHtml: item.content, url: item.url, enclosureUrl: item.enclosure, language: item.lang },
      lexicon,
    ),
  }));

  // In order of publication (the file's order for one instant): each item meets those before it.
  const order = items.map((_, i) => i).sort((x, y) => facts[x].publishedAt.getTime() - facts[y].publishedAt.getTime() || x - y);
  const linked = new Set<number>();
  const predicted = new Set<string>();
  const seen: number[] = [];
  for (const i of order) {
    let best = -1;
    let bestScore = 0;
    for (const j of seen) {
      if (linked.has(j)) continue;
      const score = twinScore(facts[i], facts[j]);
      if (score !== null && score > bestScore) {
        best = j;
        bestScore = score;
      }
    }
    if (best >= 0) {
      linked.add(i).add(best);
      predicted.add(pairKey(items[i].id, items[best].id));
    }
    seen.push(i);
  }

  const truth = new Set(items.filter((i) => i.twinOf).map((i) => pairKey(i.id, i.twinOf!)));
  const nearMisses = new Set(items.flatMap((i) => i.notTwinOf.map((other) => pairKey(i.id, other))));
  const index = new Map(items.map((item, i) => [item.id, i]));
  const signals = new Map<string, TwinSignals | null>();
  for (const pair of [...truth, ...nearMisses, ...predicted]) {
    const [x, y] = pair.split(' ~ ').map((id) => index.get(id)!);
    signals.set(pair, twinSignals(facts[x], facts[y]));
  }
  const tp = [...predicted].filter((p) => truth.has(p)).length;
  return {
    items: items.length,
    twinPairs: truth.size,
    nonTwinPairs: nearMisses.size,
    precision: predicted.size ? tp / predicted.size : 1,
    recall: truth.size ? tp / truth.size : 1,
    truePositives: tp,
    wrong: [...predicted].filter((p) => !truth.has(p)),
    missed: [...truth].filter((p) => !predicted.has(p)),
    nearMissesLinked: [...nearMisses].filter((p) => predicted.has(p)),
    signals,
  };
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a} ~ ${b}` : `${b} ~ ${a}`;
}
