// The one sanitizing policy, applied once, last in normalize. Everything downstream (store,
// publish, web, embed) trusts stored HTML because of this file: keep the policy frozen and
// strict, and change it only with a test from the hostile fixtures.
//
// What comes out, whatever a source sends: an allowlist of text and structure elements; no script,
// event handler, style, form, iframe, object, svg or math; every href/src/cite absolute (resolved
// against xml:base, item link, feed link, fetch URL *before* the scheme check) and http(s), or
// mailto for links; every link rel="nofollow noopener noreferrer" and never a target; tracking
// pixels dropped; a YouTube or Vimeo iframe turned into a plain link. Why this resists mutation
// XSS: sanitize-html re-serializes what htmlparser2 parsed (text escaped, attributes quoted and
// escaped), and the output never holds an element whose content a browser parses differently
// (script, style, textarea, title, xmp, noscript, iframe, noembed, template, svg, math …), so
// re-parsing it gives back the same tree.
//
// sanitize-html 2.17.5 pitfall: a transform must never rename a tag to a *disallowed* name; the
// rename stays in its depth map and corrupts a later closing tag. Unwrap or drop through
// `exclusiveFilter` instead.
import sanitize from 'sanitize-html';
import { htmlToText } from './text.ts';
import { resolveHttpUrl } from './urls.ts';

type Resolve = (href: string | undefined) => string | undefined;
/** sanitize-html 2.17 options; its typings (2.16) do not know `allowedEmptyAttributes` yet. */
type Policy = sanitize.IOptions & { allowedEmptyAttributes: string[] };

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup',
  'small', 'big', 'tt', 'mark', 'abbr', 'acronym', 'cite', 'q', 'dfn', 'time', 'a', 'img', 'figure', 'figcaption',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col', 'span', 'div', 'section',
  'article', 'aside', 'header', 'footer', 'address', 'details', 'summary', 'wbr', 'bdi', 'bdo', 'ruby', 'rt', 'rp',
];

/**
 * Disallowed elements dropped *with* their content. Every other disallowed element (font, center,
 * form, label, picture, video …) is unwrapped and its text kept. Raw-text elements are here because
 * their content is not markup; embeds and foreign content because their content is never shown
 * as text; form controls because their text is a control's label or value, not prose.
 */
const DROPPED_WITH_CONTENT = [
  'script', 'style', 'template', 'noscript', 'title', 'textarea', 'xmp', 'noembed', 'noframes',
  'iframe', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'select', 'option', 'datalist', 'button', 'head',
];

/** Attributes that hold a URL: checked against the allowed schemes if one is ever allowed. */
const URL_ATTRIBUTES = [
  'href', 'src', 'cite', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'ping',
  'longdesc', 'usemap', 'codebase', 'classid', 'archive', 'profile', 'manifest', 'itemid', 'dynsrc', 'lowsrc',
];

const LINK_REL = 'nofollow noopener noreferrer';

/** Hosts (and their subdomains) whose images only exist to count readers. */
const TRACKER_HOSTS = [
  'pixel.wp.com', 'stats.wordpress.com', 'doubleclick.net', 'google-analytics.com', 'googletagmanager.com',
  'quantserve.com', 'scorecardresearch.com', 'bat.bing.com', 'analytics.twitter.com', 'px.ads.linkedin.com',
  'assoc-amazon.com', 'list-manage.com', 'mailchimp.com', 'feedblitz.com', 'pixel.mathtag.com', 'ct.pinterest.com',
];
/** Paths that are tracking endpoints on any host (open counters, Matomo, e-mail opens, spacers). */
const TRACKER_PATH = /\/(?:b|open|pixel|beacon|spacer)\.gif$|\/(?:matomo|piwik)\.php$|\/track\/open|\/wf\/open$/i;
/** FeedBurner's per-item counters and "flare" images (feeds.feedburner.com/~r/…, feedproxy.google.com/~ff/…). */
const FEEDBURNER = /^(?:feeds\d?\.feedburner\.com|feedproxy\.google\.com)$/;

/** Known video embeds: the iframe becomes a link to the video's page. */
const VIDEO_EMBEDS: readonly { label: string; toPage(url: URL): string | undefined }[] = [
  {
    label: 'YouTube',
    toPage(url) {
      const host = url.hostname.replace(/^(?:www|m)\./, '');
      let id: string | undefined;
      if (host === 'youtu.be') id = /^\/([\w-]{6,20})$/.exec(url.pathname)?.[1];
      else if (host === 'youtube.com' || host === 'youtube-nocookie.com') {
        const m = /^\/(?:embed|v)\/([\w-]{6,20})\/?$/.exec(url.pathname);
        const list = url.searchParams.get('list');
        if (m?.[1] === 'videoseries' && list && /^[\w-]{10,64}$/.test(list)) return `https://www.youtube.com/playlist?list=${list}`;
        id = m?.[1];
      }
      if (!id) return undefined;
      const start = url.searchParams.get('start') ?? url.searchParams.get('t');
      return `https://www.youtube.com/watch?v=${id}${start && /^\d{1,6}$/.test(start) ? `&t=${start}` : ''}`;
    },
  },
  {
    label: 'Vimeo',
    toPage(url) {
      if (url.hostname !== 'player.vimeo.com') return undefined;
      const id = /^\/video\/(\d{1,12})\/?$/.exec(url.pathname)?.[1];
      if (!id) return undefined;
      const hash = url.searchParams.get('h'); // unlisted videos need their hash in the page URL
      return `https://vimeo.com/${id}${hash && /^[0-9a-f]{6,20}$/i.test(hash) ? `/${hash}` : ''}`;
    },
  },
];

/**
 * ALLOWED_TAGS as sanitize-html reads them: it asks `allowedTags.indexOf(name)` for every tag
 * and every text node, a linear search through the whole list; this list answers from a map.
 * Same elements, same answers.
 */
class TagList extends Array<string> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array; // a copy (map, filter, slice) is a plain array: the map only knows this list
  }

  private static readonly positions = new Map(ALLOWED_TAGS.map((tag, i) => [tag, i] as const));

  override indexOf(tag: string, fromIndex?: number): number {
    return fromIndex === undefined ? (TagList.positions.get(tag) ?? -1) : super.indexOf(tag, fromIndex);
  }
}

/** The policy, built once; its transforms resolve URLs against the bases of the call under way. */
const POLICY = deepFreeze({
  allowedTags: TagList.from(ALLOWED_TAGS),
  allowedAttributes: {
    a: ['href', 'title', 'hreflang', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    abbr: ['title'],
    acronym: ['title'],
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
  allowedEmptyAttributes: ['alt'],
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: URL_ATTRIBUTES,
  allowProtocolRelative: false,
  allowVulnerableTags: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROPPED_WITH_CONTENT,
  // Deeper elements are unwrapped (their text kept): real articles nest a dozen levels at most.
  nestingLimit: 100,
  parser: { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  exclusiveFilter(frame: sanitize.IFrame): boolean | 'excludeTag' {
    // An image whose transform found no usable source (or found a tracking pixel) is dropped.
    if (frame.tag === 'img') return !frame.attribs.src;
    // A link with no usable href, or with nothing to click on, is unwrapped: its content stays.
    if (frame.tag === 'a') return !frame.attribs.href || (!frame.text.trim() && frame.mediaChildren.length === 0) ? 'excludeTag' : false;
    return false;
  },
  transformTags: transformsFor((href) => resolveHttpUrl(href, ...callBases)),
} satisfies Policy);

export interface SanitizeOptions {
  /** Bases for relative URLs, most specific first (xml:base, item link, feed link, fetch URL). */
  bases: (string | undefined)[];
}

/**
 * The bases of the sanitizeHtml call under way, for the transforms: sanitize-html runs them
 * synchronously within the call, so one policy serves every call instead of new transforms each time.
 */
let callBases: (string | undefined)[] = [];

/** Returns HTML that is safe to show anywhere: see the file header. */
export function sanitizeHtml(html: string, options: SanitizeOptions): string {
  const outer = callBases;
  callBases = options.bases;
  try {
    return sanitize(html, POLICY).trim();
  } finally {
    callBases = outer;
  }
}

/**
 * The text of sanitizeHtml(html), as htmlToText reads it. Markup of the plainest kind (see
 * isPlainMarkup) gives the same text sanitized or not, and is not parsed: a summary is only ever
 * needed as text, and most are a paragraph or two of words.
 */
export function sanitizedText(html: string, options: SanitizeOptions): string {
  return htmlToText(isPlainMarkup(html) ? html : sanitizeHtml(html, options));
}

/**
 * Allowed elements the policy writes back as they came when they have no attributes: none has a
 * transform, none holds raw text, and the one void element among them is <br>.
 */
const PLAIN_ELEMENTS = new Set([
  'p', 'br', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'div', 'span',
  'strong', 'b', 'em', 'i', 'u', 's', 'small', 'code', 'sub', 'sup', 'mark', 'del', 'ins',
]);
/** Those whose start tag closes an open <p> in htmlparser2 (as <li> closes an open <li>). */
const CLOSES_P = new Set(['p', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'div']);
const PLAIN_TAG = /<(\/?)([a-z][a-z0-9]*)( ?\/)?>/y;
const MAX_PLAIN_DEPTH = 50;

/**
 * True for markup that sanitizing leaves with the same text and the same tags, give or take end
 * tags after the last text: plain elements without attributes, properly nested, no start tag
 * that htmlparser2 would take as closing another, and text without "&" or ">" (so nothing is
 * decoded or escaped on the way). Anything else is sanitized.
 */
function isPlainMarkup(html: string): boolean {
  const open: string[] = [];
  let at = 0;
  for (;;) {
    const lt = html.indexOf('<', at);
    const textEnd = lt < 0 ? html.length : lt;
    for (let i = at; i < textEnd; i++) {
      const c = html.charCodeAt(i);
      if (c === 38 /* & */ || c === 62 /* > */) return false;
    }
    if (lt < 0) return true;
    PLAIN_TAG.lastIndex = lt;
    const tag = PLAIN_TAG.exec(html);
    if (!tag || !PLAIN_ELEMENTS.has(tag[2])) return false;
    const [, closing, name, selfClosing] = tag;
    const top = open[open.length - 1];
    if (name === 'br') {
      if (closing) return false;
    } else if (selfClosing) {
      return false;
    } else if (closing) {
      if (top !== name) return false;
      open.pop();
    } else {
      if ((top === 'p' && CLOSES_P.has(name)) || (top === 'li' && name === 'li') || open.length >= MAX_PLAIN_DEPTH) return false;
      open.push(name);
    }
    at = lt + tag[0].length;
  }
}

function transformsFor(resolve: Resolve): Record<string, sanitize.Transformer> {
  return {
    // The page (reader, partner site) owns the one h1; the item title sits above this content.
    h1: (_tagName, attribs) => ({ tagName: 'h2', attribs }),
    a: (tagName, { href: rawHref, rel: _rel, ...rest }) => {
      const href = resolveLink(rawHref, resolve);
      return { tagName, attribs: href ? { href, ...rest, rel: LINK_REL } : rest };
    },
    img: (tagName, attribs) => {
      const { src: _src, loading: _loading, ...rest } = attribs;
      const src = imageSource(attribs, resolve);
      return { tagName, attribs: src && !isTrackingPixel(src, attribs) ? { src, ...rest, loading: 'lazy' } : rest };
    },
    q: citeTransform(resolve),
    blockquote: citeTransform(resolve),
    iframe: (tagName, attribs) => {
      const raw = attribs.src?.trim();
      const src = resolve(raw?.startsWith('//') ? `https:${raw}` : raw);
      const url = src ? new URL(src) : undefined;
      for (const embed of VIDEO_EMBEDS) {
        const page = url && embed.toPage(url);
        if (page) {
          const link: sanitize.Attributes = { href: page, rel: LINK_REL };
          if (attribs.title) link.title = attribs.title;
          return { tagName: 'a', attribs: link, text: `Video (${embed.label})` };
        }
      }
      // Same name: the iframe stays disallowed and is dropped with its content (see the header).
      return { tagName, attribs: {} };
    },
  };
}

/** An absolute http(s) URL, or a mailto: URL, or undefined. */
function resolveLink(href: string | undefined, resolve: Resolve): string | undefined {
  if (href === undefined) return undefined;
  // As resolveHttpUrl does and browsers nearly do: no surrounding spaces, no control characters.
  const cleaned = href.trim().replace(/[\u0000-\u001f\u007f]/g, '');
  if (/^mailto:/i.test(cleaned)) {
    try {
      const url = new URL(cleaned);
      return url.protocol === 'mailto:' && url.pathname ? url.href : undefined;
    } catch {
      return undefined;
    }
  }
  return resolve(href);
}

/** The image's real source: lazy-loading attributes first (their `src` is a placeholder), then src, then srcset. */
function imageSource(attribs: sanitize.Attributes, resolve: Resolve): string | undefined {
  for (const name of ['data-src', 'data-lazy-src', 'data-original', 'src']) {
    const url = resolve(attribs[name]);
    if (url) return url;
  }
  const firstCandidate = attribs.srcset?.trim().split(/\s+/)[0]?.replace(/,$/, '');
  return resolve(firstCandidate);
}

function isTrackingPixel(src: string, attribs: sanitize.Attributes): boolean {
  const url = new URL(src);
  const host = url.hostname.toLowerCase();
  if (TRACKER_HOSTS.some((h) => host === h || host.endsWith(`.${h}`))) return true;
  if (TRACKER_PATH.test(url.pathname)) return true;
  if (FEEDBURNER.test(host) && /^\/~(?:r|ff|a|i)\//.test(url.pathname)) return true;
  if ((host === 'facebook.com' || host.endsWith('.facebook.com')) && /^\/tr\/?$/.test(url.pathname)) return true;
  const style = (attribs.style ?? '').toLowerCase().replace(/\s+/g, '');
  if ('hidden' in attribs || /(?:^|;)(?:display:none|visibility:hidden)/.test(style)) return true;
  const width = attribs.width ?? /(?:^|;)width:([\d.]+)px/.exec(style)?.[1];
  const height = attribs.height ?? /(?:^|;)height:([\d.]+)px/.exec(style)?.[1];
  return isAtMostOnePixel(width) || isAtMostOnePixel(height);
}

function isAtMostOnePixel(value: string | undefined): boolean {
  if (value === undefined) return false;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) && n <= 1;
}

function citeTransform(resolve: Resolve): sanitize.Transformer {
  return (tagName, attribs) => {
    const { cite: rawCite, ...rest } = attribs;
    const cite = resolve(rawCite);
    return { tagName, attribs: cite ? { cite, ...rest } : rest };
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
