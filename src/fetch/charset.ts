// Turns feed bytes into text: BOM, then the HTTP charset, then the XML declaration, then UTF-8,
// with a checked windows-1252 fallback, so French sources keep their accents and nothing
// becomes mojibake silently; text a platform encoded as UTF-8 twice is repaired when that is
// unambiguous (double-utf8.ts).
import iconv from 'iconv-lite';
import type { CharsetOrigin as Origin, ProblemParams, Warning } from '../core/types.ts';

import { repairDoubleUtf8 } from './double-utf8.ts';

export type DecodedText = { ok: true; text: string; encoding: string; warnings: Warning[] };
/** `error` is the English detail for logs; `params` the facts to word it with. */
export type DecodeFailure = { ok: false; error: string; params: ProblemParams; warnings: Warning[] };

/** How the English details name where a label came from. */
const ORIGIN_NAMES: Record<Origin, string> = {
  bom: 'byte order mark', 'content-type': 'Content-Type', 'xml-declaration': 'XML declaration',
  'byte-pattern': 'byte pattern', json: 'JSON', default: 'default',
};

interface Candidate {
  encoding: string;
  origin: Origin;
}

/**
 * Labels that decode as another encoding. WHATWG Encoding: iso-8859-1, latin1 and us-ascii are
 * windows-1252; gb2312/gbk are read by the gb18030 decoder (a superset); tis-620 is windows-874.
 */
const ALIASES: Record<string, string> = {
  'utf8': 'utf-8', 'unicode-1-1-utf-8': 'utf-8', 'x-unicode20utf8': 'utf-8',
  'iso-8859-1': 'windows-1252', 'iso8859-1': 'windows-1252', 'iso_8859-1': 'windows-1252', 'latin1': 'windows-1252',
  'latin-1': 'windows-1252', 'l1': 'windows-1252', 'cp819': 'windows-1252', 'ibm819': 'windows-1252',
  'iso-ir-100': 'windows-1252', 'us-ascii': 'windows-1252', 'ascii': 'windows-1252', 'ansi_x3.4-1968': 'windows-1252',
  'cp1252': 'windows-1252', 'x-cp1252': 'windows-1252', 'windows-1252': 'windows-1252',
  'iso-8859-9': 'windows-1254', 'latin5': 'windows-1254', 'tis-620': 'windows-874', 'iso-8859-11': 'windows-874',
  'gb2312': 'gb18030', 'gbk': 'gb18030', 'x-gbk': 'gb18030', 'chinese': 'gb18030', 'csgb2312': 'gb18030', 'gb18030': 'gb18030',
  'big5': 'big5', 'big5-hkscs': 'big5', 'cn-big5': 'big5', 'x-x-big5': 'big5', 'csbig5': 'big5',
  'shift_jis': 'shift_jis', 'shift-jis': 'shift_jis', 'sjis': 'shift_jis', 'x-sjis': 'shift_jis', 'ms_kanji': 'shift_jis',
  'windows-31j': 'shift_jis', 'csshiftjis': 'shift_jis',
  'euc-kr': 'euc-kr', 'ks_c_5601-1987': 'euc-kr', 'korean': 'euc-kr', 'windows-949': 'euc-kr', 'cseuckr': 'euc-kr',
  'utf-16': 'utf-16', 'utf16': 'utf-16', 'utf_16': 'utf-16', 'ucs-2': 'utf-16', 'iso-10646-ucs-2': 'utf-16', 'u16': 'utf-16',
  'utf-32': 'utf-32', 'utf32': 'utf-32', 'utf_32': 'utf-32', 'ucs-4': 'utf-32', 'iso-10646-ucs-4': 'utf-32',
};

/** What iconv-lite should use for each canonical name (supersets, as browsers do). */
const DECODER: Record<string, string> = { 'big5': 'big5hkscs', 'shift_jis': 'cp932', 'euc-kr': 'cp949' };

/**
 * Labels iconv-lite knows but a feed must not get: UTF-7 can smuggle markup past filters, and
 * base64/hex are transfer forms, not character encodings.
 */
const REFUSED = new Set(['utf-7', 'utf7', 'unicode-1-1-utf-7', 'csunicode11utf7', 'utf-7-imap', 'utf7imap', 'base64', 'hex']);

/** Maps a charset label to a canonical encoding name, or undefined when we cannot decode it. */
function normalizeLabel(label: string): string | undefined {
  const key = label.trim().toLowerCase();
  if (!key || REFUSED.has(key)) return undefined;
  const alias = ALIASES[key];
  if (alias) return alias;
  return iconv.encodingExists(key) ? key : undefined;
}

function isUnicodeFamily(encoding: string): boolean {
  return encoding.startsWith('utf-16') || encoding.startsWith('utf-32');
}

function sniffBom(bytes: Buffer): { encoding: string; length: number } | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return { encoding: 'utf-32le', length: 4 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** UTF-16/32 without a BOM, from how `<?` is laid out (XML 1.0 Appendix F). */
function sniffXmlPattern(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 4).toString('hex');
  if (head === '0000003c') return 'utf-32be';
  if (head === '3c000000') return 'utf-32le';
  if (head === '003c003f') return 'utf-16be';
  if (head === '3c003f00') return 'utf-16le';
  return undefined;
}

/** The charset parameter of a Content-Type, tolerating quotes and spaces around "=". */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("([^"]*)"|'([^']*)'|[^;\s]+)/i.exec(contentType);
  if (!m) return undefined;
  const value = (m[2] ?? m[3] ?? m[1]).trim();
  return value || undefined;
}

/** The encoding= of the XML declaration, read in the byte layout the document uses. */
function declaredXmlEncoding(bytes: Buffer, pattern: string | undefined): string | undefined {
  let head: string;
  if (pattern) {
    const width = pattern.startsWith('utf-32') ? 4 : 2;
    head = iconv.decode(bytes.subarray(0, 512 * width), pattern);
  } else {
    head = bytes.subarray(0, 1024).toString('latin1');
  }
  const m = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']{1,40})\1/.exec(head);
  return m ? m[2] : undefined;
}

function looksLikeJson(bytes: Buffer, contentType: string | undefined): boolean {
  if (contentType && /\bjson\b/i.test(contentType.split(';')[0])) return true;
  const first = bytes.subarray(0, 64).toString('latin1').trimStart()[0];
  return first === '{' || first === '[';
}

/** Gives an unmarked "utf-16"/"utf-32" the byte order of the `<?` pattern. */
function withByteOrder(encoding: string, pattern: string | undefined): string {
  if (encoding !== 'utf-16' && encoding !== 'utf-32') return encoding;
  return pattern?.startsWith(encoding) ? pattern : encoding;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeStrictUtf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Length of the well-formed UTF-8 sequence at `i` (2–4), or 0 if there is none. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const b = bytes[i];
  const cont = (k: number) => i + k < bytes.length && (bytes[i + k] & 0xc0) === 0x80;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const b1 = bytes[i + 1];
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f)) return 0; // overlong, surrogate
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const b1 = bytes[i + 1];
    if ((b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** windows-1252 characters French (and other Latin-script) text plausibly contains. */
const LATIN_TEXT = /[\u00a0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;
const LATIN_SYMBOLS_UNLIKELY = /[\u00a4\u00a6\u00ac\u00ad\u00af\u00d7\u00f7]/;

/**
 * Decodes bytes that are not valid UTF-8: well-formed UTF-8 sequences stay UTF-8 (mixed feeds exist),
 * every other high byte is read as windows-1252. Returns undefined when those bytes do not look
 * like Latin text: runs of several high bytes are what Cyrillic or CJK encodings produce, whereas
 * French uses isolated accented letters between ASCII ones; bytes windows-1252 leaves undefined
 * point elsewhere too. A stray symbol or two (¤, ×) is tolerated.
 */
function decodeAsWindows1252(bytes: Buffer): { text: string; mixed: boolean } | undefined {
  const parts: string[] = [];
  let start = 0;
  let stray = 0;
  let inRuns = 0;
  let runLength = 0;
  let suspicious = 0;
  let undefinedBytes = 0;
  let mixed = false;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      if (runLength >= 3) inRuns += runLength;
      runLength = 0;
      i++;
      continue;
    }
    const seq = utf8SequenceLength(bytes, i);
    if (seq > 0) {
      if (runLength >= 3) inRuns += runLength;
      runLength = 0;
      mixed = true;
      i += seq;
      continue;
    }
    if (start < i) parts.push(bytes.subarray(start, i).toString('utf8'));
    const ch = iconv.decode(bytes.subarray(i, i + 1), 'windows-1252');
    if (ch === '\ufffd') undefinedBytes++;
    else if (!LATIN_TEXT.test(ch) || LATIN_SYMBOLS_UNLIKELY.test(ch)) suspicious++;
    parts.push(ch);
    stray++;
    runLength++;
    i++;
    start = i;
  }
  if (runLength >= 3) inRuns += runLength;
  if (start < bytes.length) parts.push(bytes.subarray(start).toString('utf8'));
  if (undefinedBytes > 0 || inRuns > stray * 0.2 || (stray >= 4 && suspicious > stray * 0.1)) return undefined;
  return { text: parts.join(''), mixed };
}

function decodeWith(bytes: Buffer, encoding: string): { text: string; replaced: number } {
  const text = iconv.decode(bytes, DECODER[encoding] ?? encoding, { stripBOM: false });
  let replaced = 0;
  for (const ch of text) if (ch === '\ufffd') replaced++;
  return { text, replaced };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * C1 controls (U+0080–U+009F) never belong in feed text; they are windows-1252 punctuation that
 * went through a Latin-1 conversion (0x92 became U+0092 instead of ’). Read them as windows-1252,
 * as browsers do for the same bytes.
 */
function repairC1Controls(text: string, warnings: Warning[]): string {
  if (!/[\u0080-\u009f]/.test(text)) return text;
  let repaired = 0;
  const out = text.replace(/[\u0080-\u009f]/g, (c) => {
    const mapped = iconv.decode(Buffer.from([c.charCodeAt(0)]), 'windows-1252');
    if (mapped === '\ufffd') return c;
    repaired++;
    return mapped;
  });
  if (repaired > 0) warnings.push({ code: 'charset-c1-repaired', params: { count: repaired } });
  return out;
}

/**
 * Decodes a feed body. Precedence: byte order mark → Content-Type charset → XML declaration
 * (UTF-16/32 also recognised from the `<?` byte pattern) → JSON is UTF-8 (RFC 8259) → UTF-8.
 * A label we cannot decode is skipped with a warning. Bytes that are not the UTF-8 they claim to
 * be fall back to a later declaration, then to windows-1252 when that reads as Latin text;
 * otherwise the result is a failure rather than mojibake.
 */
export function decodeFeedBytes(bytes: Buffer, contentType?: string): DecodedText | DecodeFailure {
  const warnings: Warning[] = [];
  const bom = sniffBom(bytes);
  if (bom) {
    const body = bytes.subarray(bom.length);
    const label = charsetFromContentType(contentType);
    const http = label ? normalizeLabel(label) : undefined;
    if (label && http && http !== bom.encoding && !(isUnicodeFamily(http) && bom.encoding.startsWith(http))) {
      warnings.push({ code: 'charset-bom-wins', params: { label: label.slice(0, 40), encoding: bom.encoding } });
    }
    return withRepairs(finishDecoding(body, [{ encoding: bom.encoding, origin: 'bom' }], warnings));
  }

  const pattern = sniffXmlPattern(bytes);
  const candidates: Candidate[] = [];
  const consider = (label: string | undefined, origin: Origin) => {
    if (label === undefined) return;
    const encoding = normalizeLabel(label);
    if (!encoding) {
      warnings.push({ code: 'charset-unknown', params: { label: label.slice(0, 40), origin } });
      return;
    }
    if (isUnicodeFamily(encoding) && !pattern) {
      // A UTF-16 label on bytes laid out as ASCII is a copy-pasted header, not the truth.
      warnings.push({ code: 'charset-not-utf16', params: { label: label.slice(0, 40), origin } });
      return;
    }
    const resolved = withByteOrder(encoding, pattern);
    if (pattern && resolved !== pattern) {
      warnings.push({ code: 'charset-byte-layout', params: { label: label.slice(0, 40), origin, encoding: pattern } });
      return;
    }
    candidates.push({ encoding: resolved, origin });
  };
  consider(charsetFromContentType(contentType), 'content-type');
  consider(declaredXmlEncoding(bytes, pattern), 'xml-declaration');
  if (pattern) candidates.push({ encoding: pattern, origin: 'byte-pattern' });
  if (looksLikeJson(bytes, contentType)) candidates.push({ encoding: 'utf-8', origin: 'json' });
  candidates.push({ encoding: 'utf-8', origin: 'default' });

  // A single-byte declaration in an UTF-16/32 document cannot be right: the byte pattern wins.
  const usable = pattern ? candidates.filter((c) => isUnicodeFamily(c.encoding)) : candidates;
  return withRepairs(finishDecoding(bytes, usable, warnings));
}

function withRepairs(result: DecodedText | DecodeFailure): DecodedText | DecodeFailure {
  if (!result.ok) return result;
  const twice = repairDoubleUtf8(result.text);
  if (twice.repaired) result.warnings.push({ code: 'charset-double-utf8', params: { count: twice.repaired } });
  if (twice.ambiguous) result.warnings.push({ code: 'charset-double-utf8-ambiguous' });
  return { ...result, text: repairC1Controls(twice.text, result.warnings) };
}

/** Single-byte legacy encodings: a document in one of them is practically never valid multi-byte UTF-8. */
const SINGLE_BYTE = /^(windows-(12\d\d|874)|iso-8859-\d+|koi8-[a-z]+|macintosh)$/;

function hasHighBytes(bytes: Buffer): boolean {
  return bytes.some((b) => b >= 0x80);
}

function finishDecoding(bytes: Buffer, candidates: Candidate[], warnings: Warning[]): DecodedText | DecodeFailure {
  const first = candidates[0];
  if (first.encoding !== 'utf-8') {
    const decoded = decodeWith(bytes, first.encoding);
    const suspect = decoded.replaced > 0 || (SINGLE_BYTE.test(first.encoding) && hasHighBytes(bytes));
    if (suspect && !isUnicodeFamily(first.encoding)) {
      // The usual cause is a server default (Apache's AddDefaultCharset ISO-8859-1) stamped on a
      // UTF-8 feed; legacy-encoded text is practically never valid multi-byte UTF-8 by accident.
      const utf8 = decodeStrictUtf8(bytes);
      if (utf8 !== undefined) {
        warnings.push({ code: 'charset-actually-utf8', params: { origin: first.origin, label: first.encoding, encoding: 'utf-8' } });
        return { ok: true, text: stripBom(utf8), encoding: 'utf-8', warnings };
      }
    }
    if (decoded.replaced > 3 && decoded.replaced * 100 > decoded.text.length) {
      return {
        ok: false,
        error: `cannot determine the character encoding: the ${ORIGIN_NAMES[first.origin]} says ${first.encoding} but ${decoded.replaced} byte sequences are not valid in it`,
        params: { origin: first.origin, label: first.encoding, count: decoded.replaced },
        warnings,
      };
    }
    if (decoded.replaced > 0) warnings.push({ code: 'charset-bytes-replaced', params: { count: decoded.replaced, encoding: first.encoding } });
    return { ok: true, text: stripBom(decoded.text), encoding: first.encoding, warnings };
  }

  const utf8 = decodeStrictUtf8(bytes);
  if (utf8 !== undefined) return { ok: true, text: stripBom(utf8), encoding: 'utf-8', warnings };

  const claim = first.origin === 'default' || first.origin === 'json' ? 'UTF-8 assumed' : 'declared UTF-8';
  const later = candidates.find((c) => c.encoding !== 'utf-8' && (c.origin === 'xml-declaration' || c.origin === 'content-type'));
  if (later) {
    warnings.push({ code: 'charset-fallback', params: { origin: first.origin, fallbackOrigin: later.origin, encoding: later.encoding } });
    return finishDecoding(bytes, [later], warnings);
  }

  const latin = decodeAsWindows1252(bytes);
  if (!latin) {
    return {
      ok: false,
      error: `cannot determine the character encoding: ${claim} but the bytes are neither UTF-8 nor Latin text`,
      params: { origin: first.origin },
      warnings,
    };
  }
  warnings.push({ code: 'charset-windows-1252', params: { origin: first.origin, encoding: 'windows-1252', ...(latin.mixed ? { partial: true } : {}) } });
  return { ok: true, text: stripBom(latin.text), encoding: 'windows-1252', warnings };
}
