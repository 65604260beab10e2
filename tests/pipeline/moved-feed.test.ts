// A feed that moved for good (301) is learned even when its new address answers 304: through the
// real pipeline, a local HTTP server and both databases.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSource } from '../../src/pipeline/ingest-source.ts';
import { REDIRECT_SIGHTINGS } from '../../src/pipeline/plan-ingest.ts';
import type { Database } from '../../src/store/db.ts';
import { items } from '../../src/store/schema.ts';
import { getSourceBySlug, insertSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { serveRedirect, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss, testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const XML = { 'content-type': 'application/rss+xml; charset=utf-8' };

describe.each(databaseKinds)('a moved feed on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it(`moves to the new address after ${REDIRECT_SIGHTINGS} sightings, the later ones answered 304, and fetches it there from then on`, async () => {
    server.route('/old.xml', serveRedirect('/new.xml', 301));
    server.route('/new.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"n1"') return res.writeHead(304, { etag: '"n1"' }).end();
      res.writeHead(200, { ...XML, etag: '"n1"' }).end(rss([['m1', 'Moved one'], ['m2', 'Moved two']]));
    });
    await insertSources(database.db, [spec('moved', { url: server.url('/old.xml') })]);
    const deps = testPipeline(database.db);
    const run = async () => ingestSource(deps, (await getSourceBySlug(database.db, 'moved'))!, 'worker-1');

    expect(await run()).toMatchObject({ outcome: 'ok', itemsNew: 2 });
    expect(await getSourceBySlug(database.db, 'moved')).toMatchObject({ url: server.url('/old.xml'), redirectTo: server.url('/new.xml'), redirectSeen: 1, etag: '"n1"' });

    // The new address knows our validators: a 304, and the move is confirmed all the same.
    expect(await run()).toMatchObject({ outcome: 'not-modified', status: 304 });
    const moved = (await getSourceBySlug(database.db, 'moved'))!;
    expect(moved).toMatchObject({ url: server.url('/new.xml'), aliases: [server.url('/old.xml')], redirectTo: null, redirectSeen: 0, host: '127.0.0.1' });

    const before = server.hits('/old.xml');
    expect(await run()).toMatchObject({ outcome: 'not-modified' });
    expect(server.hits('/old.xml')).toBe(before);
    expect(server.lastRequest('/new.xml')!.headers['if-none-match']).toBe('"n1"');
    expect(await database.db.select().from(items).where(sql`source_id = ${moved.id}`)).toHaveLength(2);
  });
});
