// The one sanitizing policy, applied once, last in normalize. Everything downstream (store,
// publish, web, embed) trusts stored HTML because of this file: keep the policy frozen and
// strict, and change it only with a test from the hostile fixtures.
import sanitize from 'sanitize-html';
import { resolveHttpUrl } from './urls.ts';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'kbd', 'samp',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup',
  'small', 'mark', 'abbr', 'cite', 'q', 'dfn', 'time', 'a', 'img', 'figure', 'figcaption', 'table', 'thead',
  'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col', 'span', 'div', 'section', 'article',
  'aside', 'header', 'footer', 'address', 'details', 'summary', 'wbr', 'bdi', 'bdo', 'ruby', 'rt', 'rp',
];

/** Known video hosts whose embeds become plain links (no iframes are ever kept). */
const VIDEO_EMBEDS: { pattern: RegExp; toUrl(m: RegExpExecArray): string; label: string }[] = [
  {
    pattern: /^https?:\/\/(?:www\.)?youtube(?:-nocookie)?\.com\/embed\/([\w-]{6,20})/i,
    toUrl: (m) => `https://www.youtube.com/watch?v=${m[1]}`,
    label: 'YouTube',
  },
  {
    pattern: /^https?:\/\/player\.vimeo\.com\/video\/(\d+)/i,
    toUrl: (m) => `https://vimeo.com/${m[1]}`,
    label: 'Vimeo',
  },
];

/** Image hosts and paths that only exist to count readers. */
const TRACKER = /(?:feeds\.feedburner\.com\/~r\/|feeds\.feedburner\.com\/~ff\/|pixel\.wp\.com|stats\.wordpress\.com|\/b\.gif\b|doubleclick\.net|google-analytics\.com|pixel\.quantserve|\.list-manage\.com\/track\/|mailchimp\.com\/track|\/open\.gif|\/track\/open|facebook\.com\/tr\b)/i;

export interface SanitizeOptions {
  /** Bases for relative URLs, most specific first (xml:base, item link, feed link, fetch URL). */
  bases: (string | undefined)[];
}

/** Returns HTML that is safe to show anywhere: see the file header. */
export function sanitizeHtml(html: string, options: SanitizeOptions): string {
  const bases = options.bases;
  const resolve = (href: string | undefined) => resolveHttpUrl(href, ...bases);
  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'hreflang', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
      abbr: ['title'],
      time: ['datetime'],
      q: ['cite'],
      blockquote: ['cite'],
      td: ['colspan', 'rowspan', 'headers'],
      th: ['colspan', 'rowspan', 'headers', 'scope'],
      col: ['span'],
      colgroup: ['span'],
      ol: ['start', 'reversed', 'type'],
      li: ['value'],
      '*': ['lang', 'dir'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    allowedStyles: {},
    allowVulnerableTags: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'template', 'xmp', 'noembed', 'noframes', 'iframe', 'object', 'embed', 'applet', 'frameset', 'select', 'button', 'svg', 'math'],
    transformTags: {
      a: (tagName, attribs) => {
        const href = attribs.href?.startsWith('mailto:') ? attribs.href : resolve(attribs.href);
        const out: Record<string, string> = { ...attribs, rel: 'nofollow noopener noreferrer' };
        if (href) out.href = href;
        else delete out.href;
        return { tagName, attribs: out };
      },
      img: (tagName, attribs) => {
        const src = resolve(attribs.src);
        const out: Record<string, string> = { ...attribs, loading: 'lazy' };
        if (src) out.src = src;
        else delete out.src;
        return { tagName, attribs: out };
      },
      q: citeResolver(resolve),
      blockquote: citeResolver(resolve),
      iframe: (_tagName, attribs): sanitize.Tag => {
        const src = resolveHttpUrl(attribs.src?.startsWith('//') ? `https:${attribs.src}` : attribs.src, ...bases);
        for (const embed of VIDEO_EMBEDS) {
          const m = src ? embed.pattern.exec(src) : null;
          if (m) {
            return { tagName: 'a', attribs: { href: embed.toUrl(m), rel: 'nofollow noopener noreferrer' }, text: `Video (${embed.label})` };
          }
        }
        return { tagName: 'iframe', attribs: {} as sanitize.Attributes };
      },
    },
    exclusiveFilter: (frame) => {
      if (frame.tag === 'img') {
        const src = frame.attribs.src;
        if (!src) return true;
        if (TRACKER.test(src)) return true;
        const w = Number(frame.attribs.width);
        const h = Number(frame.attribs.height);
        if ((frame.attribs.width !== undefined && w <= 1) || (frame.attribs.height !== undefined && h <= 1)) return true;
      }
      return false;
    },
  }).trim();
}

function citeResolver(resolve: (href: string | undefined) => string | undefined) {
  return (tagName: string, attribs: sanitize.Attributes) => {
    const out = { ...attribs };
    const cite = resolve(attribs.cite);
    if (cite) out.cite = cite;
    else delete out.cite;
    return { tagName, attribs: out };
  };
}
