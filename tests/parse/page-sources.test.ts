// Page sources on bad input: selectors that are not CSS, find nothing or take in the whole page;
// documents that are not pages; hostile markup (the sanitizer's hostile set, inside list items);
// a page in windows-1252; a 5 MB page.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DomUtils, parseDocument } from 'htmlparser2';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

import { parseFeedDate } from '../../src/normalize/dates.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import {
  checkSelectors,
  extractPageItems,
  proposeSelectors,
  readPage,
  type PageDocument,
  type PageSelectors,
} from '../../src/parse/page/index.ts';

const URL_ = 'https://agency.example.ca/news/';

function page(html: string): PageDocument {
  const reading = readPage({ text: html }, URL_);
  if (!reading.ok) throw new Error(`refused: ${JSON.stringify(reading.problem)}`);
  return reading.page;
}

function list(items: string[], around = (ul: string) => ul): string {
  return `<!doctype html><html lang="en"><head><title>News</title></head><body><header><nav><a href="/">Home</a></nav></header>
<main>${around(`<ul class="news">${items.join('\n')}</ul>`)}</main><footer><p>Agency</p></footer></body></html>`;
}

const item = (n: number, body = `Summary of post ${n}, long enough to be read as one.`) =>
  `<li class="post"><h3><a href="/news/${n}">Post number ${n}</a></h3><time datetime="2026-03-0${(n % 9) + 1}">March ${(n % 9) + 1}, 2026</time><div class="body">${body}</div></li>`;

const normalizeContext: NormalizeContext = {
  now: new Date('2026-03-20T00:00:00Z'),
  fetchUrl: URL_,
  feed: {},
  source: { languages: ['en'], region: 'national', topics: [] },
  taxonomy: compileTaxonomy([]),
};

describe('selectors refused with a reason', () => {
  const doc = page(list([1, 2, 3].map((n) => item(n)), (ul) => `<div class="wrapper">${ul}</div>`));

  it.each([
    ['not CSS', { item: 'li[' }, { code: 'selector-invalid', field: 'item' }],
    ['a pseudo-element', { item: 'li.post', title: 'h3::before' }, { code: 'selector-invalid', field: 'title' }],
    ['empty', { item: '  ' }, { code: 'selector-invalid', field: 'item' }],
    ['too long', { item: `li${'.post'.repeat(120)}` }, { code: 'selector-too-long', field: 'item' }],
    ['matching nothing', { item: 'article.story' }, { code: 'selector-matches-nothing', field: 'item' }],
    ['the body', { item: 'body' }, { code: 'selector-matches-page', field: 'item' }],
    ['every element', { item: '*' }, { code: 'selector-matches-page', field: 'item' }],
    ['the block around everything', { item: 'main' }, { code: 'selector-matches-page', field: 'item' }],
    ['blocks nested in one another', { item: 'main, li.post' }, { code: 'selector-matches-nested', field: 'item' }],
    ['a title that is in no item', { item: 'li.post', title: 'h2.entry-title' }, { code: 'selector-matches-nothing', field: 'title' }],
  ] as [string, PageSelectors, { code: string; field: string }][])('%s', (_, selectors, expected) => {
    const { problems } = checkSelectors(doc, selectors);
    expect(problems[0]).toMatchObject({ code: expected.code, params: { field: expected.field } });
  });

  it('accepts selectors that find the items', () => {
    expect(checkSelectors(doc, { item: 'li.post', title: 'h3', date: 'time', summary: '.body' })).toMatchObject({ problems: [] });
  });

  it('says when the items found have no link of their own', () => {
    const noLinks = page(list([1, 2, 3].map((n) => `<li class="post"><h3>Notice ${n}</h3><p>Text of notice ${n}</p></li>`)));
    const { feed, problems } = extractPageItems(noLinks, { item: 'li.post' });
    expect(feed.items).toEqual([]);
    expect(feed.dropped).toEqual({ 'no link': 3 });
    expect(problems).toEqual([{ code: 'items-without-links', params: { items: 3 } }]);
  });

  it('keeps one item per link: the same post shown twice (featured, then in the list) is one item', () => {
    const doubled = page(list([item(1), item(2), item(1), item(3)]));
    const { feed } = extractPageItems(doubled, { item: 'li.post', summary: '.body' });
    expect(feed.items.map((i) => i.link)).toEqual([1, 2, 3].map((n) => `https://agency.example.ca/news/${n}`));
    expect(feed.dropped).toEqual({ 'duplicate guid': 1 });
  });
});

describe('documents that are not pages', () => {
  it.each([
    ['JSON', { text: '{"items": []}' }, { code: 'not-html', params: { looksLike: 'json' } }],
    ['an RSS feed', { text: '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>' }, { code: 'page-is-a-feed', params: {} }],
    ['an Atom feed', { text: '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>' }, { code: 'page-is-a-feed', params: {} }],
    ['a PDF', { text: '%PDF-1.7\n1 0 obj', contentType: 'application/pdf' }, { code: 'not-html', params: { looksLike: 'pdf' } }],
    ['plain text', { text: 'Our news is on Facebook now.' }, { code: 'not-html', params: { looksLike: 'text' } }],
    ['other XML', { text: '<?xml version="1.0"?><sitemap><loc>x</loc></sitemap>' }, { code: 'not-html', params: { looksLike: 'xml' } }],
    ['an image', { bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe, 0xfd]), contentType: 'image/png' }, { code: 'not-html' }],
    ['a page over the size limit', { text: `<html><body>${'<p>x</p>'.repeat(1_300_000)}</body></html>` }, { code: 'page-too-large', params: { limit: 10_000_000 } }],
    ['a page nested 5,000 deep', { text: `<html><body>${'<div>'.repeat(5000)}x</body></html>` }, { code: 'page-too-deeply-nested', params: { limit: 1000 } }],
  ] as [string, Parameters<typeof readPage>[0], object][])('refuses %s', (_, input, problem) => {
    const reading = readPage(input, URL_);
    expect(reading.ok).toBe(false);
    expect(!reading.ok && reading.problem).toMatchObject(problem);
  });

  it('reads a windows-1252 page by its <meta charset>, accents intact', () => {
    const html = `<html><head><meta charset="windows-1252"><title>Nouvelles</title></head><body><ul>${[1, 2, 3]
      .map((n) => `<li><a href="/n/${n}">Réfugiés et accueil ${n} – l’été</a></li>`)
      .join('')}</ul></body></html>`;
    const reading = readPage({ bytes: iconv.encode(html, 'windows-1252'), contentType: 'text/html' }, URL_);
    expect(reading.ok).toBe(true);
    const { feed } = extractPageItems((reading as { page: PageDocument }).page, { item: 'li' });
    expect(feed.items[0].title).toBe('Réfugiés et accueil 1 – l’été');
  });
});

const FORBIDDEN = new Set(['script', 'style', 'iframe', 'frame', 'object', 'embed', 'applet', 'svg', 'math', 'form', 'input', 'base', 'meta', 'link', 'template', 'noscript', 'textarea', 'title']);

describe('hostile markup inside a list (the sanitizer hostile set)', () => {
  const dir = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
  const fragments = readdirSync(dir).filter((f) => f.endsWith('.html')).sort();

  it.each(fragments)('%s', (file) => {
    const fragment = readFileSync(join(dir, file), 'utf8').replace(/^<!--[\s\S]*?-->\s*/, '');
    const hostileTitle = `<li class="post"><h3><a href="javascript:alert(1)">Trap</a></h3><div class="body">${fragment}</div></li>`;
    const doc = readPage({ text: list([item(1), item(2, fragment), hostileTitle, item(4)]) }, URL_);
    if (!doc.ok) throw new Error(JSON.stringify(doc.problem));
    const { feed } = extractPageItems(doc.page, { item: 'li.post', summary: 'div.body' });
    const links = feed.items.map((i) => i.link);
    // The clean items around the hostile one are still read, and a javascript: link is no link.
    expect(links).toContain('https://agency.example.ca/news/1');
    expect(links).not.toContain(expect.stringMatching(/^javascript:/i));
    expect(feed.items.find((i) => i.link?.endsWith('/news/1'))?.title).toBe('Post number 1');
    for (const parsed of feed.items) {
      const outcome = normalizeItem(parsed, normalizeContext);
      if (!('item' in outcome)) continue;
      // Checked on the tree a browser would build from the stored HTML.
      for (const el of DomUtils.findAll(() => true, parseDocument(outcome.item.contentHtml).children)) {
        expect(FORBIDDEN.has(el.name), `${file}: <${el.name}>`).toBe(false);
        for (const [name, value] of Object.entries(el.attribs)) {
          expect(name, file).not.toMatch(/^(on|style$|srcdoc$|formaction$|xlink:)/i);
          expect(value, file).not.toMatch(/^\s*(javascript|vbscript|data):/i);
        }
      }
      expect(outcome.item.title, file).not.toMatch(/[<>]/);
    }
  });
});

describe('a 5 MB page', () => {
  // Two thousand cards with long summaries, a mega menu of 400 links and 1.5 MB of inline data
  // beside them: what a bloated site builder writes.
  const card = (n: number) =>
    `<div class="col"><div class="card"><h2 class="card-title"><a href="/p/${n}">Program update number ${n} for newcomer families</a></h2>` +
    `<span class="card-date">${(n % 28) + 1} février 2026</span><p class="card-text">${'Services, ateliers et rencontres pour les familles. '.repeat(35)}</p></div></div>`;
  const menu = `<nav class="mega">${Array.from({ length: 400 }, (_, i) => `<a href="/menu/${i}">Menu entry ${i}</a>`).join('')}</nav>`;
  const data = `<div data-state="${'x'.repeat(1_500_000)}"></div>`;
  const html = `<!doctype html><html lang="fr"><head><title>Programmes</title></head><body>${menu}<main><div class="grid">${Array.from({ length: 2000 }, (_, i) => card(i)).join('')}</div></main>${data}</body></html>`;

  it('is read, proposed and extracted whole', () => {
    expect(html.length).toBeGreaterThan(5_000_000);
    const reading = readPage({ text: html }, URL_);
    if (!reading.ok) throw new Error(JSON.stringify(reading.problem));
    const { proposals } = proposeSelectors(reading.page, { readDate: (t) => parseFeedDate(t) });
    expect(proposals[0].selectors).toMatchObject({ item: 'div.card', title: 'h2.card-title', date: 'span.card-date', summary: 'p.card-text' });
    expect(proposals[0].itemCount).toBe(500); // the per-source cap
    const { feed } = extractPageItems(reading.page, proposals[0].selectors, { maxItems: 5000 });
    expect(feed.items).toHaveLength(2000);
    expect(feed.items[1999]).toMatchObject({ link: 'https://agency.example.ca/p/1999', published: '12 février 2026' });
  });
});
