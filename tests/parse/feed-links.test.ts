import { describe, expect, it } from 'vitest';
import { findFeedLinks, looksLikeHtml } from '../../src/parse/index.ts';

describe('findFeedLinks', () => {
  it('finds RSS, Atom and JSON Feed links, resolved against the page and <base>', () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" title="News &amp; events" href="/feed/">
      <link rel="alternate" type="application/atom+xml" href="atom.xml">
      <link rel="alternate" type="application/feed+json" title="JSON" href="https://cdn.example.org/feed.json#top">
      <link rel="alternate" hreflang="fr" href="/fr/">
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml" href="/feed/">
    </head><body></body></html>`;
    expect(findFeedLinks(html, 'https://www.example.org/about/us')).toEqual([
      { url: 'https://www.example.org/feed/', type: 'application/rss+xml', title: 'News & events' },
      { url: 'https://www.example.org/about/atom.xml', type: 'application/atom+xml' },
      { url: 'https://cdn.example.org/feed.json', type: 'application/feed+json', title: 'JSON' },
    ]);
    const based = '<head><base href="https://static.example.org/site/"><link rel="ALTERNATE feed" type="application/RSS+XML" href="rss"></head>';
    expect(findFeedLinks(based, 'https://example.org/')).toEqual([{ url: 'https://static.example.org/site/rss', type: 'application/rss+xml' }]);
  });

  it('finds nothing on a page without feed links', () => {
    expect(findFeedLinks('<html><head><title>x</title></head><body><a href="/feed">feed</a></body></html>', 'https://example.org/')).toEqual([]);
  });

  it('tells HTML pages from feed documents', () => {
    expect(looksLikeHtml('<!DOCTYPE html><html>', undefined)).toBe(true);
    expect(looksLikeHtml('<!-- c --> <html lang="fr">', undefined)).toBe(true);
    expect(looksLikeHtml('<?xml version="1.0"?><rss/>', 'text/html; charset=utf-8')).toBe(true);
    expect(looksLikeHtml('<?xml version="1.0"?><rss/>', 'application/rss+xml')).toBe(false);
    expect(looksLikeHtml('{"version":"https://jsonfeed.org/version/1.1"}', 'application/json')).toBe(false);
  });
});
