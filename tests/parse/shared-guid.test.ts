// One GUID given to several different posts: each post gets an identity of its own, the same one
// on every fetch whatever the order, and a post listed twice is still one item.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { parseFeed } from '../../src/parse/index.ts';

const fixture = readFileSync(new URL('../fixtures/parse/rss-shared-guid.xml', import.meta.url), 'utf8');
const ctx: NormalizeContext = {
  now: new Date('2026-03-10T00:00:00Z'),
  fetchUrl: 'https://organisme.example.ca/feed',
  feed: {},
  source: { languages: ['fr'], region: 'quebec', topics: [] },
  taxonomy: compileTaxonomy([]),
};

async function keysOf(text: string): Promise<Map<string, string>> {
  const feed = await parseFeed(text);
  const keys = new Map<string, string>();
  for (const parsed of feed.items) {
    const outcome = normalizeItem(parsed, ctx);
    if ('item' in outcome) keys.set(outcome.item.title, outcome.item.key);
  }
  return keys;
}

describe('items sharing one GUID', () => {
  it('gives each different post its own key, by its link', async () => {
    const keys = await keysOf(fixture);
    expect([...keys.values()]).toEqual([
      'l:https://organisme.example.ca/appel-2026',
      'l:https://organisme.example.ca/clinique',
      'l:https://organisme.example.ca/soiree',
      'g:guide-2026',
    ]);
  });

  it('gives the same keys when the feed lists its posts in another order', async () => {
    const items = fixture.match(/<item>[\s\S]*?<\/item>/g)!;
    const reversed = fixture.replace(items.join('\n    '), [...items].reverse().join('\n    '));
    expect(reversed).not.toBe(fixture);
    expect(await keysOf(reversed)).toEqual(await keysOf(fixture));
  });

  it('keeps the GUID as the key when the posts under it are one post', async () => {
    const once = fixture.replace(/<item>\s*<title>(Clinique|Soirée)[\s\S]*?<\/item>/g, '');
    const keys = await keysOf(once);
    expect(keys.get('Appel de propositions 2026')).toBe('g:https://organisme.example.ca/');
  });
});

describe('telling posts under one GUID apart', () => {
  const feedOf = (items: string) => `<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
  const item = (title: string, link?: string, date?: string) =>
    `<item><guid isPermaLink="false">g</guid><title>${title}</title>${link ? `<link>${link}</link>` : ''}${date ? `<pubDate>${date}</pubDate>` : ''}</item>`;

  it.each([
    ['different titles and links', [item('A', 'https://x.example/a'), item('B', 'https://x.example/b')], 2],
    ['different titles and dates, no links', [item('A', undefined, 'Mon, 02 Mar 2026 09:00:00 GMT'), item('B', undefined, 'Tue, 03 Mar 2026 09:00:00 GMT')], 2],
    ['an edited title under the same link', [item('A', 'https://x.example/a'), item('A (updated)', 'https://x.example/a')], 1],
    ['the same title under another link', [item('A', 'https://x.example/a'), item('a', 'https://x.example/a?utm=1')], 1],
    ['different titles, no links and no dates', [item('A'), item('B')], 1],
    ['a linkless post on the same date as a linked one', [item('A', 'https://x.example/a', 'Mon, 02 Mar 2026 09:00:00 GMT'), item('B', undefined, 'Mon, 02 Mar 2026 09:00:00 GMT')], 1],
  ])('%s', async (_, items, kept) => {
    const feed = await parseFeed(feedOf(items.join('')));
    expect(feed.items).toHaveLength(kept);
    expect(feed.dropped).toEqual(kept === items.length ? {} : { 'duplicate guid': items.length - kept });
  });

  it('keeps every one of 20,000 posts that share one GUID', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => item(`Post ${i}`, `https://x.example/${i}`)).join('');
    const feed = await parseFeed(feedOf(many), { maxItems: 50_000 });
    expect(feed.items).toHaveLength(20_000);
    expect(feed.items.every((i) => i.guidShared)).toBe(true);
  });
});
