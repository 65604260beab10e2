// Feed autodiscovery in an HTML page: the <link rel="alternate"> elements that announce a feed
// (RSS Autodiscovery, https://www.rssboard.org/rss-autodiscovery; JSON Feed 1.1 §Discovery),
// resolved against <base href> and the page URL. Only parse/ and normalize/'s sanitizer read HTML.
import { Parser } from 'htmlparser2';

export interface FeedLink {
  url: string;
  title?: string;
  /** The media type the page announced. */
  type: string;
}

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
]);

/** Feeds a page links to, in page order, without duplicates; only http(s) URLs. */
export function findFeedLinks(html: string, pageUrl: string): FeedLink[] {
  let base = pageUrl;
  let baseSeen = false;
  const found: { href: string; title?: string; type: string }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && !baseSeen && attrs.href) {
          baseSeen = true;
          try {
            base = new URL(attrs.href.trim(), pageUrl).href;
          } catch {
            /* an unusable <base> is ignored, as browsers do */
          }
          return;
        }
        if (name !== 'link' || !attrs.href) return;
        const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0].trim();
        if (!rel.includes('alternate') && !rel.includes('feed')) return;
        if (!FEED_TYPES.has(type)) return;
        // application/json alone is also used for oEmbed and REST links; JSON Feed 1.1 says a
        // feed link carries a title, so require one for the generic type.
        if (type === 'application/json' && !attrs.title) return;
        if (rel.includes('alternate') && /^(application|text)\/xml$/.test(type) && !attrs.title) return;
        found.push({ href: attrs.href.trim(), title: attrs.title?.trim() || undefined, type });
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();

  const seen = new Set<string>();
  const links: FeedLink[] = [];
  for (const f of found) {
    let url: URL;
    try {
      url = new URL(f.href, base);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    links.push({ url: url.href, type: f.type, ...(f.title ? { title: f.title } : {}) });
  }
  return links;
}

/** True when a body looks like an HTML page rather than a feed document. */
export function looksLikeHtml(text: string, contentType?: string): boolean {
  if (/^\s*(text\/html|application\/xhtml\+xml)/i.test(contentType ?? '')) return true;
  return /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>])/i.test(text.replace(/^\uFEFF/, ''));
}
