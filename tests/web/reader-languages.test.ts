// The reader's language over the whole hub: a story told in English and French is listed once, in
// the page's language, with a link to its twin; "only items in my language" is remembered like the
// page's language; feeds, calendars and the API do the same when asked (ui= or prefer=) and list
// both twins when not; searches find the twins of what they match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Database } from '../../src/store/db.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { ENTRIES, seedReader, type EntryName } from '../helpers/reader-fixture.ts';

const PUBLIC = 'https://hub.example.ca';

function riverTitles(html: string): string[] {
  return [...html.matchAll(/<h3(?: lang="(?:en|fr)")?><a href="\/(?:en|fr)\/items\/\d+">([^<]*)<\/a><\/h3>/g)].map((m) => m[1].replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
}

describe.each(databaseKinds)('the reader’s language on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let ids: Record<EntryName, number>;
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
  const html = async (path: string, headers: Record<string, string> = {}) => (await get(path, headers)).text();
  const titles = async (path: string, headers: Record<string, string> = {}) => riverTitles(await html(path, headers));
  const json = async <T>(path: string) => (await (await get(path)).json()) as T;

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    const seeded = await seedReader(database.db);
    ids = seeded.ids;
    app = createApp({ database, logger: silentLogger(), publicUrl: PUBLIC, version: 'test', topics: seeded.topics });
  });
  afterAll(() => cleanup());

  describe('river and item pages', () => {
    it('list a story told in both languages once, in the page’s language', async () => {
      expect(await titles('/fr/?province=ns')).toEqual([ENTRIES.housingFr.title]);
      expect(await titles('/en/?province=ns')).toEqual([ENTRIES.housing.title]);
      expect(await titles('/fr/?topic=research')).toEqual([ENTRIES.reportFr.title]);
      expect(await titles('/en/?topic=research')).toEqual([ENTRIES.report.title]);
      // A repost of the English item (another source, no link of its own to the French one) is not listed either.
      const housing = await titles('/fr/?topic=housing');
      expect(housing).toContain(ENTRIES.housingFr.title);
      expect(housing).not.toContain(ENTRIES.housing.title);
      expect(housing).not.toContain(ENTRIES.housingRepost.title);
    });

    it('keep items told only in the other language, marked with their language', async () => {
      const page = await html('/fr/?source=ontario-hub');
      expect(page).toContain(`<h3 lang="en"><a href="/fr/items/${ids.job}">${ENTRIES.job.title}</a></h3>`);
      expect(page).toMatch(/Ontario Settlement Knowledge Hub · <time[^>]*>[^<]*<\/time> · Anglais · Offre d’emploi/);
    });

    it('lead from an item to its twin: “Read in English”, “Lire en français”', async () => {
      const river = await html('/fr/?province=ns');
      expect(river).toContain(`<a href="/fr/items/${ids.housing}" lang="en" hreflang="en">Read in English</a>`);
      const fr = await html(`/fr/items/${ids.housingFr}`);
      expect(fr).toContain(`<p class="twin"><a href="/fr/items/${ids.housing}" lang="en" hreflang="en">Read in English</a></p>`);
      const en = await html(`/en/items/${ids.housing}`);
      expect(en).toContain(`<p class="twin"><a href="/en/items/${ids.housingFr}" lang="fr" hreflang="fr">Lire en français</a></p>`);
      // An item with no twin has no such link.
      expect(await html(`/en/items/${ids.job}`)).not.toContain('class="twin"');
    });
  });

  describe('only items in my language', () => {
    it('is chosen with a link, remembered in a cookie for a year, and undone the same way', async () => {
      const page = await html('/fr/?topic=housing');
      expect(page).toContain('<a href="/fr/only-my-language?only=on&amp;back=topic%3Dhousing" rel="nofollow">Seulement en français</a>');
      const on = await get('/fr/only-my-language?only=on&back=topic%3Dhousing');
      expect(on.status).toBe(303);
      expect(on.headers.get('location')).toBe('/fr/?topic=housing');
      expect(on.headers.get('set-cookie')).toBe('passerelle_only=1; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly; Secure');
      const cookie = { Cookie: 'passerelle_ui=fr; passerelle_only=1' };
      const chosen = await html('/fr/', cookie);
      expect(riverTitles(chosen).length).toBeGreaterThan(0);
      expect(riverTitles(chosen)).not.toContain(ENTRIES.job.title);
      expect(chosen).not.toContain('<h3 lang="en">');
      expect(chosen).toContain('<a href="/fr/only-my-language?only=off" rel="nofollow">Toutes les langues</a>');
      // The feeds it offers list what it shows.
      expect(chosen).toContain(`href="${PUBLIC}/feeds/all.rss?lang=fr&amp;ui=fr"`);
      // The same choice on /en/ means English.
      const english = await titles('/en/', { Cookie: 'passerelle_only=1' });
      expect(english).toContain(ENTRIES.job.title);
      expect(english).not.toContain(ENTRIES.funding.title);
      // An address that names a language keeps its meaning.
      expect(await titles('/fr/?lang=en&province=ns', cookie)).toEqual([ENTRIES.housing.title]);
      const off = await get('/fr/only-my-language?only=off');
      expect(off.headers.get('location')).toBe('/fr/');
      expect(off.headers.get('set-cookie')).toMatch(/^passerelle_only=; Path=\/; Max-Age=0;/);
    });

    it('refuses a value it does not know, naming the parameter, in the page’s language', async () => {
      const res = await get('/fr/only-my-language?only=maybe');
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('le paramètre «\u00a0only\u00a0»');
    });
  });

  describe('feeds, calendars and the API', () => {
    it('list both twins as always unless ui= or prefer= asks for one language', async () => {
      type Feed = { feed_url: string; items: { title: string }[] };
      const both = await json<Feed>('/feeds/all.json?province=ns');
      expect(both.items.map((i) => i.title).sort()).toEqual([ENTRIES.housing.title, ENTRIES.housingFr.title].sort());
      expect((await json<Feed>('/feeds/all.json?province=ns&ui=fr')).items.map((i) => i.title)).toEqual([ENTRIES.housingFr.title]);
      const english = await json<Feed>('/feeds/all.json?province=ns&prefer=en');
      expect(english.items.map((i) => i.title)).toEqual([ENTRIES.housing.title]);
      expect(english.feed_url).toBe(`${PUBLIC}/feeds/all.json?province=ns&prefer=en`);
      const rss = await html('/feeds/all.rss?province=ns&ui=fr&prefer=en');
      expect(rss).toContain(ENTRIES.housing.title);
      expect(rss).not.toContain(ENTRIES.housingFr.title);
      type Api = { items: { title: string; translation?: { id: number } }[] };
      expect((await json<Api>('/api/items?province=ns')).items).toHaveLength(2);
      const fr = (await json<Api>('/api/items?province=ns&prefer=fr')).items;
      expect(fr.map((i) => i.title)).toEqual([ENTRIES.housingFr.title]);
    });

    it.each(['/feeds/all.rss?prefer=de', '/topics/housing.atom?prefer=EN-CA', '/api/items?prefer=es', '/api/events?prefer=x', '/calendar/all.ics?prefer=de', '/feeds/all.json?ui=de'])(
      '%s → 400 naming the parameter',
      async (path) => {
        const res = await get(path);
        expect(res.status).toBe(400);
        const name = new URL(path, PUBLIC).searchParams.keys().next().value!;
        expect(await res.text()).toContain(`${name}: unknown value`);
      },
    );
  });

  describe('search', () => {
    it('finds an item by the words of its twin, and lists the story in the page’s language', async () => {
      // "baux" (leases) is only in the French clinic's text.
      expect(await titles('/en/?q=baux')).toEqual([ENTRIES.housing.title]);
      expect(await titles('/fr/?q=baux')).toEqual([ENTRIES.housingFr.title]);
      type Api = { items: { title: string }[] };
      expect((await json<Api>('/api/items?q=baux')).items.map((i) => i.title).sort()).toEqual([ENTRIES.housing.title, ENTRIES.housingFr.title].sort());
    });

    it('finds the other language’s items on a topic its words name, its own language’s first', async () => {
      const found = (await json<{ items: { title: string; language: string }[] }>('/api/items?q=logement&limit=50')).items;
      expect(found.map((i) => i.title)).toContain(ENTRIES.report.title);
      const languages = found.map((i) => i.language);
      expect(languages.slice(0, languages.lastIndexOf('fr') + 1).every((l) => l === 'fr')).toBe(true);
      expect(languages).toContain('en');
    });
  });
});
