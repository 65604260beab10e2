import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/core/errors.ts';
import { parseFeed } from '../../src/parse/index.ts';
import { readJsonFeed } from '../../src/parse/json-feed.ts';

const V11 = 'https://jsonfeed.org/version/1.1';

function feed(body: Record<string, unknown>): string {
  return JSON.stringify({ version: V11, title: 'T', items: [], ...body });
}

describe('readJsonFeed', () => {
  it('accepts JSON Feed 1.0 and 1.1 version URLs, http or https', () => {
    for (const version of ['https://jsonfeed.org/version/1', 'https://jsonfeed.org/version/1.1', 'http://jsonfeed.org/version/1']) {
      expect(readJsonFeed(JSON.stringify({ version, items: [] })).items).toEqual([]);
    }
  });

  it('ignores a byte order mark, after whitespace too', () => {
    expect(readJsonFeed(`\uFEFF${feed({})}`).feed.title).toBe('T');
    expect(readJsonFeed(`\n\uFEFF${feed({})}`).feed.title).toBe('T');
  });

  it('refuses JSON that is not a JSON Feed', () => {
    for (const text of ['{}', '[]', '"x"', '{"version": "2.0", "items": []}', '{"version": 1.1, "items": []}']) {
      expect(() => readJsonFeed(text)).toThrow(new ParseError('not a feed (JSON without a JSON Feed version)'));
    }
  });

  it('refuses a JSON Feed whose items are not a list', () => {
    expect(() => readJsonFeed(feed({ items: { id: 1 } }))).toThrow(new ParseError('invalid feed: JSON Feed "items" is not a list'));
  });

  it('reports broken JSON briefly, with a line and without the document text', () => {
    const secret = 'S3CRET'.repeat(20);
    const text = `{\n"version": "${V11}",\n"title": "${secret}" "items": []}`;
    const error = (() => {
      try {
        readJsonFeed(text);
      } catch (e) {
        return e as ParseError;
      }
    })();
    expect(error).toBeInstanceOf(ParseError);
    expect(error!.message).toBe('invalid JSON at line 3');
    expect(readJsonFeedError('{"version": "x", "items": [')).toBe('invalid JSON: unexpected end of document');
  });

  it('maps feed fields: home page, feed URL, description, language, WebSub hub', () => {
    const raw = readJsonFeed(feed({
      home_page_url: 'https://h.example/',
      feed_url: 'feed.json',
      description: 'D',
      language: 'fr',
      hubs: [{ type: 'rssCloud', url: 'https://cloud.example/' }, { type: 'WebSub', url: 'https://hub.example/' }],
    }), 'https://h.example/feeds/x.json');
    expect(raw.feed).toEqual({
      title: 'T',
      link: 'https://h.example/',
      description: 'D',
      language: 'fr',
      selfUrl: 'https://h.example/feeds/feed.json',
      hubUrl: 'https://hub.example/',
    });
  });

  it('maps item fields, preferring content_html and 1.1 authors, escaping plain-text fields', () => {
    const raw = readJsonFeed(feed({
      author: { name: 'Feed 1.0 author' },
      items: [
        {
          id: 'x', url: 'https://h.example/x', title: 'A <b>', content_html: '<p>h</p>', content_text: 't', summary: 'a < b',
          date_published: '2024-01-01T00:00:00Z', date_modified: '2024-01-02T00:00:00Z',
          author: { name: 'Old' }, authors: [{ name: 'New' }], tags: ['t1'], language: 'en',
          attachments: [{ url: 'https://h.example/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 10 }],
        },
        { id: 'y', content_text: '1 < 2 & 3' },
      ],
    }));
    expect(raw.items).toEqual([
      {
        guid: 'x', link: 'https://h.example/x', title: 'A <b>', titleIsHtml: false, contentHtml: '<p>h</p>', summaryHtml: 'a &lt; b',
        author: 'New', published: '2024-01-01T00:00:00Z', updated: '2024-01-02T00:00:00Z', categories: ['t1'], language: 'en',
        enclosure: { url: 'https://h.example/a.mp3', type: 'audio/mpeg', length: 10 },
      },
      {
        guid: 'y', link: undefined, title: undefined, titleIsHtml: false, contentHtml: '1 &lt; 2 &amp; 3', summaryHtml: undefined,
        author: 'Feed 1.0 author', published: undefined, updated: undefined, categories: [], language: undefined, enclosure: undefined,
      },
    ]);
  });

  it('passes items that are not objects through, for coercion to drop', () => {
    expect(readJsonFeed(feed({ items: [null, 3, 'x', []] })).items).toEqual([null, 3, 'x', []]);
  });
});

describe('parseFeed on JSON', () => {
  it('routes by body first: an XML body labelled JSON is read as XML, and the reverse', async () => {
    const xml = '<rss version="2.0"><channel><title>X</title><item><title>i</title></item></channel></rss>';
    expect((await parseFeed(xml, { contentType: 'application/feed+json' })).format).toBe('rss2');
    expect((await parseFeed(feed({ items: [{ id: '1', title: 'i' }] }), { contentType: 'text/xml' })).format).toBe('json');
  });

  it('survives deep nesting inside JSON', async () => {
    const deep = `{"version": "${V11}", "items": [${'['.repeat(50_000)}${']'.repeat(50_000)}, {"id": "1", "title": "ok", "_x": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}]}`;
    const parsed = await parseFeed(deep);
    expect(parsed.items).toEqual([{ guid: '1', title: 'ok', titleIsHtml: false, categories: [] }]);
    expect(parsed.dropped).toEqual({ 'malformed item': 1 });
  });

  it('does not let "__proto__" keys pollute anything', async () => {
    const text = `{"version": "${V11}", "__proto__": {"polluted": 1}, "items": [{"id": "1", "title": "t", "__proto__": {"polluted": 2}, "constructor": {"prototype": {"polluted": 3}}}]}`;
    const parsed = await parseFeed(text);
    expect(parsed.items[0].title).toBe('t');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

function readJsonFeedError(text: string): string | undefined {
  try {
    readJsonFeed(text);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
