// Lenient recovery for XML feeds: the clean-up applied before every parse, and the repairs tried
// once when strict parsing fails.

import { decodeHTMLStrict } from 'entities';

import { ParseError } from '../core/errors.ts';
import { scanTags, skipDeclaration } from './scan-xml.ts';

// XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Lone surrogates are matched as UTF-16 code units, hence no "u" flag.
const ILLEGAL_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Every character ILLEGAL_XML_CHARS may remove, surrogates in pairs included: one quick look finds most texts clean. */
const MAYBE_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Removes characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates, U+FFFE/FFFF). */
export function stripIllegalXmlChars(text: string): string {
  return MAYBE_ILLEGAL.test(text) ? text.replace(ILLEGAL_XML_CHARS, '') : text;
}

export interface CleanedXml {
  text: string;
  /** What was removed, for a warning; empty when the document was clean. */
  notes: string[];
}

/**
 * Strips byte order marks (anywhere), characters illegal in XML, and anything before the XML
 * declaration or the first tag. Removed leading text is replaced by its line breaks so that
 * parser line numbers still point into the document as received.
 */
export function cleanXml(input: string): CleanedXml {
  const notes: string[] = [];
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.includes('\uFEFF')) {
    text = text.replaceAll('\uFEFF', '');
    notes.push('byte order marks inside the document');
  }
  const length = text.length;
  text = stripIllegalXmlChars(text);
  if (text.length !== length) notes.push(`${length - text.length} characters illegal in XML`);
  const start = findDocumentStart(text);
  if (start > 0) {
    const junk = text.slice(0, start);
    if (/\S/.test(junk)) notes.push('text before the XML');
    text = junk.replace(/[^\n]+/g, '') + text.slice(start);
  }
  return { text, notes };
}

function findDocumentStart(text: string): number {
  const firstTag = text.indexOf('<');
  if (firstTag < 0) return 0;
  // Junk such as a PHP warning ("<br /><b>Warning</b>…") may itself hold tags; an XML
  // declaration soon after it marks where the document really starts.
  const declaration = /<\?xml[\s?]/.exec(text.slice(0, 4096));
  if (declaration && declaration.index > firstTag && !/<(rss|feed|rdf:RDF)[\s>]/i.test(text.slice(0, declaration.index))) {
    return declaration.index;
  }
  return firstTag;
}

/**
 * Refuses a DOCTYPE that declares entities (billion laughs, XXE) without expanding anything, and
 * blanks any other DOCTYPE out (keeping its line breaks): feeds never need one.
 */
export function stripDoctype(text: string): string {
  const at = findProlog(text);
  if (at < 0) return text;
  const end = skipDeclaration(text, at);
  const doctype = text.slice(at, end);
  if (/<!ENTITY/i.test(doctype)) throw new ParseError('document declares entities (refused)');
  return text.slice(0, at) + doctype.replace(/[^\n]+/g, '') + text.slice(end);
}

/** Where a DOCTYPE starts in the prolog (after the declaration, comments and PIs), or -1. */
function findProlog(text: string): number {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return -1;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return -1;
      i = end + 3;
    } else if (/^<!DOCTYPE/i.test(text.slice(i, i + 9))) {
      return i;
    } else {
      return -1;
    }
  }
  return -1;
}

export interface RepairedXml {
  text: string;
  /** The kinds of repair made ("bare ampersands", "HTML entities", …); empty if none applied. */
  repairs: string[];
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const AMPERSAND = /&(?:(#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,8};)|([A-Za-z][A-Za-z0-9]{0,31});)?/g;
const PROTECTED_START = /<!\[CDATA\[|<!--|<\?/g;

/**
 * Fixes what most often breaks strict parsing of real feeds: HTML named entities used without a
 * DTD (turned into numeric references, from HTML5's full list), bare `&` (escaped), numeric
 * references to characters XML forbids (dropped), and a last end tag cut before its `>`.
 * CDATA sections, comments and processing instructions are left untouched.
 */
export function repairXml(input: string): RepairedXml {
  const counts = { bare: 0, entities: 0, numeric: 0 };
  let out = '';
  let i = 0;
  PROTECTED_START.lastIndex = 0;
  for (let m = PROTECTED_START.exec(input); m; m = PROTECTED_START.exec(input)) {
    const closer = m[0] === '<!--' ? '-->' : m[0] === '<?' ? '?>' : ']]>';
    const end = input.indexOf(closer, m.index + m[0].length);
    const stop = end < 0 ? input.length : end + closer.length;
    out += repairReferences(input.slice(i, m.index), counts) + input.slice(m.index, stop);
    i = stop;
    PROTECTED_START.lastIndex = stop;
  }
  out += repairReferences(input.slice(i), counts);
  const repairs: string[] = [];
  if (counts.bare) repairs.push('bare ampersands');
  if (counts.entities) repairs.push('HTML entities');
  if (counts.numeric) repairs.push('invalid character references');
  const unterminated = /<\/[A-Za-z_][\w:.-]*\s*$/.exec(out);
  if (unterminated) {
    out += '>';
    repairs.push('unterminated last tag');
  }
  const structure = closeUnclosedElements(out);
  if (structure.recased) repairs.push('end tags in another case');
  if (structure.closed.length) repairs.push(`unclosed ${[...new Set(structure.closed)].map((n) => `<${n}>`).join(', ')}`);
  return { text: structure.text, repairs };
}

/** Elements that hold the items: one left open is closed where its parent closes. */
const ITEM_CONTAINERS = new Set(['rss', 'channel', 'feed', 'rdf']);
const ITEMS = new Set(['item', 'entry']);

interface OpenElement {
  name: string;
  /** Where the first item or entry inside it starts, if any has yet. */
  firstItem: number;
}

/**
 * Closes elements left open inside their parent (`<div class="list">` or `<image>` never closed
 * around a channel's items, an `<item>` never closed before the next): when an end tag names an
 * element further up, the ones still open inside it are closed, each before the first item it
 * holds (so the items stay the channel's) or else where its parent closes. An end tag in another
 * case than its start tag (`<Item>…</item>`) is respelt. A document cut short (open elements at
 * its end) and an end tag that matches nothing are left for the parser to refuse.
 */
function closeUnclosedElements(text: string): { text: string; closed: string[]; recased: number } {
  const stack: OpenElement[] = [];
  const inserts: { at: number; text: string; end?: number }[] = [];
  const closed: string[] = [];
  let recased = 0;
  scanTags(text, (kind, name, start, end) => {
    if (kind === 'empty') return true;
    if (kind === 'open') {
      if (ITEMS.has(localLower(name))) {
        for (let i = stack.length - 1; i >= 0 && stack[i].firstItem < 0; i--) stack[i].firstItem = start;
      }
      stack.push({ name, firstItem: -1 });
      return true;
    }
    const top = stack[stack.length - 1];
    if (top?.name === name) {
      stack.pop();
      return true;
    }
    if (top && top.name.toLowerCase() === name.toLowerCase()) {
      inserts.push({ at: start, end, text: `</${top.name}>` });
      recased++;
      stack.pop();
      return true;
    }
    let match = stack.length - 1;
    while (match >= 0 && stack[match].name !== name) match--;
    if (match < 0) return true;
    for (let i = stack.length - 1; i > match; i--) {
      const open = stack[i];
      const holdsItems = open.firstItem >= 0 && !ITEM_CONTAINERS.has(localLower(open.name));
      inserts.push({ at: holdsItems ? open.firstItem : start, text: `</${open.name}>` });
      closed.push(open.name.replace(/[^\w:.-]/g, '').slice(0, 32));
    }
    stack.length = match;
    return true;
  });
  if (!inserts.length) return { text, closed, recased };
  // Stable by position: at one place, inner elements were pushed (and are closed) first.
  const ordered = inserts.map((insert, index) => ({ ...insert, index })).sort((a, b) => a.at - b.at || a.index - b.index);
  let out = '';
  let at = 0;
  for (const insert of ordered) {
    out += text.slice(at, insert.at) + insert.text;
    at = insert.end ?? insert.at;
  }
  return { text: out + text.slice(at), closed, recased };
}

function localLower(name: string): string {
  return name.slice(name.indexOf(':') + 1).toLowerCase();
}

function repairReferences(segment: string, counts: { bare: number; entities: number; numeric: number }): string {
  if (!segment.includes('&')) return segment;
  return segment.replace(AMPERSAND, (match, numeric: string | undefined, name: string | undefined) => {
    if (numeric) {
      const code = numeric[1] === 'x' || numeric[1] === 'X' ? parseInt(numeric.slice(2), 16) : parseInt(numeric.slice(1), 10);
      if (isXmlChar(code)) return match;
      counts.numeric++;
      return '';
    }
    if (name) {
      if (XML_ENTITIES.has(name)) return match;
      const decoded = decodeHTMLStrict(match);
      if (decoded !== match) {
        counts.entities++;
        return Array.from(decoded, (ch) => `&#${ch.codePointAt(0)};`).join('');
      }
    }
    counts.bare++;
    return `&amp;${match.slice(1)}`;
  });
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 || code === 0xa || code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
