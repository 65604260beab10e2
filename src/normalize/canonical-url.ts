// URL keys for matching items across sources: a canonical form (same page, whatever tracking,
// scheme, www. or trailing slash a platform added) and a language-neutral translation key (the
// English and French versions of one page on one site).

/** Query parameters that only say where a click came from. */
const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id', 'igshid', 'igsh',
  'mc_cid', 'mc_eid', '_hsenc', '_hsmi', '__hstc', '__hssc', '__hsfp', 'hsctatracking', 'mkt_tok', '_ga', '_gl',
  'ref', 'ref_src', 'ref_url', 'referrer', 'spm', 'share', 'cmpid', 's_cid', 'sc_cid', 'ito', 'trk', 'trkcampaign',
  'oly_enc_id', 'oly_anon_id', 'vero_id', 'wt_mc', 'wt.mc_id', 'rb_clickid', 'at_medium', 'at_campaign',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'hmb_', 'ga_'];

const INDEX_FILES = /\/(?:index|default)\.(?:html?|php|aspx?|jsp|cfm)$/i;
const DEFAULT_PORTS = new Set(['80', '443']);

/**
 * The form two links to one page share: https, lower-case host without `www.`, no default port,
 * no fragment, no tracking parameters, the others sorted, no index file, no trailing slash. http
 * and https are treated as one (the result always says https). A string that is not an http(s)
 * URL comes back trimmed.
 */
export function canonicalUrl(url: string): string {
  const parsed = parseHttpUrl(url);
  if (!parsed) return url.trim();
  const host = parsed.hostname.toLowerCase().replace(/^www\d*\./, '').replace(/\.$/, '');
  const port = parsed.port && !DEFAULT_PORTS.has(parsed.port) ? `:${parsed.port}` : '';
  const path = canonicalPath(parsed.pathname);
  const params = [...parsed.searchParams.entries()]
    .filter(([key]) => !isTrackingParam(key))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  return `https://${host}${port}${path}${query}`;
}

const LANGUAGE_SEGMENT = /^(?:en|fr|eng|fra|fre|english|french|anglais|francais|français|en-ca|fr-ca|en_ca|fr_ca)$/i;
const LANGUAGE_SUFFIX = /[-_.](?:en|fr|eng|fra|fre)(?=\.[a-z0-9]+$|$)/i;
const LANGUAGE_PARAMS = new Set(['lang', 'language', 'langue', 'locale', 'hl', 'lng']);
const LANGUAGE_VALUE = /^(?:en|fr|eng|fra|fre|english|french|anglais|francais|français)(?:[-_][a-z]{2})?$/i;

/**
 * A key that is the same for the English and French versions of one page on one site: the
 * canonical URL without its scheme and without language markers (a leading `/en/` or `/fr/`
 * segment, `/english/`, `/francais/`, a `-en`/`-fr`/`-eng`/`-fra` suffix on the last segment,
 * `?lang=en|fr`, an `en.`/`fr.` host label).
 */
export function translationKey(url: string): string {
  return translationKeyOfCanonical(canonicalUrl(url));
}

/** translationKey of a URL already in its canonical form (an item keeps both). */
export function translationKeyOfCanonical(canonical: string): string {
  const parsed = parseHttpUrl(canonical);
  if (!parsed) return canonical;
  const host = parsed.hostname.replace(/^(?:en|fr)\./, '');
  const port = parsed.port ? `:${parsed.port}` : '';
  const segments = parsed.pathname.split('/').filter(Boolean);
  const kept = segments.filter((segment, i) => !(LANGUAGE_SEGMENT.test(decodeSegment(segment)) && i < 2));
  if (kept.length) kept[kept.length - 1] = kept[kept.length - 1].replace(LANGUAGE_SUFFIX, '');
  const params = [...parsed.searchParams.entries()].filter(([key, value]) => !(LANGUAGE_PARAMS.has(key.toLowerCase()) && LANGUAGE_VALUE.test(value)));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  return `${host}${port}/${kept.join('/')}${query}`;
}

function parseHttpUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function canonicalPath(pathname: string): string {
  let path = pathname.replace(/\/{2,}/g, '/').replace(INDEX_FILES, '/');
  // Percent-escapes in upper case, so "%c3%a9" and "%C3%A9" are one path.
  path = path.replace(/%[0-9a-f]{2}/gi, (e) => e.toUpperCase());
  return path.replace(/\/+$/, '');
}

/** A parameter that only says where a click came from (utm_*, fbclid, Mailchimp's mc_cid …). */
export function isTrackingParam(key: string): boolean {
  const k = key.toLowerCase();
  return TRACKING_PARAMS.has(k) || TRACKING_PREFIXES.some((p) => k.startsWith(p));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Characters of a path two links must share from its start, when one of them was cut short. */
export const LINK_STEM_CHARS = 40;

/**
 * The host and the first LINK_STEM_CHARS characters of a canonical URL's path, or undefined for a
 * shorter path: a link a newsletter or a share card cut short keeps this much of the whole one,
 * and finds it by equality. Only a lookup key: what it finds is compared like any candidate.
 */
export function linkStem(canonical: string): string | undefined {
  const m = /^https:\/\/([^/?#]+)(\/[^?#]*)/.exec(canonical);
  if (!m || m[2].length < LINK_STEM_CHARS) return undefined;
  return `${m[1]}${m[2].slice(0, LINK_STEM_CHARS)}`;
}
