// Atom 1.0 view (RFC 4287): every entry has an id, a title, updated, an author (the publishing
// organization when the item names no one), and its original feed in atom:source.
import type { OutputFeed } from './output-feed.ts';
import { attributes, element, escapeXml, rfc3339 } from './xml.ts';

export function renderAtom(feed: OutputFeed): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom"${attributes({ 'xml:lang': feed.language })}>`,
    element('id', feed.id),
    element('title', feed.title, { type: 'text' }),
    element('subtitle', feed.description, { type: 'text' }),
    element('updated', rfc3339(feed.updated)),
    `<author>${element('name', feed.generator.name)}${element('uri', feed.generator.uri)}</author>`,
    element('generator', feed.generator.name, { uri: feed.generator.uri, version: feed.generator.version }),
    `<link${attributes({ rel: 'self', type: 'application/atom+xml', href: feed.selfUrls.atom })}/>`,
    `<link${attributes({ rel: 'alternate', type: 'text/html', href: feed.homeUrl })}/>`,
  ];
  if (feed.hubUrl) out.push(`<link${attributes({ rel: 'hub', href: feed.hubUrl })}/>`);
  for (const e of feed.entries) {
    out.push(`<entry${attributes({ 'xml:lang': e.language === 'other' ? undefined : e.language })}>`);
    out.push(element('id', e.id));
    out.push(element('title', e.title, { type: 'text' }));
    if (e.url) out.push(`<link${attributes({ rel: 'alternate', type: 'text/html', href: e.url })}/>`);
    if (e.translation) out.push(`<link${attributes({ rel: 'alternate', type: 'text/html', hreflang: e.translation.language, href: e.translation.url })}/>`);
    for (const a of e.also) if (a.url) out.push(`<link${attributes({ rel: 'related', type: 'text/html', href: a.url, title: a.organization })}/>`);
    if (e.enclosure) out.push(`<link${attributes({ rel: 'enclosure', href: e.enclosure.url, type: e.enclosure.type, length: e.enclosure.length })}/>`);
    out.push(element('published', rfc3339(e.published)));
    out.push(element('updated', rfc3339(e.updated)));
    out.push(`<author>${element('name', e.author ?? e.organization)}</author>`);
    if (e.author) out.push(`<contributor>${element('name', e.organization)}</contributor>`);
    for (const c of e.categories) out.push(`<category${attributes({ term: c.term, label: c.label, scheme: c.scheme })}/>`);
    if (e.contentHtml) {
      if (e.summary) out.push(element('summary', e.summary, { type: 'text' }));
      out.push(`<content type="html">${escapeXml(e.contentHtml)}</content>`);
    } else {
      // §4.1.1: an entry with no atom:content MUST have an alternate link, and an item may have
      // neither body nor link; the text it has (summary, else title) is its content, as in RSS.
      out.push(element('content', e.summary || e.title, { type: 'text' }));
    }
    out.push(
      `<source>${element('id', e.sourceFeedUrl)}${element('title', e.sourceTitle)}${element('updated', rfc3339(e.updated))}<link${attributes({ rel: 'self', href: e.sourceFeedUrl })}/>${
        e.sourceSiteUrl ? `<link${attributes({ rel: 'alternate', type: 'text/html', href: e.sourceSiteUrl })}/>` : ''
      }</source>`,
    );
    out.push('</entry>');
  }
  out.push('</feed>');
  return `${out.join('\n')}\n`;
}
