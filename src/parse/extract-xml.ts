// Maps an XML feed (rss-parser's build beside the raw nodes) onto feed and item candidates:
// links, text constructs, authors, categories, enclosures, dates, language and base.

import { decodeHTML, decodeHTMLStrict } from 'entities';

import { readMediaRss, type MediaRss } from './media-rss.ts';
import { isHttpUrl, type ItemCandidate, type FeedCandidate, type RawFeed } from './raw-feed.ts';
import { readEventElements } from './read-event.ts';
import { listOf, type XmlFeed } from './read-xml.ts';
import { escapeHtml, isRecord, resolveHref, type NodeContext, type XmlNode } from './reshape-tree.ts';

interface TextValue {
  value: string;
  html: boolean;
}

interface Link {
  href: string;
  rel: string;
  type?: string;
  hreflang?: string;
  length?: string;
}

const HTML_TYPES = new Set(['html', 'xhtml', 'text/html', 'application/xhtml+xml']);
const TEXT_TYPES = new Set(['text', 'text/plain']);
const HTML_LINK_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const IANA_RELATIONS = 'http://www.iana.org/assignments/relation/';

// RSS syndication module: sy:updateFrequency updates per sy:updatePeriod (default 1).
const PERIOD_MINUTES = new Map([['hourly', 60], ['daily', 1440], ['weekly', 10_080], ['monthly', 43_200], ['yearly', 525_600]]);

// RSS gives no type for titles; these are what a title that is really HTML carries.
const MARKUP_IN_TITLE = /<[A-Za-z/!]|&(?:#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i;

export function extractXmlFeed(xml: XmlFeed, documentUrl?: string): RawFeed {
  return new XmlExtractor(xml, documentUrl).extract();
}

class XmlExtractor {
  constructor(private readonly xml: XmlFeed, private readonly documentUrl?: string) {}

  extract(): RawFeed {
    const { xml } = this;
    const atom = xml.format === 'atom';
    const feedContext = this.contextOf(xml.feedNode, {});
    const feed = atom ? this.readAtomFeed(feedContext) : this.readRssFeed(feedContext);
    const feedAuthors = atom ? this.readAtomAuthors(xml.feedNode) : [];
    const items = xml.itemNodes.map((node, index) => {
      if (node === '') return {}; // an empty <item/>
      if (!isRecord(node)) return node;
      const built = isRecord(xml.built.items[index]) ? xml.built.items[index] : {};
      return atom ? this.readAtomEntry(node, built, feedContext, feedAuthors) : this.readRssItem(node, built, feedContext);
    });
    return { feed, items, skipped: xml.skipped, warnings: [...xml.warnings] };
  }

  private readRssFeed(context: NodeContext): FeedCandidate {
    const { feedNode: node, built } = this.xml;
    const links = this.readLinks(node, ['link', 'atom:link'], context);
    return {
      title: firstText(node, 'title', 'dc:title') ?? trimmed(built.title),
      link: pickLink(links)?.href ?? trimmed(built.link),
      description:
        this.readText(first(node, 'description') ?? first(node, 'dc:description') ?? first(node, 'itunes:summary'), true)?.value ??
        trimmed(built.description),
      language: firstText(node, 'language', 'dc:language') ?? context.lang,
      baseUrl: context.base,
      selfUrl: links.find((l) => l.rel === 'self')?.href ?? trimmed(built.feedUrl),
      hubUrl: links.find((l) => l.rel === 'hub')?.href,
      ttlMinutes: readPositiveInteger(firstText(node, 'ttl')),
      updatePeriodMinutes: readUpdatePeriod(node),
    };
  }

  private readAtomFeed(context: NodeContext): FeedCandidate {
    const { feedNode: node, built } = this.xml;
    const links = this.readLinks(node, ['link'], context);
    const title = this.readText(first(node, 'title'), false);
    return {
      title: title ? (title.html ? htmlToText(title.value) : title.value) : trimmed(built.title),
      link: pickLink(links, context.lang)?.href,
      description: this.readText(first(node, 'subtitle') ?? first(node, 'tagline'), false)?.value,
      language: context.lang ?? firstText(node, 'dc:language'),
      baseUrl: context.base,
      selfUrl: links.find((l) => l.rel === 'self')?.href,
      hubUrl: links.find((l) => l.rel === 'hub')?.href,
      updatePeriodMinutes: readUpdatePeriod(node),
    };
  }

  private readRssItem(node: XmlNode, built: XmlNode, feedContext: NodeContext): ItemCandidate {
    const context = this.contextOf(node, feedContext);
    const contentNode = first(node, 'content:encoded') ?? first(node, 'xhtml:body') ?? first(node, 'body') ?? first(node, 'fullitem');
    const summaryNode = first(node, 'description') ?? first(node, 'dc:description') ?? first(node, 'itunes:summary');
    const bodyContext = this.contextOf(contentNode ?? summaryNode, context);
    const language = firstText(node, 'dc:language') ?? bodyContext.lang;

    const guidNode = first(node, 'guid');
    const guid = trimmed(textOf(guidNode)) ?? trimmed(built.guid) ?? trimmed(attributesOf(node)['rdf:about']);
    const links = this.readLinks(node, ['link', 'atom:link'], context);
    const chosen = pickLink(links, language);
    let link = chosen?.href;
    // RSS 2.0: a guid is a permalink unless isPermaLink="false".
    if (!link && guid && isHttpUrl(guid) && trimmed(attributesOf(guidNode).isPermaLink)?.toLowerCase() !== 'false') {
      link = guid;
    }

    const title = this.readText(first(node, 'title') ?? first(node, 'dc:title'), false);
    const content = this.readText(contentNode, true);
    const summary = this.readText(summaryNode, true);
    const creators = texts(node, 'dc:creator');
    const media = this.readMedia(node, context);
    return {
      guid,
      link: link ?? trimmed(built.link),
      title: title?.value ?? media.title,
      titleIsHtml: title ? title.html || MARKUP_IN_TITLE.test(title.value) : media.titleIsHtml,
      contentHtml: (content && asHtml(content)) || mediaBody(summary, media),
      summaryHtml: summary && asHtml(summary),
      author: (creators.length ? creators.join(', ') : undefined) ?? firstText(node, 'author') ?? trimmed(built.creator) ?? firstText(node, 'itunes:author'),
      published: firstText(node, 'pubDate', 'dc:date', 'atom:published', 'dcterms:issued') ?? trimmed(built.pubDate),
      updated: firstText(node, 'atom:updated', 'dcterms:modified'),
      categories: [...readCategories(node), ...media.categories],
      language,
      baseUrl: bodyContext.base,
      enclosure: this.readRssEnclosure(node, context) ?? enclosureFromLinks(links) ?? media.enclosure,
      alternates: alternatesOf(links, chosen),
      event: readEventElements(node, links, (element, href) => resolveHref(href, this.contextOf(element, context).base ?? this.documentUrl)),
    };
  }

  private readAtomEntry(node: XmlNode, built: XmlNode, feedContext: NodeContext, feedAuthors: string[]): ItemCandidate {
    const context = this.contextOf(node, feedContext);
    let contentNode = first(node, 'content');
    // RFC 4287 §4.1.3.2: content with a src attribute is elsewhere; there is nothing inline to keep.
    if (attributesOf(contentNode).src !== undefined) contentNode = undefined;
    const summaryNode = first(node, 'summary');
    const bodyContext = this.contextOf(contentNode ?? summaryNode, context);
    const language = firstText(node, 'dc:language') ?? bodyContext.lang;

    const links = this.readLinks(node, ['link'], context);
    const chosen = pickLink(links, language);
    const title = this.readText(first(node, 'title'), false);
    const content = this.readText(contentNode, false);
    const summary = this.readText(summaryNode, false);
    const media = this.readMedia(node, context);
    // RFC 4287 §4.2.1: an entry without authors takes its source's, then its feed's.
    const authors = this.readAtomAuthors(node);
    const sourceAuthors = authors.length ? authors : this.readAtomAuthors(first(node, 'source'));
    const allAuthors = sourceAuthors.length ? sourceAuthors : feedAuthors;
    const id = firstText(node, 'id') ?? trimmed(built.id);
    return {
      guid: id,
      // RFC 4287 lets an id be an IRI nobody can fetch; an http id stands in only when the entry
      // gives no link at all, and then it is the entry's page (WordPress's "?p=42" ids).
      link: chosen?.href ?? (id && isHttpUrl(id) ? id : undefined),
      title: title?.value ?? media.title,
      titleIsHtml: title ? title.html : media.titleIsHtml,
      contentHtml: (content && asHtml(content)) || mediaBody(summary, media),
      summaryHtml: summary && asHtml(summary),
      author: allAuthors.length ? allAuthors.join(', ') : undefined,
      published: firstText(node, 'published', 'issued', 'created'),
      updated: firstText(node, 'updated', 'modified'),
      categories: [...readCategories(node), ...media.categories],
      language,
      baseUrl: bodyContext.base,
      enclosure: enclosureFromLinks(links) ?? media.enclosure,
      alternates: alternatesOf(links, chosen),
      event: readEventElements(node, links, (element, href) => resolveHref(href, this.contextOf(element, context).base ?? this.documentUrl)),
    };
  }

  private readMedia(node: XmlNode, context: NodeContext): MediaRss {
    return readMediaRss(node, (href, element) => resolveHref(href, this.contextOf(element, context).base ?? this.documentUrl));
  }

  private readAtomAuthors(node: unknown): string[] {
    return listOf(isRecord(node) ? node.author : undefined)
      .map((author) => firstText(author, 'name') ?? trimmed(textOf(author)))
      .filter((name): name is string => name !== undefined);
  }

  private readRssEnclosure(node: XmlNode, context: NodeContext) {
    for (const enclosure of listOf(node.enclosure)) {
      const attributes = attributesOf(enclosure);
      const url = trimmed(attributes.url) && decodeUrlEntities(trimmed(attributes.url)!);
      if (!url) continue;
      return {
        url: resolveHref(url, this.contextOf(enclosure, context).base ?? this.documentUrl),
        type: trimmed(attributes.type),
        length: trimmed(attributes.length),
      };
    }
    return undefined;
  }

  /** Link elements, Atom-style (href, rel) or RSS-style (text), with hrefs resolved. */
  private readLinks(node: unknown, names: string[], context: NodeContext): Link[] {
    const links: Link[] = [];
    for (const name of names) {
      for (const element of listOf(isRecord(node) ? node[name] : undefined)) {
        const attributes = attributesOf(element);
        const base = this.contextOf(element, context).base ?? this.documentUrl;
        const raw = typeof attributes.href === 'string' ? attributes.href.trim() : trimmed(textOf(element));
        const written = raw && decodeUrlEntities(raw);
        // href="" names the base itself (RFC 3986 §5.2.2); with no base it names nothing.
        if (written === undefined || (written === '' && base === undefined)) continue;
        let rel = trimmed(attributes.rel)?.toLowerCase() ?? 'alternate'; // RFC 4287 §4.2.7.2
        if (rel.startsWith(IANA_RELATIONS)) rel = rel.slice(IANA_RELATIONS.length);
        links.push({
          href: resolveHref(written, base),
          rel,
          type: trimmed(attributes.type)?.toLowerCase(),
          hreflang: trimmed(attributes.hreflang),
          length: trimmed(attributes.length),
        });
      }
    }
    return links;
  }

  /** A text construct (Atom 1.0 type, Atom 0.3 type and mode) or a plain RSS element. */
  private readText(value: unknown, htmlByDefault: boolean): TextValue | undefined {
    if (typeof value === 'string') return { value: value.trim(), html: htmlByDefault };
    if (!isRecord(value)) return undefined;
    if (this.xml.markupNodes.has(value)) return { value: String(value._), html: true };
    const attributes = attributesOf(value);
    let text = typeof value._ === 'string' ? value._ : '';
    if (trimmed(attributes.mode)?.toLowerCase() === 'base64') text = Buffer.from(text, 'base64').toString('utf8');
    const type = trimmed(attributes.type)?.toLowerCase() ?? '';
    // RFC 4287 §4.1.3.3: other media types are text/* (plain text), XML, or base64 binary,
    // which is nothing a reader can show.
    if (type.includes('/') && !HTML_TYPES.has(type) && !TEXT_TYPES.has(type) && !/^text\/|[/+]xml$/.test(type)) return undefined;
    const html = HTML_TYPES.has(type) ? true : TEXT_TYPES.has(type) || type.startsWith('text/') ? false : htmlByDefault;
    return { value: text.trim(), html };
  }

  private contextOf(node: unknown, fallback: NodeContext): NodeContext {
    return (isRecord(node) && this.xml.contexts.get(node)) || fallback;
  }
}

function first(node: unknown, name: string): unknown {
  return isRecord(node) ? listOf(node[name])[0] : undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value._ === 'string') return value._;
  return undefined;
}

function trimmed(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function attributesOf(value: unknown): XmlNode {
  return isRecord(value) && isRecord(value.$) ? value.$ : {};
}

/** The first non-empty text among the named children, in the order of the names. */
function firstText(node: unknown, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const child of listOf(isRecord(node) ? node[name] : undefined)) {
      const text = trimmed(textOf(child));
      if (text) return text;
    }
  }
  return undefined;
}

function texts(node: XmlNode, name: string): string[] {
  return listOf(node[name]).map((child) => trimmed(textOf(child))).filter((t): t is string => t !== undefined);
}

/** An entry whose only text is its Media RSS (a video, a podcast episode) gets that as its body. */
function mediaBody(summary: TextValue | undefined, media: MediaRss): string | undefined {
  return summary?.value ? undefined : media.html;
}

/**
 * A URL whose entities were escaped once too often: `&amp;` written inside CDATA (where it stays
 * as written) or escaped twice. No real URL holds a complete entity reference, and only complete
 * ones (with their ";") are decoded, so `?a=1&copy=2` is left alone.
 */
function decodeUrlEntities(url: string): string {
  return /&(?:[a-z][a-z\d]*|#\d+|#x[\da-f]+);/i.test(url) ? decodeHTMLStrict(url) : url;
}

function asHtml(text: TextValue): string {
  return text.html ? text.value : escapeHtml(text.value);
}

/** RSS <category> (text, with or without domain), Atom <category term label>, and dc:subject. */
function readCategories(node: XmlNode): string[] {
  const categories: string[] = [];
  for (const category of listOf(node.category)) {
    const attributes = attributesOf(category);
    const values = [trimmed(textOf(category)), trimmed(attributes.term), trimmed(attributes.label)];
    for (const value of values) if (value && !categories.includes(value)) categories.push(value);
  }
  for (const subject of texts(node, 'dc:subject')) if (!categories.includes(subject)) categories.push(subject);
  return categories;
}

/** The alternate link to the entry itself: HTML first, then the entry's own language. */
function pickLink(links: Link[], language?: string): Link | undefined {
  const alternates = links.filter((l) => l.rel === 'alternate');
  const html = alternates.filter((l) => !l.type || HTML_LINK_TYPES.has(l.type));
  const pool = html.length ? html : alternates;
  const primary = language?.toLowerCase().split('-')[0];
  return (
    (primary && pool.find((l) => l.hreflang?.toLowerCase().split('-')[0] === primary)) ||
    pool.find((l) => !l.hreflang) ||
    pool[0]
  );
}

function alternatesOf(links: Link[], chosen: Link | undefined) {
  const alternates: { href: string; hreflang: string }[] = [];
  for (const link of links) {
    if (link.rel !== 'alternate' || !link.hreflang || link.href === chosen?.href) continue;
    if (!alternates.some((a) => a.href === link.href)) alternates.push({ href: link.href, hreflang: link.hreflang });
  }
  return alternates.length ? alternates : undefined;
}

function enclosureFromLinks(links: Link[]) {
  const link = links.find((l) => l.rel === 'enclosure');
  return link && { url: link.href, type: link.type, length: link.length };
}

function readPositiveInteger(text: string | undefined): number | undefined {
  if (!text || !/^\d{1,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 ? value : undefined;
}

function readUpdatePeriod(node: XmlNode): number | undefined {
  const minutes = PERIOD_MINUTES.get(firstText(node, 'sy:updatePeriod')?.toLowerCase() ?? '');
  if (minutes === undefined) return undefined;
  const frequency = readPositiveInteger(firstText(node, 'sy:updateFrequency')) ?? 1;
  return Math.max(1, Math.round(minutes / frequency));
}

/** Plain text of an HTML fragment (an Atom feed title of type html), in linear time. */
function htmlToText(html: string): string {
  let text = '';
  let i = 0;
  while (i < html.length) {
    const open = html.indexOf('<', i);
    if (open < 0 || !/[A-Za-z/!?]/.test(html.charAt(open + 1))) {
      text += html.slice(i, open < 0 ? html.length : open + 1);
      if (open < 0) break;
      i = open + 1;
      continue;
    }
    text += html.slice(i, open);
    let j = open + 1;
    let quote = '';
    for (; j < html.length; j++) {
      const c = html[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    if (j >= html.length) break; // an unterminated tag: drop the rest
    i = j + 1;
  }
  return decodeHTML(text).trim();
}
