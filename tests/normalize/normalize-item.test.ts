import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../src/core/types.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';

const now = new Date('2024-06-01T12:00:00Z');
const ctx: NormalizeContext = {
  now,
  fetchUrl: 'https://platform.example.ca/feed/',
  feed: { link: 'https://platform.example.ca/', language: 'en-CA' },
  source: { languages: ['en'], region: 'national', topics: [] },
  taxonomy: compileTaxonomy([]),
};
const p = (extra: Partial<ParsedItem>): ParsedItem => ({ categories: [], ...extra });
function ok(parsed: ParsedItem, c: NormalizeContext = ctx) {
  const out = normalizeItem(parsed, c);
  if ('dropped' in out) throw new Error(`dropped: ${out.dropped}`);
  return out;
}

describe('normalizeItem', () => {
  it('identity: GUID, else link, else a hash of title and date; stable across calls', () => {
    expect(ok(p({ guid: 'urn:x:1', link: '/a', title: 'T' })).item.key).toBe('g:urn:x:1');
    expect(ok(p({ link: '/a', title: 'T' })).item.key).toBe('l:https://platform.example.ca/a');
    const a = ok(p({ title: 'Only a title', published: '2024-05-01' })).item.key;
    expect(a).toMatch(/^h:[0-9a-f]{40}$/);
    expect(ok(p({ title: 'Only a title', published: '2024-05-01' })).item.key).toBe(a);
    expect(ok(p({ title: 'Only a title', published: '2024-05-02' })).item.key).not.toBe(a);
  });

  it('resolves links against xml:base, then the feed link, then the fetch URL; drops javascript: links', () => {
    expect(ok(p({ title: 't', link: 'post/1', baseUrl: 'https://other.example.ca/blog/' })).item.url).toBe('https://other.example.ca/blog/post/1');
    expect(ok(p({ title: 't', link: '/post/2' })).item.url).toBe('https://platform.example.ca/post/2');
    expect(ok(p({ title: 't', link: 'post/3' }), { ...ctx, feed: {} }).item.url).toBe('https://platform.example.ca/feed/post/3');
    expect(ok(p({ title: 't', link: 'javascript:alert(1)' })).item.url).toBeUndefined();
    expect(ok(p({ title: 't', link: 'jav&#x09;ascript:alert(1)'.replace('&#x09;', '\t') })).item.url).toBeUndefined();
  });

  it('takes the link the parser chose and never makes one of a GUID (the parser knows which GUIDs are pages)', () => {
    const out = ok(p({ title: 't', guid: 'https://api.platform.example.ca/items/42' })).item;
    expect(out.url).toBeUndefined();
    expect(out.key).toBe('g:https://api.platform.example.ca/items/42');
  });

  it('derives a missing title from the text', () => {
    const out = ok(p({ contentHtml: '<p>Registration is now open for the <b>spring LINC</b> session in Moncton.</p>' }));
    expect(out.item.title).toBe('Registration is now open for the spring LINC session in Moncton.');
  });

  it('drops an item with nothing to show', () => {
    expect(normalizeItem(p({ title: '  ' }), ctx)).toEqual({ dropped: 'no title, link or content' });
  });

  it('keeps the date the feed gives, and uses the fetch time for missing, unparseable or future dates (never drops)', () => {
    expect(ok(p({ title: 't', published: 'Tue, 05 Mar 2024 14:30:00 GMT' })).item).toMatchObject({ publishedAt: new Date('2024-03-05T14:30:00Z'), dateFromFeed: true });
    for (const bad of [undefined, 'soon', '2031-01-01T00:00:00Z', '1970-01-01T00:00:00Z']) {
      const out = ok(p({ title: 't', published: bad }));
      expect(out.item).toMatchObject({ publishedAt: now, dateFromFeed: false });
      if (bad) expect(out.warnings).toEqual([{ code: 'unusable-date', params: { value: bad } }]);
    }
  });

  it('treats a plain-text title as text and an HTML title as markup', () => {
    expect(ok(p({ title: 'Using <video> in class' })).item.title).toBe('Using <video> in class');
    expect(ok(p({ title: 'A <b>bold</b> move &amp; more', titleIsHtml: true })).item.title).toBe('A bold move & more');
    // A publisher that escaped twice: the XML parser undid one level, we undo the other.
    expect(ok(p({ title: 'Fish &amp; chips' })).item.title).toBe('Fish & chips');
    expect(ok(p({ title: 'AT&T &copy 2024' })).item.title).toBe('AT&T &copy 2024');
  });

  it('strips NUL and other characters Postgres or XML cannot hold', () => {
    const out = ok(p({ title: 'Bad\u0000 title\u0001', contentHtml: '<p>x\u0000y\u000b</p>', author: 'A\u0000B', guid: 'g\u0000' }));
    expect(out.item.title).toBe('Bad title');
    expect(out.item.contentHtml).toBe('<p>xy</p>');
    expect(out.item.author).toBe('AB');
    expect(out.item.key).toBe('g:g');
  });

  it('cuts huge content and says so', () => {
    const huge = `<p>${'mot '.repeat(100_000)}</p>`;
    const out = ok(p({ title: 't', contentHtml: huge }), { ...ctx, maxContentChars: 10_000 });
    expect(out.item.contentHtml.length).toBeLessThan(10_100);
    expect(out.item.contentHtml.endsWith('<p>[…]</p>')).toBe(true);
    expect(out.warnings).toContainEqual({ code: 'content-cut', params: { count: 10000 } });
    expect(out.item.summary.length).toBeLessThanOrEqual(401);
  });

  it('language: the item, then the feed, then a single-language source', () => {
    expect(ok(p({ title: 't', language: 'fr-CA' })).item.language).toBe('fr');
    expect(ok(p({ title: 't' })).item.language).toBe('en');
    expect(ok(p({ title: 't' }), { ...ctx, feed: {}, source: { ...ctx.source, languages: ['fr'] } }).item.language).toBe('fr');
    expect(ok(p({ title: 't', language: 'es' })).item.language).toBe('other');
  });

  it('a changed title or content changes the content hash; nothing else does', () => {
    const base = p({ guid: '1', title: 'A', contentHtml: '<p>x</p>', published: '2024-05-01' });
    const h = ok(base).item.contentHash;
    expect(ok(base, { ...ctx, now: new Date('2024-06-01T13:00:00Z') }).item.contentHash).toBe(h);
    expect(ok({ ...base, title: 'B' }).item.contentHash).not.toBe(h);
    expect(ok({ ...base, contentHtml: '<p>y</p>' }).item.contentHash).not.toBe(h);
  });

  it('keeps enclosures only on http(s)', () => {
    expect(ok(p({ title: 't', enclosure: { url: '/files/guide.pdf', type: 'application/pdf' } })).item.enclosure).toEqual({ url: 'https://platform.example.ca/files/guide.pdf', type: 'application/pdf' });
    expect(ok(p({ title: 't', enclosure: { url: 'file:///etc/passwd' } })).item.enclosure).toBeUndefined();
  });
});
