// Reads an XML feed through rss-parser (the only module that imports it): guards and cleans the
// text, parses with rss-parser's own xml2js parser, repairs and retries once, reshapes the tree so
// rss-parser's builders neither crash nor crawl, and returns each built item beside its raw node.

import Parser from 'rss-parser';

import { ParseError } from '../core/errors.ts';
import type { FeedFormat } from '../core/types.ts';
import { cleanXml, repairXml, stripDoctype } from './repair-xml.ts';
import { isRecord, reshapeTree, wantsMarkup, type NodeContext, type XmlNode } from './reshape-tree.ts';
import { collectInnerMarkup, cutLongCdata, measureDepth, restoreCdata, scanTags, skipItemsBeyond } from './scan-xml.ts';

/** CDATA sections at least this long are kept out of the XML parser (see cutLongCdata). */
const CUT_CDATA_CHARS = 256;

/** Deeper than any real feed; keeps every recursive walk (ours, xml2js's builder) far from the stack limit. */
const MAX_DEPTH = 1000;

/** What rss-parser built for the feed, loosely typed: its values are checked before use. */
export type BuiltFeed = XmlNode & { items: XmlNode[] };

export interface XmlFeed {
  format: FeedFormat;
  /** The RSS channel or the Atom feed element. */
  feedNode: XmlNode;
  /** Raw item or entry nodes, in document order, aligned with `built.items`. */
  itemNodes: unknown[];
  built: BuiltFeed;
  contexts: WeakMap<object, NodeContext>;
  markupNodes: WeakSet<object>;
  /** Items past the cap, cut from the text before parsing. */
  skipped: number;
  warnings: string[];
}

interface ParserInternals {
  xmlParser: { parseString(xml: string, done: (error: unknown, result: unknown) => void): unknown };
  buildAtomFeed(tree: XmlNode): BuiltFeed;
  buildRSS0_9(tree: XmlNode): BuiltFeed;
  buildRSS1(tree: XmlNode): BuiltFeed;
  buildRSS2(tree: XmlNode): BuiltFeed;
}

// Item children that rss-parser would run through its snippet regexes, which are quadratic on
// text with many "<" and no ">" (a few hundred kilobytes take minutes). We read them ourselves.
const HEAVY_CHILDREN = ['description', 'content:encoded', 'content', 'summary', 'xhtml:body', 'body', 'fullitem'];

const ATOM_DATES = ['published', 'updated', 'issued', 'modified', 'created'];

/** rss-parser with the parsing step opened up: we parse, fix the tree, then call its builders. */
class FeedXmlParser extends Parser {
  constructor() {
    super({ defaultRSS: 2 });
  }

  private get internals(): ParserInternals {
    return this as unknown as ParserInternals;
  }

  parseTree(xml: string): XmlNode | null {
    let settled = false;
    let result: unknown = null;
    let failure: unknown;
    const done = (error: unknown, value: unknown) => {
      if (settled) return;
      settled = true;
      failure = error;
      result = value;
    };
    try {
      this.internals.xmlParser.parseString(xml, done);
    } catch (error) {
      // xml2js sometimes throws instead of calling back, e.g. for junk after the root element
      // closed, when the tree is already complete: the first outcome wins.
      if (!settled) done(error, null);
    }
    if (failure) throw failure;
    return isRecord(result) ? result : null;
  }

  buildFeed(format: FeedFormat, rootName: string, root: XmlNode): BuiltFeed {
    const tree: XmlNode = Object.create(null);
    tree[rootName] = root;
    switch (format) {
      case 'atom':
        return this.internals.buildAtomFeed(tree);
      case 'rss1':
        return this.internals.buildRSS1(tree);
      case 'rss09':
        return rootName === 'rss' ? this.internals.buildRSS0_9(tree) : this.internals.buildRSS1(tree);
      default:
        return this.internals.buildRSS2(tree);
    }
  }
}

/** `maxItems`: items past it are cut from the text before it is parsed, never built. */
export function readXmlFeed(input: string, documentUrl?: string, maxItems = Infinity): XmlFeed {
  const warnings: string[] = [];
  const cleaned = cleanXml(input);
  if (cleaned.notes.length) warnings.push(`stripped: ${cleaned.notes.join(', ')}`);
  if (!cleaned.text.trim()) throw new ParseError('empty document');
  if (!cleaned.text.includes('<')) throw new ParseError('unsupported format (neither XML nor JSON)');
  if (isHtmlPage(cleaned.text)) throw new ParseError('not a feed (HTML page)');
  const capped = Number.isFinite(maxItems) ? skipItemsBeyond(stripDoctype(cleaned.text), maxItems) : { text: stripDoctype(cleaned.text), skipped: 0 };
  let text = capped.text;
  if (measureDepth(text, MAX_DEPTH) > MAX_DEPTH) throw new ParseError('document too deeply nested');

  let parser = new FeedXmlParser();
  let tree: XmlNode | null | undefined;
  // Parsed with its long CDATA sections cut out, and put back: the same tree, sooner. Any
  // failure there is forgotten, and the document parsed as written says what is wrong with it.
  const cut = cutLongCdata(text, CUT_CDATA_CHARS);
  if (cut) {
    try {
      tree = restoreCdata(parser.parseTree(cut.text), cut.sections) as XmlNode | null;
    } catch {
      parser = new FeedXmlParser();
    }
  }
  try {
    if (tree === undefined) tree = parser.parseTree(text);
  } catch (original) {
    const repaired = repairXml(text);
    if (!repaired.repairs.length) throw describeXmlError(original);
    try {
      tree = new FeedXmlParser().parseTree(repaired.text);
    } catch {
      throw describeXmlError(original);
    }
    text = repaired.text;
    warnings.push(`repaired: ${repaired.repairs.join(', ')}`);
  }
  if (!tree) throw new ParseError('empty document');

  const shaped = reshapeTree(tree, { documentUrl, markup: collectInnerMarkup(text, wantsMarkup) });
  const { root, rootName } = shaped;
  const format = detectFormat(rootName, root, Object.keys(tree)[0] ?? rootName);
  let feedNode: XmlNode;
  let itemNodes: unknown[];
  let parserRoot: XmlNode;
  if (format === 'atom') {
    feedNode = root;
    itemNodes = listOf(root.entry);
    parserRoot = copyNode(root, { link: fixAtomLinks(root.link), entry: itemNodes.map(lightenEntry) });
  } else if (rootName === 'rss') {
    const channel = listOf(root.channel)[0];
    if (channel === undefined) {
      if (!listOf(root.item).length) throw new ParseError('invalid feed: no channel');
      warnings.push('no channel: items read from <rss>');
    }
    feedNode = isRecord(channel) ? channel : Object.create(null);
    // Some feeds close the channel before their items (or have none); RSS 2.0 wants them inside it.
    itemNodes = listOf(feedNode.item).length ? listOf(feedNode.item) : listOf(root.item);
    parserRoot = copyNode(root, { channel: [copyNode(feedNode, { item: itemNodes.map(lightenItem) })] });
  } else {
    // RSS 1.0 and 0.90 (RDF): items are siblings of the channel (RSS 1.0 §5.5).
    const channel = listOf(root.channel)[0];
    feedNode = isRecord(channel) ? channel : Object.create(null);
    itemNodes = listOf(root.item).length ? listOf(root.item) : listOf(feedNode.item);
    parserRoot = copyNode(root, { channel: [feedNode], item: itemNodes.map(lightenItem) });
  }
  for (const node of [feedNode, ...itemNodes]) {
    if (isRecord(node) && !shaped.contexts.has(node)) shaped.contexts.set(node, {});
  }
  const built = parser.buildFeed(format, rootName, parserRoot);
  if (!Array.isArray(built.items) || built.items.length !== itemNodes.length) {
    throw new ParseError('invalid feed: items could not be read');
  }
  return { format, feedNode, itemNodes, built, contexts: shaped.contexts, markupNodes: shaped.markupNodes, skipped: capped.skipped, warnings };
}

/** `writtenName` is the root's name as the document spells it, for the error message. */
function detectFormat(rootName: string, root: XmlNode, writtenName: string): FeedFormat {
  if (rootName === 'feed') return 'atom';
  if (rootName === 'rss') {
    const version = isRecord(root.$) && typeof root.$.version === 'string' ? root.$.version.trim() : '';
    // No version at all is read as RSS 2.0, as rss-parser's defaultRSS: 2 does.
    return /^0\.9/.test(version) ? 'rss09' : 'rss2';
  }
  if (rootName === 'rdf:RDF') {
    const namespace = isRecord(root.$) && typeof root.$.xmlns === 'string' ? root.$.xmlns : '';
    return namespace.includes('my.netscape.com/rdf/simple/0.9') ? 'rss09' : 'rss1';
  }
  if (/^(html|head|body)$/i.test(rootName)) throw new ParseError('not a feed (HTML page)');
  const name = writtenName.replace(/[^\w:.-]/g, '');
  throw new ParseError(`unsupported format (root element <${name.length > 32 ? `${name.slice(0, 32)}…` : name}>)`);
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function copyNode(node: XmlNode, replace: Record<string, unknown>): XmlNode {
  const copy: XmlNode = Object.assign(Object.create(null), node);
  for (const [key, value] of Object.entries(replace)) copy[key] = value;
  return copy;
}

function lightenItem(item: unknown): unknown {
  if (!isRecord(item)) return item;
  const copy: XmlNode = Object.assign(Object.create(null), item);
  for (const key of HEAVY_CHILDREN) delete copy[key];
  return copy;
}

function lightenEntry(entry: unknown): unknown {
  const copy = lightenItem(entry);
  if (isRecord(copy) && copy.link !== undefined) copy.link = fixAtomLinks(copy.link);
  if (isRecord(copy)) dropUnreadableDates(copy);
  return copy;
}

/** rss-parser reads `link.$.rel` unguarded; a `<link>` with text and no attributes would crash it. */
function fixAtomLinks(links: unknown): unknown {
  if (!Array.isArray(links)) return links;
  return links.map((link) => {
    if (isRecord(link) && isRecord(link.$)) return link;
    const href = typeof link === 'string' ? link : isRecord(link) && typeof link._ === 'string' ? link._ : '';
    return { $: { href: href.trim() } };
  });
}

/**
 * rss-parser calls `new Date(published).toISOString()` on Atom entries, which throws a RangeError
 * for the whole feed on one date JavaScript cannot read ("not a date", "2003-12-31T25:14:55Z",
 * "mardi 3 mars 2026"). Such dates are kept from rss-parser's copy of the entry only: the entry
 * keeps them as written, and normalize reads what it can and says what it cannot.
 */
function dropUnreadableDates(entry: XmlNode): void {
  for (const key of ATOM_DATES) {
    const value = listOf(entry[key])[0];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : isRecord(value) && typeof value._ === 'string' ? value._ : '';
    if (!text.trim() || !Number.isFinite(Date.parse(text.trim()))) delete entry[key];
  }
}

/** True when the first element is an HTML document's (a site page served where a feed was expected). */
function isHtmlPage(text: string): boolean {
  let first = '';
  scanTags(text, (kind, name) => {
    if (kind === 'close') return true;
    first = name;
    return false;
  });
  return /^(html|head|body)$/i.test(first);
}

function describeXmlError(error: unknown): ParseError {
  const message = error instanceof Error ? error.message : String(error);
  // sax's first line is the reason; what follows a colon there (a tag name, a buffer name) and
  // its "Char:" line come from the document, so they are left out.
  const [first] = message.split('\n');
  const reason = first.replace(/:.*$/, '').replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()).slice(0, 60);
  const line = /\bLine: (\d+)/.exec(message);
  // sax counts lines from 0.
  return new ParseError(`invalid XML: ${reason}${line ? ` at line ${Number(line[1]) + 1}` : ''}`, { cause: error });
}
