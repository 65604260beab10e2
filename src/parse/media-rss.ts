// Media RSS (rssboard.org/media-rss): the title, description, thumbnail and media file of a video
// or podcast entry. YouTube channel feeds and many podcast hosts put an entry's only text there,
// inside media:group or media:content, so without it their items come out empty.

import { listOf } from './read-xml.ts';
import { escapeHtml, isRecord, type XmlNode } from './reshape-tree.ts';

export interface MediaRss {
  title?: string;
  titleIsHtml?: boolean;
  /** The thumbnail and the description, as HTML; undefined when the entry has neither. */
  html?: string;
  /** The first audio or video file (not a Flash player). */
  enclosure?: { url: string; type?: string; length?: string };
  categories: string[];
}

/** Resolves a URL written on `element` against the base in effect there. */
export type ResolveHref = (href: string, element: unknown) => string;

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/g;

/**
 * The Media RSS of one item or entry. The spec lets each element sit on the item, in a
 * media:group or in a media:content; the most general place that has it wins, as a reader would
 * show it.
 */
export function readMediaRss(item: XmlNode, resolve: ResolveHref): MediaRss {
  const groups = children(item, 'media:group');
  const contents = [item, ...groups].flatMap((scope) => children(scope, 'media:content'));
  const scopes = [item, ...groups, ...contents];

  const titleNode = firstOf(scopes, 'media:title');
  const titleText = textOf(titleNode).trim();
  const descriptionNode = firstOf(scopes, 'media:description');
  const description = textOf(descriptionNode).trim();
  const thumbnail = scopes.flatMap((scope) => children(scope, 'media:thumbnail')).find((t) => attribute(t, 'url'));

  const parts: string[] = [];
  if (thumbnail) parts.push(`<p><img src="${escapeAttribute(resolve(attribute(thumbnail, 'url')!, thumbnail))}" alt=""></p>`);
  if (description) parts.push(isHtml(descriptionNode) ? description : plainTextToHtml(description));

  const media = contents.find((content) => {
    const type = attribute(content, 'type')?.toLowerCase() ?? '';
    const medium = attribute(content, 'medium')?.toLowerCase() ?? '';
    return attribute(content, 'url') && (/^(audio|video)\//.test(type) || (!type && /^(audio|video)$/.test(medium)));
  });

  const categories: string[] = [];
  for (const scope of [item, ...groups]) {
    for (const category of children(scope, 'media:category')) {
      const value = textOf(category).trim() || attribute(category, 'label');
      if (value && !categories.includes(value)) categories.push(value);
    }
  }

  return {
    title: titleText || undefined,
    titleIsHtml: titleText ? isHtml(titleNode) : undefined,
    html: parts.length ? parts.join('\n') : undefined,
    enclosure: media && {
      url: resolve(attribute(media, 'url')!, media),
      type: attribute(media, 'type'),
      length: attribute(media, 'fileSize'),
    },
    categories,
  };
}

function children(node: unknown, name: string): XmlNode[] {
  return listOf(isRecord(node) ? node[name] : undefined).map((child) => (isRecord(child) ? child : { _: child }));
}

function firstOf(scopes: XmlNode[], name: string): XmlNode | undefined {
  for (const scope of scopes) {
    const found = children(scope, name).find((child) => textOf(child).trim());
    if (found) return found;
  }
  return undefined;
}

function textOf(node: XmlNode | undefined): string {
  return typeof node?._ === 'string' ? node._ : '';
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = isRecord(node.$) ? node.$[name] : undefined;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Media RSS text is plain unless type="html". */
function isHtml(node: XmlNode | undefined): boolean {
  return node !== undefined && attribute(node, 'type')?.toLowerCase() === 'html';
}

/** A plain-text description (a video's, with its links and line breaks) as the HTML a reader shows. */
function plainTextToHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => {
      let html = '';
      let at = 0;
      for (const match of paragraph.matchAll(URL_IN_TEXT)) {
        const url = match[0].replace(/[.,;:!?)\]]+$/, '');
        html += escapeHtml(paragraph.slice(at, match.index)) + `<a href="${escapeAttribute(url)}">${escapeHtml(url)}</a>`;
        at = match.index + url.length;
      }
      html += escapeHtml(paragraph.slice(at));
      return `<p>${html.trim().replace(/\s*\n\s*/g, '<br>')}</p>`;
    })
    .join('\n');
}

function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, '&quot;');
}
