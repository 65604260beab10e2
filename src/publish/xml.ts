// Minimal, strict XML text helpers for the feed views. Every string goes through one of these.

// XML 1.0 forbids these characters; normalize/ already strips them, this keeps the output valid regardless.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** An element with escaped text content; attributes are escaped too; undefined values are left out. */
export function element(name: string, text: string | undefined, attrs: Record<string, string | number | undefined> = {}): string {
  const a = attributes(attrs);
  return text === undefined || text === '' ? `<${name}${a}/>` : `<${name}${a}>${escapeXml(text)}</${name}>`;
}

export function attributes(attrs: Record<string, string | number | undefined>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/** HTML-escapes plain text, for text shown by readers that treat a field as HTML. */
export function escapeHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** RFC 822 date for RSS 2.0 (always GMT, four-digit year). */
export function rfc822(date: Date): string {
  return date.toUTCString();
}

/** RFC 3339 date for Atom and JSON Feed, without milliseconds. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
