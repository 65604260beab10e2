// RSS 2.0 view (https://www.rssboard.org/rss-specification): the summary in <description>, the
// sanitized HTML in content:encoded, the publishing organization in dc:publisher and its feed in
// <source>, topics as categories, an event's dates and place in the RSS event module
// (http://purl.org/rss/1.0/modules/event/).
import type { OutputFeed } from './output-feed.ts';
import { attributes, element, escapeHtmlText, escapeXml, rfc822 } from './xml.ts';

/**
 * RSS does not say whether <title> or the channel's <description> hold text or HTML, so readers
 * guess. Writing & and < as hexadecimal references is the unambiguous form the RSS Advisory Board
 * recommends. An item's <description> is different: RSS 2.0 allows entity-encoded HTML there and
 * readers render it as HTML, so plain text goes in HTML-escaped (see renderRss).
 */
function plain(name: string, text: string): string {
  return `<${name}>${escapeXml(text).replace(/&amp;/g, '&#x26;').replace(/&lt;/g, '&#x3C;')}</${name}>`;
}

export function renderRss(feed: OutputFeed): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:ev="http://purl.org/rss/1.0/modules/event/">',
    '<channel>',
    plain('title', feed.title),
    element('link', feed.homeUrl),
    plain('description', feed.description),
    element('language', feed.language === 'fr' ? 'fr-ca' : 'en-ca'),
    // Optional in RSS 2.0, and an empty channel has no date to give.
    ...(feed.entries.length ? [element('lastBuildDate', rfc822(feed.updated))] : []),
    element('generator', `${feed.generator.name} ${feed.generator.version}`),
    element('docs', 'https://www.rssboard.org/rss-specification'),
    `<atom:link${attributes({ rel: 'self', type: 'application/rss+xml', href: feed.selfUrls.rss })}/>`,
  ];
  if (feed.hubUrl) out.push(`<atom:link${attributes({ rel: 'hub', href: feed.hubUrl })}/>`);
  for (const e of feed.entries) {
    out.push('<item>');
    out.push(plain('title', e.title));
    if (e.url) out.push(element('link', e.url));
    out.push(element('description', escapeHtmlText(e.summary || e.title)));
    if (e.contentHtml) out.push(`<content:encoded>${escapeXml(e.contentHtml)}</content:encoded>`);
    out.push(element('guid', e.id, { isPermaLink: 'false' }));
    out.push(element('pubDate', rfc822(e.published)));
    out.push(element('dc:creator', e.author ?? e.organization));
    // The publishing organization (Dublin Core: "an entity responsible for making the resource
    // available"); <source> below names its feed, whose title need not name the organization.
    out.push(element('dc:publisher', e.organization));
    // dc:language takes an ISO 639 code; an item in a language we do not publish in names none.
    if (e.language !== 'other') out.push(element('dc:language', e.language));
    for (const c of e.categories) out.push(element('category', c.label, { domain: c.scheme }));
    out.push(element('source', e.sourceTitle, { url: e.sourceFeedUrl }));
    if (e.enclosure) {
      out.push(`<enclosure${attributes({ url: e.enclosure.url, length: e.enclosure.length ?? 0, type: e.enclosure.type ?? 'application/octet-stream' })}/>`);
    }
    if (e.event) {
      // The RSS event module: W3CDTF dates, as the event gives them (a date alone when all-day).
      out.push(element('ev:startdate', e.event.start));
      if (e.event.end) out.push(element('ev:enddate', e.event.end));
      if (e.event.location) out.push(element('ev:location', e.event.location));
      out.push(element('ev:organizer', e.organization));
    }
    out.push('</item>');
  }
  out.push('</channel>', '</rss>');
  return `${out.join('\n')}\n`;
}
