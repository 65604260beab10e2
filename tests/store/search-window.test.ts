// Search ranking at scale: relevance ranks the newest RANK_WINDOW matches (a bounded cost whatever
// the word), date order and rare words see every match.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { PROBE_LIMIT, queryItems, RANK_WINDOW, SHORT_WALK_BUDGET } from '../../src/store/items-query.ts';
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
// (items_search_walk_idx), with the answer the small set gives above: among the newest
// SHORT_WALK_BUDGET items, or LONG_WALK_BUDGET when the first walk finds the word but too few
// times; when even that finds too few, the probe runs, then the walk.
const COMMON_WORD_CASES = [
  { path: 'short walk', matching: PROBE_LIMIT + 600, items: PROBE_LIMIT + 600, every: 1 },
  // Three items in a hundred match: 300 among the newest 10,000.
  { path: 'long walk', matching: 40_000, items: 40_000, every: 25 },
  // The newest items are all about something else: the walks find nothing.
  { path: 'probe, then walk', matching: PROBE_LIMIT + 600, items: PROBE_LIMIT + 600 + SHORT_WALK_BUDGET, every: 1 },
];

describe.each(databaseKinds.flatMap((kind) => COMMON_WORD_CASES.map((c) => ({ kind, ...c }))))('search window for a common word ($path) on $kind', ({ kind, matching: MATCHING, items: ITEMS, every: EVERY }) => {
  // Item g's title: two strong matches, one inside the newest window and one far outside it; items
  // past MATCHING, every 20th and (with EVERY) all but every EVERY-th do not match at all.
  const titleOf = (g: number) =>
    g === MATCHING - 20 ? 'Webinar webinar: the webinar on webinars'
    : g === 10 ? 'Webinar webinar webinar: webinars first'
    : g % 20 === 0 || g > MATCHING || g % EVERY !== 0 ? `Notice ${g} about parking`
    : `Notice ${g} about the webinar`;
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [spec('s')]);
    const source = (await getSourceBySlug(database.db, 's'))!;
    // Item g is published g hours after the start, titled as titleOf says.
    await database.rows(sql`
      insert into items (source_id, key, title, summary, published_at, content_hash, cluster_id)
      select ${source.id}, 'w' || g, t.title, 'Weekly notice ' || g, timestamptz '2026-01-01' + g * interval '1 hour', md5(g::text), null
      from json_array_elements_text(${JSON.stringify(Array.from({ length: ITEMS }, (_, i) => titleOf(i + 1)))}::json) with ordinality as t(title, g)`);
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
    const newest = Array.from({ length: ITEMS }, (_, i) => titleOf(ITEMS - i)).filter((t) => t.toLowerCase().includes('webinar'));
    expect(rows.map((r) => r.title)).toEqual(newest.slice(0, 5));
  });
});
