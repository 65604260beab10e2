// Normalize: normalizeItem's throughput on the labelled set (tests/fixtures/eval/, repeated), on
// the labelled event set (tests/fixtures/events/, repeated: every item an event or dated) and on
// the feed-farm items (as parsed, and without their short <description> so the summary is the
// first 400 characters of the body), with the time of each function it calls on the very inputs
// it passes them, the event stage (findItemEvent) among them; beside it, in the same run,
// rss-parser alone on the same feed-farm bytes, so the share normalize takes of an ingest is visible.
import Parser from 'rss-parser';
import type { Item, ItemLanguage, Language, ParsedFeed, ParsedItem } from '../src/core/types.ts';
import { findItemEvent } from '../src/normalize/event.ts';
import { parseFeed } from '../src/parse/index.ts';
import { chooseItemLanguage, declaredLanguage } from '../src/normalize/detect-language.ts';
import { computeFingerprint } from '../src/normalize/fingerprint.ts';
import { classifyType } from '../src/normalize/item-type.ts';
import { normalizeItem, type NormalizeContext } from '../src/normalize/normalize-item.ts';
import { sanitizeHtml } from '../src/normalize/sanitize-html.ts';
import { htmlToText } from '../src/normalize/text.ts';
import { compileTaxonomy, tagTopics, type Taxonomy } from '../src/normalize/topics.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { loadEvalSet } from '../tests/eval/evaluate.ts';
import { fetchTimeOf, loadEventSet, parsedItemOf } from '../tests/eval/evaluate-events.ts';
import { makeFeed } from './feed-farm.ts';
import { fmt, medianMs as medianOf, printTable } from './table.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 200);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 50);
/** The labelled set is repeated until it holds at least this many items. */
const LABELLED_ITEMS = Number(process.env.BENCH_LABELLED_ITEMS ?? 10_000);
/** Each measure is taken this many times; the median is shown. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const NOW = new Date(Date.UTC(2026, 10, 2));
const PER = 10_000;
const medianMs = (run: () => unknown) => medianOf(run, ROUNDS);

interface Job {
  parsed: ParsedItem;
  ctx: NormalizeContext;
}

/** What normalizeItem hands each function for one item. */
interface Calls {
  topics: { title: string; summary: string; categories: string[]; language: ItemLanguage; defaults: string[] };
  language: { declared: ItemLanguage | undefined; text: string; sourceLanguages: readonly Language[] };
  type: { title: string; summary: string; categories: string[]; url?: string };
  fingerprint: { title: string; summary: string };
  sanitize: { html: string; bases: (string | undefined)[] }[];
  text: string[];
  event: { parsed: ParsedItem; item: Item; now: Date };
}

export async function benchNormalize(): Promise<void> {
  const feeds = await loadFeedsFile('feeds.yaml');
  const taxonomy = compileTaxonomy(feeds.topics);
  const sources = new Map(feeds.sources.map((s) => [s.slug, s]));

  // The labelled set, as a feed would have given it: plain-text summaries escaped into HTML.
  const labelled = await loadEvalSet();
  const labelledJobs: Job[] = [];
  for (let round = 0; labelledJobs.length < LABELLED_ITEMS; round++) {
    for (const item of labelled) {
      const source = sources.get(item.source)!;
      labelledJobs.push({
        parsed: {
          guid: `${item.id}-${round}`,
          link: item.url,
          title: item.title,
          summaryHtml: `<p>${escapeHtml(item.summary)}</p>`,
          categories: item.categories,
          language: item.declaredLanguage,
          published: item.publishedAt,
        },
        ctx: context(taxonomy, item.url, {}, { languages: source.languages, region: source.region, province: source.province, topics: source.topics }),
      });
    }
  }

  // The labelled event set, its bodies as the feeds give them.
  const events = await loadEventSet();
  const eventJobs: Job[] = [];
  for (let round = 0; eventJobs.length < LABELLED_ITEMS; round++) {
    for (const item of events) {
      const source = sources.get(item.source)!;
      eventJobs.push({
        parsed: parsedItemOf(item, `${item.id}-${round}`),
        ctx: { ...context(taxonomy, item.url, {}, { languages: source.languages, region: source.region, province: source.province, topics: source.topics }), now: fetchTimeOf(item) },
      });
    }
  }

  // The feed farm's documents: rss-parser alone on them, then parse/ for normalize's input.
  const bodies = Array.from({ length: SOURCES }, (_, s) => makeFeed(s, ITEMS));
  const parser = new Parser();
  const rssParserMs = await medianMs(async () => {
    for (const body of bodies) await parser.parseString(body);
  });
  const farmJobs: Job[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const url = `https://farm.example.ca/s/${s}.xml`;
    const feed: ParsedFeed = await parseFeed(bodies[s], { url });
    const ctx = context(taxonomy, url, { link: feed.link, baseUrl: feed.baseUrl, language: feed.language }, {
      languages: [s % 3 === 0 ? 'fr' : 'en'], region: 'national', topics: [],
    });
    for (const parsed of feed.items) farmJobs.push({ parsed, ctx });
  }

  const sets = [
    { name: `labelled set ×${Math.ceil(labelledJobs.length / labelled.length)}`, jobs: labelledJobs },
    { name: `event set ×${Math.ceil(eventJobs.length / events.length)}`, jobs: eventJobs },
    { name: 'feed farm', jobs: farmJobs },
    { name: 'feed farm, summary from body', jobs: farmJobs.map((job) => ({ ...job, parsed: { ...job.parsed, summaryHtml: undefined } })) },
  ];
  const throughput: (string | number)[][] = [];
  const breakdown: (string | number)[][] = [];
  for (const { name, jobs } of sets) {
    const calls = jobs.map(callsOf);
    const summaryChars = calls.reduce((n, c) => n + c.topics.summary.length, 0) / calls.length;
    const totalMs = await medianMs(() => {
      for (const job of jobs) normalizeItem(job.parsed, job.ctx);
    });
    const stages: [string, () => void][] = [
      ['tagTopics', () => { for (const c of calls) tagTopics(c.topics, taxonomy, c.topics.defaults); }],
      ['chooseItemLanguage', () => { for (const c of calls) chooseItemLanguage(c.language.declared, c.language.text, c.language.sourceLanguages); }],
      ['classifyType', () => { for (const c of calls) classifyType(c.type); }],
      ['computeFingerprint', () => { for (const c of calls) computeFingerprint(c.fingerprint.title, c.fingerprint.summary); }],
      ['sanitizeHtml', () => { for (const c of calls) for (const s of c.sanitize) sanitizeHtml(s.html, { bases: s.bases }); }],
      ['htmlToText', () => { for (const c of calls) for (const t of c.text) htmlToText(t); }],
      ['findItemEvent', () => { for (const c of calls) findItemEvent(c.event.parsed, c.event.item, c.event.now); }],
    ];
    const perItem = (ms: number) => (ms / jobs.length) * PER;
    throughput.push([name, jobs.length, fmt(summaryChars, 0), fmt(perItem(totalMs), 0), fmt(jobs.length / (totalMs / 1000), 0),
      name.startsWith('feed farm') ? fmt(totalMs / rssParserMs, 2) : '-']);
    breakdown.push([`${name}: normalizeItem`, fmt(perItem(totalMs), 0), fmt((totalMs / jobs.length) * 1000, 1), '100%']);
    for (const [stage, run] of stages) {
      const ms = await medianMs(run);
      breakdown.push([`${name}: ${stage}`, fmt(perItem(ms), 0), fmt((ms / jobs.length) * 1000, 1), `${fmt((ms / totalMs) * 100, 0)}%`]);
    }
  }
  const farmItems = farmJobs.length;
  throughput.push(['rss-parser parse only (feed farm)', farmItems, '-', fmt((rssParserMs / farmItems) * PER, 0), fmt(farmItems / (rssParserMs / 1000), 0), '1.00']);

  console.log(`${labelled.length} labelled items repeated; feed farm ${SOURCES} sources × ${ITEMS} items; median of ${ROUNDS} rounds, Node ${process.version}\n`);
  printTable(['items', 'count', 'summary chars (mean)', `normalizeItem ms per ${PER.toLocaleString('en-CA')}`, 'items/s', 'time ÷ rss-parser'], throughput);
  console.log('');
  printTable(['function', `ms per ${PER.toLocaleString('en-CA')} items`, 'µs/item', 'share of normalizeItem'], breakdown);
}

function context(taxonomy: Taxonomy, fetchUrl: string, feed: NormalizeContext['feed'], source: NormalizeContext['source']): NormalizeContext {
  return { now: NOW, fetchUrl, feed, source, taxonomy };
}

/** The arguments normalizeItem passes each function for this item (read back from its output). */
function callsOf({ parsed, ctx }: Job): Calls {
  const outcome = normalizeItem(parsed, ctx);
  if (!('item' in outcome)) throw new Error(`bench item dropped: ${outcome.dropped}`);
  const { title, summary, categories, url, language, contentHtml } = outcome.item;
  // findItemEvent sees the item as classified, before it sets the type and the event.
  const classified: Item = { ...outcome.item, type: classifyType({ title, summary, categories, url }), event: undefined };
  const bases = [parsed.baseUrl, url, ctx.feed.baseUrl, ctx.feed.link, ctx.fetchUrl];
  const sanitize = [{ html: parsed.contentHtml || parsed.summaryHtml || '', bases }];
  let summarySource = contentHtml;
  if (parsed.contentHtml && parsed.summaryHtml) {
    sanitize.push({ html: parsed.summaryHtml, bases });
    summarySource = sanitizeHtml(parsed.summaryHtml, { bases });
  }
  return {
    topics: { title, summary, categories, language, defaults: ctx.source.topics },
    language: { declared: declaredLanguage(parsed.language, ctx.feed.language), text: `${title}. ${summary}`, sourceLanguages: ctx.source.languages },
    type: { title, summary, categories, url },
    fingerprint: { title, summary },
    sanitize,
    text: htmlToText(summarySource) ? [summarySource] : [summarySource, contentHtml],
    event: { parsed, item: classified, now: ctx.now },
  };
}


function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
