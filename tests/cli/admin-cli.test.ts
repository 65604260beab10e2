// The operator's commands (sources add/remove/pause/resume/refresh, tokens, opml import) against
// both databases, with fixture sites on 127.0.0.1; a token made on the command line then opens
// the admin API.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createMetrics } from '../../src/core/metrics.ts';
import { listAdminLog } from '../../src/store/api-tokens.ts';
import { openDatabase, type Database } from '../../src/store/db.ts';
import { apiTokens } from '../../src/store/schema.ts';
import { createApp } from '../../src/web/app.ts';
import { commandRunner } from '../helpers/cli.ts';
import { createScratchDatabase, databaseKinds } from '../helpers/databases.ts';
import { serveBody, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testPipeline } from '../helpers/hub.ts';

const RSS = { 'content-type': 'application/rss+xml; charset=utf-8' };
const HTML = { 'content-type': 'text/html; charset=utf-8' };
const feedDoc = (title: string, lang = 'en') =>
  rss([[`${title}-1`, `${title} one`], [`${title}-2`, `${title} two`]], `<language>${lang}</language>`).replace('<title>Test platform</title>', `<title>${title}</title>`);

describe.each(databaseKinds)('operator commands on %s', (kind) => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let dropDatabase: () => Promise<void> = async () => {};

  beforeAll(async () => {
    server = await startFeedServer();
    server.route('/site/', serveBody('<html><head><link rel="alternate" type="application/rss+xml" href="news.xml"></head><body></body></html>', { headers: HTML }));
    server.route('/site/news.xml', serveBody(feedDoc('Actualités du site', 'fr'), { headers: RSS }));
    server.route('/multi/', serveBody(`<html><head>
      <link rel="alternate" type="application/rss+xml" title="News" href="/multi/news.xml">
      <link rel="alternate" type="application/atom+xml" title="Events" href="/multi/events.xml"></head></html>`, { headers: HTML }));
    server.route('/multi/news.xml', serveBody(feedDoc('Multi news'), { headers: RSS }));
    server.route('/multi/events.xml', serveBody(feedDoc('Multi events'), { headers: RSS }));
    server.route('/filed.xml', serveBody(feedDoc('Filed'), { headers: RSS }));

    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-admin-cli-'));
    await writeFile(
      path.join(dir, 'feeds.yaml'),
      `topics:
  - slug: housing
    label: { en: Housing, fr: Logement }
  - slug: health
    label: { en: Health, fr: Santé }
sources:
  - slug: filed
    url: ${server.url('/filed.xml')}
    title: Filed
    organization: File Org
    region: national
    languages: [en]
`,
    );
    env = { FEEDS_FILE: path.join(dir, 'feeds.yaml'), DATA_DIR: path.join(dir, 'data'), PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'silent' };
    if (kind === 'postgres') {
      // An empty database: the first command migrates it, as a deployment's first start would.
      const scratch = await createScratchDatabase();
      env.DATABASE_URL = scratch.url;
      dropDatabase = scratch.drop;
    }
  });
  afterAll(async () => {
    await server.close();
    await dropDatabase();
    await rm(dir, { recursive: true, force: true });
  });

  const run = commandRunner(() => env);
  const openDb = (): Promise<Database> => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });

  it('sources add discovers the feed of a site and registers it with every field', async () => {
    expect((await run(['sources', 'sync'])).out).toMatch(/^added\s+filed$/m);
    const r = await run(['sources', 'add', server.url('/site/'), '--org', 'Site Org', '--region', 'prairies', '--province', 'mb', '--topic', 'housing,health']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^added actualites-du-site: Actualités du site — Site Org$/m);
    expect(r.out).toContain(`feed     ${server.url('/site/news.xml')} (found linked from the page)`);
    expect(r.out).toMatch(/region   prairies \/ mb; languages fr; topics housing, health/);
    const list = await run(['sources', 'list']);
    expect(list.out).toMatch(/^actualites-du-site\s+active\s+never/m);
  });

  it('sources add asks which feed when a site offers several, and takes --feed', async () => {
    const several = await run(['sources', 'add', server.url('/multi/'), '--org', 'Multi', '--region', 'national', '--lang', 'en']);
    expect(several.code).toBe(1);
    expect(several.err).toMatch(/several feeds found \(2\); choose one with --feed/);
    expect(several.err).not.toContain('feedUrl');
    expect(several.err).toContain(`  ${server.url('/multi/events.xml')}  (Events)`);
    expect(several.err).toMatch(/run again with --feed/);
    const chosen = await run(['sources', 'add', server.url('/multi/'), '--org', 'Multi', '--region', 'national', '--lang', 'en', '--feed', server.url('/multi/events.xml'), '--slug', 'multi-events']);
    expect(chosen.code).toBe(0);
    expect(chosen.out).toMatch(/^added multi-events: Multi events — Multi$/m);
  });

  it('sources add refuses duplicates, bad fields and private addresses with the reason', async () => {
    const dup = await run(['sources', 'add', server.url('/site/news.xml'), '--org', 'X', '--region', 'national']);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/already registered as source "actualites-du-site"/);
    const noRegion = await run(['sources', 'add', 'https://example.org/feed', '--org', 'X']);
    expect(noRegion.code).toBe(1);
    // The command's own flags, not the API's field names.
    expect(noRegion.err).toMatch(/^error: --region: required/);
    const badFields = await run(['sources', 'add', 'https://example.org/feed', '--org', '', '--region', 'atlantic', '--province', 'on', '--interval', '0']);
    expect(badFields.err).toMatch(/^error: --org: .*; --interval: .*/);
    expect(badFields.err).not.toMatch(/organization|intervalMinutes/);
    const blocked = await run(['sources', 'add', 'http://169.254.169.254/latest/', '--org', 'X', '--region', 'national']);
    expect(blocked.code).toBe(1);
    expect(blocked.err).toMatch(/blocked: non-public address/);
    expect((await run(['sources', 'add', '--org', 'X'])).code).toBe(2);
    expect((await run(['sources', 'pause'])).code).toBe(2);
  });

  it('sources refresh, pause, resume and remove act on one source', async () => {
    const refreshed = await run(['sources', 'refresh', 'actualites-du-site']);
    expect(refreshed.code).toBe(0);
    expect(refreshed.out).toBe('actualites-du-site: ok (200); 2 new, 0 updated');
    expect((await run(['sources', 'pause', 'actualites-du-site'])).out).toMatch(/^paused actualites-du-site/);
    expect((await run(['sources', 'list'])).out).toMatch(/^actualites-du-site\s+paused/m);
    const refused = await run(['sources', 'refresh', 'actualites-du-site']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/is paused: resume it first/);
    expect((await run(['sources', 'resume', 'actualites-du-site'])).out).toBe('resumed actualites-du-site: due now');
    expect((await run(['sources', 'remove', 'actualites-du-site'])).out).toBe('removed actualites-du-site and its 2 items');
    const gone = await run(['sources', 'pause', 'actualites-du-site']);
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/no source "actualites-du-site"/);
    const filed = await run(['sources', 'remove', 'filed']);
    expect(filed.code).toBe(1);
    expect(filed.err).toMatch(/managed by feeds\.yaml/);
    expect((await run(['sources', 'pause', 'filed'])).code).toBe(0);
    expect((await run(['sources', 'resume', 'filed'])).code).toBe(0);
  });

  it('opml import registers every feed with folder topics, or refuses the whole file', async () => {
    const good = path.join(dir, 'good.opml');
    await writeFile(
      good,
      `<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
        <outline text="Logement"><outline text="Shelter news" xmlUrl="https://shelter.example.org/feed"/></outline>
        <outline text="Other"><outline text="Plain" xmlUrl="https://plain.example.org/rss"/></outline>
      </body></opml>`,
    );
    const dry = await run(['opml', 'import', good, '--region', 'bc', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^would add {2}shelter-news\s+https:\/\/shelter\.example\.org\/feed {2}\[housing\]$/m);
    expect(dry.out).toMatch(/dry run: 2 to import, 0 skipped/);
    expect((await run(['sources', 'list'])).out).not.toMatch(/shelter-news/);
    const done = await run(['opml', 'import', good, '--region', 'bc', '--lang', 'en']);
    expect(done.out).toMatch(/^added {2}plain\s+https:\/\/plain\.example\.org\/rss$/m);
    expect(done.out).toMatch(/folders that name no topic \(ignored\): Other/);
    expect(done.out).toMatch(/2 imported, 0 skipped/);
    const again = await run(['opml', 'import', good]);
    expect(again.out).toMatch(/0 imported, 2 skipped/);

    const bad = path.join(dir, 'bad.opml');
    await writeFile(bad, `<opml version="2.0"><body><outline text="New" xmlUrl="https://new.example.org/feed"/><outline text="Inside" xmlUrl="http://10.1.2.3/feed"/></body></opml>`);
    const refused = await run(['opml', 'import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/OPML import refused: 1 problem\(s\); nothing was imported/);
    expect(refused.err).toMatch(/outline 2 \("Inside"\): blocked: non-public address \(10\.1\.2\.3\)/);
    expect((await run(['sources', 'list'])).out).not.toMatch(/^new/m);
    await writeFile(bad, '<rss version="2.0"><channel/></rss>');
    expect((await run(['opml', 'import', bad])).err).toMatch(/not an OPML document/);
    expect((await run(['opml', 'import', bad, '--region', 'mars'])).code).toBe(2);
  });

  it('tokens create prints a token once; list shows use; revoke ends it', async () => {
    const created = await run(['tokens', 'create', '--name', 'deploy-bot']);
    expect(created.code).toBe(0);
    const token = created.out;
    expect(token).toMatch(/^psl_[A-Za-z0-9_-]{43}$/);
    expect(created.err).toMatch(/shown this once/);
    expect((await run(['tokens', 'create', '--name', 'deploy-bot'])).err).toMatch(/already exists/);
    expect((await run(['tokens', 'create', '--name', 'watcher', '--read-only'])).code).toBe(0);
    expect((await run(['tokens', 'create'])).code).toBe(2);

    // The token opens the admin API, and its use is recorded.
    const database = await openDb();
    try {
      const app = createApp({ database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [], pipeline: testPipeline(database.db), metrics: createMetrics() });
      expect((await app.request('/api/sources/filed', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      // Only the token's SHA-256 is stored: nothing in the table holds the token itself.
      const rows = await database.db.select().from(apiTokens);
      expect(rows.find((r) => r.name === 'deploy-bot')!.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(token.slice(4));
    } finally {
      await database.close();
    }
    const list = await run(['tokens', 'list']);
    expect(list.out.split('\n')[0]).toMatch(/^NAME\s+ACCESS\s+CREATED\s+LAST USED\s+USES\s+STATUS$/);
    expect(list.out).toMatch(/^deploy-bot\s+read-write\s+\d{4}-\d\d-\d\d\s+(just now|\d+ s ago)\s+1\s+live$/m);
    expect(list.out).toMatch(/^watcher\s+read-only\s+\S+\s+never\s+0\s+live$/m);

    expect((await run(['tokens', 'revoke', 'deploy-bot'])).out).toBe('revoked deploy-bot');
    expect((await run(['tokens', 'revoke', 'deploy-bot'])).code).toBe(1);
    expect((await run(['tokens', 'list'])).out).toMatch(/^deploy-bot\s+.*revoked \d{4}-/m);
    const after = await openDb();
    try {
      const app = createApp({ database: after, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [], pipeline: testPipeline(after.db), metrics: createMetrics() });
      expect((await app.request('/api/sources/filed', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      const log = await listAdminLog(after.db, 100);
      const actions = log.map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['source.add', 'source.refresh', 'source.pause', 'source.resume', 'source.remove', 'opml.import', 'token.create', 'token.revoke']));
      expect((log[0].detail as { token: string }).token).toMatch(/^cli/);
    } finally {
      await after.close();
    }
  });
});
