// decodeFeedBytes: precedence (BOM → Content-Type → XML declaration → JSON → UTF-8), the
// windows-1252 rules French sources need, and the refusal to store mojibake.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeFeedBytes, type DecodedText } from '../../src/fetch/charset.ts';
import { FEEDPARSER_CORPUS, hasFeedparserCorpus, readCorpusFile } from './feedparser-corpus.ts';

const FRENCH = 'Été : Québec célèbre à Montréal, garçon, œuvre, l’accueil, 5 € — « fin »';
const FRENCH_CHARS = ['é', 'è', 'à', 'ç', 'œ', '’', '€'];

function rss(title: string, declaration = ''): string {
  const decl = declaration ? `<?xml version="1.0" encoding="${declaration}"?>\n` : '';
  return `${decl}<rss version="2.0"><channel><title>${title}</title></channel></rss>`;
}

function expectDecoded(result: ReturnType<typeof decodeFeedBytes>): DecodedText {
  if (!result.ok) throw new Error(`expected a decoded text, got: ${result.error}`);
  return result;
}

function expectFrench(result: ReturnType<typeof decodeFeedBytes>): DecodedText {
  const decoded = expectDecoded(result);
  expect(decoded.text).toContain(FRENCH);
  for (const ch of FRENCH_CHARS) expect(decoded.text).toContain(ch);
  expect(decoded.text).not.toContain('\ufffd');
  return decoded;
}

describe('byte order marks', () => {
  it('strips a UTF-8 BOM and wins over a contradicting Content-Type', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss(FRENCH))]);
    const decoded = expectFrench(decodeFeedBytes(bytes, 'text/xml; charset=windows-1252'));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.text.startsWith('<rss')).toBe(true);
    expect(decoded.warnings).toEqual([{ code: 'charset-bom-wins', params: { label: 'windows-1252', encoding: 'utf-8' } }]);
  });

  it.each([
    ['utf-16le', [0xff, 0xfe]],
    ['utf-16be', [0xfe, 0xff]],
    ['utf-32le', [0xff, 0xfe, 0, 0]],
    ['utf-32be', [0, 0, 0xfe, 0xff]],
  ])('decodes %s with a BOM', (encoding, bom) => {
    const body = iconv.encode(rss(FRENCH, 'utf-16'), encoding, { addBOM: false });
    const decoded = expectFrench(decodeFeedBytes(Buffer.concat([Buffer.from(bom), body])));
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text.startsWith('<?xml')).toBe(true);
  });

  it('keeps valid UTF-8 after a BOM and reads stray Latin-1 bytes as windows-1252', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<t>Ѩ Espa'), Buffer.from([0xf1]), Buffer.from('a</t>')]);
    const decoded = expectDecoded(decodeFeedBytes(bytes));
    expect(decoded.text).toBe('<t>Ѩ España</t>');
    expect(decoded.warnings).toContainEqual({ code: 'charset-windows-1252', params: { origin: 'bom', encoding: 'windows-1252', partial: true } });
  });
});

describe('UTF-16 and UTF-32 without a BOM', () => {
  it.each(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'])('recognises %s from the <? byte pattern', (encoding) => {
    const decoded = expectFrench(decodeFeedBytes(iconv.encode(rss(FRENCH, 'utf-16'), encoding, { addBOM: false })));
    expect(decoded.encoding).toBe(encoding);
  });

  it('prefers the byte pattern to a single-byte charset in Content-Type', () => {
    const bytes = iconv.encode(rss(FRENCH, 'utf-16le'), 'utf-16le', { addBOM: false });
    expect(expectFrench(decodeFeedBytes(bytes, 'application/xml; charset=iso-8859-1')).encoding).toBe('utf-16le');
  });

  it('ignores a UTF-16 label on bytes laid out as ASCII', () => {
    const decoded = expectFrench(decodeFeedBytes(Buffer.from(rss(FRENCH, 'utf-16'))));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings).toContainEqual({ code: 'charset-not-utf16', params: { label: 'utf-16', origin: 'xml-declaration' } });
  });
});

describe('French windows-1252 feeds, declared in the XML, in HTTP or nowhere', () => {
  const latin = (declaration = '') => iconv.encode(rss(FRENCH, declaration), 'windows-1252');

  it('decodes when declared only in the XML declaration', () => {
    expect(expectFrench(decodeFeedBytes(latin('windows-1252'), 'application/rss+xml')).encoding).toBe('windows-1252');
  });

  it('decodes when declared only as an HTTP charset', () => {
    expect(expectFrench(decodeFeedBytes(latin(), 'application/rss+xml; charset=windows-1252')).encoding).toBe('windows-1252');
  });

  it('decodes when declared nowhere, with a warning', () => {
    const decoded = expectFrench(decodeFeedBytes(latin(), 'application/rss+xml'));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.warnings).toContainEqual({ code: 'charset-windows-1252', params: { origin: 'default', encoding: 'windows-1252' } });
  });

  it.each(['iso-8859-1', 'ISO-8859-1', 'latin1', 'us-ascii'])('reads the label %s as windows-1252 (0x92 is ’, 0x80 is €)', (label) => {
    const decoded = expectFrench(decodeFeedBytes(latin(label)));
    expect(decoded.encoding).toBe('windows-1252');
  });
});

describe('precedence and mismatches between declared and actual encodings', () => {
  it('lets the HTTP charset override the XML declaration', () => {
    const bytes = iconv.encode(rss('Новости дня', 'windows-1252'), 'windows-1251');
    const decoded = expectDecoded(decodeFeedBytes(bytes, 'text/xml; charset="windows-1251"'));
    expect(decoded.encoding).toBe('windows-1251');
    expect(decoded.text).toContain('Новости дня');
  });

  it('falls back to windows-1252 when the XML says UTF-8 but the bytes are Latin-1', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss><title>'), iconv.encode(FRENCH, 'windows-1252'), Buffer.from('</title></rss>')]);
    const decoded = expectFrench(decodeFeedBytes(bytes));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.warnings).toContainEqual({ code: 'charset-windows-1252', params: { origin: 'xml-declaration', encoding: 'windows-1252' } });
  });

  it('uses the XML declaration when the HTTP charset says UTF-8 but the bytes are not', () => {
    const bytes = iconv.encode(rss(FRENCH, 'iso-8859-1'), 'windows-1252');
    const decoded = expectFrench(decodeFeedBytes(bytes, 'application/xml; charset=utf-8'));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.warnings).toContainEqual({ code: 'charset-fallback', params: { origin: 'content-type', fallbackOrigin: 'xml-declaration', encoding: 'windows-1252' } });
  });

  it('reads valid UTF-8 as UTF-8 when a server default says ISO-8859-1', () => {
    const decoded = expectFrench(decodeFeedBytes(Buffer.from(rss(FRENCH)), 'text/xml; charset=ISO-8859-1'));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings).toContainEqual({ code: 'charset-actually-utf8', params: { origin: 'content-type', label: 'windows-1252', encoding: 'utf-8' } });
  });

  it('keeps a plain ASCII document under its declared single-byte charset', () => {
    expect(expectDecoded(decodeFeedBytes(Buffer.from(rss('plain')), 'text/xml; charset=iso-8859-1')).encoding).toBe('windows-1252');
  });
});

describe('other scripts: multi-byte and Cyrillic encodings', () => {
  it.each([
    ['big5', '中文新聞：移民服務'],
    ['gb2312', '中文新闻：移民服务'],
    ['gb18030', '中文新闻：移民服务'],
    ['koi8-r', 'Новости для иммигрантов'],
    ['shift_jis', '日本語のニュース'],
    ['euc-kr', '이민자 뉴스'],
    ['euc-jp', '日本語のニュース'],
  ])('decodes %s declared in the XML declaration', (label, title) => {
    const decoded = expectDecoded(decodeFeedBytes(iconv.encode(rss(title, label), label)));
    expect(decoded.text).toContain(title);
    expect(decoded.text).not.toContain('\ufffd');
  });

  it.each([
    ['koi8-r', 'Новости для иммигрантов и беженцев'],
    ['gb2312', '中文新闻：移民服务和难民'],
    ['shift_jis', '日本語のニュースと移民サービス'],
    ['big5', '中文新聞：移民服務和難民'],
  ])('refuses %s bytes with no declaration instead of storing mojibake', (label, title) => {
    const result = decodeFeedBytes(iconv.encode(rss(title), label), 'application/rss+xml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^cannot determine the character encoding/);
  });

  it('refuses a declared multi-byte charset the bytes do not follow', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="shift_jis"?><rss><title>'), Buffer.from(Array.from({ length: 40 }, (_, i) => (i % 2 ? 0x80 : 0xa0))), Buffer.from('</title></rss>')]);
    const result = decodeFeedBytes(bytes);
    expect(result.ok).toBe(false);
  });
});

describe('labels', () => {
  it('skips a bogus XML label with a warning and carries on', () => {
    const decoded = expectFrench(decodeFeedBytes(Buffer.from(rss(FRENCH, 'bogus'))));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings).toContainEqual({ code: 'charset-unknown', params: { label: 'bogus', origin: 'xml-declaration' } });
  });

  it('skips a bogus HTTP label and uses the XML declaration', () => {
    const decoded = expectFrench(decodeFeedBytes(iconv.encode(rss(FRENCH, 'windows-1252'), 'windows-1252'), 'text/xml; charset=x-nonsense'));
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.warnings).toContainEqual({ code: 'charset-unknown', params: { label: 'x-nonsense', origin: 'content-type' } });
  });

  it('ignores labels that are transfer forms, not charsets', () => {
    const decoded = expectFrench(decodeFeedBytes(Buffer.from(rss(FRENCH, 'base64'))));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings).toContainEqual({ code: 'charset-unknown', params: { label: 'base64', origin: 'xml-declaration' } });
  });

  it('refuses UTF-7, which can smuggle markup', () => {
    const decoded = expectDecoded(decodeFeedBytes(Buffer.from(rss('+ADw-script+AD4-', 'utf-7'))));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.text).toContain('+ADw-script+AD4-');
  });

  it.each([
    ['text/xml; charset=utf-8', 'utf-8'],
    ['text/xml;charset="us-ascii"', 'us-ascii'],
    ["application/atom+xml;charset='gb2312'", 'gb2312'],
    ['text/xml;charset = us-ascii', 'us-ascii'],
    ['text/xml; charset:iso-8859-1', undefined],
    ['text/xml;', undefined],
    [undefined, undefined],
  ])('reads the charset of %s', (contentType, expected) => {
    expect(charsetFromContentType(contentType)).toBe(expected);
  });
});

describe('JSON and repairs', () => {
  it('reads JSON Feed as UTF-8 even when it starts like nothing else', () => {
    const decoded = expectFrench(decodeFeedBytes(Buffer.from(JSON.stringify({ title: FRENCH })), 'application/feed+json'));
    expect(decoded.encoding).toBe('utf-8');
  });

  it('reads C1 controls from a Latin-1 round trip as windows-1252 punctuation', () => {
    const decoded = expectDecoded(decodeFeedBytes(Buffer.from('<rss><title>don\u0092t \u0080</title></rss>')));
    expect(decoded.text).toContain('don’t €');
  });
});

describe.runIf(hasFeedparserCorpus)('feedparser encoding corpus, decoded directly', () => {
  const root = FEEDPARSER_CORPUS;
  const read = readCorpusFile;

  it.each([
    ['encoding/utf-8-bom.xml', 'utf-8'],
    ['encoding/utf-16be-autodetect.xml', 'utf-16be'],
    ['encoding/utf-16le-autodetect.xml', 'utf-16le'],
    ['encoding/utf-16be-bom.xml', 'utf-16be'],
    ['encoding/utf-16le-bom.xml', 'utf-16le'],
    ['encoding/utf-16be.xml', 'utf-16be'],
    ['encoding/utf-16le.xml', 'utf-16le'],
    ['encoding/utf16.xml', 'utf-16be'],
    ['encoding/u16.xml', 'utf-16be'],
    ['encoding/utf-32be-autodetect.xml', 'utf-32be'],
    ['encoding/utf-32le-autodetect.xml', 'utf-32le'],
    ['encoding/utf-32be-bom.xml', 'utf-32be'],
    ['encoding/utf-32le-bom.xml', 'utf-32le'],
    ['encoding/utf_32.xml', 'utf-32be'],
    ['encoding/big5.xml', 'big5'],
    ['encoding/euc-kr.xml', 'euc-kr'],
    ['encoding/no_content_type_default.xml', 'utf-8'],
    ['encoding/no_content_type_encoding.xml', 'windows-1252'],
  ])('%s decodes as %s into a readable document', (file, encoding) => {
    const decoded = expectDecoded(decodeFeedBytes(read(file)));
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toMatch(/^<(\?xml|!--)/);
    expect(decoded.text).toContain('Description:');
    expect(decoded.text).not.toContain('\ufffd');
  });

  it.each([
    ['encoding/euc-kr.xml', '<title>\ub144</title>'],
    ['encoding/euc-kr-item.xml', '\ub144'],
    ['encoding/euc-kr-attribute.xml', 'alt="\ub144"'],
    ['encoding/demoronize-1.xml', 'don\u2019t'],
  ])('%s contains %s', (file, expected) => {
    expect(expectDecoded(decodeFeedBytes(read(file))).text).toContain(expected);
  });

  it('fails cleanly on every undeclared legacy encoding in illformed/chardet', () => {
    const dir = path.join(root, 'illformed/chardet');
    const files = fs.readdirSync(dir);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const result = decodeFeedBytes(fs.readFileSync(path.join(dir, file)));
      expect(result.ok, file).toBe(false);
    }
  });

  it('never throws on any file of the encoding folder', () => {
    for (const file of fs.readdirSync(path.join(root, 'encoding'))) {
      const result = decodeFeedBytes(read(`encoding/${file}`));
      if (result.ok) expect(result.text.length, file).toBeGreaterThan(0);
      else expect(result.error, file).toMatch(/character encoding/);
    }
  });
});
