// The RSS and Atom views on the entries real feeds do send and the fixture hub rarely has: an item
// in a language we do not publish in, an item with a title and nothing else, an empty feed. Each
// case is one the W3C Feed Validator reported (RSS 2.0 + RFC 4287), turned into the rule it broke.
import { describe, expect, it } from 'vitest';
import type { Topic } from '../../src/core/types.ts';
import type { ItemRef, ItemView } from '../../src/store/items-query.ts';
import { renderAtom } from '../../src/publish/atom.ts';
import { renderJsonFeed } from '../../src/publish/json-feed.ts';
import { buildOutputFeed } from '../../src/publish/build-output-feed.ts';
import type { FeedQuery } from '../../src/publish/feed-query.ts';
import { renderRss } from '../../src/publish/rss.ts';

const PUBLIC = 'https://hub.example.ca';
const query: FeedQuery = { limit: 50, ui: 'en' };
const ctx = { publicUrl: PUBLIC, version: '1.0.0', topics: [], path: '/feeds/all', selfQuery: '' };

function row(id: number, extra: Partial<ItemView> = {}): ItemView {
  const at = new Date('2024-05-01T12:00:00Z');
  return {
    id, title: `Title ${id}`, url: `https://example.org/${id}`, publishedAt: at, dateFromFeed: true, modifiedAt: null,
    firstSeenAt: at, updatedAt: at, author: null, summary: `Summary ${id}`, contentHtml: `<p>Content ${id}</p>`,
    language: 'en', categories: [], topics: [], type: 'news', regions: ['national'], province: null, enclosure: null, clusterId: null,
    source: { slug: 's', title: 'Source', organization: 'Org', region: 'national', province: null, url: 'https://s.example.org/feed', siteUrl: null, lastSuccessAt: null },
    also: [],
    ...extra,
  };
}

const ref = (id: number, organization: string, url: string | null, language: string): ItemRef => ({ id, title: `Title ${id}`, url, language, source: `s${id}`, organization });

/** The <entry> or <item> elements of a document, as text. */
const entries = (doc: string, name: string) => [...doc.matchAll(new RegExp(`<${name}[ >][\\s\\S]*?</${name}>`, 'g'))].map((m) => m[0]);

describe('RSS and Atom views', () => {
  it('name no language for an item in a language other than ours: "other" is not an ISO 639 code', () => {
    const feed = buildOutputFeed(query, [row(1, { language: 'other' }), row(2, { language: 'fr' })], ctx);
    const [other, fr] = entries(renderRss(feed), 'item');
    expect(other).not.toContain('<dc:language>');
    expect(fr).toContain('<dc:language>fr</dc:language>');
    const atom = entries(renderAtom(feed), 'entry');
    expect(atom[0]).toMatch(/^<entry>/);
    expect(atom[1]).toMatch(/^<entry xml:lang="fr">/);
  });

  it('write an RSS item description as HTML, so plain text that reads like markup stays text', () => {
    // RSS 2.0 allows entity-encoded HTML in an item's description and readers render it as HTML;
    // our summary is plain text, so it is HTML-escaped first (the W3C Feed Validator: "Invalid HTML").
    const feed = buildOutputFeed(query, [row(1, { summary: '<script>alert(1)</script> & <img src=x>' }), row(2, { summary: '' })], ctx);
    const [hostile, empty] = entries(renderRss(feed), 'item');
    expect(hostile).toContain('<description>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; &amp;amp; &amp;lt;img src=x&amp;gt;</description>');
    expect(empty).toContain('<description>Title 2</description>');
    // Titles are plain text (RSS Best Practices Profile: hexadecimal references for & and <).
    expect(renderRss(buildOutputFeed(query, [row(3, { title: 'A <b> & C' })], ctx))).toContain('<title>A &#x3C;b&gt; &#x26; C</title>');
  });

  it('give an Atom entry with no content and no link a text content (RFC 4287 §4.1.1: content or an alternate link)', () => {
    const feed = buildOutputFeed(query, [row(1, { url: null, contentHtml: '', summary: '' }), row(2, { contentHtml: '', summary: 'Only a summary' })], ctx);
    const [bare, summaryOnly] = entries(renderAtom(feed), 'entry');
    expect(bare).toContain('<content type="text">Title 1</content>');
    expect(bare).not.toContain('<summary');
    expect(summaryOnly).toContain('<content type="text">Only a summary</content>');
    for (const e of entries(renderAtom(feed), 'entry')) expect(e.match(/<content /g)).toHaveLength(1);
  });

  it('keep sanitized HTML as html content beside the plain-text summary', () => {
    const [e] = entries(renderAtom(buildOutputFeed(query, [row(1)], ctx)), 'entry');
    expect(e).toContain('<summary type="text">Summary 1</summary>');
    expect(e).toContain('<content type="html">&lt;p&gt;Content 1&lt;/p&gt;</content>');
  });
  it('name the publishing organization, the others that cross-posted it, the person, the translation and the enclosure', () => {
    const crossPosted = row(1, {
      author: 'Marie Tremblay',
      topics: ['housing'],
      source: { slug: 's', title: 'Source S', organization: 'Org & <S>', region: 'national', province: null, url: 'https://s.example.org/feed', siteUrl: 'https://s.example.org/', lastSuccessAt: null },
      also: [ref(9, 'Other "Org"', 'https://other.example.org/a?x=1&y=2', 'en'), ref(10, 'No Link Org', null, 'en')],
      translation: ref(2, 'Org & <S>', 'https://example.org/fr/1', 'fr'),
      enclosure: { url: 'https://example.org/1.mp3', type: 'audio/mpeg', length: 1234 },
    });
    const topics: Topic[] = [{ slug: 'housing', label: { en: 'Housing', fr: 'Logement' }, keywords: { en: [], fr: [] }, categories: [] }];
    const feed = buildOutputFeed({ ...query, ui: 'fr' }, [crossPosted], { ...ctx, topics });
    const [atom] = entries(renderAtom(feed), 'entry');
    expect(atom).toContain('<author><name>Marie Tremblay</name></author>');
    expect(atom).toContain('<contributor><name>Org &amp; &lt;S&gt;</name></contributor>');
    expect(atom).toContain('<link rel="related" type="text/html" href="https://other.example.org/a?x=1&amp;y=2" title="Other &quot;Org&quot;"/>');
    expect(atom).toContain('<link rel="alternate" type="text/html" hreflang="fr" href="https://example.org/fr/1"/>');
    expect(atom).toContain('<link rel="enclosure" href="https://example.org/1.mp3" type="audio/mpeg" length="1234"/>');
    expect(atom).toContain(`<category term="housing" label="Logement" scheme="${PUBLIC}/topics/"/>`);
    expect(atom).toContain('<source><id>https://s.example.org/feed</id><title>Source S</title>');
    // The cross-posters close the HTML content, as escaped text and http(s) links, in the reader's language.
    const also = '&lt;p&gt;Aussi publié par\u00a0: &lt;a href=&quot;https://other.example.org/a?x=1&amp;amp;y=2&quot;&gt;Other &quot;Org&quot;&lt;/a&gt;, No Link Org&lt;/p&gt;</content>';
    expect(atom).toContain(also);
    const [rss] = entries(renderRss(feed), 'item');
    expect(rss).toContain('<dc:creator>Marie Tremblay</dc:creator>');
    // RSS names the organization even when a person signed the item (<source> is the feed's title).
    expect(rss).toContain('<dc:publisher>Org &amp; &lt;S&gt;</dc:publisher>');
    expect(rss).toContain('<source url="https://s.example.org/feed">Source S</source>');
    expect(rss).toContain(`<category domain="${PUBLIC}/topics/">Logement</category>`);
    expect(rss).toContain('<enclosure url="https://example.org/1.mp3" length="1234" type="audio/mpeg"/>');
    expect(rss).toContain(also.replace('</content>', '</content:encoded>'));
    const [item] = JSON.parse(renderJsonFeed(feed)).items;
    expect(item.authors).toEqual([{ name: 'Marie Tremblay' }]);
    expect(item._passerelle).toMatchObject({ organization: 'Org & <S>', also: [{ organization: 'Other "Org"', url: 'https://other.example.org/a?x=1&y=2' }, { organization: 'No Link Org' }] });
  });

  it('treat markup in text-only fields (source title, author) as text in every format', () => {
    const hostile = row(4, {
      author: '<img src=x onerror=alert(1)> Marie',
      source: { slug: 's', title: 'Source <b>S</b> & co', organization: 'Org <i>', region: 'national', province: null, url: 'https://s.example.org/feed', siteUrl: null, lastSuccessAt: null },
    });
    const feed = buildOutputFeed(query, [hostile], ctx);
    const [atom] = entries(renderAtom(feed), 'entry');
    expect(atom).toContain('<author><name>&lt;img src=x onerror=alert(1)&gt; Marie</name></author>');
    expect(atom).toContain('<title>Source &lt;b&gt;S&lt;/b&gt; &amp; co</title>');
    const [rss] = entries(renderRss(feed), 'item');
    expect(rss).toMatch(/<dc:creator>&(lt|#x3C);img src=x onerror=alert\(1\)&gt; Marie<\/dc:creator>/);
    expect(rss).toMatch(/<source url="https:\/\/s.example.org\/feed">Source &(lt|#x3C);b&gt;S&(lt|#x3C);\/b&gt; &(amp|#x26); co<\/source>/);
    for (const doc of [atom, rss]) expect(doc).not.toMatch(/<(img|b|i)[ >]/);
    const [item] = JSON.parse(renderJsonFeed(feed)).items;
    expect(item.authors).toEqual([{ name: '<img src=x onerror=alert(1)> Marie' }]);
    expect(item._passerelle).toMatchObject({ organization: 'Org <i>' });
    expect(item.content_html ?? '').not.toContain('<img src=x');
  });

  it('date an empty feed plausibly: no lastBuildDate in RSS, and an Atom updated no earlier than our ids', () => {
    const feed = buildOutputFeed(query, [], ctx);
    const rss = renderRss(feed);
    expect(rss).not.toContain('<lastBuildDate>');
    expect(rss).not.toContain('1970');
    const atom = renderAtom(feed);
    expect(atom).toContain('<updated>2026-01-01T00:00:00Z</updated>');
    expect(renderRss(buildOutputFeed(query, [row(1)], ctx))).toContain('<lastBuildDate>Wed, 01 May 2024 12:00:00 GMT</lastBuildDate>');
  });
});
