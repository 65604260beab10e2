// Reads the self-describing header of a parse fixture (yarr style): what the case is, the options
// to parse it with, and the assertions it carries.
//
// An XML fixture starts with a comment, a JSON fixture with a top-level "_test" string:
//
//   Description: one line saying what the case is
//   Options: {"url": "https://example.org/feed", "contentType": "application/feed+json", "maxItems": 2}
//   Expect:
//     format = "rss2"
//     items.length = 3; items[0].title = "Café & co"
//     items[1].published = undefined
//     dropped["duplicate guid"] = 1
//     warnings[0] ~ "repaired"
//     error = "document declares entities (refused)"
//
// Each assertion is `path op value`, separated by a newline or ";". A path walks the ParsedFeed
// (`.name`, `[0]`, `["key with spaces"]`); `normalized[i]` is the Item the normalizer makes of
// items[i] (or `{dropped}`), for cases where the two stages must agree. `=` compares deeply with a JSON value (or `undefined`),
// `~` asks that the string (or the JSON of a non-string) contain the value, `!~` that it not.
// `error` (= or ~) means parseFeed must reject with a ParseError whose message matches.
// In the body, `{{U+XXXX}}` stands for that UTF-16 code unit: NUL, lone surrogates and other
// characters a text file cannot carry.

export interface Assertion {
  source: string;
  path: (string | number)[];
  op: '=' | '~' | '!~';
  value: unknown;
}

export interface FixtureSpec {
  description: string;
  options: { url?: string; contentType?: string; maxItems?: number };
  assertions: Assertion[];
  error?: { op: '=' | '~'; message: string };
}

export function readFixtureSpec(file: string, raw: string): FixtureSpec {
  const header = file.endsWith('.json') ? jsonHeader(raw) : /<!--([\s\S]*?)-->/.exec(raw)?.[1];
  if (header === undefined) throw new Error(`${file}: no leading comment / "_test" header`);
  const description = /Description:\s*(.*)/.exec(header)?.[1]?.trim();
  if (!description) throw new Error(`${file}: no Description:`);
  const optionsText = /Options:\s*(\{.*\})/.exec(header)?.[1];
  const expectAt = header.indexOf('Expect:');
  if (expectAt < 0) throw new Error(`${file}: no Expect:`);
  const assertions = parseAssertions(file, header.slice(expectAt + 'Expect:'.length));
  const errorAssertion = assertions.find((a) => a.path.length === 1 && a.path[0] === 'error');
  if (errorAssertion && (errorAssertion.op === '!~' || typeof errorAssertion.value !== 'string')) {
    throw new Error(`${file}: error must be compared with = or ~ and a string`);
  }
  return {
    description,
    options: optionsText ? JSON.parse(optionsText) : {},
    assertions: assertions.filter((a) => a !== errorAssertion),
    error: errorAssertion && { op: errorAssertion.op as '=' | '~', message: errorAssertion.value as string },
  };
}

/** Replaces `{{U+XXXX}}` markers with the code unit they name. */
export function expandMarkers(raw: string): string {
  return raw.replace(/\{\{U\+([0-9A-Fa-f]{4})\}\}/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function resolvePath(value: unknown, path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function jsonHeader(raw: string): string | undefined {
  // Read with a pattern, not JSON.parse, so that a fixture of broken JSON can still describe itself.
  const match = /"_test"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(raw);
  return match ? (JSON.parse(match[1]) as string) : undefined;
}

function parseAssertions(file: string, text: string): Assertion[] {
  const assertions: Assertion[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const skip = /^[\s;]+/.exec(rest);
    if (skip) {
      i += skip[0].length;
      continue;
    }
    const head = /^([A-Za-z_$][^=~!\n]*?)\s*(!~|=|~)\s*/.exec(rest);
    if (!head) throw new Error(`${file}: cannot read assertion at "${rest.slice(0, 40)}"`);
    const valueStart = i + head[0].length;
    const valueEnd = endOfValue(text, valueStart);
    const token = text.slice(valueStart, valueEnd).trim();
    let value: unknown;
    try {
      value = token === 'undefined' ? undefined : JSON.parse(token);
    } catch {
      throw new Error(`${file}: value is not JSON in "${text.slice(i, valueEnd).trim()}"`);
    }
    assertions.push({
      source: text.slice(i, valueEnd).trim(),
      path: parsePath(file, head[1].trim()),
      op: head[2] as Assertion['op'],
      value,
    });
    i = valueEnd;
  }
  return assertions;
}

function endOfValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"' || first === '[' || first === '{') {
    let depth = 0;
    let inString = false;
    for (let j = start; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') {
          inString = false;
          if (depth === 0) return j + 1;
        }
      } else if (c === '"') inString = true;
      else if (c === '[' || c === '{') depth++;
      else if ((c === ']' || c === '}') && --depth === 0) return j + 1;
    }
    return text.length;
  }
  const end = text.slice(start).search(/[;\n]/);
  return end < 0 ? text.length : start + end;
}

function parsePath(file: string, source: string): (string | number)[] {
  const path: (string | number)[] = [];
  const segment = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  let at = 0;
  while (at < source.length) {
    segment.lastIndex = at;
    const m = segment.exec(source);
    if (!m) throw new Error(`${file}: bad path "${source}"`);
    path.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
    at = segment.lastIndex;
  }
  return path;
}
