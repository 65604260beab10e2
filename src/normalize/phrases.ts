// The finite list of phrases a simple regular expression stands for, so a matcher can look the
// phrases up instead of running the expression ("calls? for proposals" → "call for proposals",
// "calls for proposals"). Only literal characters, (?:…|…) groups, […] sets without ranges,
// negation or escapes, a ? after any of these, and ^ at the very start of a phrase are read;
// anything else (\d, *, +, {n}, lookarounds, $ …) makes the expression unreadable here.

export interface Phrase {
  text: string;
  /** The expression anchored it with ^: it only matches at the start of the text. */
  atStart: boolean;
}

/** Every phrase `pattern` matches, or undefined when it is not of the form above or has more than `limit` phrases. */
export function phrasesOf(pattern: string, limit = 4096): Phrase[] | undefined {
  const reader = { pattern, at: 0, limit };
  const texts = alternatives(reader);
  if (!texts || reader.at !== pattern.length) return undefined;
  const phrases: Phrase[] = [];
  for (const text of new Set(texts)) {
    const atStart = text.startsWith('^');
    // A ^ anywhere else can never match (no multiline flag), nor can the phrase.
    if (text.indexOf('^', atStart ? 1 : 0) >= 0) continue;
    phrases.push({ text: atStart ? text.slice(1) : text, atStart });
  }
  return phrases;
}

interface Reader {
  pattern: string;
  at: number;
  limit: number;
}

function alternatives(r: Reader): string[] | undefined {
  const out: string[] = [];
  for (;;) {
    const seq = sequence(r);
    if (!seq) return undefined;
    out.push(...seq);
    if (out.length > r.limit) return undefined;
    if (r.pattern[r.at] !== '|') return out;
    r.at++;
  }
}

function sequence(r: Reader): string[] | undefined {
  const { pattern } = r;
  let out = [''];
  while (r.at < pattern.length && pattern[r.at] !== '|' && pattern[r.at] !== ')') {
    let atom: string[] | undefined;
    const c = pattern[r.at];
    if (c === '(') {
      if (!pattern.startsWith('(?:', r.at)) return undefined;
      r.at += 3;
      atom = alternatives(r);
      if (!atom || pattern[r.at] !== ')') return undefined;
      r.at++;
    } else if (c === '[') {
      const end = pattern.indexOf(']', r.at);
      if (end < 0) return undefined;
      const set = pattern.slice(r.at + 1, end);
      if (!set || /^\^|.-.|[\\[]/.test(set)) return undefined;
      atom = [...set];
      r.at = end + 1;
    } else if (/[\\.*+?{}$\]]/.test(c)) {
      return undefined;
    } else {
      // A literal character; ^ is kept as a marker and read by phrasesOf.
      atom = [c];
      r.at++;
    }
    if (pattern[r.at] === '?') {
      atom = [...atom, ''];
      r.at++;
    }
    const next: string[] = [];
    for (const head of out) for (const tail of atom) next.push(head + tail);
    if (next.length > r.limit) return undefined;
    out = next;
  }
  return out;
}
