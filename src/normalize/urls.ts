// URL resolution for items: relative references resolved against the first usable base
// (xml:base, then item link, then feed link, then the fetch URL); only http(s) survives.

/** Resolves `href` against the bases in order; returns an absolute http(s) URL or undefined. */
export function resolveHttpUrl(href: string | undefined | null, ...bases: (string | undefined | null)[]): string | undefined {
  if (href == null) return undefined;
  // Browsers strip ASCII whitespace and control characters inside schemes ("jav\tascript:"); so do we,
  // so the scheme check below sees what a browser would.
  const cleaned = String(href).trim().replace(/[\u0000-\u001f\u007f]/g, '');
  if (!cleaned) return undefined;
  for (const base of bases) {
    if (!base) continue;
    const url = parseUrl(cleaned, absoluteBase(base));
    if (url) return httpHref(url);
  }
  const url = parseUrl(cleaned, undefined);
  return url ? httpHref(url) : undefined;
}

/** `href` parsed against `base`, or undefined when it cannot be (then the next base is tried). */
function parseUrl(href: string, base: string | undefined): URL | undefined {
  try {
    return base === undefined ? new URL(href) : new URL(href, base);
  } catch {
    return undefined;
  }
}

function httpHref(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname) return undefined;
  return url.toString();
}

/** Bases already read: an item's links, images and summary resolve against the same few. */
const readBases = new Map<string, string | undefined>();
const READ_BASES_KEPT = 64;

function absoluteBase(base: string): string | undefined {
  if (readBases.has(base)) return readBases.get(base);
  const absolute = readBase(base);
  if (readBases.size >= READ_BASES_KEPT) readBases.clear();
  readBases.set(base, absolute);
  return absolute;
}

function readBase(base: string): string | undefined {
  try {
    const u = new URL(base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** The host of a URL, lower-cased, or '' when it has none. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
