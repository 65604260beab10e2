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
      spec('nbmc-en', { organization: 'New Brunswick Multicultural Council', url: 'https://nbmc-cmnb.example.ca/feed/', languages: ['en'] }),
      spec('nbmc-fr', { organization: 'Conseil multiculturel du Nouveau-Brunswick', url: 'https://nbmc-cmnb.example.ca/fr/feed/', languages: ['fr'] }),
      spec('forum-news', { organization: 'Practice Forum', region: 'national' }),
      spec('archive', { organization: 'Settlement Archive', region: 'national' }),
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

  it('a repost from a feed whose items span months (an archive feed) still joins its story', async () => {
    const story = {
      title: 'Settlement practitioners gather for the annual frontline practice forum',
      summaryHtml: 'Frontline settlement practitioners meet for two days to share practice on client intake, interpretation and case notes.',
    };
    await ingest('forum-news', [{ ...story, guid: 'forum-1', link: 'https://forum-news.example.ca/news/practice-forum', published: '2024-05-22T09:00:00Z' }]);
    // One fetch of a feed that also carries a post from the winter: its batch spans over three months.
    await ingest('archive', [
      { ...story, guid: 'c-forum', link: 'https://archive.example.ca/posts/forum', published: '2024-05-22T15:00:00Z' },
      { title: 'Winter coat drive for newcomer families', summaryHtml: 'Drop off coats and boots at our office until the end of January.', guid: 'c-coats', link: 'https://archive.example.ca/posts/coats', published: '2024-01-10T15:00:00Z' },
    ]);
    const rows = await queryItems(database.db, { limit: 10, q: 'frontline practice forum', clusters: false });
    expect(rows.map((r) => r.source.slug).sort()).toEqual(['archive', 'forum-news']);
    expect(new Set(rows.map((r) => r.clusterId)).size).toBe(1);
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

  it('a cross-post with a shortened headline and a link cut short joins its story', async () => {
    const summaryHtml = 'Join member agencies from across British Columbia on January 15, 2026 at the Sheraton Vancouver Wall Centre for our Annual General Meeting and Forum on sustaining settlement services.';
    await ingest('amssa', [{ guid: 'agm', title: 'Now open: Registration for the 2026 AMSSA Annual General Meeting and Forum, January 15', summaryHtml, link: 'https://www.amssa.example.ca/news/now-open-registration-for-the-2026-amssa-annual-general-meeting-and-forum/', published: '2024-05-22T18:00:00Z' }]);
    await ingest('ocasi', [{ guid: 'agm-x', title: '2026 AMSSA AGM & Forum, Jan. 15', summaryHtml, link: 'https://www.amssa.example.ca/news/now-open-registration-for-the-2026-amssa-annua?utm_source=x', published: '2024-05-23T15:00:00Z' }]);
    const copies = await queryItems(database.db, { limit: 10, q: 'Sheraton Wall Centre', clusters: false });
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((i) => i.clusterId)).size).toBe(1);
  });

  it('an organization’s English and French posts are linked from their content, with translated slugs', async () => {
    await ingest('nbmc-en', [
      { guid: 'en-1', title: 'Webinar: Anti-racism in the workplace for small employers', summaryHtml: 'Wednesday, October 22, 2025, noon to 1 p.m. (Atlantic). A practical session for small and medium employers on preventing and responding to racism at work.', link: 'https://nbmc-cmnb.example.ca/2025/10/webinar-anti-racism-workplace/', published: '2024-05-24T13:00:00Z' },
      { guid: 'en-2', title: 'Webinar: Inclusive hiring practices for small employers', summaryHtml: 'Wednesday, October 29, 2025, noon to 1 p.m. (Atlantic). How small and medium employers can reach, interview and onboard newcomer candidates.', link: 'https://nbmc-cmnb.example.ca/2025/10/webinar-inclusive-hiring/', published: '2024-05-24T13:05:00Z' },
    ]);
    await ingest('nbmc-fr', [
      { guid: 'fr-1', title: 'Webinaire : L’antiracisme en milieu de travail pour les petits employeurs', summaryHtml: 'Le mercredi 22 octobre 2025, de midi à 13 h (heure de l’Atlantique). Une séance pratique pour les petites et moyennes entreprises sur la prévention du racisme au travail.', link: 'https://nbmc-cmnb.example.ca/fr/2025/10/webinaire-antiracisme-milieu-travail/', published: '2024-05-24T13:10:00Z' },
      { guid: 'fr-3', title: 'Webinaire : L’antiracisme en milieu de travail pour les organismes', summaryHtml: 'Le mercredi 5 novembre 2025, de midi à 13 h (heure de l’Atlantique). Une séance pratique pour les organismes communautaires sur la prévention du racisme.', link: 'https://nbmc-cmnb.example.ca/fr/2025/10/webinaire-antiracisme-organismes/', published: '2024-05-24T13:20:00Z' },
    ]);
    const items = await queryItems(database.db, { limit: 20, sources: ['nbmc-en', 'nbmc-fr'], clusters: false });
    const byTitle = (title: string) => items.find((i) => i.title.startsWith(title))!;
    const en = byTitle('Webinar: Anti-racism');
    const fr = byTitle('Webinaire : L’antiracisme en milieu de travail pour les petits');
    expect(fr.translation?.id).toBe(en.id);
    expect(en.translation?.id).toBe(fr.id);
    // Not merged: two items, two clusters; the other posts stay alone.
    expect(en.clusterId).not.toBe(fr.clusterId);
    expect(byTitle('Webinar: Inclusive').translation).toBeFalsy();
    expect(byTitle('Webinaire : L’antiracisme en milieu de travail pour les organismes').translation).toBeFalsy();
  });
});
