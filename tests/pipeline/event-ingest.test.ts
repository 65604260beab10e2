// Events through the whole pipeline, on both databases: a feed's event dates reach the store with
// the item; a date that cannot be (30 February), an end before the start, a year decades away or a
// zone we do not know leaves the event out, keeps the item, and is said on the source; a feed that
// moves an event's date without touching its text moves it in the store.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSource } from '../../src/pipeline/ingest-source.ts';
import type { Database } from '../../src/store/db.ts';
import { getItem } from '../../src/store/items-query.ts';
import { items } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { testPipeline } from '../helpers/hub.ts';
import { spec } from '../helpers/items.ts';

const NOW = new Date('2026-12-01T15:00:00Z');

/** An RSS feed whose items carry RSS event module dates. */
function eventFeed(entries: { guid: string; title: string; start: string; end?: string; location?: string }[]): string {
  const body = entries
    .map(
      (e) => `<item><guid isPermaLink="false">${e.guid}</guid><title>${e.title}</title><link>https://platform.example.ca/events/${e.guid}</link>
  <description>Join us for a session for settlement workers.</description><pubDate>Tue, 24 Nov 2026 12:00:00 GMT</pubDate>
  <ev:startdate>${e.start}</ev:startdate>${e.end ? `<ev:enddate>${e.end}</ev:enddate>` : ''}${e.location ? `<ev:location>${e.location}</ev:location>` : ''}<ev:type>Webinar</ev:type></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"><channel><title>Events</title><link>https://platform.example.ca/</link><description>d</description>
${body}
</channel></rss>`;
}

describe.each(databaseKinds)('events through the pipeline on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let server: FeedServer;
  let feed = '';

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    server = await startFeedServer();
    server.route('/events.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed));
    await syncSources(database.db, [spec('events', { url: server.url('/events.xml'), region: 'atlantic', province: 'ns' })]);
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const run = async () => ingestSource(testPipeline(database.db, { now: () => NOW }), (await getSourceBySlug(database.db, 'events'))!, 'w');
  const stored = async (guid: string) => {
    const [row] = await database.db.select({ id: items.id }).from(items).where(sql`guid = ${guid}`);
    return row ? getItem(database.db, row.id) : undefined;
  };

  it('stores good events, and for bad ones keeps the item without its event and warns on the source', async () => {
    feed = eventFeed([
      { guid: 'good', title: 'Employment webinar', start: '2026-12-14T13:00:00-04:00', end: '2026-12-14T14:30:00-04:00', location: 'Halifax, NS' },
      { guid: 'feb30', title: 'A session on 30 February', start: '2027-02-30T10:00:00-04:00' },
      { guid: 'backwards', title: 'A session that ends before it starts', start: '2026-12-20T15:00:00-04:00', end: '2026-12-20T13:00:00-04:00' },
      { guid: 'far', title: 'A session decades away', start: '2096-12-20T15:00:00-04:00' },
    ]);
    const outcome = await run();
    expect(outcome.outcome).toBe('ok');
    expect(outcome.itemsNew).toBe(4);

    const good = (await stored('good'))!;
    expect(good.event).toMatchObject({ start: '2026-12-14T13:00:00-04:00', end: '2026-12-14T14:30:00-04:00', timezone: 'America/Halifax', place: { city: 'Halifax', province: 'ns' } });
    for (const guid of ['feb30', 'backwards', 'far']) {
      const bad = (await stored(guid))!;
      expect(bad.title, guid).toBeTruthy();
      expect(bad.url, guid).toBe(`https://platform.example.ca/events/${guid}`);
      expect(bad.event, guid).toBeUndefined();
    }
    const warnings = (await getSourceBySlug(database.db, 'events'))!.lastWarnings ?? [];
    expect(warnings).toEqual(
      expect.arrayContaining([
        { code: 'event-date-impossible', params: { value: '2027-02-30T10:00:00-04:00' } },
        expect.objectContaining({ code: 'event-end-before-start' }),
        expect.objectContaining({ code: 'event-date-far' }),
      ]),
    );
  });

  it('moves an event whose feed changed its date and nothing else, and bumps its sequence', async () => {
    feed = eventFeed([{ guid: 'good', title: 'Employment webinar', start: '2026-12-15T13:00:00-04:00', end: '2026-12-15T14:30:00-04:00', location: 'Halifax, NS' }]);
    const outcome = await run();
    expect(outcome.itemsUpdated).toBe(1);
    expect((await stored('good'))!.event).toMatchObject({ start: '2026-12-15T13:00:00-04:00', sequence: 1 });
  });
});
