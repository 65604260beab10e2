import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item, Language, ParsedItem, Region } from '../../src/core/types.ts';
import { normalizeItem } from '../../src/normalize/normalize-item.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { queryItems } from '../../src/store/items-query.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { spec } from '../helpers/items.ts';

const taxonomy = compileTaxonomy((await loadFeedsFile('feeds.yaml')).topics);
const now = new Date('2024-06-01T12:00:00Z');

describe.each(databaseKinds)('stories, topics and search on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [
      spec('amssa', { organization: 'AMSSA', region: 'bc', province: 'bc' }),
      spec('ocasi', { organization: 'OCASI', region: 'ontario', province: 'on' }),
      spec('p2p', { organization: 'Pathways to Prosperity', region: 'national', languages: ['en', 'fr'] }),
      spec('ccr', { organization: 'Canadian Council for Refugees', region: 'national', languages: ['en', 'fr'] }),
    ]);
  });
  afterAll(() => cleanup());

  /** Runs ParsedItems through the real normalizer and stores them, as an ingest would. */
  async function ingest(slug: string, parsed: Partial<ParsedItem>[]) {
    const source = (await getSourceBySlug(database.db, slug))!;
    const items = parsed.map((p) => {
      const out = normalizeItem({ categories: [], ...p }, {
        now,
        fetchUrl: `https://${slug}.example.ca/feed`,
        feed: {},
        source: { languages: source.languages as Language[], region: source.region as Region, topics: source.topics },
        taxonomy,
      });
      if ('dropped' in out) throw new Error(out.dropped);
      return out.item as Item;
    });
    return commitIngest(database.db, { sourceId: source.id, owner: 't', items, patch: {}, historyLimit: 5, log: { startedAt: now, durationMs: 1, outcome: 'ok' } });
  }

  it('a story cross-posted on three platforms is shown once, with the others in "also"', async () => {
    const story = {
      title: 'New federal funding for rural settlement services announced',
      summaryHtml: 'IRCC announced new funding for settlement services in rural and small communities across Canada, with a call for proposals opening in June.',
      published: '2024-05-20T14:00:00Z',
    };
    await ingest('p2p', [{ ...story, guid: 'p2p-1', link: 'https://p2pcanada.ca/news/rural-funding/' }]);
    await ingest('amssa', [{ ...story, guid: 'amssa-9', link: 'http://www.p2pcanada.ca/news/rural-funding?utm_source=newsletter&utm_medium=email' }]);
    await ingest('ocasi', [{ ...story, title: 'Reminder: new federal funding for rural settlement services announced', guid: 'o-77', link: 'https://ocasi.example.ca/posts/77' }]);
    const one = await queryItems(database.db, { limit: 10, q: 'rural funding' });
    expect(one).toHaveLength(1);
    expect(one[0].source.slug).toBe('p2p');
    expect(one[0].also.map((a) => a.source).sort()).toEqual(['amssa', 'ocasi']);
    const all = await queryItems(database.db, { limit: 10, q: 'rural funding', clusters: false });
    expect(all).toHaveLength(3);
    expect(new Set(all.map((i) => i.clusterId)).size).toBe(1);
    // The story's cluster is its first copy, which was stored as a cluster of its own.
    expect(all[0].clusterId).toBe(Math.min(...all.map((i) => i.id)));
    // Filtered to one source, that source's copy stands for the story.
    const amssaOnly = await queryItems(database.db, { limit: 10, q: 'rural funding', sources: ['amssa'] });
    expect(amssaOnly.map((i) => i.source.slug)).toEqual(['amssa']);
  });

  it('an item with no other copy is a cluster of its own from the moment it is stored', async () => {
    await ingest('ocasi', [{ title: 'Volunteer drivers wanted in Sudbury', summaryHtml: 'Help newcomers reach appointments.', guid: 'solo-1', link: 'https://ocasi.example.ca/posts/solo-1', published: '2024-05-21T10:00:00Z' }]);
    const [solo] = await queryItems(database.db, { limit: 1, q: 'volunteer drivers Sudbury', clusters: false });
    expect(solo.clusterId).toBe(solo.id);
    expect(solo.also).toEqual([]);
  });

  it('near misses stay apart: two sessions of one webinar series', async () => {
    await ingest('amssa', [
      { guid: 'w1', title: 'LINC info session — March 5', summaryHtml: 'Join our info session on LINC classes for newcomers in Surrey on March 5.', link: 'https://amssa.example.ca/e/1', published: '2024-05-20T10:00:00Z' },
    ]);
    await ingest('ocasi', [
      { guid: 'w2', title: 'LINC info session — April 2', summaryHtml: 'Join our info session on LINC classes for newcomers in Surrey on April 2.', link: 'https://ocasi.example.ca/e/2', published: '2024-05-20T11:00:00Z' },
    ]);
    const rows = await queryItems(database.db, { limit: 10, q: 'LINC info session' });
    expect(rows.map((r) => r.title).sort()).toEqual(['LINC info session — April 2', 'LINC info session — March 5']);
    expect(rows.every((r) => r.also.length === 0)).toBe(true);
  });

  it('an English item and its French version are linked as translations, not merged', async () => {
    await ingest('ccr', [
      { guid: 'ccr-en-5', title: 'Refugee family reunification: new report', summaryHtml: 'Our new report documents delays in family reunification for refugees.', link: 'https://ccrweb.ca/en/report-family-reunification', published: '2024-05-21T10:00:00Z', language: 'en' },
      { guid: 'ccr-fr-5', title: 'Réunification familiale des réfugiés : nouveau rapport', summaryHtml: 'Notre nouveau rapport documente les délais de réunification familiale pour les personnes réfugiées.', link: 'https://ccrweb.ca/fr/report-family-reunification', published: '2024-05-21T10:05:00Z', language: 'fr' },
    ]);
    const en = await queryItems(database.db, { limit: 5, sources: ['ccr'], languages: ['en'] });
    const fr = await queryItems(database.db, { limit: 5, sources: ['ccr'], languages: ['fr'] });
    expect(en[0].translation).toMatchObject({ language: 'fr', title: 'Réunification familiale des réfugiés : nouveau rapport' });
    expect(fr[0].translation).toMatchObject({ language: 'en' });
    expect(en[0].clusterId).not.toBe(fr[0].clusterId);
  });

  it('tags topics, type, language and region on the way in', async () => {
    await ingest('ocasi', [
      { guid: 't1', title: 'Call for proposals: youth mental health programs for newcomer families', summaryHtml: 'Apply by June 30. Funding is available for organizations supporting the mental health of refugee youth.', link: 'https://ocasi.example.ca/cfp', published: '2024-05-22T10:00:00Z' },
      { guid: 't2', title: 'Offre d’emploi : conseillère en logement à Moncton', summaryHtml: 'Nous recrutons une conseillère pour aider les familles nouvellement arrivées à trouver un logement abordable.', link: 'https://ocasi.example.ca/emploi', published: '2024-05-22T11:00:00Z' },
    ]);
    const [job] = await queryItems(database.db, { limit: 1, types: ['job'] });
    expect(job).toMatchObject({ language: 'fr', type: 'job', province: 'nb' });
    expect(job.regions.sort()).toEqual(['atlantic', 'ontario']);
    expect(job.topics).toContain('housing');
    const cfp = await queryItems(database.db, { limit: 5, types: ['funding'], topics: ['health'] });
    expect(cfp.map((c) => c.title)).toEqual(['Call for proposals: youth mental health programs for newcomer families']);
    expect(cfp[0].topics).toEqual(expect.arrayContaining(['funding', 'health', 'children-youth']));
    // AND across dimensions, OR within one.
    const either = await queryItems(database.db, { limit: 10, topics: ['housing', 'health'], languages: ['fr'] });
    expect(either.map((e) => e.title)).toEqual(['Offre d’emploi : conseillère en logement à Moncton']);
    const atlantic = await queryItems(database.db, { limit: 10, regions: ['atlantic'] });
    expect(atlantic.map((e) => e.title)).toEqual(['Offre d’emploi : conseillère en logement à Moncton']);
  });

  it('searches each item in its own language, accent-insensitive, ranked', async () => {
    const fr = await queryItems(database.db, { limit: 10, q: 'logement' });
    expect(fr.map((r) => r.title)).toEqual(['Offre d’emploi : conseillère en logement à Moncton']);
    const stemmed = await queryItems(database.db, { limit: 10, q: 'logements abordables' });
    expect(stemmed.map((r) => r.title)).toEqual(['Offre d’emploi : conseillère en logement à Moncton']);
    const accents = await queryItems(database.db, { limit: 10, q: 'reunification refugies' });
    expect(accents.map((r) => r.language)).toContain('fr');
    const en = await queryItems(database.db, { limit: 10, q: 'reports' });
    expect(en.map((r) => r.title)).toContain('Refugee family reunification: new report');
    const ranked = await queryItems(database.db, { limit: 10, q: 'mental health youth', order: 'relevance' });
    expect(ranked[0].title).toBe('Call for proposals: youth mental health programs for newcomer families');
    expect(await queryItems(database.db, { limit: 10, q: 'zzzqqq' })).toEqual([]);
  });
});
