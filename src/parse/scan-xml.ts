// A forgiving, linear tag scanner over XML text: nesting depth before parsing, and the source
// of elements whose mixed content xml2js would reorder.

type TagKind = 'open' | 'close' | 'empty';

/** Calls `onTag` for every start, end and empty-element tag; returning false stops the scan. */
export function scanTags(
  text: string,
  onTag: (kind: TagKind, name: string, start: number, end: number) => boolean | void,
): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0 || lt + 1 >= n) return;
    const next = text.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end < 0) return;
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end < 0) return;
        i = end + 3;
      } else {
        i = skipDeclaration(text, lt);
      }
      continue;
    }
    if (next === 63 /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return;
      i = end + 2;
      continue;
    }
    const closing = next === 47; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    let j = nameStart;
    while (j < n && !isNameEnd(text.charCodeAt(j))) j++;
    if (j === nameStart) {
      i = lt + 1; // a bare "<" in text: not a tag
      continue;
    }
    const name = text.slice(nameStart, j);
    j = tagEnd(text, j);
    if (j >= n) return;
    if (text.charCodeAt(j) === 60) {
      i = j;
      continue;
    }
    const kind: TagKind = closing ? 'close' : text.charCodeAt(j - 1) === 47 ? 'empty' : 'open';
    if (onTag(kind, name, lt, j + 1) === false) return;
    i = j + 1;
  }
}

/**
 * Where the tag that goes on at `from` ends: its closing ">" outside quotes, else the "<" that
 * cuts it short (one cannot occur inside a tag, XML 1.0 §2.3, so stopping there keeps a runaway
 * quote from swallowing the rest of the document), else the end of the text.
 */
function tagEnd(text: string, from: number): number {
  let quote = 0;
  let j = from;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 60 /* < */) break;
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 62 /* > */) {
      break;
    }
  }
  return j;
}

function isNameEnd(c: number): boolean {
  // whitespace, "/", ">", "<", quotes, "="
  return c <= 32 || c === 47 || c === 62 || c === 60 || c === 34 || c === 39 || c === 61;
}

/** Skips `<!DOCTYPE …>` or another markup declaration, internal subset and quotes included. */
export function skipDeclaration(text: string, start: number): number {
  let bracket = 0;
  let quote = 0;
  for (let j = start + 2; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 91 /* [ */) {
      bracket++;
    } else if (c === 93 /* ] */) {
      bracket = Math.max(0, bracket - 1);
    } else if (c === 62 /* > */ && bracket === 0) {
      return j + 1;
    } else if (bracket > 0 && c === 60 && text.startsWith('<!--', j)) {
      const end = text.indexOf('-->', j + 4);
      if (end < 0) return text.length;
      j = end + 2;
    }
  }
  return text.length;
}

/** The deepest element nesting, counting no further than `limit + 1`. */
export function measureDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  scanTags(text, (kind) => {
    if (kind === 'open') {
      depth++;
      if (depth > max) max = depth;
      return depth <= limit;
    }
    if (kind === 'close' && depth > 0) depth--;
    return true;
  });
  return max;
}

interface Frame {
  /** Path of this element as `name[index]/…`, or null inside a captured element. */
  path: string | null;
  capture: boolean;
  innerStart: number;
  hasChild: boolean;
  counts: Map<string, number> | null;
}

/**
 * The inner source of every element whose name `wants` and that has child elements, keyed by its
 * path (`rss[0]/channel[0]/item[2]/description[0]`). The indices count same-named siblings, the
 * way xml2js arrays do, so a path finds the same element in the parsed tree.
 */
export function collectInnerMarkup(text: string, wants: (name: string) => boolean): Map<string, string> {
  const found = new Map<string, string>();
  const stack: Frame[] = [{ path: '', capture: false, innerStart: 0, hasChild: false, counts: new Map() }];
  const childPath = (parent: Frame, name: string): string | null => {
    if (parent.path === null || parent.capture || parent.counts === null) return null;
    const index = parent.counts.get(name) ?? 0;
    parent.counts.set(name, index + 1);
    return parent.path === '' ? `${name}[${index}]` : `${parent.path}/${name}[${index}]`;
  };
  scanTags(text, (kind, name, start, end) => {
    const top = stack[stack.length - 1];
    if (kind === 'close') {
      if (stack.length === 1) return true;
      const frame = stack.pop()!;
      if (frame.capture && frame.hasChild && frame.path !== null) {
        found.set(frame.path, text.slice(frame.innerStart, start));
      }
      return true;
    }
    top.hasChild = true;
    const path = childPath(top, name);
    if (kind === 'empty') return true;
    const capture = path !== null && wants(name);
    stack.push({ path, capture, innerStart: end, hasChild: false, counts: path !== null && !capture ? new Map() : null });
    return true;
  });
  return found;
}

/** An item (RSS) or entry (Atom) element, prefixed or not. */
const ITEM_NAME = /^(?:[\w.-]+:)?(?:item|entry)$/;

/**
 * The document without its items past the first `keep`, and how many were cut: a feed of half a
 * million tiny items costs one linear scan, never a tree. Items are the `item`/`entry` elements
 * at feed level (under the root or the channel); whatever sits between the cut items goes too.
 */
export function skipItemsBeyond(text: string, keep: number): { text: string; skipped: number } {
  let depth = 0;
  let itemDepth = -1;
  let seen = 0;
  let skipped = 0;
  let cutStart = -1;
  let cutEnd = -1;
  const itemEnded = (end: number) => {
    if (seen <= keep) return;
    skipped = seen - keep;
    cutEnd = end;
  };
  scanTags(text, (kind, name, start, end) => {
    if (kind === 'close') {
      if (depth > 0) depth--;
      if (itemDepth >= 0 && depth === itemDepth) {
        itemDepth = -1;
        itemEnded(end);
      }
      return true;
    }
    const isItem = itemDepth < 0 && depth >= 1 && depth <= 2 && ITEM_NAME.test(name);
    if (isItem) {
      seen++;
      if (seen === keep + 1) cutStart = start;
      if (kind === 'empty') itemEnded(end);
    }
    if (kind === 'open') {
      if (isItem) itemDepth = depth;
      depth++;
    }
    return true;
  });
  if (cutStart < 0 || cutEnd < cutStart) return { text, skipped: 0 };
  return { text: text.slice(0, cutStart) + text.slice(cutEnd), skipped };
}

/** Marks where a cut CDATA section was: a noncharacter, so text that holds one is not cut. */
const CUT_MARK = '\uFDD0';
const CUT_PLACE = /\uFDD0(\d+)\uFDD0/g;

/**
 * The document with the contents of its long CDATA sections replaced by short marks, and those
 * contents in order: sax reads CDATA one character at a time and never looks inside it, so the
 * parser is spared the item bodies, which are most of a feed's bytes. Undefined when there is
 * nothing to cut, or when the document has anything this scan might read otherwise than sax
 * (a declaration, a bare "<", a "<" inside a tag, something unterminated, the mark itself): the
 * document is then parsed as written.
 */
export function cutLongCdata(text: string, minChars: number): { text: string; sections: string[] } | undefined {
  if (text.includes(CUT_MARK)) return undefined;
  const sections: string[] = [];
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  const n = text.length;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end < 0) return undefined;
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const start = lt + 9;
        const end = text.indexOf(']]>', start);
        if (end < 0) return undefined;
        if (end - start >= minChars) {
          parts.push(text.slice(copied, start), `${CUT_MARK}${sections.length}${CUT_MARK}`);
          sections.push(text.slice(start, end));
          copied = end;
        }
        i = end + 3;
      } else {
        return undefined;
      }
      continue;
    }
    if (next === 63 /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return undefined;
      i = end + 2;
      continue;
    }
    const nameStart = next === 47 /* / */ ? lt + 2 : lt + 1;
    if (nameStart >= n || isNameEnd(text.charCodeAt(nameStart))) return undefined;
    const j = tagEnd(text, nameStart);
    if (j >= text.length || text.charCodeAt(j) !== 62 /* > */) return undefined;
    i = j + 1;
  }
  if (!sections.length) return undefined;
  parts.push(text.slice(copied));
  return { text: parts.join(''), sections };
}

/** Puts the sections cutLongCdata took out back into every string of a parsed tree, in place. */
export function restoreCdata(node: unknown, sections: string[]): unknown {
  if (typeof node === 'string') return node.includes(CUT_MARK) ? node.replace(CUT_PLACE, (_, k: string) => sections[Number(k)]) : node;
  if (Array.isArray(node)) {
    for (let k = 0; k < node.length; k++) node[k] = restoreCdata(node[k], sections);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restoreCdata(record[key], sections);
  }
  return node;
}
