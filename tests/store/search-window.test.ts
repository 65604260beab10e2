// Search ranking at scale: relevance ranks the newest RANK_WINDOW matches (a bounded cost whatever
// the word), date order and rare words see every match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { queryItems, RANK_WINDOW } from '../../src/store/items-query.ts';
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
