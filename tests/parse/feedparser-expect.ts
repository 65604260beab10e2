// Maps the easy clauses of feedparser's `Expect:` expressions (Python, evaluated on its result)
// onto a ParsedFeed: `feed['title'] == 'x'`, `entries[0]['link'] == 'x'`, `version == 'rss10'`…
// Clauses it cannot map are skipped; an Expect is a conjunction, so checking some clauses is sound.

import type { ParsedFeed, ParsedItem } from '../../src/core/types.ts';

export interface Check {
  clause: string;
  expected: string;
  actual: (feed: ParsedFeed) => unknown;
}

const VERSIONS: Record<string, ParsedFeed['format']> = {
  rss090: 'rss09', rss091n: 'rss09', rss091u: 'rss09', rss092: 'rss09', rss093: 'rss09', rss094: 'rss09',
  rss20: 'rss2', rss: 'rss2', rss10: 'rss1', atom03: 'atom', atom10: 'atom', atom: 'atom',
};

type ItemField = (item: ParsedItem | undefined, feed: ParsedFeed) => unknown;

// feedparser's keys (with its legacy aliases) → ParsedFeed.
const FEED_FIELDS: Record<string, (feed: ParsedFeed) => unknown> = {
  "['title']": (f) => f.title,
  "['title_detail']['value']": (f) => f.title,
  "['link']": (f) => f.link,
  "['language']": (f) => f.language,
  "['subtitle']": (f) => f.description,
  "['tagline']": (f) => f.description,
  "['description']": (f) => f.description,
};

const ITEM_FIELDS: Record<string, ItemField> = {
  "['title']": (i) => i?.title,
  "['title_detail']['value']": (i) => i?.title,
  "['link']": (i) => i?.link,
  "['links'][0]['href']": (i) => i?.link,
  "['id']": (i) => i?.guid,
  "['description']": (i) => i?.summaryHtml ?? i?.contentHtml,
  "['summary']": (i) => i?.summaryHtml ?? i?.contentHtml,
  "['summary_detail']['value']": (i) => i?.summaryHtml ?? i?.contentHtml,
  "['content'][0]['value']": (i) => i?.contentHtml,
  "['content'][0]['base']": (i) => i?.baseUrl,
  "['summary_detail']['base']": (i) => i?.baseUrl,
  // The language in effect for an element: the item's, else the feed's.
  "['content'][0]['language']": (i, f) => i?.language ?? f.language,
  "['summary_detail']['language']": (i, f) => i?.language ?? f.language,
  "['title_detail']['language']": (i, f) => i?.language ?? f.language,
  "['language']": (i, f) => i?.language ?? f.language,
  "['enclosures'][0]['href']": (i) => i?.enclosure?.url,
  "['enclosures'][0]['type']": (i) => i?.enclosure?.type,
  "['tags'][0]['term']": (i) => i?.categories[0],
};

export function mapExpect(expect: string): Check[] {
  const checks: Check[] = [];
  for (const raw of splitConjunction(expect)) {
    const clause = raw.trim().replace(/^\((.*)\)$/s, '$1').trim();
    const m = /^(version|feed|entries\[(\d+)\])((?:\[(?:'[^']*'|\d+)\]|\.\w+)*)\s*==\s*(u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|"""[\s\S]*?"""))$/.exec(clause);
    if (!m) continue;
    const [, root, index, rawPath, literal] = m;
    const path = rawPath.replace(/\.(\w+)/g, "['$1']");
    const expected = parsePythonString(literal);
    if (expected === undefined) continue;
    if (root === 'version') {
      if (path === '' && VERSIONS[expected]) checks.push({ clause, expected: VERSIONS[expected], actual: (f) => f.format });
    } else if (root === 'feed') {
      const field = FEED_FIELDS[path];
      if (field) checks.push({ clause, expected, actual: field });
    } else {
      const field = ITEM_FIELDS[path];
      const n = Number(index);
      if (field) checks.push({ clause, expected, actual: (f) => field(f.items[n], f) });
    }
  }
  return checks;
}

function splitConjunction(expect: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < expect.length; i++) {
    const c = expect[i];
    if (quote) {
      if (c === '\\') i++;
      else if (expect.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = '';
      }
    } else if (expect.startsWith('"""', i)) {
      quote = '"""';
      i += 2;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && expect.startsWith(' and ', i)) {
      parts.push(expect.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(expect.slice(start));
  return parts.filter((p) => p.trim() && p.trim() !== 'not bozo');
}

/** A Python 2/3 string literal ('…', "…", """…""", u'…') to its value; undefined if unsupported. */
export function parsePythonString(literal: string): string | undefined {
  const body = literal.replace(/^u/, '');
  const inner = body.startsWith('"""') ? body.slice(3, -3) : body.slice(1, -1);
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = inner[++i];
    if (next === 'x') {
      out += String.fromCharCode(parseInt(inner.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next === 'u') {
      out += String.fromCharCode(parseInt(inner.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (next === 'U') {
      out += String.fromCodePoint(parseInt(inner.slice(i + 1, i + 9), 16));
      i += 8;
    } else if (next === 'n') out += '\n';
    else if (next === 't') out += '\t';
    else if (next === 'r') out += '\r';
    else if (next === '\\' || next === "'" || next === '"') out += next;
    else return undefined;
  }
  return out;
}
