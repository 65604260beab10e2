// fetchFeed end to end on encodings: French windows-1252 feeds in their three declaration forms,
// the HTTP charset over the XML declaration, and feedparser's HTTP encoding cases served with
// their own `Header:` lines.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchFeed, type FetchOk } from '../../src/fetch/fetch-feed.ts';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { corpusHeaders, hasFeedparserCorpus, readCorpusFile, readCorpusIndex, type CorpusEntry } from './feedparser-corpus.ts';
import { expectOk, testFetchSettings } from '../helpers/fetch.ts';

const FRENCH = 'Séance d’information à Montréal : œuvres, garçons et filles, coût 5 € — « bienvenue »';

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());


function frenchFeed(declaration?: string): Buffer {
  const decl = declaration ? `<?xml version="1.0" encoding="${declaration}"?>\n` : '';
  return iconv.encode(`${decl}<rss version="2.0"><channel><title>${FRENCH}</title><item><title>Été</title></item></channel></rss>`, 'windows-1252');
}

async function fetchServed(body: Buffer, contentType: string): Promise<FetchOk> {
  server.route('/feed.xml', serveBody(body, { headers: { 'content-type': contentType } }));
  return expectOk(await fetchFeed({ url: server.url('/feed.xml') }, testFetchSettings()));
}

describe('French windows-1252 feeds over HTTP', () => {
  it.each([
    ['only in the XML declaration', frenchFeed('ISO-8859-1'), 'application/rss+xml'],
    ['only as the HTTP charset', frenchFeed(), 'application/rss+xml; charset=windows-1252'],
    ['nowhere', frenchFeed(), 'application/rss+xml'],
  ])('decodes accents, ’ and € when declared %s', async (_form, body, contentType) => {
    const result = await fetchServed(body, contentType);
    expect(result.encoding).toBe('windows-1252');
    expect(result.text).toContain(FRENCH);
    expect(result.text).not.toContain('\ufffd');
    expect(result.bytes.equals(body)).toBe(true);
  });

  it('warns when nothing declared the encoding it used', async () => {
    const result = await fetchServed(frenchFeed(), 'text/xml');
    expect(result.warnings).toContainEqual({ code: 'charset-windows-1252', params: { origin: 'default', encoding: 'windows-1252' } });
  });

  it('lets the HTTP charset override the XML declaration', async () => {
    const body = iconv.encode('<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><title>Новини</title></channel></rss>', 'koi8-u');
    const result = await fetchServed(body, 'application/xml; charset=KOI8-U');
    expect(result.encoding).toBe('koi8-u');
    expect(result.text).toContain('Новини');
  });

  it('reports an undecodable body as a charset failure', async () => {
    server.route('/ru.xml', serveBody(iconv.encode('<rss><channel><title>Новости для новых иммигрантов</title></channel></rss>', 'koi8-r'), { headers: { 'content-type': 'application/rss+xml' } }));
    const result = await fetchFeed({ url: server.url('/ru.xml') }, testFetchSettings());
    expect(result).toMatchObject({ kind: 'failed', code: 'charset', status: 200 });
    if (result.kind === 'failed') expect(result.error).toMatch(/^cannot determine the character encoding/);
  });
});

const index = readCorpusIndex();
const served = index.filter((e) => e.path.startsWith('encoding/') && e.served_via_http && e.http_headers);

/** What our decoder calls each label feedparser expects (WHATWG mappings: us-ascii and iso-8859-1 are windows-1252). */
const OUR_NAME: Record<string, string> = { 'us-ascii': 'windows-1252', 'iso-8859-1': 'windows-1252', 'utf-8': 'utf-8', gb18030: 'gb18030', 'windows-1252': 'windows-1252' };

/**
 * The encoding we must report: the HTTP charset when it is a real label, else the XML
 * declaration, else UTF-8. (feedparser follows RFC 3023, where text/* without a charset means
 * us-ascii; on these ASCII-only files that difference is invisible in the text.)
 */
function expectedEncoding(entry: CorpusEntry, bytes: Buffer): string {
  const contentType = corpusHeaders(entry)['content-type'] ?? '';
  const charset = /;\s*charset\s*=\s*["']?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  const declared = /encoding=["']([\w-]+)["']/.exec(bytes.subarray(0, 200).toString('latin1'))?.[1]?.toLowerCase();
  const label = charset ?? declared ?? 'utf-8';
  return OUR_NAME[label] ?? OUR_NAME[label === 'gb2312' ? 'gb18030' : label] ?? label;
}

describe.runIf(hasFeedparserCorpus)('feedparser encoding corpus served with its Header: lines', () => {
  it('has the HTTP cases this suite expects', () => {
    expect(served.length).toBeGreaterThanOrEqual(40);
  });

  it.each(served.map((e) => [e.path, e] as const))('%s', async (file, entry) => {
    const bytes = readCorpusFile(file);
    const headers = corpusHeaders(entry);
    server.route('/corpus.xml', serveBody(bytes, { headers }));
    const result = expectOk(await fetchFeed({ url: server.url('/corpus.xml') }, testFetchSettings()));
    expect(result.contentType).toBe(headers['content-type']);
    expect(result.text).not.toContain('\ufffd');
    expect(result.text).toContain(entry.description.slice(0, 30));
    expect(result.encoding).toBe(expectedEncoding(entry, bytes));
  });

  it.each([
    ['encoding/http_text_xml_charset_2.xml', 'This is a £“test.”'],
    ['encoding/http_text_xml_charset_overrides_encoding_2.xml', 'This is a £“test.”'],
    ['encoding/http_i18n.xml', 'Iñtërnâtiônàlizætiøn'],
    ['encoding/bozo_http_i18n.xml', 'Iñtërnâtiônàlizætiøn'],
    ['encoding/http_encoding_attribute_crash.xml', 'Browser market shares at ‘ongoing’'],
  ])('%s decodes to text containing %s', async (file, expected) => {
    const entry = index.find((e) => e.path === file)!;
    server.route('/corpus.xml', serveBody(readCorpusFile(file), { headers: corpusHeaders(entry) }));
    expect(expectOk(await fetchFeed({ url: server.url('/corpus.xml') }, testFetchSettings())).text).toContain(expected);
  });
});
