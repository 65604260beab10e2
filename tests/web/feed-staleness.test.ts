// Once the items change, a feed rendered a moment ago is still answered at once (with its own
// validators) while it is rendered again; past the bound, the poll gets the new items.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createFeedCache, type FeedCache } from '../../src/publish/feed-cache.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { readGeneration } from '../../src/store/hub-state.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

describe.each(databaseKinds)('a feed answered from older data on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let clock = 0;
  let cache: FeedCache;
  let app: ReturnType<typeof createApp>;

  const ingest = async (keys: string[]) => {
    const source = (await getSourceBySlug(database.db, 'amssa'))!;
    const log = { startedAt: new Date(), durationMs: 1, outcome: 'ok' as const };
    await commitIngest(database.db, { sourceId: source.id, owner: 't', historyLimit: 5, log, patch: {}, items: keys.map((k, i) => item(k, { publishedAt: new Date(Date.UTC(2024, 4, 1 + i)) })) });
    // What the fetcher's onItemsChanged does.
    cache.invalidate();
  };
  const titles = async (res: Response) => ((await res.json()) as { items: { title: string }[] }).items.map((i) => i.title);

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const { topics } = await loadFeedsFile('feeds.yaml');
    await syncSources(database.db, [spec('amssa')]);
    cache = createFeedCache({ readGeneration: async () => (await readGeneration(database.db)).generation, staleMs: 5000, now: () => clock });
    app = createApp({ database, logger: silentLogger(), publicUrl: 'https://hub.example.ca', version: '9.9.9', topics, feedCache: cache });
  });
  afterAll(async () => cleanup());

  it('within the bound the earlier document and its ETag; past it, the new items', async () => {
    await ingest(['first']);
    const before = await app.request('/sources/amssa.json');
    const etag = before.headers.get('etag')!;
    expect(await titles(before)).toEqual(['Title first']);

    await ingest(['first', 'second']);
    clock += 2000;
    const soon = await app.request('/sources/amssa.json');
    expect(soon.headers.get('etag')).toBe(etag);
    expect(await titles(soon)).toEqual(['Title first']);
    expect((await app.request('/sources/amssa.json', { headers: { 'If-None-Match': etag } })).status).toBe(304);

    clock += 10_000;
    const later = await app.request('/sources/amssa.json');
    expect(later.headers.get('etag')).not.toBe(etag);
    expect(await titles(later)).toEqual(['Title second', 'Title first']);
  });
});
