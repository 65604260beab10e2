// Rewrites the xml2js tree into the shape rss-parser expects: element names under their usual
// prefixes whatever the document bound them to, mixed content replaced by its source, and the
// xml:base / xml:lang in effect recorded for every element.

import { scanTags } from './scan-xml.ts';

/** An element as xml2js gives it: attributes under `$`, text under `_`, children in arrays. */
export type XmlNode = Record<string, unknown>;

export interface NodeContext {
  /** xml:base in effect, resolved against outer bases and the document URL. */
  base?: string;
  /** xml:lang in effect; undefined where none was given or xml:lang="" reset it. */
  lang?: string;
}

export interface ReshapedTree {
  rootName: string;
  root: XmlNode;
  contexts: WeakMap<object, NodeContext>;
  /** Nodes whose `_` is markup taken from the source (inline XHTML, unescaped HTML). */
  markupNodes: WeakSet<object>;
}

const ATOM = '\u0000atom';
const XHTML = 'http://www.w3.org/1999/xhtml';

// Namespace URIs (lower-cased, without a trailing "/" or "#") and the prefix rss-parser and the
// extractor look them up by; "" means unprefixed, as the format's own elements.
const KNOWN_NAMESPACES = new Map<string, string>([
  ['http://www.w3.org/2005/atom', ATOM],
  ['http://purl.org/atom/ns', ATOM],
  ['http://purl.org/rss/1.0', ''],
  ['http://my.netscape.com/rdf/simple/0.9', ''],
  ['http://backend.userland.com/rss2', ''],
  ['http://blogs.law.harvard.edu/tech/rss', ''],
  ['http://www.w3.org/1999/02/22-rdf-syntax-ns', 'rdf'],
  ['http://purl.org/rss/1.0/modules/content', 'content'],
  ['http://purl.org/dc/elements/1.1', 'dc'],
  ['http://purl.org/dc/terms', 'dcterms'],
  ['http://purl.org/rss/1.0/modules/syndication', 'sy'],
  ['http://www.itunes.com/dtds/podcast-1.0.dtd', 'itunes'],
  ['http://search.yahoo.com/mrss', 'media'],
  [XHTML, 'xhtml'],
]);

const CANONICAL_PREFIXES = new Set([...KNOWN_NAMESPACES.values(), 'atom'].filter((p) => p && p !== ATOM));

/** Element names whose content may be markup that xml2js would split up and reorder. */
const MARKUP_NAMES = new Set([
  'title', 'subtitle', 'tagline', 'summary', 'content', 'description', 'encoded', 'body', 'fullitem', 'rights', 'copyright', 'info',
]);

/**
 * Element names of the formats and modules we read, spelled as their specs spell them. Feeds in
 * the wild vary the case (`pubdate`, `PubDate`, `<Item>`); XML names are case-sensitive, so a
 * strict reader would lose those dates and items. Names in these namespaces are matched without
 * regard to case and given their spec spelling.
 */
const SPEC_SPELLINGS = new Map(
  [
    'rss', 'channel', 'item', 'title', 'link', 'description', 'pubDate', 'lastBuildDate', 'guid', 'author', 'category',
    'enclosure', 'comments', 'source', 'language', 'ttl', 'image', 'url', 'managingEditor', 'webMaster', 'copyright',
    'feed', 'entry', 'id', 'updated', 'published', 'issued', 'modified', 'created', 'summary', 'content', 'subtitle',
    'tagline', 'name', 'encoded', 'creator', 'date', 'subject', 'updatePeriod', 'updateFrequency', 'group', 'thumbnail',
  ].map((name) => [name.toLowerCase(), name]),
);

/** Attributes read by name whose case varies the same way. */
const ATTRIBUTE_SPELLINGS = new Map([['ispermalink', 'isPermaLink']]);

function specSpelling(local: string): string {
  return SPEC_SPELLINGS.get(local.toLowerCase()) ?? local;
}

export function wantsMarkup(qualifiedName: string): boolean {
  const local = localName(qualifiedName).toLowerCase();
  // A media:content holds media:title and media:thumbnail elements, not markup.
  if (local === 'content' && prefixOf(qualifiedName).toLowerCase() === 'media') return false;
  return MARKUP_NAMES.has(local);
}

export function namespaceKey(uri: string): string {
  return uri.trim().toLowerCase().replace(/[/#]+$/, '');
}

export function isRecord(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface State {
  documentUrl?: string;
  markup: Map<string, string>;
  atomPrefix: string;
  contexts: WeakMap<object, NodeContext>;
  markupNodes: WeakSet<object>;
}

export function reshapeTree(tree: XmlNode, options: { documentUrl?: string; markup: Map<string, string> }): ReshapedTree {
  const [rawRoot] = Object.keys(tree);
  const rootValue = tree[rawRoot];
  const rootScope = declarationsOf(new Map(), rootValue);
  const rootUri = rootScope.get(prefixOf(rawRoot));
  const atomIsDefault = rootUri !== undefined && KNOWN_NAMESPACES.get(namespaceKey(rootUri)) === ATOM;
  const state: State = {
    documentUrl: options.documentUrl,
    markup: options.markup,
    atomPrefix: atomIsDefault ? '' : 'atom',
    contexts: new WeakMap(),
    markupNodes: new WeakSet(),
  };
  const { name, node } = reshapeElement(rawRoot, rootValue, new Map(), {}, `${rawRoot}[0]`, state);
  // An empty root (`<rss/>`, `<feed></feed>`) comes back from xml2js as a string.
  const root: XmlNode = isRecord(node) ? node : Object.create(null);
  if (!state.contexts.has(root)) state.contexts.set(root, {});
  return { rootName: name, root, contexts: state.contexts, markupNodes: state.markupNodes };
}

function reshapeElement(
  rawName: string,
  value: unknown,
  parentScope: Map<string, string>,
  parentContext: NodeContext,
  rawPath: string,
  state: State,
): { name: string; node: unknown } {
  const scope = declarationsOf(parentScope, value);
  const name = canonicalName(rawName, scope, state.atomPrefix);
  if (!isRecord(value)) return { name, node: value };
  const attributes = isRecord(value.$) ? respellAttributes(value.$) : undefined;
  const context = deriveContext(parentContext, attributes, state.documentUrl);
  const node: XmlNode = Object.create(null);
  state.contexts.set(node, context);
  if (attributes) node.$ = attributes;

  const markup = state.markup.get(rawPath);
  if (markup !== undefined) {
    node._ = markupToHtml(markup, scope, attributes);
    state.markupNodes.add(node);
    return { name, node };
  }
  if (typeof value._ === 'string') node._ = value._;
  for (const key of Object.keys(value)) {
    const children = value[key];
    if (key === '$' || key === '_' || !Array.isArray(children)) continue;
    children.forEach((child, index) => {
      const shaped = reshapeElement(key, child, scope, context, `${rawPath}/${key}[${index}]`, state);
      const list = node[shaped.name];
      if (Array.isArray(list)) list.push(shaped.node);
      else node[shaped.name] = [shaped.node];
    });
  }
  return { name, node };
}

function respellAttributes(attributes: XmlNode): XmlNode {
  for (const name of Object.keys(attributes)) {
    const spelled = ATTRIBUTE_SPELLINGS.get(name.toLowerCase());
    if (spelled && spelled !== name && attributes[spelled] === undefined) {
      attributes[spelled] = attributes[name];
      delete attributes[name];
    }
  }
  return attributes;
}

function prefixOf(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? '' : qualifiedName.slice(0, colon);
}

function localName(qualifiedName: string): string {
  return qualifiedName.slice(qualifiedName.indexOf(':') + 1);
}

function declarationsOf(parentScope: Map<string, string>, value: unknown): Map<string, string> {
  if (!isRecord(value) || !isRecord(value.$)) return parentScope;
  let scope = parentScope;
  for (const [attribute, uri] of Object.entries(value.$)) {
    if (typeof uri !== 'string' || (attribute !== 'xmlns' && !attribute.startsWith('xmlns:'))) continue;
    if (scope === parentScope) scope = new Map(parentScope);
    scope.set(attribute === 'xmlns' ? '' : attribute.slice(6), uri);
  }
  return scope;
}

function canonicalName(rawName: string, scope: Map<string, string>, atomPrefix: string): string {
  const prefix = prefixOf(rawName);
  if (prefix === 'xml') return rawName;
  const uri = scope.get(prefix);
  if (uri === undefined) return prefix ? rawName : specSpelling(rawName);
  const known = KNOWN_NAMESPACES.get(namespaceKey(uri));
  const local = specSpelling(localName(rawName));
  if (known === undefined) {
    if (!prefix) return local;
    // A prefix we use for a known namespace but bound here to another one (`content:` for a
    // private namespace) must not be mistaken for ours: name it in Clark notation instead.
    return CANONICAL_PREFIXES.has(prefix) ? `{${uri}}${local}` : rawName;
  }
  const canonical = known === ATOM ? atomPrefix : known;
  return canonical ? `${canonical}:${local}` : local;
}

function deriveContext(parent: NodeContext, attributes: XmlNode | undefined, documentUrl?: string): NodeContext {
  if (!attributes) return parent;
  const rawBase = attributes['xml:base'];
  const rawLang = attributes['xml:lang'];
  if (typeof rawBase !== 'string' && typeof rawLang !== 'string') return parent;
  const context: NodeContext = { ...parent };
  if (typeof rawBase === 'string') {
    const base = resolveBase(rawBase.trim(), parent.base ?? documentUrl);
    if (base !== undefined) context.base = base;
  }
  if (typeof rawLang === 'string') context.lang = rawLang.trim().replace(/_/g, '-') || undefined;
  return context;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/** xml:base resolves against the base in effect (XML Base §4.2); only http(s) bases are kept. */
function resolveBase(value: string, outer: string | undefined): string | undefined {
  if (ABSOLUTE.test(value)) return /^https?:/i.test(value) ? value : undefined;
  if (outer !== undefined && ABSOLUTE.test(outer)) {
    try {
      const url = new URL(value, outer);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  }
  return value || undefined;
}

/** Resolves an href against the base in effect; absolute hrefs are kept exactly as written. */
export function resolveHref(href: string, base: string | undefined): string {
  if (ABSOLUTE.test(href) || base === undefined || !ABSOLUTE.test(base)) return href;
  // RFC 3986 §5.2.2: an empty reference is the base itself (kept as written, IRIs included).
  if (href === '') return base.replace(/#.*$/, '');
  try {
    return new URL(href, base).href;
  } catch {
    return href;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Source markup of an element's content as HTML: CDATA sections escaped, the XHTML namespace
 * prefix dropped from tag names, and for Atom type="xhtml" the wrapping div removed (RFC 4287
 * §3.1.1.3: "The XHTML div element itself MUST NOT be considered part of the content").
 */
function markupToHtml(markup: string, scope: Map<string, string>, attributes: XmlNode | undefined): string {
  let html = markup.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, text: string) => escapeHtml(text));
  const prefixes = new Set<string>();
  for (const [prefix, uri] of scope) if (prefix && namespaceKey(uri) === XHTML) prefixes.add(prefix);
  for (const m of html.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
    if (namespaceKey(m[2]) === XHTML) prefixes.add(m[1]);
  }
  if (prefixes.size) {
    const alternatives = [...prefixes].map((p) => p.replace(/[.-]/g, '\\$&')).join('|');
    html = html.replace(new RegExp(`<(/?)(?:${alternatives}):`, 'g'), '<$1');
  }
  // In HTML the XHTML namespace is implied; its declarations are noise.
  html = html.replace(/\s+xmlns(?::[\w.-]+)?\s*=\s*(["'])http:\/\/www\.w3\.org\/1999\/xhtml\/?\1/g, '');
  html = html.trim();
  const type = typeof attributes?.type === 'string' ? attributes.type.trim().toLowerCase() : '';
  return type === 'xhtml' ? unwrapDiv(html) : html;
}

function unwrapDiv(html: string): string {
  let depth = 0;
  let innerStart = -1;
  let result = html;
  scanTags(html, (kind, name, start, end) => {
    if (innerStart < 0) {
      if (start !== 0 || kind !== 'open' || name.toLowerCase() !== 'div') return false;
      innerStart = end;
      depth = 1;
      return true;
    }
    if (kind === 'open') depth++;
    else if (kind === 'close' && --depth === 0) {
      if (end === html.length) result = html.slice(innerStart, start).trim();
      return false;
    }
    return true;
  });
  return result;
}
