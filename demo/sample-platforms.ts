// The sample platforms of the offline demo: a small node:http server on 127.0.0.1 that serves the
// bundled feeds in demo/feeds/ the way the sector's websites do (their paths, content types,
// ETag / Last-Modified with 304, gzip when asked), plus a home page per platform that advertises
// its feeds for autodiscovery, stand-in pages for the items' links, and one broken source.
// Dates in the files are placeholders (see placeholders.ts), expanded relative to the server's start.
//
// Run alone with `node --import tsx demo/sample-platforms.ts` (port: DEMO_PLATFORMS_PORT, default 8090).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { renderTemplate, type PlaceholderContext } from './placeholders.ts';

const FEEDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'feeds');

export type DemoFormat = 'rss2' | 'rss1' | 'atom' | 'json' | 'html';

export interface DemoFeed {
  /** The source's slug in demo/sources.yaml. */
  slug: string;
  /** Path (and query) the hub requests. */
  path: string;
  /** File in demo/feeds/. */
  file: string;
  format: DemoFormat;
  /** Content-Type as the platform sends it (a charset only where such a platform would send one). */
  contentType: string;
  /** What the file's bytes are encoded in. */
  charset: 'utf-8' | 'windows-1252';
  /** Title in the home page's alternate link, when not the platform's name. */
  title?: string;
  /** The deliberate mess this feed carries, in a few words. */
  mess: string;
  /** Answers 200, but not with a feed. */
  broken?: boolean;
  /** Not well-formed XML on purpose: only a lenient parser reads it. */
  lenient?: boolean;
  headers?: Record<string, string>;
}

export interface DemoPlatform {
  /** Path prefix of the platform's site, with slashes on both ends. */
  prefix: string;
  name: string;
  lang: 'en' | 'fr';
  feeds: DemoFeed[];
  /** Old paths that answer 301 with the new one. */
  redirects?: Record<string, string>;
}

export const PLATFORMS: DemoPlatform[] = [
  {
    prefix: '/harbourview/',
    name: 'Harbourview Newcomer Centre',
    lang: 'en',
    feeds: [{
      slug: 'harbourview', path: '/harbourview/feed/', file: 'harbourview.xml', format: 'rss2',
      contentType: 'application/rss+xml; charset=UTF-8', charset: 'utf-8',
      mess: 'WordPress: content:encoded, dc:creator, categories, relative <img> src; hostile HTML (script, onerror, javascript: link, iframe, tracking pixel); cross-posts the newsroom call for proposals with utm_* parameters',
    }],
  },
  {
    prefix: '/reseau-nord/',
    name: 'Réseau d’accueil francophone du Nord',
    lang: 'fr',
    feeds: [{
      slug: 'reseau-nord', path: '/reseau-nord/fr/rss.xml', file: 'reseau-nord.xml', format: 'rss2',
      contentType: 'application/rss+xml', charset: 'windows-1252',
      mess: 'windows-1252 bytes (é è à ç œ ’ « » €) declared only in the XML declaration; a French-localized pubDate; cross-posts the francophone measures story from www. with utm_*',
    }],
  },
  {
    prefix: '/prairie-rural/',
    name: 'Prairie Rural Settlement Network',
    lang: 'en',
    feeds: [{
      slug: 'prairie-rural', path: '/prairie-rural/rss.xml', file: 'prairie-rural.xml', format: 'rss2',
      contentType: 'application/rss+xml; charset=utf-8', charset: 'utf-8',
      mess: 'Drupal: escaped-HTML description only, "N at site" GUIDs, odd dates (CST, two-digit year, no zone), one item with no date; cross-posts the call for proposals (www.) and a Foothills webinar session (utm_*)',
    }],
  },
  {
    prefix: '/hub/',
    name: 'Pacific Settlement Knowledge Hub',
    lang: 'en',
    feeds: [{
      slug: 'pacific-hub', path: '/hub/feed.json', file: 'pacific-hub.json', format: 'json',
      contentType: 'application/feed+json; charset=utf-8', charset: 'utf-8',
      mess: 'JSON Feed 1.1: a relative item url and image, one French item in an English feed, date_modified; cross-posts the research partnership report with utm_*',
    }],
  },
  {
    prefix: '/partenariat/',
    name: 'National Settlement Research Partnership / Partenariat national de recherche en établissement',
    lang: 'en',
    feeds: [{
      slug: 'research-partnership', path: '/partenariat/index.rdf', file: 'partenariat.rdf', format: 'rss1',
      contentType: 'application/rdf+xml; charset=utf-8', charset: 'utf-8',
      mess: 'RSS 1.0 (RDF) with dc:date and dc:language; every story published as an EN/FR pair (/en/… and /fr/…)',
    }],
  },
  {
    prefix: '/carrefour/',
    name: 'Carrefour acadien d’accueil',
    lang: 'fr',
    feeds: [{
      slug: 'carrefour-acadien', path: '/carrefour/fr/atom.xml', file: 'carrefour.atom', format: 'atom',
      contentType: 'application/atom+xml; charset=utf-8', charset: 'utf-8',
      mess: 'Atom 1.0 with xml:lang="fr", xml:base on the feed and a relative one on an entry, relative links, images and icon; a three-day congress with schema.org Event JSON-LD in its content, a webinar dated in French text (HNA); cross-posts the francophone measures story with utm_* and a #fragment',
    }],
  },
  {
    prefix: '/newsroom/',
    name: 'Federal immigration newsroom (demo) / Salle de presse fédérale sur l’immigration (démo)',
    lang: 'en',
    feeds: [
      {
        slug: 'newsroom-en', title: 'Federal immigration newsroom (demo) – News', path: '/newsroom/api/v2/news?lang=en&format=atom', file: 'newsroom-en.atom', format: 'atom',
        contentType: 'application/atom+xml;charset=UTF-8', charset: 'utf-8',
        mess: 'Atom from a news API: the feed URL has a query string; entries with <updated> only; the original of two cross-posted stories',
        headers: { 'Cache-Control': 'public, max-age=600' },
      },
      {
        slug: 'newsroom-fr', title: 'Salle de presse fédérale sur l’immigration (démo) – Nouvelles', path: '/newsroom/api/v2/news?lang=fr&format=atom', file: 'newsroom-fr.atom', format: 'atom',
        contentType: 'application/atom+xml;charset=UTF-8', charset: 'utf-8',
        mess: 'the French twin of newsroom-en (same stories, /fr/ links)',
        headers: { 'Cache-Control': 'public, max-age=600' },
      },
    ],
  },
  {
    prefix: '/lakeshore/',
    name: 'Lakeshore Settlement Workers’ Network',
    lang: 'en',
    redirects: { '/lakeshore/rss.xml': '/lakeshore/news/rss' },
    feeds: [{
      slug: 'lakeshore', path: '/lakeshore/news/rss', file: 'lakeshore.xml', format: 'rss2',
      contentType: 'text/xml; charset=utf-8', charset: 'utf-8', lenient: true,
      mess: 'not well-formed: HTML entities with no DTD (&eacute; &nbsp; &rsquo; &hellip;) and bare & in titles and links; its old URL answers 301',
    }],
  },
  {
    prefix: '/jobs/',
    name: 'Settlement Sector Job Board / Babillard d’emplois du secteur de l’établissement',
    lang: 'en',
    feeds: [{
      slug: 'settlement-jobs', path: '/jobs/rss', file: 'jobs.xml', format: 'rss2',
      contentType: 'application/xml', charset: 'utf-8',
      mess: 'job postings in English and French mixed in one feed; cross-posts Harbourview’s SWIS job with utm_* and an edited title',
    }],
  },
  {
    prefix: '/foothills/',
    name: 'Foothills Newcomer Alliance',
    lang: 'en',
    feeds: [{
      slug: 'foothills-events', path: '/foothills/events/feed/', file: 'foothills-events.xml', format: 'rss2',
      contentType: 'application/rss+xml; charset=UTF-8', charset: 'utf-8',
      mess: 'events calendar (ev:startdate, ev:enddate, ev:location, in Mountain time whatever the season; one event already past); near misses: sessions 1, 2 and 3 of one webinar series, two posted at the same minute with near-identical text',
    }],
  },
  {
    prefix: '/linc-exchange/',
    name: 'LINC/CLIC Practice Exchange / Échange de pratiques CLIC',
    lang: 'en',
    feeds: [{
      slug: 'linc-exchange', path: '/linc-exchange/rss.xml', file: 'linc-exchange.xml', format: 'rss2',
      contentType: 'text/xml', charset: 'utf-8',
      mess: 'a UTF-8 BOM and a blank line before the XML declaration, no charset in the header; EN/FR items in one feed',
    }],
  },
  {
    prefix: '/northern-gateway/',
    name: 'Northern Gateway Local Immigration Partnership',
    lang: 'en',
    feeds: [{
      slug: 'northern-gateway', path: '/northern-gateway/feed/', file: 'northern-gateway.html', format: 'html',
      contentType: 'text/html; charset=utf-8', charset: 'utf-8', broken: true,
      mess: 'broken: the site moved to a new CMS and the old feed URL answers 200 with the HTML home page',
    }],
  },
];

export const DEMO_FEEDS: DemoFeed[] = PLATFORMS.flatMap((p) => p.feeds);

export interface SamplePlatformsOptions {
  /** 0 picks a free port. Default: DEMO_PLATFORMS_PORT or 8090. */
  port?: number;
  /** The instant the feeds' relative dates count from. Default: now. */
  now?: Date;
  /** Called with one line per request, when given. */
  log?: (line: string) => void;
}

export interface SamplePlatforms {
  /** Where the hub fetches from, e.g. http://127.0.0.1:8090 */
  url: string;
  /** The origin used in the feeds' links, e.g. http://localhost:8090 */
  linkBase: string;
  port: number;
  close(): Promise<void>;
}

interface Rendered {
  identity: Buffer;
  gzip: Buffer;
  etag: string;
}

export function startSamplePlatforms(options: SamplePlatformsOptions = {}): Promise<SamplePlatforms> {
  const port = options.port ?? Number(process.env.DEMO_PLATFORMS_PORT || 8090);
  const now = options.now ?? new Date();
  // HTTP dates have whole seconds; so does Last-Modified.
  const lastModified = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const templates = new Map(DEMO_FEEDS.map((f) => [f.slug, readFileSync(path.join(FEEDS_DIR, f.file))]));
  const rendered = new Map<string, Rendered>();
  let context: PlaceholderContext | undefined;

  function render(feed: DemoFeed): Rendered {
    let r = rendered.get(feed.slug);
    if (!r) {
      const identity = renderTemplate(templates.get(feed.slug)!, feed.charset, context!);
      const tag = createHash('sha1').update(identity).digest('base64url').slice(0, 20);
      r = { identity, gzip: gzipSync(identity), etag: tag };
      rendered.set(feed.slug, r);
    }
    return r;
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`sample platforms: ${(err as Error).message}\n`);
    }
    options.log?.(`${req.method} ${req.url} → ${res.statusCode}`);
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sample-platforms.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const head = req.method === 'HEAD';
    for (const platform of PLATFORMS) {
      const target = platform.redirects?.[url.pathname];
      if (target) {
        res.writeHead(301, { Location: target, 'Content-Type': 'text/html; charset=utf-8' });
        res.end(head ? undefined : `<p>Moved to <a href="${target}">${target}</a></p>\n`);
        return;
      }
    }
    const feed = DEMO_FEEDS.find((f) => matchesFeedPath(f.path, url));
    if (feed) return serveFeed(req, res, feed, head);
    if (url.pathname === '/') return sendHtml(res, 200, indexPage(), head);
    const platform = PLATFORMS.find((p) => url.pathname === p.prefix || url.pathname === p.prefix.slice(0, -1) || url.pathname.startsWith(p.prefix));
    if (!platform) return sendHtml(res, 404, page('en', 'Not found', '<p>No sample platform here. <a href="/">All sample platforms</a></p>'), head);
    if (/\.(?:png|jpe?g|gif|webp|svg)$/i.test(url.pathname)) return sendImage(res, url.pathname, head);
    const broken = platform.feeds.find((f) => f.broken);
    if (broken && (url.pathname === platform.prefix || url.pathname === platform.prefix.slice(0, -1))) {
      return sendHtml(res, 200, templates.get(broken.slug)!.toString('utf8'), head);
    }
    if (url.pathname === platform.prefix || url.pathname === platform.prefix.slice(0, -1) || /^\/[a-z-]+\/(?:en|fr)\/$/.test(url.pathname)) {
      return sendHtml(res, 200, homePage(platform), head);
    }
    return sendHtml(res, 200, standInPage(platform, url.pathname), head);
  }

  function serveFeed(req: IncomingMessage, res: ServerResponse, feed: DemoFeed, head: boolean): void {
    const r = render(feed);
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    const etag = `"${r.etag}${gzip ? '-gzip' : ''}"`;
    const headers: Record<string, string> = {
      'Content-Type': feed.contentType,
      ETag: etag,
      'Last-Modified': lastModified.toUTCString(),
      Vary: 'Accept-Encoding',
      ...feed.headers,
    };
    if (isNotModified(req, r.etag, lastModified)) {
      delete headers['Content-Type'];
      res.writeHead(304, headers).end();
      return;
    }
    const body = gzip ? r.gzip : r.identity;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(head ? undefined : body);
  }

  function homePage(platform: DemoPlatform): string {
    const alternates = platform.feeds
      .filter((f) => !f.broken)
      .map((f) => `<link rel="alternate" type="${ALTERNATE_TYPES[f.format]}" title="${escapeHtml(f.title ?? platform.name)}" href="${escapeHtml(f.path)}">`)
      .join('\n');
    const list = platform.feeds
      .filter((f) => !f.broken)
      .map((f) => `<li><a href="${escapeHtml(f.path)}">${escapeHtml(f.path)}</a> (${f.format})</li>`)
      .join('\n');
    const intro = platform.lang === 'fr'
      ? '<p>Ce site fictif fait partie de la démo hors ligne de Passerelle. Nos fils :</p>'
      : '<p>This fictional site is part of Passerelle’s offline demo. Our feeds:</p>';
    return page(platform.lang, platform.name, `${intro}\n<ul>\n${list}\n</ul>`, alternates);
  }

  function standInPage(platform: DemoPlatform, pathname: string): string {
    const fr = /\/fr\//.test(pathname) || platform.lang === 'fr';
    const body = fr
      ? `<p>Cette page tient lieu d’article sur le site fictif <strong>${escapeHtml(platform.name)}</strong>. La démo sert des fils, pas des sites complets.</p>`
      : `<p>This page stands in for an article on the fictional site <strong>${escapeHtml(platform.name)}</strong>. The demo serves feeds, not whole sites.</p>`;
    const alternates = platform.feeds
      .filter((f) => !f.broken)
      .map((f) => `<link rel="alternate" type="${ALTERNATE_TYPES[f.format]}" href="${escapeHtml(f.path)}">`)
      .join('\n');
    return page(fr ? 'fr' : 'en', `${platform.name}: ${pathname}`, `${body}\n<p><code>${escapeHtml(pathname)}</code></p>\n<p><a href="${platform.prefix}">${fr ? 'Accueil' : 'Home'}</a></p>`, alternates);
  }

  function indexPage(): string {
    const rows = PLATFORMS.map((p) => {
      const feeds = p.feeds.map((f) => `<a href="${escapeHtml(f.path)}">${escapeHtml(f.path)}</a>${f.broken ? ' (broken)' : ''}`).join('<br>');
      return `<tr><td><a href="${p.prefix}">${escapeHtml(p.name)}</a></td><td>${feeds}</td></tr>`;
    }).join('\n');
    return page('en', 'Passerelle demo: sample platforms / plateformes fictives', `<p>Fictional sites serving the feeds the demo hub reads. / Des sites fictifs qui servent les fils que lit le carrefour de démonstration.</p>\n<table>\n<tr><th>Platform</th><th>Feeds</th></tr>\n${rows}\n</table>`);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = (server.address() as AddressInfo).port;
      const linkBase = `http://localhost:${actual}`;
      context = { now, base: linkBase, wwwBase: `http://www.localhost:${actual}` };
      resolve({
        url: `http://127.0.0.1:${actual}`,
        linkBase,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

const ALTERNATE_TYPES: Record<DemoFormat, string> = {
  rss2: 'application/rss+xml',
  rss1: 'application/rdf+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
  html: 'text/html',
};

/** The request is for this feed: same path, and every query parameter the feed's path names. */
function matchesFeedPath(feedPath: string, url: URL): boolean {
  const expected = new URL(feedPath, 'http://sample-platforms.invalid');
  if (expected.pathname !== url.pathname) return false;
  for (const [key, value] of expected.searchParams) if (url.searchParams.get(key) !== value) return false;
  return true;
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return q === undefined || Number(q) > 0;
  });
}

/** RFC 9110 §13.1.2 and §13.1.3: If-None-Match wins; If-Modified-Since only without it. */
function isNotModified(req: IncomingMessage, tag: string, lastModified: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm) {
    return inm.split(',').some((candidate) => {
      const t = candidate.trim().replace(/^W\//, '');
      return t === '*' || t === `"${tag}"` || t === `"${tag}-gzip"`;
    });
  }
  const ims = req.headers['if-modified-since'];
  if (ims) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  return false;
}

function sendHtml(res: ServerResponse, status: number, html: string, head: boolean): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(body.length) });
  res.end(head ? undefined : body);
}

/** A grey placeholder for the images the items point at, labelled with the file name. */
function sendImage(res: ServerResponse, pathname: string, head: boolean): void {
  const label = escapeHtml(path.posix.basename(pathname));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270" viewBox="0 0 480 270"><rect width="480" height="270" fill="#d9dee3"/><text x="240" y="140" font-family="sans-serif" font-size="16" text-anchor="middle" fill="#4a5560">${label}</text></svg>`;
  res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Content-Length': String(Buffer.byteLength(svg)), 'Cache-Control': 'public, max-age=86400' });
  res.end(head ? undefined : svg);
}

function page(lang: string, title: string, body: string, extraHead = ''): string {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${extraHead}
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}td,th{padding:.25rem .5rem;text-align:left;vertical-align:top}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Run alone: serve until Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const platforms = await startSamplePlatforms({ log: process.env.DEMO_PLATFORMS_LOG ? (l) => console.log(l) : undefined });
  console.log(`Sample platforms on ${platforms.url}/ (item links use ${platforms.linkBase})`);
  for (const f of DEMO_FEEDS) console.log(`  ${f.slug.padEnd(22)} ${platforms.url}${f.path}${f.broken ? '  (broken on purpose)' : ''}`);
  const stop = () => void platforms.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
