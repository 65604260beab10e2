// Reads a web page for a page source: its bytes (charset from the HTTP header, the BOM or the
// page's own <meta>) or text, parsed with htmlparser2 into the tree css-select queries. What cannot
// be a source is refused with a code: not HTML, a feed, a login wall, too large, too deep.

import type { AnyNode, Document, Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';

import type { Warning } from '../../core/types.ts';
import { charsetFromContentType, decodeFeedBytes } from '../../fetch/charset.ts';
import { pageProblem, type PageProblem } from './page-problem.ts';

export interface PageLimits {
  /** Characters of decoded text (default 10 million). */
  maxChars: number;
  /** Element nesting (default 1,000); every walk over the tree stays far from the stack limit. */
  maxDepth: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { maxChars: 10_000_000, maxDepth: 1_000 };

export interface PageDocument {
  /** The page's address (after redirects): where its links are resolved from, with <base href>. */
  url: string;
  baseUrl: string;
  root: Document;
  title?: string;
  /** <html lang>, as written. */
  language?: string;
}

export type PageInput = { text: string; contentType?: string } | { bytes: Buffer; contentType?: string };

export type PageReading =
  /** `charsetFromPage`: the bytes were decoded by the page's own <meta charset>, not by the HTTP header or the defaults. */
  | { ok: true; page: PageDocument; warnings: Warning[]; charsetFromPage?: boolean }
  | { ok: false; problem: PageProblem; warnings: Warning[] };

const HTML_MEDIA_TYPES = /^(text\/html|application\/xhtml\+xml|text\/plain|application\/octet-stream)$/i;
/** Elements whose content is never shown as the page's text. */
const NOT_TEXT = new Set(['script', 'style', 'template', 'noscript']);
/** Elements that make a document an HTML page, whatever came first. */
const HTML_SIGNS = /<(?:!doctype\s+html|html|head|body|div|p|a|table|ul|ol|article|section|main|h[1-6])[\s>/]/i;
const LOGIN_WORDS =
  /\b(?:log ?in|sign ?in|login|log on|members? only|connexion|se connecter|identifiez-vous|authentification|espace membres?|accès réservé)\b/i;

export function readPage(input: PageInput, url: string, limits: PageLimits = DEFAULT_PAGE_LIMITS): PageReading {
  const warnings: Warning[] = [];
  const mediaType = input.contentType?.split(';')[0].trim().toLowerCase();
  let text: string;
  let charsetFromPage = false;
  if ('bytes' in input) {
    const contentType = withPageCharset(input.bytes, input.contentType);
    charsetFromPage = contentType !== input.contentType;
    const decoded = decodeFeedBytes(input.bytes, contentType);
    warnings.push(...decoded.warnings);
    if (!decoded.ok) return { ok: false, problem: pageProblem('not-html', { looksLike: 'binary' }), warnings };
    text = decoded.text;
  } else {
    text = input.text;
  }
  if (text.length > limits.maxChars) return { ok: false, problem: pageProblem('page-too-large', { limit: limits.maxChars }), warnings };

  const kind = sniffKind(text);
  if (kind === 'feed') return { ok: false, problem: pageProblem('page-is-a-feed'), warnings };
  if (kind !== 'html') return { ok: false, problem: pageProblem('not-html', { looksLike: kind }), warnings };
  if (mediaType && !HTML_MEDIA_TYPES.test(mediaType) && !/xml/.test(mediaType)) {
    return { ok: false, problem: pageProblem('not-html', { looksLike: mediaType.slice(0, 60) }), warnings };
  }

  const root = parseDocument(text);
  if (depthOf(root, limits.maxDepth) > limits.maxDepth) {
    return { ok: false, problem: pageProblem('page-too-deeply-nested', { limit: limits.maxDepth }), warnings };
  }
  for (const element of DomUtils.findAll((el) => NOT_TEXT.has(el.name), root.children)) DomUtils.removeElement(element);

  const page: PageDocument = {
    url,
    baseUrl: baseUrlOf(root, url),
    root,
    title: textOf(DomUtils.findOne((el) => el.name === 'title', root.children)) || undefined,
    language: DomUtils.findOne((el) => el.name === 'html', root.children)?.attribs.lang?.trim() || undefined,
  };
  if (isLoginWall(page)) return { ok: false, problem: pageProblem('login-wall'), warnings };
  return { ok: true, page, warnings, ...(charsetFromPage ? { charsetFromPage } : {}) };
}

/** The text of an element as a reader sees it: whitespace collapsed, trimmed. */
export function textOf(node: AnyNode | null | undefined): string {
  if (!node) return '';
  return DomUtils.textContent(node).replace(/[\s\u00a0]+/g, ' ').trim();
}

/** The HTTP charset if there is one, else the page's <meta charset> (HTML's prescan reads the first 1024 bytes). */
function withPageCharset(bytes: Buffer, contentType: string | undefined): string | undefined {
  if (charsetFromContentType(contentType)) return contentType;
  const head = bytes.subarray(0, 1024).toString('latin1');
  const meta = /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
  return meta ? `text/html; charset=${meta}` : contentType;
}

function sniffKind(text: string): 'html' | 'feed' | 'json' | 'pdf' | 'xml' | 'text' | 'empty' {
  const start = text.replace(/^[\s\uFEFF]+/, '').slice(0, 4096);
  if (!start) return 'empty';
  if (start.startsWith('%PDF')) return 'pdf';
  if (start[0] === '{' || start[0] === '[') return 'json';
  const first = /<([A-Za-z][\w:.-]*)/.exec(start.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, ''))?.[1]?.toLowerCase();
  if (first === 'rss' || first === 'feed' || first === 'rdf:rdf') return 'feed';
  if (HTML_SIGNS.test(text.slice(0, 200_000))) return 'html';
  return first ? 'xml' : 'text';
}

/** The deepest element nesting, walked without recursion, counting no further than `limit + 1`. */
function depthOf(root: Document, limit: number): number {
  let max = 0;
  const stack: [AnyNode, number][] = root.children.map((child) => [child, 1]);
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!DomUtils.isTag(node)) continue;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of node.children) stack.push([child, depth + 1]);
  }
  return max;
}

function baseUrlOf(root: Document, url: string): string {
  const href = DomUtils.findOne((el) => el.name === 'base' && el.attribs.href !== undefined, root.children)?.attribs.href;
  if (!href) return url;
  try {
    const base = new URL(href.trim(), url);
    return base.protocol === 'http:' || base.protocol === 'https:' ? base.href : url;
  } catch {
    return url;
  }
}

/**
 * A page that asks for a password before anything else: a password field, and either a title or
 * main heading about logging in, or next to nothing to read outside its forms. A sidebar login
 * box beside a list of news is not one.
 */
function isLoginWall(page: PageDocument): boolean {
  const password = DomUtils.findOne((el) => el.name === 'input' && el.attribs.type?.toLowerCase() === 'password', page.root.children);
  if (!password) return false;
  const heading = textOf(DomUtils.findOne((el) => el.name === 'h1', page.root.children));
  if (LOGIN_WORDS.test(page.title ?? '') || LOGIN_WORDS.test(heading)) return true;
  const links = DomUtils.findAll((el) => el.name === 'a' && el.attribs.href !== undefined && !insideForm(el), page.root.children);
  return links.length < 10;
}

function insideForm(element: Element): boolean {
  for (let node = element.parent; node; node = node.parent) if (DomUtils.isTag(node) && node.name === 'form') return true;
  return false;
}
