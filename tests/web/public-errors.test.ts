// What went wrong with a source, as anyone sees it and as an operator sees it, on both databases.
// Three sources fail through the real pipeline: one whose feed redirects to a name that resolves to
// an internal address, one that redirects to a name no DNS knows, and one whose own name resolves
// inside. The public views (GET /api/sources, the directory) say so in general words, so a hostile
// publisher cannot use them to probe our network or DNS; the resolved addresses and the looked-up
// names stay in the admin API and pages.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createMetrics } from '../../src/core/metrics.ts';
import type { Resolver } from '../../src/fetch/address-guard.ts';
import { ingestSource } from '../../src/pipeline/ingest-source.ts';
import type { Database } from '../../src/store/db.ts';
import { sources } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveRedirect, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const PUBLIC = 'http://hub.test';
const ADMIN_TOKEN = 'bootstrap-secret-0123456789';
const INTERNAL_ADDRESS = '10.20.30.40';
const OWN_ADDRESS = '10.20.30.41';
const REBOUND_HOST = 'news.rebound-partner.example';
const MISSING_HOST = 'feeds.intranet-only.example';
const INSIDE_HOST = 'inside-partner.example';
const MIRROR_ORIGIN = 'http://mirror.intranet-only.example';
/** What a visitor must never learn: where names resolve inside, and names only a redirect gave. */
const SECRETS = [INTERNAL_ADDRESS, OWN_ADDRESS, REBOUND_HOST, MISSING_HOST, MIRROR_ORIGIN];

/** DNS as the hostile publisher set it up: two names point inside, another does not exist. */
const resolve: Resolver = async (hostname) => {
  if (hostname === REBOUND_HOST) return [{ address: INTERNAL_ADDRESS, family: 4 }];
  if (hostname === INSIDE_HOST) return [{ address: OWN_ADDRESS, family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe.each(databaseKinds)('errors in public and admin views on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let server: FeedServer;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    server.route('/rebound.xml', serveRedirect(`http://${REBOUND_HOST}/feed.xml`, 302));
    server.route('/missing.xml', serveRedirect(`https://${MISSING_HOST}/rss`, 302));
    await syncSources(database.db, [
      spec('rebound', { url: server.url('/rebound.xml'), title: 'Rebound Partner', organization: 'Rebound Org' }),
      spec('missing', { url: server.url('/missing.xml'), title: 'Missing Partner', organization: 'Missing Org' }),
      spec('inside', { url: `http://${INSIDE_HOST}/feed.xml`, title: 'Inside Partner', organization: 'Inside Org' }),
    ]);
    const pipeline = testPipeline(database.db, { fetchDeps: { resolve }, metrics: createMetrics() });
    for (const slug of ['rebound', 'missing', 'inside']) {
      expect((await ingestSource(pipeline, (await getSourceBySlug(database.db, slug))!, 'test')).outcome).toBe('failed');
    }
    // As a fetch that was sent from https to http on its way would have left it.
    await database.db
      .update(sources)
      .set({ lastWarnings: [{ code: 'https-downgrade', params: { target: MIRROR_ORIGIN } }] })
      .where(eq(sources.slug, 'missing'));
    app = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: 'test', topics: [], pipeline, adminToken: ADMIN_TOKEN, trustProxy: true });
  });
  afterAll(async () => {
    await server?.close();
    await cleanup?.();
  });

  const json = async (path: string, headers: Record<string, string> = {}) => (await app.request(path, { headers })).json() as Promise<any>;
  const html = async (path: string, headers: Record<string, string> = {}) => (await app.request(path, { headers })).text();

  it('stores each error as a code with its facts, the names and addresses included', async () => {
    expect(await getSourceBySlug(database.db, 'rebound')).toMatchObject({
      lastErrorCode: 'blocked',
      lastErrorParams: { address: INTERNAL_ADDRESS, host: REBOUND_HOST, viaRedirect: true },
      lastError: `blocked: redirect to non-public address (${INTERNAL_ADDRESS})`,
    });
    expect(await getSourceBySlug(database.db, 'inside')).toMatchObject({
      lastErrorCode: 'blocked',
      lastErrorParams: { address: OWN_ADDRESS, host: INSIDE_HOST },
      lastError: `blocked: non-public address (${INSIDE_HOST} → ${OWN_ADDRESS})`,
    });
    expect(await getSourceBySlug(database.db, 'missing')).toMatchObject({
      lastErrorCode: 'dns',
      lastErrorParams: { host: MISSING_HOST, cause: 'ENOTFOUND' },
    });
  });

  it('GET /api/sources says what went wrong in general words, with the code, and names no address or host', async () => {
    const response = await app.request('/api/sources');
    const text = await response.clone().text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const bySlug = Object.fromEntries(((await response.json()) as any).sources.map((s: any) => [s.slug, s.health]));
    expect(bySlug.rebound).toMatchObject({
      lastErrorCode: 'blocked',
      lastError: 'The address, or where it redirects, is not public: the hub does not fetch private or internal addresses.',
    });
    expect(bySlug.missing).toMatchObject({
      lastErrorCode: 'dns',
      lastError: 'The site’s name could not be found. The address may be mistyped, or the domain may have lapsed.',
    });
    expect(bySlug.inside).toMatchObject({ lastErrorCode: 'blocked', lastError: bySlug.rebound.lastError });
    expect(bySlug.missing).toMatchObject({ warnings: ['The https address redirects to http; followed for this fetch only.'], warningCodes: ['https-downgrade'] });
    expect(bySlug.rebound).not.toHaveProperty('lastErrorParams');
  });

  it.each(['en', 'fr'])('the %s directory says it in words and names no internal address or looked-up host', async (ui) => {
    const page = await html(`/${ui}/directory`);
    expect(page).toContain(ui === 'en' ? 'is not public' : 'n’est pas publique');
    expect(page).toContain(ui === 'en' ? 'The site’s name could not be found' : 'Le nom du site est introuvable');
    for (const secret of SECRETS) expect(page).not.toContain(secret);
    expect(page).not.toContain('blocked: ');
    expect(page).not.toContain('DNS lookup failed');
  });

  it('the admin API keeps the detail, the code and its facts for operators', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-forwarded-for': '192.0.2.1' };
    const rebound = await json('/api/sources/rebound', auth);
    expect(rebound.source.health).toMatchObject({
      lastError: `blocked: redirect to non-public address (${INTERNAL_ADDRESS})`,
      lastErrorCode: 'blocked',
      lastErrorParams: { address: INTERNAL_ADDRESS, host: REBOUND_HOST, viaRedirect: true },
    });
    expect(rebound.fetches[0]).toMatchObject({ outcome: 'failed', errorCode: 'blocked', errorParams: { address: INTERNAL_ADDRESS, host: REBOUND_HOST } });
    const missing = await json('/api/sources/missing', auth);
    expect(missing.source.health).toMatchObject({
      lastErrorCode: 'dns',
      lastError: `DNS lookup failed for ${MISSING_HOST} (ENOTFOUND)`,
      warnings: [`The https address redirects to http (${MIRROR_ORIGIN}); followed for this fetch only.`],
    });
  });

  it('the admin page words the error in the page’s language and shows the operator the address', async () => {
    const signIn = await app.request('/fr/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: PUBLIC, 'x-forwarded-for': '192.0.2.2' },
      body: `token=${ADMIN_TOKEN}`,
    });
    const cookie = signIn.headers.getSetCookie().find((c) => c.includes('Path=/fr/admin'))!.split(';')[0];
    const page = await html('/fr/admin/sources/inside', { cookie, 'x-forwarded-for': '192.0.2.2' });
    expect(page).toContain('n’est pas publique');
    expect(page).toContain(OWN_ADDRESS);
    expect(page).toContain(INSIDE_HOST);
    expect(await html('/fr/admin/sources/missing', { cookie, 'x-forwarded-for': '192.0.2.2' })).toContain(`DNS lookup failed for ${MISSING_HOST}`);
  });
});
