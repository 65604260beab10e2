// Corpus yield: what the hub keeps from the shared parse corpora (feedparser's test inputs and
// rss-parser's captured feeds), read as the pipeline reads a fetched body: bytes decoded by
// fetch/charset.ts with the corpus's HTTP headers, parsed, normalized with a fixed clock, and
// deduplicated by item key within each document as ingest does. Counts the items kept, those
// whose content is empty and those without a date of their own (first-seen used).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import type { ParsedFeed } from '../src/core/types.ts';
import { decodeFeedBytes } from '../src/fetch/charset.ts';
import { normalizeItem, type NormalizeContext } from '../src/normalize/normalize-item.ts';
import { compileTaxonomy, type Taxonomy } from '../src/normalize/topics.ts';
import { parseFeed } from '../src/parse/index.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { printTable } from './table.ts';

const CORPUS = process.env.CORPUS_DIR ?? '/work/shared/corpus';
/** Where upstream's harness serves the feedparser corpus; its relative links expect this origin. */
const FEEDPARSER_SERVED_AT = 'http://127.0.0.1:8097/tests/';
const NOW = new Date(Date.UTC(2026, 10, 2));

interface Document {
  corpus: string;
  group: string;
  bytes: Buffer;
  contentType?: string;
  url: string;
}

export interface Yield {
  documents: number;
  rejected: number;
  parsed: number;
  kept: number;
  emptyContent: number;
  noDate: number;
  repairedText: number;
}

function emptyYield(): Yield {
  return { documents: 0, rejected: 0, parsed: 0, kept: 0, emptyContent: 0, noDate: 0, repairedText: 0 };
}

function feedparserDocuments(): Document[] {
  const root = join(CORPUS, 'feedparser');
  const index: { path: string; group: string; http_headers: Record<string, string> | null }[] = JSON.parse(
    readFileSync(join(root, 'index.json'), 'utf8'),
  );
  return index.map((entry) => {
    const headers = Object.fromEntries(Object.entries(entry.http_headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()]));
    const served = FEEDPARSER_SERVED_AT + entry.path;
    const location = headers['content-location'];
    const url = location && /^https?:$/.test(new URL(location, served).protocol) ? new URL(location, served).href : served;
    return {
      corpus: 'feedparser',
      group: entry.group,
      bytes: readFileSync(join(root, entry.path)),
      contentType: headers['content-type'] ?? (entry.path.endsWith('.json') ? 'application/json' : undefined),
      url,
    };
  });
}

function rssParserDocuments(): Document[] {
  const root = join(CORPUS, 'rss-parser', 'input');
  return readdirSync(root).sort().map((file) => ({
    corpus: 'rss-parser',
    group: 'captured feeds',
    bytes: readFileSync(join(root, file)),
    // The README: upstream fetched encoding.rss from a server that said latin1.
    contentType: file === 'encoding.rss' ? 'text/xml; charset=latin1' : undefined,
    url: `https://rss-parser.example/${file}`,
  }));
}

async function measure(doc: Document, taxonomy: Taxonomy, into: Yield): Promise<void> {
  into.documents++;
  const decoded = decodeFeedBytes(doc.bytes, doc.contentType);
  if (!decoded.ok) {
    into.rejected++;
    return;
  }
  if (decoded.warnings.some((w) => w.code === 'charset-double-utf8')) into.repairedText++;
  let feed: ParsedFeed;
  try {
    feed = await parseFeed(decoded.text, { url: doc.url, contentType: doc.contentType });
  } catch {
    into.rejected++;
    return;
  }
  into.parsed += feed.items.length;
  const ctx: NormalizeContext = {
    now: NOW,
    fetchUrl: doc.url,
    feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
    source: { languages: ['en', 'fr'], region: 'national', topics: [] },
    taxonomy,
  };
  const keys = new Set<string>();
  for (const parsed of feed.items) {
    const outcome = normalizeItem(parsed, ctx);
    if (!('item' in outcome) || keys.has(outcome.item.key)) continue;
    keys.add(outcome.item.key);
    into.kept++;
    if (!outcome.item.contentHtml.trim()) into.emptyContent++;
    if (!outcome.item.dateFromFeed) into.noDate++;
  }
}

export async function measureCorpusYield(): Promise<Map<string, Yield>> {
  const feeds = await loadFeedsFile('feeds.yaml');
  const taxonomy = compileTaxonomy(feeds.topics);
  const documents = [
    ...(existsSync(join(CORPUS, 'feedparser', 'index.json')) ? feedparserDocuments() : []),
    ...(existsSync(join(CORPUS, 'rss-parser', 'input')) ? rssParserDocuments() : []),
  ];
  const rows = new Map<string, Yield>();
  const row = (name: string) => rows.get(name) ?? rows.set(name, emptyYield()).get(name)!;
  for (const doc of documents) {
    const one = emptyYield();
    await measure(doc, taxonomy, one);
    for (const name of [`${doc.corpus}: ${doc.group}`, `${doc.corpus}: all`, 'both corpora']) {
      const target = row(name);
      for (const key of Object.keys(one) as (keyof Yield)[]) target[key] += one[key];
    }
  }
  return rows;
}

export async function benchCorpusYield(): Promise<void> {
  const rows = await measureCorpusYield();
  if (!rows.size) {
    console.log(`no corpus found under ${CORPUS}`);
    return;
  }
  console.log(`Corpora under ${CORPUS}; normalized at ${NOW.toISOString()}\n`);
  printTable(
    ['corpus', 'documents', 'rejected', 'items parsed', 'items kept', 'empty content', 'no date', 'text encoded twice'],
    [...rows].sort(([a], [b]) => a.localeCompare(b)).map(([name, y]) => [
      name, y.documents, y.rejected, y.parsed, y.kept, y.emptyContent, y.noDate, y.repairedText,
    ]),
  );
}
