// URL resolution for items: relative references resolved against the first usable base
// (xml:base, then item link, then feed link, then the fetch URL); only http(s) survives.

/** Resolves `href` against the bases in order; returns an absolute http(s) URL or undefined. */
export function resolveHttpUrl(href: string | undefined | null, ...bases: (string | undefined | null)[]): string | undefined {
  if (href == null) return undefined;
  // Browsers strip ASCII whitespace and control characters inside schemes ("jav\tascript:"); so do we,
  // so the scheme check below sees what a browser would.
  const cleaned = String(href).trim().replace(/[\u0000-\u001f\u007f]/g, '');
  if (!cleaned) return undefined;
  for (const base of [...bases.filter((b): b is string => !!b), undefined]) {
    try {
      const url = base === undefined ? new URL(cleaned) : new URL(cleaned, absoluteBase(base));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
      if (!url.hostname) return undefined;
      return url.toString();
    } catch {
      // try the next base
    }
  }
  return undefined;
}

function absoluteBase(base: string): string | undefined {
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
