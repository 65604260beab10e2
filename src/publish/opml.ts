// OPML 2.0 (http://opml.org/spec2.opml) bundles: one outline per feed, for one-click import.
import { attributes, element, rfc822 } from './xml.ts';

export interface OpmlOutline {
  text: string;
  xmlUrl: string;
  htmlUrl?: string;
  type?: 'rss';
  description?: string;
  language?: string;
  category?: string;
}

export function renderOpml(title: string, outlines: OpmlOutline[], updated: Date, folder?: string): string {
  const lines = outlines.map(
    (o) =>
      `    <outline${attributes({ type: o.type ?? 'rss', text: o.text, title: o.text, xmlUrl: o.xmlUrl, htmlUrl: o.htmlUrl, description: o.description, language: o.language, category: o.category })}/>`,
  );
  const body = folder ? [`  <outline${attributes({ text: folder, title: folder })}>`, ...lines, '  </outline>'] : lines.map((l) => l.slice(2));
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '<head>',
    element('title', title),
    element('dateModified', rfc822(updated)),
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</opml>',
    '',
  ].join('\n');
}
