// An embedded hub has no autovacuum: the store vacuums and analyzes for it, as the server would.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

const COUNT = 1500;

async function storeItems(database: Database) {
  await syncSources(database.db, [spec('busy')]);
  const source = (await getSourceBySlug(database.db, 'busy'))!;
  await commitIngest(database.db, {
    sourceId: source.id, owner: 'test', patch: {}, historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' },
    items: Array.from({ length: COUNT }, (_, i) => item(`i${i}`, { language: i % 3 ? 'en' : 'fr', topics: [i % 7 ? 'housing' : 'health'], fingerprint: String(BigInt(i + 1) * 7919n) })),
  });
}

const itemStats = async (database: Database) =>
  (await database.rows<{ dead: number; analyzed: boolean; vacuumed: boolean }>(
    sql`select n_dead_tup::int as dead, last_analyze is not null as analyzed, last_vacuum is not null as vacuumed from pg_stat_user_tables where relname = 'items'`,
  ))[0];
const estimatedRows = async (database: Database, where: ReturnType<typeof sql>) => {
  const [plan] = await database.rows<{ 'QUERY PLAN': string }>(sql`explain select id from items where ${where}`);
  return Number(/rows=(\d+)/.exec(plan['QUERY PLAN'])![1]);
};

describe('table maintenance on pglite', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
  });
  afterAll(() => cleanup());

  it('vacuums and analyzes the tables an ingest changed, then has nothing left to do', async () => {
    await storeItems(database);
    expect(await itemStats(database)).toMatchObject({ analyzed: false, vacuumed: false });
    // Never analyzed, the planner guesses how many French items there are.
    const guessed = await estimatedRows(database, sql`language = 'fr'`);
    expect(Math.abs(guessed - COUNT / 3)).toBeGreaterThan(COUNT / 10);

    const done = await database.maintain();
    expect(done).toContainEqual({ table: 'items', vacuum: true, analyze: true });
    expect(await itemStats(database)).toMatchObject({ dead: 0, analyzed: true, vacuumed: true });
    expect(Math.abs((await estimatedRows(database, sql`language = 'fr'`)) - COUNT / 3)).toBeLessThan(COUNT / 20);

    expect(await database.maintain()).toEqual([]);
  });
});

describe('table maintenance on postgres', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('postgres'));
  });
  afterAll(() => cleanup());

  it('is left to the server’s autovacuum', async () => {
    await storeItems(database);
    expect(await database.maintain()).toEqual([]);
  });
});
