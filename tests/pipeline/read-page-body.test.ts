// readPageBody, readFeed's sibling for page sources: plain data in (it survives a structured
// clone, as a worker thread would receive it), the page's own charset, dates kept on the day the
// page wrote, selectors that find nothing said as warnings or as the reason there are no items.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { PageSelectors } from '../../src/core/types.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { pageReadInput, readPageBody, type PageReadInput } from '../../src/pipeline/read-page-body.ts';
import type { FeedReading } from '../../src/pipeline/plan-ingest.ts';

const taxonomy = compileTaxonomy([]);
const URL_ = 'https://agency.example.ca/news/';
const NOW = new Date('2026-06-01T15:00:00Z');

function page(items: string[], head = '<meta charset="utf-8">'): string {
  return `<!doctype html><html lang="en"><head>${head}<title>News</title></head><body><main><ul class="news">${items.join('')}</ul></main></body></html>`;
}
const li = (slug: string, title: string, date?: string) =>
  `<li class="post"><h3><a href="/news/${slug}">${title}</a></h3>${date ? `<span class="when">${date}</span>` : ''}<p>About ${title}, for newcomers and the agencies that serve them.</p></li>`;

function input(html: string | Buffer, selectors: PageSelectors, extra: Partial<PageReadInput> = {}): PageReadInput {
  return {
    bytes: typeof html === 'string' ? Buffer.from(html) : html,
    contentType: 'text/html',
    url: URL_,
    now: NOW,
    maxItems: 500,
    source: { languages: ['en'], region: 'national', topics: [] },
    selectors,
    ...extra,
  };
}
const items = (reading: FeedReading) => (reading.kind === 'feed' ? reading.items : []);

describe('readPageBody', () => {
  const html = page([li('a', 'Alpha', 'May 20, 2026'), li('b', 'Beta', '2026-05-21T09:30:00-04:00'), li('c', 'Gamma')]);
  const selectors: PageSelectors = { item: 'li.post', title: 'h3 a', date: 'span.when', summary: 'p' };

  it('reads the same from a structured clone of its input, as a worker thread receives it', async () => {
    const direct = await readPageBody(input(html, selectors), taxonomy);
    const cloned = structuredClone(input(html, selectors));
    expect(Buffer.isBuffer(cloned.bytes)).toBe(false);
    expect(await readPageBody(cloned, taxonomy)).toEqual(direct);
    expect(items(direct).map((i) => i.key)).toEqual(['a', 'b', 'c'].map((s) => `g:https://agency.example.ca/news/${s}`));
  });

  it('keeps a day without a time at noon UTC, a time as written, and the fetch time for no date', async () => {
    const [a, b, c] = items(await readPageBody(input(html, selectors), taxonomy));
    expect(a.publishedAt.toISOString()).toBe('2026-05-20T12:00:00.000Z');
    expect(b.publishedAt.toISOString()).toBe('2026-05-21T13:30:00.000Z');
    expect(c).toMatchObject({ publishedAt: NOW, dateFromFeed: false });
    const midnight = page([li('m', 'Midnight', '2026-05-22T00:00:00Z'), li('n', 'Noon', '2026-05-22')]);
    const [m, n] = items(await readPageBody(input(midnight, selectors), taxonomy));
    expect(m.publishedAt.toISOString()).toBe('2026-05-22T00:00:00.000Z');
    expect(n.publishedAt.toISOString()).toBe('2026-05-22T12:00:00.000Z');
  });

  it('decodes a page by its own <meta charset> when the HTTP header names none', async () => {
    const latin = page([li('e', 'Séance d’été pour réfugiés', '3 juin 2026'), li('f', 'Café-rencontre', '4 juin 2026')], '<meta charset="windows-1252">');
    const reading = await readPageBody(input(iconv.encode(latin, 'windows-1252'), selectors), taxonomy);
    expect(items(reading).map((i) => i.title)).toEqual(['Séance d’été pour réfugiés', 'Café-rencontre']);
    expect(reading.kind === 'feed' && reading.warnings.filter((w) => w.code.startsWith('charset'))).toEqual([]);
  });

  it('reads on without a selector that finds nothing, and says so', async () => {
    const reading = await readPageBody(input(html, { ...selectors, date: 'time.published' }), taxonomy);
    expect(items(reading)).toHaveLength(3);
    expect(reading.kind === 'feed' && reading.warnings).toContainEqual({ code: 'selector-unmatched', params: { field: 'date' } });
  });

  it('counts items without a link as dropped, and a post listed twice as one item without a word', async () => {
    const doubled = page([li('a', 'Alpha'), li('a', 'Alpha'), '<li class="post"><h3>No link here</h3></li>', li('b', 'Beta')]);
    const reading = await readPageBody(input(doubled, { item: 'li.post' }), taxonomy);
    expect(items(reading).map((i) => i.title)).toEqual(['Alpha', 'Beta']);
    expect(reading.kind === 'feed' && reading.warnings).toEqual([{ code: 'items-dropped', params: { reason: 'no link', count: 1 } }]);
  });

  it.each([
    ['a redesign after 12 items', { item: 'article.card' }, 12, { code: 'selectors-stopped-matching', params: { previous: 12 } }],
    ['an item selector that never matched', { item: 'article.card' }, undefined, { code: 'selector-matches-nothing', params: { field: 'item' } }],
    ['a source without selectors', undefined, undefined, { code: 'selector-invalid', params: { field: 'item', selector: '', reason: 'empty' } }],
  ] as const)('gives the reason there are no items: %s', async (_name, chosen, previous, problem) => {
    const base = pageReadInput(
      { text: html, contentType: 'text/html', url: URL_, now: NOW, maxItems: 500, source: { languages: ['en'], region: 'national', topics: [] } },
      { selectors: chosen ?? null, lastItemsFound: previous ?? null },
      { bytes: Buffer.from(html) },
    );
    expect(base).not.toHaveProperty('text');
    const reading = await readPageBody(base, taxonomy);
    expect(reading).toMatchObject({ kind: 'unreadable', problem });
  });

  it('refuses a page that became a sign-in page, or is no page at all', async () => {
    const wall = '<html><head><title>Sign in</title></head><body><form><input type="password" name="p"></form></body></html>';
    expect(await readPageBody(input(wall, selectors), taxonomy)).toMatchObject({ kind: 'unreadable', problem: { code: 'login-wall' } });
    expect(await readPageBody(input('{"a": 1}', selectors, { contentType: 'application/json' }), taxonomy)).toMatchObject({
      kind: 'unreadable', problem: { code: 'not-html', params: { looksLike: 'json' } }, detail: 'not an HTML page (json)',
    });
  });
});
