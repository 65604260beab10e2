import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item, ParsedItem, Topic } from '../../src/core/types.ts';
import { normalizeItem, type NormalizeContext } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { retagItems } from '../../src/pipeline/retag.ts';
import type { Database } from '../../src/store/db.ts';
import { readGeneration } from '../../src/store/hub-state.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { items, sources } from '../../src/store/schema.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { spec } from '../helpers/items.ts';

const topic = (slug: string, en: string[], fr: string[] = []): Topic => ({ slug, label: { en: slug, fr: slug }, keywords: { en, fr }, categories: [] });
const before = compileTaxonomy([topic('transportation', ['bus pass'])]);
const after = compileTaxonomy([topic('transportation', ['bus pass', 'bicycle']), topic('employment', ['job fair'], ['salon de l’emploi'])]);

const parsed: ParsedItem[] = [
  { guid: '1', title: 'Bicycle repair workshop', summaryHtml: 'Learn to fix a bicycle and ride safely to work in Winnipeg.', categories: [] },
  { guid: '2', title: 'Salon de l’emploi à Saint-Boniface', summaryHtml: 'Rencontrez des employeurs de la région le 12 juin.', categories: [], language: 'fr-CA' },
  { guid: '3', title: 'Monthly newsletter', summaryHtml: 'News from the centre.', categories: ['Events'] },
];

describe.each(databaseKinds)('retagItems on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
  });
  afterAll(async () => {
    await cleanup();
  });

  const context = (taxonomy: typeof before, region: 'prairies' | 'national'): NormalizeContext => ({
    now: new Date('2024-06-01T12:00:00Z'),
    fetchUrl: 'https://centre.example.ca/feed/',
    feed: { link: 'https://centre.example.ca/', language: 'en-CA' },
    source: { languages: ['en', 'fr'], region, topics: [] },
    taxonomy,
  });
  const normalized = (ctx: NormalizeContext): Item[] => parsed.map((p) => normalizeItem(p, ctx)).map((o) => ('item' in o ? o.item : expect.unreachable()));
  const tagsOf = (list: { key: string; language: string; topics: string[]; type: string; regions: string[]; province?: string | null }[]) =>
    Object.fromEntries(list.map((i) => [i.key, { language: i.language, topics: i.topics, type: i.type, regions: [...i.regions].sort(), province: i.province ?? null }]));

  it('gives stored items the tags a fresh fetch would give them, and changes nothing the second time', async () => {
    await syncSources(database.db, [spec('centre', { region: 'national', languages: ['en', 'fr'] })]);
    const source = (await getSourceBySlug(database.db, 'centre'))!;
    const ingestNow = normalized(context(before, 'national'));
    await commitIngest(database.db, {
      sourceId: source.id, owner: 'test', items: ingestNow,
      patch: {}, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' }, historyLimit: 10,
    });
    // The operator moves the source to the Prairies and teaches the taxonomy new words.
    await database.db.update(sources).set({ region: 'prairies' }).where(eq(sources.id, source.id));
    const { generation } = await readGeneration(database.db);

    const report = await retagItems(database.db, after);
    expect(report).toEqual({ items: 3, changed: 3 });
    const rows = await database.db.select().from(items).where(eq(items.sourceId, source.id));
    expect(tagsOf(rows)).toEqual(tagsOf(normalized(context(after, 'prairies'))));
    expect(tagsOf(rows)['g:1']).toMatchObject({ topics: ['transportation'], regions: ['prairies'], province: 'mb' });
    expect(tagsOf(rows)['g:2']).toMatchObject({ language: 'fr', topics: ['employment'] });
    expect((await readGeneration(database.db)).generation).toBeGreaterThan(generation);

    expect(await retagItems(database.db, after)).toEqual({ items: 3, changed: 0 });
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(items);
    expect(Number(n)).toBe(3);
  });
});
