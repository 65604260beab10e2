// A hub for the admin pages' tests: sources on a fixture feed server (127.0.0.1) with fetch
// histories written through commitIngest, as the pipeline writes them: one working source, one
// failing for its last three fetches (the server now answers 500), one from feeds.yaml, one paused.
// The server also has a site whose page announces two feeds, for discovery.
//
//   const server = await startFeedServer();
//   serveAdminSites(server);
//   await seedAdminHub(db, server);
import type { SourceSpec } from '../../src/core/types.ts';
import type { Db } from '../../src/store/db.ts';
import { commitIngest, type FetchLog } from '../../src/store/ingest.ts';
import { getSourceBySlug, insertSources, setSourceStatus, syncSources } from '../../src/store/sources-repo.ts';
import { serveBody, serveStatus, type FeedServer } from './feed-server.ts';
import { rss } from './hub.ts';

const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const ATOM = { 'content-type': 'application/atom+xml; charset=utf-8' };
const HTML = { 'content-type': 'text/html; charset=utf-8' };

const titled = (title: string, items: [string, string][], language = 'en') =>
  rss(items, `<language>${language}</language>`).replace('<title>Test platform</title>', `<title>${title}</title>`);

const atom = (title: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>${title}</title><id>urn:x:${encodeURIComponent(title)}</id><updated>2024-05-01T12:00:00Z</updated>
<entry><id>urn:x:e1</id><title>Atelier d’emploi</title><updated>2024-05-01T12:00:00Z</updated><link href="https://platform.example.ca/fr/atelier"/><summary>Un atelier.</summary></entry>
</feed>`;

/** Routes of the fixture sites: feeds that work, one that fails, a page announcing two feeds, a page announcing none. */
export function serveAdminSites(server: FeedServer): void {
  server.route('/working.xml', serveBody(titled('Working platform', [['w1', 'Housing clinic'], ['w2', 'Job fair']]), { headers: RSS }));
  server.route('/filed.xml', serveBody(titled('Filed platform', [['f1', 'Filed news']]), { headers: RSS }));
  server.route('/paused.xml', serveBody(titled('Paused platform', [['p1', 'Paused news']]), { headers: RSS }));
  server.route('/broken.xml', serveStatus(500));
  server.route(
    '/two/',
    serveBody(
      `<!doctype html><html lang="en"><head><title>Two feeds</title>
      <link rel="alternate" type="application/rss+xml" title="Newcomer news" href="/two/news.xml">
      <link rel="alternate" type="application/atom+xml" title="Nouvelles en français" href="/two/fr.atom">
      </head><body><p>Welcome</p></body></html>`,
      { headers: HTML },
    ),
  );
  server.route('/two/news.xml', serveBody(titled('Newcomer news', [['n1', 'Newcomer news one'], ['n2', 'Newcomer news two']]), { headers: RSS }));
  server.route('/two/fr.atom', serveBody(atom('Nouvelles en français'), { headers: ATOM }));
  server.route('/bare/', serveBody('<!doctype html><html lang="en"><head><title>Bare</title></head><body><p>No feed here</p></body></html>', { headers: HTML }));
}

export const ADMIN_SOURCES = (server: FeedServer): Record<'working' | 'broken' | 'filed' | 'paused', SourceSpec> => ({
  working: { slug: 'working', url: server.url('/working.xml'), title: 'Working Platform News', organization: 'Working Newcomer Services', region: 'ontario', province: 'on', languages: ['en'], topics: ['housing'], siteUrl: server.url('/') },
  broken: { slug: 'broken', url: server.url('/broken.xml'), title: 'Broken Platform Updates', organization: 'Broken Settlement Network', region: 'atlantic', province: 'ns', languages: ['en', 'fr'], topics: [] },
  filed: { slug: 'filed', url: server.url('/filed.xml'), title: 'Filed Hub Bulletin', organization: 'Filed Hub', region: 'national', languages: ['en'], topics: [] },
  paused: { slug: 'paused', url: server.url('/paused.xml'), title: 'Paused Partner Feed', organization: 'Paused Partner', region: 'prairies', province: 'mb', languages: ['fr'], topics: [] },
});

const MINUTE = 60_000;

async function writeHistory(db: Db, slug: string, logs: FetchLog[], patch: Parameters<typeof commitIngest>[1]['patch']): Promise<void> {
  const row = (await getSourceBySlug(db, slug))!;
  for (const [i, log] of logs.entries()) {
    await commitIngest(db, { sourceId: row.id, owner: 'fixture', historyLimit: 50, log, patch: i === logs.length - 1 ? patch : {} });
  }
}

/**
 * Sources and histories. `working`: 30 fetches (ok, not modified, one failure long ago);
 * `broken`: 12 ok then 3 failed (HTTP 500); `filed`: from feeds.yaml, 2 ok; `paused`: paused.
 */
export async function seedAdminHub(db: Db, server: FeedServer, options: { now?: number } = {}): Promise<void> {
  const now = options.now ?? Date.now();
  const specs = ADMIN_SOURCES(server);
  await syncSources(db, [specs.filed]);
  await insertSources(db, [specs.working, specs.broken, specs.paused]);

  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE);
  const working: FetchLog[] = Array.from({ length: 30 }, (_, i) => {
    const minutesAgo = (30 - i) * 60;
    if (i === 4) return { startedAt: at(minutesAgo), durationMs: 3000, outcome: 'failed', httpStatus: 503, error: 'service unavailable (503)' };
    if (i % 7 === 3) return { startedAt: at(minutesAgo), durationMs: 45, outcome: 'not-modified', httpStatus: 304 };
    return { startedAt: at(minutesAgo), durationMs: 120 + (i % 5) * 90, outcome: i % 3 === 0 ? 'ok' : 'unchanged', httpStatus: 200, bytes: 2048 };
  });
  await writeHistory(db, 'working', working, {
    lastFetchAt: at(60), lastSuccessAt: at(60), lastStatus: 200, errorCount: 0, intervalMinutes: 60, nextFetchAt: new Date(now + 30 * MINUTE),
  });

  const broken: FetchLog[] = Array.from({ length: 15 }, (_, i) => {
    const minutesAgo = (15 - i) * 90;
    return i < 12
      ? { startedAt: at(minutesAgo), durationMs: 200 + i * 20, outcome: 'ok', httpStatus: 200, bytes: 4096 }
      : { startedAt: at(minutesAgo), durationMs: 90, outcome: 'failed', httpStatus: 500, errorCode: 'http', errorParams: { status: 500 }, error: 'the server had an internal error (500)' };
  });
  await writeHistory(db, 'broken', broken, {
    lastFetchAt: at(90), lastSuccessAt: at(4 * 90), lastStatus: 500, lastErrorCode: 'http', lastErrorParams: { status: 500 },
    lastError: 'the server had an internal error (500)', lastErrorAt: at(90), errorCount: 3,
    nextFetchAt: new Date(now + 2 * 60 * MINUTE),
  });

  await writeHistory(db, 'filed', [
    { startedAt: at(240), durationMs: 150, outcome: 'ok', httpStatus: 200, bytes: 1024 },
    { startedAt: at(120), durationMs: 140, outcome: 'unchanged', httpStatus: 200, bytes: 1024 },
  ], { lastFetchAt: at(120), lastSuccessAt: at(120), lastStatus: 200, nextFetchAt: new Date(now + 10 * MINUTE) });

  await setSourceStatus(db, 'paused', 'paused');
}
