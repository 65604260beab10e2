// Page sources: the time to read a 200-item web page (parse the HTML, select the items, normalize
// them) beside the time to read an RSS feed of the same 200 items (parse, normalize), in the same
// run; then what proposing selectors costs on that page, and reading a 5 MB page.
import type { ParsedFeed } from '../src/core/types.ts';
import { parseFeedDate } from '../src/normalize/dates.ts';
import { normalizeItem, type NormalizeContext } from '../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../src/normalize/topics.ts';
import { parseFeed } from '../src/parse/index.ts';
import { extractPageItems, proposeSelectors, readPage, type PageDocument, type PageSelectors } from '../src/parse/page/index.ts';
import { readFeed } from '../src/pipeline/read-feed.ts';
import { readPageBody } from '../src/pipeline/read-page-body.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { fmt, medianMs, printTable } from './table.ts';

const ITEMS = Number(process.env.BENCH_PAGE_ITEMS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SITE = 'https://agency.example.ca';
const NOW = new Date(Date.UTC(2026, 10, 2));
const WORDS = ['newcomer', 'families', 'housing', 'employment', 'workshop', 'language', 'classes', 'volunteers', 'community', 'support', 'program', 'youth', 'services', 'health', 'rights', 'training'];

interface Post {
  slug: string;
  title: string;
  date: Date;
  summary: string;
}

function posts(count: number): Post[] {
  return Array.from({ length: count }, (_, i) => {
    const words = (n: number, from: number) => Array.from({ length: n }, (_, k) => WORDS[(i * 7 + from + k * 3) % WORDS.length]).join(' ');
    return {
      slug: `2026/${String((i % 12) + 1).padStart(2, '0')}/post-${i}`,
      title: `Update ${i}: ${words(6, 1)}`,
      date: new Date(NOW.getTime() - (i + 1) * 36 * 3_600_000),
      summary: `<p>${words(24, 2)}, <strong>${words(3, 5)}</strong> ${words(18, 9)}. <a href="/register/${i}">${words(2, 4)}</a> ${words(12, 3)}.</p>`,
    };
  });
}

/** A WordPress-like list page: header, menu, the posts as articles, a sidebar and a footer. */
function renderPage(list: Post[]): string {
  const menu = ['About us', 'Our services', 'News', 'Events', 'Volunteer', 'Contact'].map((m, i) => `<li class="menu-item menu-item-${i}"><a href="${SITE}/${m.toLowerCase().replace(/ /g, '-')}/">${m}</a></li>`).join('');
  const articles = list
    .map((p, i) => `<article id="post-${1000 + i}" class="post-${1000 + i} post type-post status-publish hentry">
  <header class="entry-header"><h2 class="entry-title"><a href="${SITE}/${p.slug}/">${p.title}</a></h2>
  <div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="${p.date.toISOString()}">${p.date.toUTCString().slice(5, 16)}</time></span></div></header>
  <div class="entry-summary">${p.summary}</div>
  <footer class="entry-footer"><a class="more-link" href="${SITE}/${p.slug}/">Continue reading</a></footer>
</article>`)
    .join('\n');
  const recent = list.slice(0, 5).map((p) => `<li><a href="${SITE}/${p.slug}/">${p.title}</a></li>`).join('');
  return `<!DOCTYPE html><html lang="en-CA"><head><meta charset="UTF-8"><title>News – Agency</title><script>var x = 1;</script></head>
<body class="blog"><header id="masthead"><a href="${SITE}/">Agency</a><nav id="site-navigation"><ul id="primary-menu">${menu}</ul></nav></header>
<main id="main" class="site-main">${articles}</main>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Recent posts</h2><ul>${recent}</ul></section></aside>
<footer id="colophon"><p>© 2026 Agency</p></footer></body></html>`;
}

/** The same posts as an RSS 2.0 feed. */
function renderFeed(list: Post[]): string {
  const items = list
    .map((p) => `<item><title>${p.title}</title><link>${SITE}/${p.slug}/</link><guid>${SITE}/${p.slug}/</guid><pubDate>${p.date.toUTCString()}</pubDate><description><![CDATA[${p.summary}]]></description></item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Agency</title><link>${SITE}/</link><description>News</description><language>en-CA</language>\n${items}\n</channel></rss>`;
}

/** Two thousand cards, a 400-link menu and 1.5 MB of inline data: a bloated site builder's page. */
function renderLargePage(): string {
  const card = (n: number) =>
    `<div class="col"><div class="card"><h2 class="card-title"><a href="/p/${n}">Program update number ${n} for newcomer families</a></h2>` +
    `<span class="card-date">${(n % 28) + 1} février 2026</span><p class="card-text">${'Services, ateliers et rencontres pour les familles. '.repeat(35)}</p></div></div>`;
  const menu = `<nav class="mega">${Array.from({ length: 400 }, (_, i) => `<a href="/menu/${i}">Menu entry ${i}</a>`).join('')}</nav>`;
  return `<!doctype html><html lang="fr"><head><title>Programmes</title></head><body>${menu}<main><div class="grid">${Array.from({ length: 2000 }, (_, i) => card(i)).join('')}</div></main><div data-state="${'x'.repeat(1_500_000)}"></div></body></html>`;
}

/** The median time of each run, the runs taken in turn in every round (after one warm-up round). */
async function interleavedMedians(runs: (() => unknown)[]): Promise<number[]> {
  const times = runs.map((): number[] => []);
  for (let round = -1; round < ROUNDS; round++) {
    for (const [i, run] of runs.entries()) {
      const t = performance.now();
      await run();
      if (round >= 0) times[i].push(performance.now() - t);
    }
  }
  return times.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

function normalizeAll(feed: ParsedFeed, ctx: NormalizeContext): number {
  let kept = 0;
  for (const parsed of feed.items) if ('item' in normalizeItem(parsed, ctx)) kept++;
  return kept;
}

function read(html: string, url: string): PageDocument {
  const reading = readPage({ text: html }, url);
  if (!reading.ok) throw new Error(`bench page refused: ${reading.problem.code}`);
  return reading.page;
}

export async function benchPageSource(): Promise<void> {
  const feeds = await loadFeedsFile('feeds.yaml');
  const taxonomy = compileTaxonomy(feeds.topics);
  const list = posts(ITEMS);
  const html = renderPage(list);
  const xml = renderFeed(list);
  const pageUrl = `${SITE}/news/`;
  const ctx: NormalizeContext = {
    now: NOW,
    fetchUrl: pageUrl,
    feed: { link: `${SITE}/`, language: 'en-CA' },
    source: { languages: ['en'], region: 'national', topics: [] },
    taxonomy,
  };
  const readDate = (text: string) => parseFeedDate(text);
  const selectors: PageSelectors = proposeSelectors(read(html, pageUrl), { readDate }).proposals[0]!.selectors;

  // Each path checked once, outside the timings: both read every item.
  const pageItems = normalizeAll(extractPageItems(read(html, pageUrl), selectors).feed, ctx);
  const feedItems = normalizeAll(await parseFeed(xml, { url: `${SITE}/feed/` }), ctx);
  if (pageItems !== ITEMS || feedItems !== ITEMS) throw new Error(`bench read ${pageItems} page and ${feedItems} feed items, not ${ITEMS}`);

  const page = read(html, pageUrl);
  const pageExtracted = extractPageItems(page, selectors).feed;
  const rssParsed = await parseFeed(xml, { url: `${SITE}/feed/` });
  // Interleaved, round by round, so that the load on a shared machine weighs on both alike.
  const [pageRead, pageSelect, pageNormalize, pageTotal, rssParse, rssNormalize, rssTotal] = await interleavedMedians([
    () => read(html, pageUrl),
    () => extractPageItems(page, selectors),
    () => normalizeAll(pageExtracted, ctx),
    () => normalizeAll(extractPageItems(read(html, pageUrl), selectors).feed, ctx),
    () => parseFeed(xml, { url: `${SITE}/feed/` }),
    () => normalizeAll(rssParsed, ctx),
    async () => normalizeAll(await parseFeed(xml, { url: `${SITE}/feed/` }), ctx),
  ]);
  // The pipeline's own reading steps, as ingestSource calls them: bytes and selectors in, items out.
  const readCommon = { contentType: 'text/html; charset=utf-8', now: NOW, maxItems: 500, source: { languages: ['en' as const], region: 'national' as const, topics: [] } };
  const htmlBytes = Buffer.from(html);
  const [pipelinePage, pipelineFeed] = await interleavedMedians([
    () => readPageBody({ ...readCommon, url: pageUrl, bytes: htmlBytes, selectors }, taxonomy),
    () => readFeed({ ...readCommon, contentType: 'application/rss+xml', url: `${SITE}/feed/`, text: xml }, taxonomy),
  ]);
  const timings = { pageRead, pageSelect, pageNormalize, pageTotal, rssParse, rssNormalize, rssTotal, propose: await medianMs(() => proposeSelectors(page, { readDate }), ROUNDS) };
  const large = renderLargePage();
  const largeUrl = `${SITE}/programmes/`;
  const largeRead = await medianMs(() => read(large, largeUrl), 3);
  const largePage = read(large, largeUrl);
  const largePropose = await medianMs(() => proposeSelectors(largePage, { readDate }), 3);
  const largeSelectors = proposeSelectors(largePage, { readDate }).proposals[0]!.selectors;
  const largeExtract = await medianMs(() => extractPageItems(largePage, largeSelectors, { maxItems: 5000 }), 3);

  const ratio = (ms: number) => fmt(ms / timings.rssTotal, 2);
  console.log(`${ITEMS} items, page ${fmt(html.length / 1024, 0)} KiB, feed ${fmt(xml.length / 1024, 0)} KiB; median of ${ROUNDS} rounds, Node ${process.version}\n`);
  printTable(['reading', 'ms', 'µs/item', 'time ÷ RSS feed'], [
    ['page: parse HTML (readPage)', fmt(timings.pageRead, 1), fmt((timings.pageRead / ITEMS) * 1000, 0), ratio(timings.pageRead)],
    ['page: select items (extractPageItems)', fmt(timings.pageSelect, 1), fmt((timings.pageSelect / ITEMS) * 1000, 0), ratio(timings.pageSelect)],
    ['page: normalize', fmt(timings.pageNormalize, 1), fmt((timings.pageNormalize / ITEMS) * 1000, 0), ratio(timings.pageNormalize)],
    ['page: all three', fmt(timings.pageTotal, 1), fmt((timings.pageTotal / ITEMS) * 1000, 0), ratio(timings.pageTotal)],
    ['RSS feed: parse (parseFeed)', fmt(timings.rssParse, 1), fmt((timings.rssParse / ITEMS) * 1000, 0), ratio(timings.rssParse)],
    ['RSS feed: normalize', fmt(timings.rssNormalize, 1), fmt((timings.rssNormalize / ITEMS) * 1000, 0), ratio(timings.rssNormalize)],
    ['RSS feed: both', fmt(timings.rssTotal, 1), fmt((timings.rssTotal / ITEMS) * 1000, 0), '1.00'],
    ['pipeline: readPageBody (bytes → items)', fmt(pipelinePage, 1), fmt((pipelinePage / ITEMS) * 1000, 0), ratio(pipelinePage)],
    ['pipeline: readFeed (text → items)', fmt(pipelineFeed, 1), fmt((pipelineFeed / ITEMS) * 1000, 0), ratio(pipelineFeed)],
  ]);
  console.log('');
  printTable(['once, when a page is registered', 'ms'], [
    [`propose selectors, ${ITEMS}-item page`, fmt(timings.propose, 1)],
    [`5 MB page (${fmt(large.length / 1e6, 1)} M chars): parse HTML`, fmt(largeRead, 0)],
    ['5 MB page: propose selectors', fmt(largePropose, 0)],
    ['5 MB page: select 2,000 items', fmt(largeExtract, 0)],
  ]);
}
