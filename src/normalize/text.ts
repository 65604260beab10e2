// Plain text from (already sanitized) HTML, for summaries, search and language detection.
import { decodeHTML, decodeHTMLStrict } from 'entities';

/**
 * Whitespace to collapse into one space: runs of two or more, and single whitespace characters
 * other than a space (a lone space stays as it is, which is what collapsing would write).
 */
const WHITESPACE = /[\s\u00a0]{2,}|[^\S ]/g;

const BLOCK = /<\/?(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|caption|figure|figcaption|section|article|aside|header|footer|address|details|summary)\b[^>]*>/gi;

/** Text content of an HTML fragment, whitespace collapsed, blocks separated by a space. */
export function htmlToText(html: string): string {
  if (!html) return '';
  const spaced = html.replace(BLOCK, ' ').replace(/<[^>]*>/g, '');
  return decodeHTML(spaced).replace(WHITESPACE, ' ').trim();
}

/** Cuts text at a word boundary near `max` characters, with an ellipsis when anything was cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

/** Text from a field that may carry markup or entities (titles, authors): tags removed, entities decoded. */
export function plainText(value: string | undefined): string {
  if (!value) return '';
  return decodeHTML(value.replace(/<[^>]*>/g, '')).replace(WHITESPACE, ' ').trim();
}

/** A title as text: markup removed only when the feed says the title is HTML; entities decoded either way. */
export function titleText(raw: string | undefined, isHtml: boolean | undefined): string {
  if (!raw) return '';
  return isHtml ? plainText(raw) : decodeHTMLStrict(raw).replace(WHITESPACE, ' ').trim();
}
