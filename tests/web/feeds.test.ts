import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createFeedCache } from '../../src/publish/feed-cache.ts';
import { encodeCursor } from '../../src/publish/feed-query.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { readGeneration } from '../../src/store/hub-state.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

const PUBLIC = 'https://hub.example.ca';
const PYTHON = '/usr/bin/python3';
const tmp = mkdtempSync(path.join(tmpdir(), 'passerelle-feeds-'));

/** Reads a document with Python's feedparser (the library most readers are built on). */
function feedparser(body: string, name: string): { bozo: boolean; version: string; entries: { title: string; id: string; link?: string; tags: string[]; language?: string }[]; feed: Record<string, unknown> } {
  const file = path.join(tmp, name);
  writeFileSync(file, body);
  const script = `
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": bool(d.bozo), "exc": str(d.get("bozo_exception", "")), "version": d.version,
  "feed": {"title": d.feed.get("title"), "language": d.feed.get("language"), "links": [l.get("rel") for l in d.feed.get("links", [])]},
  "entries": [{"title": e.get("title"), "id": e.get("id"), "link": e.get("link"), "language": e.get("language") or e.get("title_detail", {}).get("language"),
    "tags": [t.get("label") or t.get("term") for t in e.get("tags", [])], "author": e.get("author"),
    "published": e.get("published_parsed") is not None, "updated": e.get("updated_parsed") is not None} for e in d.entries]}))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
}

describe.each(databaseKinds)('output feeds on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  // Bodies are checked field by field.
  const json = async (path: string): Promise<any> => (await app.request(path)).json();

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const { topics } = await loadFeedsFile('feeds.yaml');
    await syncSources(database.db, [
      spec('amssa', { organization: 'AMSSA', region: 'bc', province: 'bc', siteUrl: 'https://www.amssa.org/' }),
      spec('isans', { organization: 'ISANS', region: 'atlantic', province: 'ns', languages: ['en', 'fr'] }),
    ]);
    const amssa = (await getSourceBySlug(database.db, 'amssa'))!;
    const isans = (await getSourceBySlug(database.db, 'isans'))!;
    const log = { startedAt: new Date(), durationMs: 1, outcome: 'ok' as const };
    await commitIngest(database.db, {
      sourceId: amssa.id, owner: 't', historyLimit: 5, log, patch: { lastSuccessAt: new Date('2024-05-10T00:00:00Z') },
      items: [
        item('h1', { title: 'Housing <help> & "rent" supports', topics: ['housing'], regions: ['bc'], type: 'resource', url: 'https://www.amssa.org/housing?a=1&b=2', publishedAt: new Date('2024-05-03T10:00:00Z'), contentHtml: '<p>Guide ]]> with <a href="https://www.amssa.org/g">links</a></p>' }),
        item('e1', { title: 'Webinar on employment', topics: ['employment'], regions: ['bc'], type: 'event', publishedAt: new Date('2024-05-02T10:00:00Z'), author: 'Staff' }),
      ],
    });
    await commitIngest(database.db, {
      sourceId: isans.id, owner: 't', historyLimit: 5, log, patch: {},
      items: [item('f1', { title: 'Logement abordable à Halifax', language: 'fr', topics: ['housing'], regions: ['atlantic'], province: 'ns', publishedAt: new Date('2024-05-04T10:00:00Z'), url: 'https://isans.ca/fr/logement' })],
    });
    app = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: '9.9.9', topics });
  });
  afterAll(() => cleanup());

  it('RSS for any filter, read by feedparser without complaint, with the same entries as the JSON API', async () => {
    const res = await app.request('/feeds/all.rss?topic=housing');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const body = await res.text();
    const parsed = feedparser(body, `${kind}-housing.rss`);
    expect(parsed.bozo).toBe(false);
    expect(parsed.version).toBe('rss20');
    const api = await json('/api/items?topic=housing');
    expect(parsed.entries.map((e) => e.title)).toEqual(api.items.map((i: { title: string }) => i.title));
    expect(parsed.entries[1].tags).toEqual(['Housing']);
    expect(parsed.entries[0].link).toBe('https://isans.ca/fr/logement');
    expect(body).toContain(`<atom:link rel="self" type="application/rss+xml" href="${PUBLIC}/feeds/all.rss?topic=housing"/>`);
    expect(body).toContain(`<atom:link rel="hub" href="${PUBLIC}/websub"/>`);
    expect(body).toMatch(/<source url="https:\/\/amssa\.example\.org\/feed\.xml">Source amssa<\/source>/);
  });

  it('Atom carries everything RFC 4287 requires and is read without complaint', async () => {
    const res = await app.request('/feeds/all.atom');
    const body = await res.text();
    const parsed = feedparser(body, `${kind}-all.atom`);
    expect(parsed.bozo).toBe(false);
    expect(parsed.version).toBe('atom10');
    expect(parsed.entries).toHaveLength(3);
    for (const e of parsed.entries) {
      expect(e.id).toMatch(/^tag:hub\.example\.ca,2026:item:\d+$/);
      expect((e as unknown as { author: string }).author).toBeTruthy();
      expect((e as unknown as { updated: boolean }).updated).toBe(true);
    }
    expect(body).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">');
    expect(body).toContain('<entry xml:lang="fr">');
    expect(body).toMatch(/<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/updated>/);
    expect(body).toContain(`<link rel="self" type="application/atom+xml" href="${PUBLIC}/feeds/all.atom"/>`);
  });

  it('the three formats of one filter hold the same entries, with the same ids, in the same order', async () => {
    const rss = feedparser(await (await app.request('/feeds/all.rss?lang=en,fr')).text(), `${kind}-same.rss`);
    const atom = feedparser(await (await app.request('/feeds/all.atom?lang=en,fr')).text(), `${kind}-same.atom`);
    // Debian's feedparser (6.0) does not read JSON Feed: its items are compared as JSON.
    const json = (await (await app.request('/feeds/all.json?lang=en,fr')).json()) as { items: { id: string; title: string; language?: string }[] };
    expect(rss.bozo).toBe(false);
    expect(atom.bozo).toBe(false);
    const fromJson = json.items.map((i) => ({ id: i.id, title: i.title }));
    expect(fromJson).toHaveLength(3);
    expect(rss.entries.map((e) => ({ id: e.id, title: e.title }))).toEqual(fromJson);
    expect(atom.entries.map((e) => ({ id: e.id, title: e.title }))).toEqual(fromJson);
    expect(atom.entries.map((e) => e.language)).toEqual(json.items.map((i) => i.language));
  });

  it('JSON Feed 1.1 with language, authors, tags and the hub', async () => {
    const doc = await json('/topics/housing.json?ui=fr');
    expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
    expect(doc.language).toBe('fr');
    expect(doc.title).toBe('Passerelle — Logement');
    expect(doc.feed_url).toBe(`${PUBLIC}/topics/housing.json?ui=fr`);
    expect(doc.hubs).toEqual([{ type: 'WebSub', url: `${PUBLIC}/websub` }]);
    expect(doc.items.map((i: { title: string }) => i.title)).toEqual(['Logement abordable à Halifax', 'Housing <help> & "rent" supports']);
    expect(doc.items[1]).toMatchObject({ tags: ['Logement'], authors: [{ name: 'AMSSA' }], language: 'en' });
    expect(doc.items[1]._passerelle).toMatchObject({ organization: 'AMSSA', topics: ['housing'] });
  });

  it('friendly forms and filters combine: a source feed, a topic feed narrowed by language', async () => {
    const src = await json('/sources/amssa.json');
    expect(src.items).toHaveLength(2);
    const fr = await json('/topics/housing.json?lang=fr');
    expect(fr.items.map((i: { title: string }) => i.title)).toEqual(['Logement abordable à Halifax']);
    expect(fr.feed_url).toBe(`${PUBLIC}/topics/housing.json?lang=fr`);
    const region = await json('/feeds/all.json?region=atlantic,bc&type=event');
    expect(region.items.map((i: { title: string }) => i.title)).toEqual(['Webinar on employment']);
    // since, q and limit work on feeds as on the API; the self link keeps them, in canonical form.
    const recent = await json('/feeds/all.json?since=2024-05-03&limit=1');
    expect(recent.items.map((i: { title: string }) => i.title)).toEqual(['Logement abordable à Halifax']);
    expect(recent.feed_url).toBe(`${PUBLIC}/feeds/all.json?since=2024-05-03T00%3A00%3A00.000Z&limit=1`);
    const search = await json('/sources/amssa.json?q=webinar');
    expect(search.items.map((i: { title: string }) => i.title)).toEqual(['Webinar on employment']);
  });

  it('text fields stay text: markup in a title is escaped in every format', async () => {
    const rss = await (await app.request('/sources/amssa.rss')).text();
    expect(rss).toContain('<title>Housing &#x3C;help&gt; &#x26; &quot;rent&quot; supports</title>');
    const atom = await (await app.request('/sources/amssa.atom')).text();
    expect(atom).toContain('<title type="text">Housing &lt;help&gt; &amp; &quot;rent&quot; supports</title>');
    expect(atom).not.toContain('<help>');
    expect(atom).toContain('Guide ]]&gt; with');
  });

  it('is cheap to poll: strong ETag and Last-Modified, 304 on revalidation, Cache-Control', async () => {
    const first = await app.request('/feeds/all.atom?lang=en');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{32}"$/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=300/);
    // Last-Modified is when the newest of these items last changed in the hub.
    const lastModified = Date.parse(first.headers.get('last-modified')!);
    expect(Date.now() - lastModified).toBeLessThan(120_000);
    const again = await app.request('/feeds/all.atom?lang=en', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const weak = await app.request('/feeds/all.atom?lang=en', { headers: { 'If-None-Match': `W/${etag}` } });
    expect(weak.status).toBe(304);
    const since = await app.request('/feeds/all.atom?lang=en', { headers: { 'If-Modified-Since': first.headers.get('last-modified')! } });
    expect(since.status).toBe(304);
    const other = await app.request('/feeds/all.atom?lang=fr', { headers: { 'If-None-Match': etag } });
    expect(other.status).toBe(200);
  });

  it('an empty feed is valid and dated plausibly, with no Last-Modified to claim', async () => {
    const res = await app.request('/feeds/all.atom?q=nothing-matches-this');
    expect(res.status).toBe(200);
    expect(res.headers.get('last-modified')).toBeNull();
    expect(res.headers.get('etag')).toMatch(/^"[\w-]{32}"$/);
    const atom = await res.text();
    expect(atom).toContain('<updated>2026-01-01T00:00:00Z</updated>');
    expect(feedparser(atom, `${kind}-empty.atom`)).toMatchObject({ bozo: false, version: 'atom10', entries: [] });
    const rss = await (await app.request('/feeds/all.rss?q=nothing-matches-this')).text();
    expect(rss).not.toContain('<lastBuildDate>');
    expect(feedparser(rss, `${kind}-empty.rss`)).toMatchObject({ bozo: false, version: 'rss20', entries: [] });
  });

  it('an ingest that changes the items changes the feed at once', async () => {
    const before = await app.request('/sources/isans.json');
    const etag = before.headers.get('etag')!;
    const isans = (await getSourceBySlug(database.db, 'isans'))!;
    await commitIngest(database.db, {
      sourceId: isans.id, owner: 't', historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' }, patch: {},
      items: [item('f2', { title: 'Nouvelle séance', language: 'fr', publishedAt: new Date('2024-05-05T10:00:00Z') })],
    });
    await new Promise((r) => setTimeout(r, 1100));
    const after = await app.request('/sources/isans.json', { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect((await after.json() as { items: unknown[] }).items).toHaveLength(2);
  });

  it('every spelling of one feed is one document in the cache, and the cache keeps to its bytes', async () => {
    const { topics } = await loadFeedsFile('feeds.yaml');
    const cache = createFeedCache({ readGeneration: async () => (await readGeneration(database.db)).generation, maxBytes: 64 * 1024 });
    const small = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: '9.9.9', topics, feedCache: cache });
    const spellings = [
      '/feeds/all.json?lang=en,fr&topic=housing',
      '/feeds/all.json?topic=housing&lang=fr&lang=en',
      '/feeds/all.json?topic=HOUSING&lang=fr%2Cen&limit=50&clusters=true',
      '/feeds/all.json?lang=fr+en&topic=housing,housing&utm_source=newsletter',
      '/feeds/all.json?topic=housing&lang=en&lang=fr&before=abc',
    ];
    const answers = await Promise.all(spellings.map(async (path) => small.request(path)));
    const etags = new Set(answers.map((r) => r.headers.get('etag')));
    expect(etags.size).toBe(1);
    for (const r of answers) expect(((await r.json()) as { feed_url: string }).feed_url).toBe(`${PUBLIC}/feeds/all.json?lang=en%2Cfr&topic=housing`);
    expect(cache.size()).toBe(1);
    // `ui=en` asks for each story once, in English: another feed, named so.
    const english = (await (await small.request('/feeds/all.json?topic=housing&lang=fr,en&ui=en')).json()) as { feed_url: string };
    expect(english.feed_url).toBe(`${PUBLIC}/feeds/all.json?lang=en%2Cfr&topic=housing&prefer=en`);
    // A thousand distinct queries: the cache holds what fits, never more.
    for (let i = 0; i < 1000; i++) {
      const res = await small.request(`/feeds/all.rss?q=word${i}&lang=en`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(cache.bytes()).toBeLessThanOrEqual(64 * 1024);
    expect(cache.size()).toBeGreaterThan(5);
  });

  it('paging never changes a feed: ?before= answers the newest items, and never under another address', async () => {
    const api = (await json('/api/items?limit=1')) as { items: { id: number; title: string; published: string }[] };
    const before = encodeCursor({ publishedAt: new Date(api.items[0].published), id: api.items[0].id });
    // Asked with a cursor first: had it been honoured, the plain address would now serve page two.
    const paged = (await json(`/feeds/all.json?limit=2&before=${before}&utm_source=x`)) as { items: { title: string }[]; feed_url: string };
    expect(paged.items[0].title).toBe(api.items[0].title);
    expect(paged.feed_url).toBe(`${PUBLIC}/feeds/all.json?limit=2`);
    const plain = (await json('/feeds/all.json?limit=2')) as { items: { title: string }[] };
    expect(plain.items.map((i) => i.title)).toEqual(paged.items.map((i) => i.title));
    // Date order is its own document.
    const sorted = (await json('/feeds/all.json?q=housing&sort=date')) as { feed_url: string };
    expect(sorted.feed_url).toBe(`${PUBLIC}/feeds/all.json?q=housing&sort=date`);
  });

  it('saves a filter under a short stable URL with its title', async () => {
    const res = await app.request('/api/saved-feeds', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Logement au Canada atlantique', query: 'topic=housing&region=atlantic&ui=fr' }),
    });
    expect(res.status).toBe(201);
    const saved = (await res.json()) as { id: string; urls: Record<string, string> };
    expect(saved.id).toMatch(/^[a-z0-9]{10}$/);
    expect(saved.urls.rss).toBe(`${PUBLIC}/f/${saved.id}.rss`);
    const again = await app.request('/api/saved-feeds', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Logement au Canada atlantique', query: { region: 'atlantic', topic: ['housing'], ui: 'fr' } }),
    });
    expect(((await again.json()) as { id: string }).id).toBe(saved.id);
    const doc = await json(`/f/${saved.id}.json`);
    expect(doc.title).toBe('Logement au Canada atlantique');
    expect(doc.language).toBe('fr');
    // The self link is the short URL handed out, not a longer form of it.
    expect(doc.feed_url).toBe(saved.urls.json);
    expect(doc.items.map((i: { title: string }) => i.title)).toEqual(['Logement abordable à Halifax']);
    const atom = await app.request(`/f/${saved.id}.atom`);
    expect(atom.headers.get('link')).toContain(`<${saved.urls.atom}>; rel="self"`);
    expect(await atom.text()).toContain(`<link rel="self" type="application/atom+xml" href="${saved.urls.atom}"/>`);
    // Asking for the other language is a different document, and says so.
    const en = await json(`/f/${saved.id}.json?ui=en`);
    expect(en).toMatchObject({ language: 'en', title: 'Logement au Canada atlantique', feed_url: `${saved.urls.json}?ui=en` });
    expect((await app.request('/f/nothere1234.rss')).status).toBe(404);
  });

  it.each([
    ['/feeds/all.xml', 400, /format: unknown "xml"; accepted: rss, atom, json/],
    ['/feeds/all', 400, /format: missing/],
    ['/feeds/everything.rss', 404, /no feed "everything"/],
    ['/topics/gardening.rss', 400, /topic: unknown value "gardening"; accepted: employment, language-training/],
    ['/sources/nope.atom', 400, /source: unknown value "nope"; accepted: amssa, isans/],
    ['/feeds/all.rss?type=blog', 400, /type: unknown value "blog"; accepted: news, event, resource, research, funding, job/],
    ['/feeds/all.rss?since=last-week', 400, /since: must be a date/],
    ['/feeds/all.rss?limit=500', 400, /limit: must be a whole number from 1 to 200/],
    ['/feeds/all.rss?region=yukon', 400, /region: unknown value "yukon"/],
    ['/feeds/all.rss?topc=housing', 400, /^"topc": not a parameter of this address; did you mean "topic"\?; accepted: topic, region, province, lang, type, source, q, since, clusters, limit, ui, sort, prefer, before, page$/],
    ['/topics/housing.atom?Lang=fr', 400, /^"Lang": not a parameter of this address; did you mean "lang"\?/],
    ['/feeds/all.json?topic=housing&amp;lang=fr', 400, /^"amp;lang": not a parameter of this address: the address has "&amp;" where "&" belongs .*; use "lang"/],
    ['/sources/isans.rss?colour=blue', 400, /^"colour": not a parameter of this address; accepted:/],
  ])('%s → %i naming the parameter', async (url, status, message) => {
    const res = await app.request(url);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('rejects bad saved-feed requests with the field and reason', async () => {
    const post = (body: string) => app.request('/api/saved-feeds', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(((await (await post('{"query":"topic=housing"}')).json()) as { error: string }).error).toMatch(/title/);
    expect(((await (await post('{"title":"x","query":"topic=nope"}')).json()) as { error: string }).error).toMatch(/topic: unknown value "nope"/);
    expect((await post('not json')).status).toBe(400);
  });

  it('OPML bundles: a feed per topic in the chosen language, and every source feed', async () => {
    const topics = await (await app.request('/opml/topics.opml?ui=fr')).text();
    expect(topics).toContain('<opml version="2.0">');
    expect(topics).toContain(`text="Logement" title="Logement" xmlUrl="${PUBLIC}/topics/housing.rss?ui=fr"`);
    const count = (topics.match(/xmlUrl=/g) ?? []).length;
    expect(count).toBe((await loadFeedsFile('feeds.yaml')).topics.length);
    const sources = await (await app.request('/opml/sources.opml')).text();
    expect(sources).toContain('xmlUrl="https://amssa.example.org/feed.xml"');
    expect(sources).toContain('htmlUrl="https://www.amssa.org/"');
  });

  it('OPML that the W3C Feed Validator accepts: one language per outline, no 1970 date, a folder that is only a folder', async () => {
    const sources = await (await app.request('/opml/sources.opml')).text();
    // ISANS publishes in English and French: an outline's language is one code, so it names none.
    expect(sources).toMatch(/<outline type="rss" text="Source isans — ISANS" title="Source isans — ISANS" xmlUrl="https:\/\/isans\.example\.org\/feed\.xml" category="\/atlantic\/ns"\/>/);
    expect(sources).toContain('xmlUrl="https://amssa.example.org/feed.xml" htmlUrl="https://www.amssa.org/" language="en"');
    const topics = await (await app.request('/opml/topics.opml')).text();
    for (const doc of [sources, topics]) expect(doc).not.toMatch(/1970|<dateModified>/);
    expect(topics).toContain('<outline text="Passerelle">');
  });
});
