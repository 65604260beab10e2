// Search ranking at scale: relevance ranks the newest RANK_WINDOW matches (a bounded cost whatever
// the word), date order and rare words see every match.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { COMMON_ESTIMATE, PROBE_LIMIT, queryItems, RANK_WINDOW } from '../../src/store/items-query.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

describe.each(databaseKinds)('search window on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const MATCHES = RANK_WINDOW + 100;
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [spec('s')]);
    const source = (await getSourceBySlug(database.db, 's'))!;
    // Item i is published on day i; the oldest mentions "housing" most, then one among the newest.
    const items = Array.from({ length: MATCHES }, (_, i) =>
      item(`h${i}`, {
        title: i === 0 ? 'Housing housing housing: housing first' : i === MATCHES - 10 ? 'Housing and housing support' : `Notice ${i} about housing`,
        summary: i === 0 ? 'Housing, housing and more housing.' : `Weekly notice number ${i}.`,
        publishedAt: day(i),
        fingerprint: String(BigInt(i + 1) * 0x9e3779b97f4a7c15n % (1n << 63n)),
      }),
    );
    items.push(item('rare', { title: 'Zygomorphic orchids in the settlement garden', publishedAt: day(-500), fingerprint: '12345' }));
    await commitIngest(database.db, { sourceId: source.id, owner: 't', patch: {}, historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' }, items });
  }, 60_000);
  afterAll(() => cleanup());

  it('by relevance: the best match among the newest window first; older matches are past the window', async () => {
    const rows = await queryItems(database.db, { q: 'housing', order: 'relevance', limit: 20, clusters: false });
    expect(rows[0].title).toBe('Housing and housing support');
    expect(rows.map((r) => r.title)).not.toContain('Housing housing housing: housing first');
    const deep = await queryItems(database.db, { q: 'housing', order: 'relevance', limit: 200, offset: RANK_WINDOW - 100, clusters: false });
    expect(deep).toHaveLength(100);
  });

  it('by date: every match, oldest included', async () => {
    const rows = await queryItems(database.db, { q: 'housing', order: 'date', limit: 200, before: { publishedAt: day(50), id: Number.MAX_SAFE_INTEGER }, clusters: false });
    expect(rows.at(-1)!.title).toBe('Housing housing housing: housing first');
  });

  it('a rare word is found wherever it is', async () => {
    const rows = await queryItems(database.db, { q: 'zygomorphic', order: 'relevance', limit: 20 });
    expect(rows.map((r) => r.title)).toEqual(['Zygomorphic orchids in the settlement garden']);
  });
});

// A common word is ranked over its newest matches, found by walking items newest first
// (items_search_walk_idx), with the answer the small set gives above. Past PROBE_LIMIT matches the
// probe runs first; past COMMON_ESTIMATE items the planner expects so many matches that the probe
// is skipped and a bounded walk of the newest items runs instead.
const COMMON_WORD_CASES = [
  // One item in 20 does not match: still more matches than the probe takes.
  { path: 'probe, then walk', items: PROBE_LIMIT + 600 },
  { path: 'walk first', items: COMMON_ESTIMATE + 4000 },
];

describe.each(databaseKinds.flatMap((kind) => COMMON_WORD_CASES.map((c) => ({ kind, ...c }))))('search window for a common word ($path) on $kind', ({ kind, items: ITEMS }) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [spec('s')]);
    const source = (await getSourceBySlug(database.db, 's'))!;
    // Item g is published g hours after the start; among them, one strong match inside the newest
    // window and one outside it, and one item in 20 that does not match at all.
    await database.rows(sql`
      insert into items (source_id, key, title, summary, published_at, content_hash, cluster_id)
      select ${source.id}, 'w' || g,
        case when g = ${ITEMS - 20} then 'Webinar webinar: the webinar on webinars'
             when g = 10 then 'Webinar webinar webinar: webinars first'
             when g % 20 = 0 then 'Notice ' || g || ' about parking'
             else 'Notice ' || g || ' about the webinar' end,
        'Weekly notice ' || g, timestamptz '2026-01-01' + g * interval '1 hour', md5(g::text), null
      from generate_series(1, ${ITEMS}) g`);
    await database.rows(sql`update items set cluster_id = id`);
    await database.rows(sql`analyze items`);
  }, 120_000);
  afterAll(() => cleanup());

  it('by relevance: the best match among the newest window comes first; the older one is past it', async () => {
    const rows = await queryItems(database.db, { q: 'webinar', order: 'relevance', limit: 20, clusters: false });
    expect(rows).toHaveLength(20);
    expect(rows[0].title).toBe('Webinar webinar: the webinar on webinars');
    expect(rows.map((r) => r.title)).not.toContain('Webinar webinar webinar: webinars first');
    expect(rows.every((r) => r.title.toLowerCase().includes('webinar'))).toBe(true);
  });

  it('by date: the newest matches first, skipping items that do not match', async () => {
    const rows = await queryItems(database.db, { q: 'webinar', order: 'date', limit: 5, clusters: false });
    expect(rows.map((r) => r.title)).toEqual([ITEMS - 1, ITEMS - 2, ITEMS - 3, ITEMS - 4, ITEMS - 5].map((g) => `Notice ${g} about the webinar`));
  });
});
