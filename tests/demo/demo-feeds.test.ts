// The offline demo's sample platforms: every feed served with the headers a real platform sends,
// placeholders expanded, the deliberate messes present (and only the deliberate ones), and
// demo/sources.yaml valid for the hub.
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeHTML } from 'entities';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandPlaceholder, renderTemplate } from '../../demo/placeholders.ts';
import { composeDemoFeeds } from '../../demo/run-demo.ts';
import { DEMO_FEEDS, PLATFORMS, startSamplePlatforms, type DemoFeed, type SamplePlatforms } from '../../demo/sample-platforms.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';

const xml2js = createRequire(import.meta.url)('xml2js') as { parseStringPromise(xml: string): Promise<unknown> };

const SOURCES_FILE = path.resolve('demo/sources.yaml');
const TOPICS = [
  'employment', 'language-training', 'housing', 'transportation', 'health', 'children-youth', 'childcare',
  'refugees', 'anti-racism', 'francophone', 'funding', 'digital', 'partnerships', 'interpretation',
  'entrepreneurship', 'international-students', 'rural', 'research', 'staff-wellbeing', 'pre-arrival', 'credentials',
];
// A Wednesday in August: "-4d" lands on "août", so the windows-1252 feed gets a non-ASCII month from a placeholder.
const NOW = new Date('2025-08-06T15:30:00Z');

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(base: string, pathAndQuery: string, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(pathAndQuery, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decode(feed: DemoFeed, body: Buffer): string {
  return iconv.decode(body, feed.charset); // strips a BOM too
}

/** What a lenient parser does first: HTML named entities to characters, bare & escaped. */
function repair(xml: string): string {
  return xml
    .replace(/&([a-zA-Z][a-zA-Z0-9]*);/g, (whole, name: string) =>
      ['amp', 'lt', 'gt', 'quot', 'apos'].includes(name) ? whole : decodeHTML(whole))
    .replace(/&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;');
}

function countItems(feed: DemoFeed, text: string): number {
  if (feed.format === 'json') return (JSON.parse(text) as { items: unknown[] }).items.length;
  return (text.match(feed.format === 'atom' ? /<entry[\s>]/g : /<item[\s>]/g) ?? []).length;
}

describe('demo sample platforms', () => {
  let platforms: SamplePlatforms;
  const bodies = new Map<string, Buffer>();

  beforeAll(async () => {
    platforms = await startSamplePlatforms({ port: 0, now: NOW });
    for (const feed of DEMO_FEEDS) bodies.set(feed.slug, (await get(platforms.url, feed.path)).body);
  });
  afterAll(() => platforms?.close());

  it('listens on 127.0.0.1 and reports where its links point', () => {
    expect(platforms.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(platforms.linkBase).toBe(`http://localhost:${platforms.port}`);
  });

  it.each(DEMO_FEEDS.map((f) => [f.slug, f] as const))('%s: served with its content type, ETag and Last-Modified; 304 on revalidation; gzip when asked', async (_slug, feed) => {
    const plain = await get(platforms.url, feed.path);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe(feed.contentType);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const etag = plain.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(plain.headers['last-modified']).toBe(new Date(Math.floor(NOW.getTime() / 1000) * 1000).toUTCString());
    expect(plain.headers.vary).toBe('Accept-Encoding');

    const revalidated = await get(platforms.url, feed.path, { 'If-None-Match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.etag).toBe(etag);
    expect((await get(platforms.url, feed.path, { 'If-Modified-Since': plain.headers['last-modified'] as string })).status).toBe(304);
    expect((await get(platforms.url, feed.path, { 'If-None-Match': '"something-else"' })).status).toBe(200);

    const zipped = await get(platforms.url, feed.path, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    const zippedTag = zipped.headers.etag as string;
    expect(zippedTag).not.toBe(etag);
    expect((await get(platforms.url, feed.path, { 'Accept-Encoding': 'gzip', 'If-None-Match': zippedTag })).status).toBe(304);
    expect((await get(platforms.url, feed.path, { 'Accept-Encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
  });

  it('expands every placeholder, with links on the sample platforms', () => {
    for (const feed of DEMO_FEEDS) {
      const text = decode(feed, bodies.get(feed.slug)!);
      expect(text, feed.slug).not.toContain('{{');
      expect(text, feed.slug).not.toContain('}}');
    }
    const harbourview = bodies.get('harbourview')!.toString('utf8');
    expect(harbourview).toContain(`<link>http://localhost:${platforms.port}/harbourview</link>`);
    expect(harbourview).toContain('<pubDate>Wed, 06 Aug 2025 12:30:00 +0000</pubDate>'); // {{rfc822:-3h}}
    expect(bodies.get('prairie-rural')!.toString('utf8')).toContain('<pubDate>Mon, 04 Aug 25 09:30:00 -0600</pubDate>');
  });

  it('serves the French feed as real windows-1252 bytes, declared only in its XML declaration', () => {
    const feed = DEMO_FEEDS.find((f) => f.charset === 'windows-1252')!;
    expect(feed.contentType).not.toMatch(/charset/i);
    const body = bodies.get(feed.slug)!;
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(body)).toThrow();
    // iconv-lite, not TextDecoder: Node 20's TextDecoder('windows-1252') decodes 0x80–0x9F as Latin-1 controls.
    const text = iconv.decode(body, 'windows-1252');
    expect(text).not.toContain('\uFFFD');
    expect(text).toMatch(/^<\?xml version="1.0" encoding="windows-1252"\?>/);
    for (const ch of ['é', 'è', 'à', 'ç', 'œ', '’', '«', '»', '€']) expect(text, ch).toContain(ch);
    expect(body.includes(Buffer.from([0x92]))).toBe(true); // ’
    expect(body.includes(Buffer.from([0x80]))).toBe(true); // €
    expect(text).toContain('<pubDate>sam. 02 août 2025 09:15:00 -0700</pubDate>'); // a placeholder's value, encoded as cp1252
  });

  it('keeps every feed well-formed except the deliberate messes', async () => {
    for (const feed of DEMO_FEEDS.filter((f) => !f.broken)) {
      const text = decode(feed, bodies.get(feed.slug)!);
      if (feed.format === 'json') {
        const json = JSON.parse(text) as { version: string; items: { id: string }[] };
        expect(json.version).toBe('https://jsonfeed.org/version/1.1');
        continue;
      }
      const xml = text.trimStart(); // a BOM and a blank line before the declaration are one feed's mess
      if (feed.lenient) {
        await expect(xml2js.parseStringPromise(xml), feed.slug).rejects.toThrow();
        await expect(xml2js.parseStringPromise(repair(xml)), feed.slug).resolves.toBeTruthy();
      } else {
        await expect(xml2js.parseStringPromise(xml), feed.slug).resolves.toBeTruthy();
      }
    }
  });

  it('gives each feed 8 to 20 items', () => {
    for (const feed of DEMO_FEEDS.filter((f) => !f.broken)) {
      const n = countItems(feed, decode(feed, bodies.get(feed.slug)!));
      expect(n, feed.slug).toBeGreaterThanOrEqual(8);
      expect(n, feed.slug).toBeLessThanOrEqual(20);
    }
  });

  it('has one broken source: an HTML page where its feed was', async () => {
    const broken = DEMO_FEEDS.filter((f) => f.broken);
    expect(broken).toHaveLength(1);
    const res = await get(platforms.url, broken[0].path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body.toString('utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('carries the messes the demo promises', () => {
    const text = (slug: string) => decode(DEMO_FEEDS.find((f) => f.slug === slug)!, bodies.get(slug)!);
    expect(bodies.get('linc-exchange')!.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const hostile = text('harbourview');
    for (const bad of ['<script', 'onerror=', 'javascript:', '<iframe']) expect(hostile).toContain(bad);
    expect(hostile).toContain('src="/harbourview/wp-content/uploads/');
    const lakeshore = text('lakeshore');
    expect(lakeshore).toContain('Caf&eacute;');
    expect(lakeshore).toContain('&nbsp;');
    expect(lakeshore).toContain('<title>Housing & Shelter Update');
    const atom = text('carrefour-acadien');
    expect(atom).toContain(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="${platforms.linkBase}/carrefour/">`);
    expect(atom).toContain('<entry xml:base="fr/activites/">'); // relative to the feed's xml:base
    expect(atom).toContain('<link rel="alternate" type="text/html" href="fr/nouvelles/clic-inscriptions"/>');
    // One item with no date: the Drupal toolkit page.
    const toolkit = /<item>\s*<title>Toolkit:[\s\S]*?<\/item>/.exec(text('prairie-rural'))![0];
    expect(toolkit).not.toContain('<pubDate>');
    // EN/FR pairs on the bilingual research source.
    const rdf = text('research-partnership');
    expect(rdf).toContain('/partenariat/en/research/smaller-centres-outcomes');
    expect(rdf).toContain('/partenariat/fr/recherche/resultats-petits-centres');
  });

  it('cross-posts the same stories with tracking parameters, www. and fragments, and keeps near misses apart', () => {
    const links = DEMO_FEEDS.filter((f) => !f.broken).flatMap((feed) => {
      const t = decode(feed, bodies.get(feed.slug)!);
      const found = feed.format === 'json'
        ? (JSON.parse(t) as { items: { url: string }[] }).items.map((i) => i.url)
        : [...t.matchAll(/<link(?:>([^<]+)<\/link>|\s[^>]*href="([^"]+)")/g)].map((m) => (m[1] ?? m[2]).replace(/&amp;/g, '&'));
      return found.map((url) => ({ slug: feed.slug, url }));
    });
    const canonical = (u: string) => {
      const url = new URL(u, platforms.linkBase);
      url.hostname = url.hostname.replace(/^www\./, '');
      url.hash = '';
      for (const key of [...url.searchParams.keys()]) if (key.startsWith('utm_')) url.searchParams.delete(key);
      return url.toString().replace(/\/$/, '');
    };
    const postedBy = (original: string) => new Set(links.filter((l) => canonical(l.url) === canonical(original)).map((l) => l.slug));
    const base = platforms.linkBase;
    expect(postedBy(`${base}/newsroom/en/news/call-for-proposals-settlement-resettlement-2026.html`)).toEqual(new Set(['newsroom-en', 'harbourview', 'prairie-rural']));
    expect(postedBy(`${base}/newsroom/fr/nouvelles/mesures-immigration-francophone.html`)).toEqual(new Set(['newsroom-fr', 'reseau-nord', 'carrefour-acadien']));
    expect(postedBy(`${base}/partenariat/en/research/smaller-centres-outcomes`)).toEqual(new Set(['research-partnership', 'pacific-hub']));
    expect(postedBy(`${base}/harbourview/careers/swis-coordinator/`)).toEqual(new Set(['harbourview', 'settlement-jobs']));
    expect(postedBy(`${base}/foothills/event/trauma-informed-practice-session-3/`)).toEqual(new Set(['foothills-events', 'prairie-rural']));
    expect(postedBy(`${base}/foothills/event/trauma-informed-practice-session-2/`)).toEqual(new Set(['foothills-events']));
  });

  it('answers 301 on a moved feed, home pages that advertise the feeds, stand-in pages and 404 elsewhere', async () => {
    const moved = await get(platforms.url, '/lakeshore/rss.xml');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/lakeshore/news/rss');
    for (const platform of PLATFORMS) {
      const home = await get(platforms.url, platform.prefix);
      expect(home.status, platform.prefix).toBe(200);
      const advertised = [...home.body.toString('utf8').matchAll(/<link rel="alternate" type="application\/[a-z+]+" title="[^"]+" href="([^"]+)">/g)]
        .map((m) => m[1].replace(/&#38;/g, '&'));
      expect(advertised, platform.prefix).toEqual(platform.feeds.filter((f) => !f.broken).map((f) => f.path));
    }
    const article = await get(platforms.url, '/harbourview/news/childcare-navigator/');
    expect(article.status).toBe(200);
    expect(article.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get(platforms.url, '/harbourview/wp-content/uploads/swis-team-300x200.jpg')).headers['content-type']).toBe('image/svg+xml');
    expect((await get(platforms.url, '/nowhere/feed/')).status).toBe(404);
    // The newsroom's two feeds differ only by query; the parameters may come in any order.
    expect((await get(platforms.url, '/newsroom/api/v2/news?format=atom&lang=fr')).body.toString('utf8')).toContain('xml:lang="fr"');
  });
});

describe('demo/placeholders', () => {
  const ctx = { now: NOW, base: 'http://localhost:1', wwwBase: 'http://www.localhost:1' };
  it.each([
    ['rfc822', '-3d 14:00', 'Sun, 03 Aug 2025 14:00:00 +0000'],
    ['rfc822', '-5h CST', 'Wed, 06 Aug 2025 04:30:00 CST'],
    ['rfc822', '-2d 16:30 -0700', 'Mon, 04 Aug 2025 16:30:00 -0700'],
    ['rfc822y2', '-2d 09:30 -0600', 'Mon, 04 Aug 25 09:30:00 -0600'],
    ['frrfc822', '-4d 09:15 -0700', 'sam. 02 août 2025 09:15:00 -0700'],
    ['iso', '-26h', '2025-08-05T13:30:00Z'],
    ['iso', '-1d 17:20 -07:00', '2025-08-05T17:20:00-07:00'],
    ['iso', '+16d 12:00 -06:00', '2025-08-22T12:00:00-06:00'],
    ['sql', '-4d 16:45', '2025-08-02 16:45:00'],
    ['date', '-1d-2h', '2025-08-05'],
    ['endate', '+9d', 'August 15, 2025'],
    ['frdate', '+26d', '1er septembre 2025'],
  ])('{{%s:%s}} → %s', (name, arg, expected) => {
    expect(expandPlaceholder(name, arg, ctx)).toBe(expected);
  });

  it('encodes values in the file’s charset and leaves other bytes alone', () => {
    const template = iconv.encode('<d>é {{frrfc822:-4d 09:15 -0700}} ’ {{base}}</d>', 'windows-1252');
    const out = renderTemplate(template, 'windows-1252', ctx);
    expect(iconv.decode(out, 'windows-1252')).toBe('<d>é sam. 02 août 2025 09:15:00 -0700 ’ http://localhost:1</d>');
    expect(out.includes(Buffer.from([0xfb]))).toBe(true); // û in cp1252
  });

  it('refuses unknown or malformed placeholders', () => {
    expect(() => expandPlaceholder('rfc2822', '-1d', ctx)).toThrow(/unknown placeholder/);
    expect(() => expandPlaceholder('iso', 'yesterday', ctx)).toThrow(/bad offset/);
    expect(() => expandPlaceholder('iso', '-1d noon', ctx)).toThrow(/bad token/);
  });
});

describe('demo/sources.yaml', () => {
  const text = readFileSync(SOURCES_FILE, 'utf8');

  it('is valid for the hub with an empty taxonomy, and uses only the 21 topic slugs', () => {
    const parsed = parseFeedsFile(`topics: []\n${text}`, SOURCES_FILE);
    expect(parsed.sources.length).toBe(DEMO_FEEDS.length);
    for (const s of parsed.sources) for (const t of s.topics) expect(TOPICS, `${s.slug}: ${t}`).toContain(t);
    const withTaxonomy = `topics:\n${TOPICS.map((slug) => `  - { slug: ${slug}, label: { en: ${slug}, fr: ${slug} } }`).join('\n')}\n${text}`;
    expect(parseFeedsFile(withTaxonomy, SOURCES_FILE).sources.length).toBe(DEMO_FEEDS.length);
  });

  it('names each served feed once, at a URL the sample platforms answer (or redirect)', () => {
    const { sources } = parseFeedsFile(`topics: []\n${text}`, SOURCES_FILE);
    expect(new Set(sources.map((s) => s.slug))).toEqual(new Set(DEMO_FEEDS.map((f) => f.slug)));
    for (const s of sources) {
      const url = new URL(s.url);
      expect(url.origin, s.slug).toBe('http://127.0.0.1:8090');
      const feed = DEMO_FEEDS.find((f) => f.slug === s.slug)!;
      const redirected = PLATFORMS.flatMap((p) => Object.entries(p.redirects ?? {})).find(([from]) => from === url.pathname)?.[1];
      expect(redirected ?? `${url.pathname}${url.search}`, s.slug).toBe(feed.path);
    }
  });

  it('is composed with the repository taxonomy into the demo feeds file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'passerelle-demo-'));
    try {
      const missing = await composeDemoFeeds({ repoFeedsFile: path.join(dir, 'absent.yaml'), demoSourcesFile: SOURCES_FILE, platformsUrl: 'http://127.0.0.1:9999' });
      expect(missing.topics).toBe(0);
      const parsed = parseFeedsFile(missing.text);
      expect(parsed.topics).toEqual([]);
      expect(parsed.sources.every((s) => s.url.startsWith('http://127.0.0.1:9999/'))).toBe(true);

      const taxonomy = path.join(dir, 'feeds.yaml');
      writeFileSync(taxonomy, `topics:\n${TOPICS.filter((t) => t !== 'rural').map((slug) => `  - slug: ${slug}\n    label: { en: ${slug}, fr: ${slug} }`).join('\n')}\nsources: []\n`);
      const composed = await composeDemoFeeds({ repoFeedsFile: taxonomy, demoSourcesFile: SOURCES_FILE, platformsUrl: 'http://127.0.0.1:8090' });
      expect(composed.topics).toBe(TOPICS.length - 1);
      expect(composed.warnings).toEqual(['source prairie-rural: topic "rural" is not in the taxonomy, left out']);
      expect(parseFeedsFile(composed.text).sources.find((s) => s.slug === 'prairie-rural')!.topics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
