// OPML 2.0 (http://opml.org/spec2.opml) bundles: one outline per feed, for one-click import.
import { attributes, element, rfc822 } from './xml.ts';

export interface OpmlOutline {
  text: string;
  xmlUrl: string;
  htmlUrl?: string;
  type?: 'rss';
  description?: string;
  /** One language code, as in the feed's own <language>. */
  language?: string;
  category?: string;
}

export interface OpmlOptions {
  /** Puts every outline in one folder of this name. */
  folder?: string;
  /** dateModified is optional; a bundle with no date of its own leaves it out. */
  updated?: Date;
}

export function renderOpml(title: string, outlines: OpmlOutline[], options: OpmlOptions = {}): string {
  const { folder, updated } = options;
  const lines = outlines.map(
    (o) =>
      `    <outline${attributes({ type: o.type ?? 'rss', text: o.text, title: o.text, xmlUrl: o.xmlUrl, htmlUrl: o.htmlUrl, description: o.description, language: o.language, category: o.category })}/>`,
  );
  // A folder is an outline with text alone: any other attribute asks for a type saying how to read it.
  const body = folder ? [`  <outline${attributes({ text: folder })}>`, ...lines, '  </outline>'] : lines.map((l) => l.slice(2));
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '<head>',
    element('title', title),
    ...(updated ? [element('dateModified', rfc822(updated))] : []),
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</opml>',
    '',
  ].join('\n');
}
