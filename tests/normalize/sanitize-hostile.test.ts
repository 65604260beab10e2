// The security property of sanitizeHtml, checked on hostile fragments written for this project
// (tests/fixtures/hostile) and on the feedparser sanitize corpus. Output is checked three ways:
// by regex on the string, by a strict grammar (every tag in the canonical form sanitize-html
// writes, so no stray < or > a browser could read differently), and on the tree htmlparser2
// builds from it (installed as sanitize-html's parser; parse5 is not in node_modules).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import type { ParsedItem } from '../../src/core/types.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { normalizeItem } from '../../src/normalize/normalize-item.ts';
import { sanitizeHtml } from '../../src/normalize/sanitize-html.ts';
import { htmlToText, truncateText } from '../../src/normalize/text.ts';

const BASES = ['https://www.example.org/blog/2024/post.html', 'https://www.example.org/'];

const ALLOWED_ELEMENTS = new Set([
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var', 'ul', 'ol', 'li',
  'dl', 'dt', 'dd', 'strong', 'b', 'em', 'i', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup', 'small', 'big', 'tt',
  'mark', 'abbr', 'acronym', 'cite', 'q', 'dfn', 'time', 'a', 'img', 'figure', 'figcaption', 'table', 'thead', 'tbody',
  'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col', 'span', 'div', 'section', 'article', 'aside', 'header',
  'footer', 'address', 'details', 'summary', 'wbr', 'bdi', 'bdo', 'ruby', 'rt', 'rp',
]);
const FORBIDDEN_ELEMENTS = [
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'meta', 'link', 'base',
  'form', 'input', 'button', 'textarea', 'select', 'option', 'isindex', 'svg', 'math', 'template', 'noscript',
  'title', 'xmp', 'noembed', 'noframes', 'plaintext', 'h1',
];
const ALLOWED_ATTRIBUTES = new Set([
  'href', 'rel', 'title', 'hreflang', 'src', 'alt', 'width', 'height', 'loading', 'cite', 'datetime', 'colspan',
  'rowspan', 'headers', 'scope', 'span', 'start', 'reversed', 'type', 'value', 'lang', 'dir',
]);
/** One tag exactly as sanitize-html writes it: lower-case name, attributes double-quoted and escaped. */
const CANONICAL_TAG = /<\/?[a-z][a-z0-9]*(?: [a-z][a-z0-9-]*(?:="[^"<>]*")?)*(?: \/)?>/g;

/** Asserts everything the product promises about stored HTML; `where` names the input in failures. */
function expectSafe(html: string, where: string): void {
  const m = `${where}\n${html}`;
  expect(html, m).not.toMatch(/<script/i);
  expect(html, m).not.toMatch(/<style/i);
  // An attribute *name* (values are double-quoted with every " escaped, so "[^"]*" spans one value).
  expect(html, m).not.toMatch(/<[a-z][a-z0-9]*(?: [^\s="]+(?:="[^"]*")?)*? (?:on[a-z]+|style|srcdoc|formaction|xlink:href|target)[\s=/>]/i);
  expect(html, m).not.toMatch(new RegExp(`<(?:${FORBIDDEN_ELEMENTS.join('|')})[\\s/>]`, 'i'));
  // Nothing that is not a canonical tag may hold a raw < or >: text is escaped, so the output
  // re-parses to the same tree in any HTML parser (no mutation XSS).
  expect(html.replace(CANONICAL_TAG, ''), m).not.toMatch(/[<>]/);

  for (const el of DomUtils.findAll(() => true, parseDocument(html).children)) {
    expect(ALLOWED_ELEMENTS.has(el.name), `${m}\n<${el.name}> is not allowed`).toBe(true);
    for (const [name, value] of Object.entries(el.attribs)) {
      expect(ALLOWED_ATTRIBUTES.has(name), `${m}\n${el.name}[${name}] is not allowed`).toBe(true);
      expect(value, m).not.toMatch(/^\s*(?:javascript|vbscript|livescript|data):/i);
    }
    if (el.attribs.href !== undefined) expect(el.attribs.href, m).toMatch(/^(?:https?:\/\/[^\s/]+\/|mailto:)\S*$/);
    for (const name of ['src', 'cite']) {
      if (el.attribs[name] !== undefined) expect(el.attribs[name], m).toMatch(/^https?:\/\/[^\s/]+\/\S*$/);
    }
    if (el.name === 'a') {
      expect(el.attribs.href, `${m}\n<a> without href`).toBeDefined();
      expect(el.attribs.rel?.split(' '), m).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
      expect(el.attribs.target, m).toBeUndefined();
    }
    if (el.name === 'img') expect(el.attribs.src, `${m}\n<img> without src`).toBeDefined();
  }
}

/** Text of the tree with blocks separated, as a reader sees it: the reference for htmlToText. */
function domText(html: string): string {
  const blocks = /^(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|caption|figure|figcaption|section|article|aside|header|footer|address|details|summary)$/;
  const walk = (nodes: ReturnType<typeof parseDocument>['children']): string =>
    nodes
      .map((n) => {
        if (DomUtils.isText(n)) return n.data;
        if (!DomUtils.isTag(n)) return '';
        const inner = walk(n.children);
        return blocks.test(n.name) ? ` ${inner} ` : inner;
      })
      .join('');
  return walk(parseDocument(html).children).replace(/[\s\u00a0]+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Hostile fixtures: each file opens with a comment saying what it tries ("Tries:") and, where
// something must survive, the text that must still be there ("Keeps:").

const HOSTILE_DIR = new URL('../fixtures/hostile/', import.meta.url);
const hostile = readdirSync(HOSTILE_DIR)
  .filter((f) => f.endsWith('.html'))
  .sort()
  .map((file) => {
    const raw = readFileSync(new URL(file, HOSTILE_DIR), 'utf8');
    const head = /^<!--\n([\s\S]*?)\n-->\n/.exec(raw);
    if (!head) throw new Error(`${file}: must start with a comment that says what it tries`);
    const tries = /^Tries: (.+)$/m.exec(head[1])?.[1];
    if (!tries) throw new Error(`${file}: its leading comment needs a "Tries:" line`);
    const keeps = /^Keeps: (.+)$/m.exec(head[1])?.[1];
    return { file, tries, keeps, html: raw.slice(head[0].length) };
  });

describe('the safety check itself', () => {
  it('rejects what it is meant to reject', () => {
    for (const bad of [
      '<script>x</script>', '<p onclick="x">a</p>', '<p style="color:red">a</p>', '<a href="javascript:x" rel="noopener noreferrer">a</a>',
      '<a href="/relative" rel="noopener noreferrer">a</a>', '<a href="https://x.example/">no rel</a>', '<img src="data:image/png;base64,AA">',
      '<iframe src="https://x.example/"></iframe>', '<svg></svg>', '<p title=a>unquoted</p>', '<p>1 < 2</p>', '<h1>h</h1>', '<p id="x">a</p>',
    ]) {
      expect(() => expectSafe(bad, 'self-test'), bad).toThrow();
    }
    expectSafe('<p lang="fr">Été <a href="https://x.example/" rel="nofollow noopener noreferrer">l</a> 1 &lt; 2</p><img src="http://x.example/i.png" alt="" />', 'self-test');
  });
});

describe('sanitizeHtml on hostile fixtures', () => {
  it('has at least 40 fixtures', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(40);
  });

  it.each(hostile)('$file', ({ file, tries, keeps, html }) => {
    const out = sanitizeHtml(html, { bases: BASES });
    expectSafe(out, `${file}: ${tries}`);
    // Fixtures carry their payloads in markup only, so no scheme may survive even as text.
    expect(out).not.toMatch(/(?:java|vb|live)script:|\bdata:/i);
    expect(sanitizeHtml(out, { bases: BASES }), 'sanitizing twice changes nothing').toBe(out);
    if (keeps) expect(domText(out)).toContain(keeps);
  });

  it.each(hostile)('$file: the plain-text summary is readable text', ({ html }) => {
    const out = sanitizeHtml(html, { bases: BASES });
    const text = htmlToText(out);
    expect(text).toBe(domText(out));
    expect(text).not.toMatch(/&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i);
    // Markup can only appear in the text where the source escaped it as text on purpose.
    if (!/&[lg]t;/.test(out)) expect(text).not.toMatch(/[<>]/);
    // The path normalize takes: summary from the sanitized content.
    const parsed: ParsedItem = { title: 't', link: '/p', categories: [], contentHtml: html };
    const norm = normalizeItem(parsed, { now: new Date('2024-06-01T00:00:00Z'), fetchUrl: BASES[1]!, feed: {}, source: { languages: ['en'], region: 'national', topics: [] }, taxonomy: compileTaxonomy([]) });
    if ('dropped' in norm) throw new Error(norm.dropped);
    expect(norm.item.summary).toBe(truncateText(text, 400));
    expectSafe(norm.item.contentHtml, 'normalizeItem');
  });
});

// ---------------------------------------------------------------------------------------------
// The feedparser sanitize corpus (BSD-2, see its README): 745 feeds that put dangerous markup
// into every text construct. Set FEEDPARSER_CORPUS to run it from elsewhere.

const CORPUS = process.env.FEEDPARSER_CORPUS ?? '/work/shared/corpus/feedparser';
const SANITIZE_DIR = join(CORPUS, 'wellformed', 'sanitize');

/** The text constructs feedparser sanitizes, by local name (content:encoded, xhtml:body included). */
const CONSTRUCT = /<((?:[\w-]+:)?(?:title|subtitle|tagline|info|copyright|rights|summary|content|description|encoded|body|fullitem))(\s[^>]*?)?(?:\/>|>([\s\S]*?)<\/\1\s*>)/g;

function xmlUnescape(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (all, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/** The HTML each text construct of a feed carries, as an XML parser would hand it over. */
function extractPayloads(xml: string): string[] {
  const body = xml.replace(/^\uFEFF?(?:<\?xml[^>]*\?>\s*)?<!--[\s\S]*?-->/, '');
  const out: string[] = [];
  for (const m of body.matchAll(CONSTRUCT)) {
    const attrs = m[2] ?? '';
    let inner = m[3] ?? '';
    if (/\bmode\s*=\s*["']base64["']/.test(attrs)) {
      out.push(Buffer.from(inner.replace(/\s+/g, ''), 'base64').toString('utf8'));
      continue;
    }
    const outsideCdata = inner.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
    if (/<[a-zA-Z]/.test(outsideCdata)) {
      out.push(inner); // inline XHTML: the markup is the payload
      continue;
    }
    inner = inner.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|([^<]+)/g, (_all, cdata: string | undefined, text: string | undefined) => cdata ?? xmlUnescape(text ?? ''));
    out.push(inner);
  }
  return out;
}

const corpusFiles = existsSync(SANITIZE_DIR) ? readdirSync(SANITIZE_DIR).filter((f) => f.endsWith('.xml')).sort() : [];

describe.skipIf(corpusFiles.length === 0)('sanitizeHtml on the feedparser sanitize corpus', () => {
  it('every payload of every file comes out safe', () => {
    let files = 0;
    let payloads = 0;
    for (const file of corpusFiles) {
      const found = extractPayloads(readFileSync(join(SANITIZE_DIR, file), 'utf8'));
      if (found.length) files++;
      for (const html of found) {
        payloads++;
        const out = sanitizeHtml(html, { bases: ['http://127.0.0.1:8097/tests/wellformed/sanitize/' + file] });
        expectSafe(out, file);
        expect(htmlToText(out)).toBe(domText(out));
      }
    }
    console.info(`feedparser sanitize corpus: ${payloads} payloads from ${files} of ${corpusFiles.length} files checked`);
    expect(corpusFiles.length).toBe(745);
    expect(files).toBe(745);
  });

  it('does not over-strip the acceptable elements and attributes', () => {
    // Each acceptable_* file holds one empty element (<abbr></abbr>) or one empty attribute on a
    // span. Also put text inside, so that "the text survives" means something.
    const elements = { total: 0, kept: 0, textKept: 0, dropped: [] as string[] };
    const attributes = { total: 0, kept: 0, textKept: 0 };
    for (const file of corpusFiles.filter((f) => f.startsWith('acceptable_'))) {
      const [html] = extractPayloads(readFileSync(join(SANITIZE_DIR, file), 'utf8'));
      if (html === undefined) throw new Error(`${file}: no payload`);
      const withText = html.replace(/^(<[a-z][^>]*>)/, '$1Texte accentué kept');
      const out = sanitizeHtml(html, { bases: BASES });
      const outWithText = sanitizeHtml(withText, { bases: BASES });
      expectSafe(outWithText, file);
      if (file.startsWith('acceptable_element_')) {
        const name = file.slice('acceptable_element_'.length, -'.xml'.length);
        elements.total++;
        const expectedName = name === 'h1' ? 'h2' : name;
        if (DomUtils.findAll((e) => e.name === expectedName, parseDocument(out).children).length) elements.kept++;
        else elements.dropped.push(name);
        if (domText(outWithText).includes('Texte accentué kept')) elements.textKept++;
      } else {
        const name = file.slice('acceptable_attribute_'.length, -'.xml'.length);
        attributes.total++;
        const valued = html.replace(`${name}=""`, `${name}="v"`);
        const el = DomUtils.findOne(() => true, parseDocument(sanitizeHtml(valued, { bases: BASES })).children);
        if (el && el.attribs[name] !== undefined) attributes.kept++;
        if (domText(outWithText).includes('Texte accentué kept')) attributes.textKept++;
      }
    }
    console.info(
      `acceptable elements: ${elements.kept}/${elements.total} kept as elements, text kept in ${elements.textKept}; ` +
        `dropped: ${elements.dropped.join(' ')}\n` +
        `acceptable attributes: ${attributes.kept}/${attributes.total} kept, text kept in ${attributes.textKept}`,
    );
    // Floors measured on this policy; a change that strips more harmless markup fails here.
    expect(elements.total).toBe(99);
    expect(elements.kept).toBeGreaterThanOrEqual(61);
    // Only the form controls and noscript lose their text (button datalist noscript option select textarea).
    expect(elements.textKept).toBeGreaterThanOrEqual(93);
    expect(attributes.total).toBe(139);
    // On a span only lang and dir are kept: class, id, style, align, event handlers … never are.
    expect(attributes.kept).toBeGreaterThanOrEqual(2);
    expect(attributes.textKept).toBe(139);
    for (const name of ['p', 'em', 'strong', 'ul', 'li', 'table', 'abbr', 'blockquote', 'code', 'pre', 'h1']) {
      expect(elements.dropped, name).not.toContain(name);
    }
    // <a> and <img> are dropped above only because the corpus gives them no href or src.
    const common = sanitizeHtml('<p><a href="/x">l</a> <em>e</em> <strong>s</strong></p><ul><li>i</li></ul><table><tr><td>c</td></tr></table><img src="http://www.example.org/i.png" alt="a"><abbr title="t">A</abbr><blockquote>q</blockquote><pre><code>c</code></pre>', { bases: BASES });
    for (const name of ['p', 'a', 'em', 'strong', 'ul', 'li', 'table', 'td', 'img', 'abbr', 'blockquote', 'code', 'pre']) {
      expect(common).toContain(`<${name}`);
    }
  });

  it('drops every style attribute and keeps the styled text', () => {
    for (const file of corpusFiles.filter((f) => f.startsWith('style_'))) {
      for (const html of extractPayloads(readFileSync(join(SANITIZE_DIR, file), 'utf8'))) {
        const out = sanitizeHtml(html, { bases: BASES });
        expect(out, file).not.toMatch(/style=/);
        expect(domText(out), file).toBe(domText(html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '')));
      }
    }
  });
});
