// What an anonymous client can make the hub keep through POST /api/saved-feeds, or the reader's
// "Save this selection" form, is bounded: one rate per client address for both, a total, titles of
// one short line, and a last use that retention reads.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { getSavedFeed } from '../../src/store/saved-feeds.ts';
import { savedFeeds } from '../../src/store/schema.ts';
import { syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { spec } from '../helpers/items.ts';

describe.each(databaseKinds)('saved feeds on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const appWith = async (savedFeedSettings = { max: 1000, perClientPerHour: 30 }) => {
    const { topics } = await loadFeedsFile('feeds.yaml');
    return createApp({ database, logger: silentLogger(), publicUrl: 'https://hub.example.ca', version: 'test', topics, trustProxy: true, savedFeeds: savedFeedSettings });
  };
  const save = (app: Awaited<ReturnType<typeof appWith>>, body: unknown, client = '203.0.113.7') =>
    app.request('/api/saved-feeds', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [spec('alpha')]);
  });
  beforeEach(async () => {
    await database.db.delete(savedFeeds);
  });
  afterAll(() => cleanup());

  it('one client address may save ten at once, then must wait (429 with Retry-After); others are not held up', async () => {
    const app = await appWith();
    for (let i = 0; i < 10; i++) expect((await save(app, { title: `Feed ${i}`, query: 'topic=housing' })).status).toBe(201);
    const refused = await save(app, { title: 'One too many', query: 'topic=housing' });
    expect(refused.status).toBe(429);
    // 30 an hour: one more every two minutes.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(240);
    expect(((await refused.json()) as { error: string }).error).toMatch(/too many saved feeds from this address/);
    expect((await save(app, { title: 'Someone else', query: 'topic=housing' }, '198.51.100.4')).status).toBe(201);
    expect(await database.db.select().from(savedFeeds)).toHaveLength(11);
  });

  it('stops at the total it accepts (503); saving one already stored still answers its URL', async () => {
    const app = await appWith({ max: 3, perClientPerHour: 1000 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(((await (await save(app, { title: `Feed ${i}`, query: 'topic=housing' }, `192.0.2.${i}`)).json()) as { id: string }).id);
    const full = await save(app, { title: 'Feed 3', query: 'topic=housing' }, '192.0.2.9');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('3600');
    const again = await save(app, { title: 'Feed 1', query: 'topic=housing' }, '192.0.2.10');
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(ids[1]);
    expect(await database.db.select().from(savedFeeds)).toHaveLength(3);
  });

  it('a title is one line of at most 200 characters; a query is bounded; each refusal names the field', async () => {
    const app = await appWith({ max: 1000, perClientPerHour: 1000 });
    const cases: [unknown, RegExp][] = [
      [{ title: 'Line one\nline two', query: '' }, /^title: must not contain control characters/],
      [{ title: 'Nul\u0000here', query: '' }, /^title: must not contain control characters/],
      [{ title: 'x'.repeat(201), query: '' }, /^title: /],
      [{ title: '   ', query: '' }, /^title: /],
      [{ title: 'Fine', query: `q=${'x'.repeat(2000)}` }, /^query: /],
      [{ title: 'Fine', query: { topic: Array.from({ length: 51 }, () => 'housing') } }, /^query: /],
      [{ title: 'Fine', query: 'q=a%00b' }, /^q: must not contain control characters/],
      [{ title: 'Fine', query: 'since=0000-01-01' }, /^since: must fall between/],
      [{ title: 'Fine', query: '', extra: 1 }, /extra/],
      ['{"title": "unterminated', /^body: must be JSON/],
    ];
    for (const [body, message] of cases) {
      const res = await save(app, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(message);
    }
    expect(await database.db.select().from(savedFeeds)).toHaveLength(0);
  });

  it('reading a saved feed marks it used, at most once a day', async () => {
    const app = await appWith();
    const { id } = (await (await save(app, { title: 'Read me', query: 'topic=housing' })).json()) as { id: string };
    await database.db.execute(sql`update saved_feeds set last_used_at = now() - interval '300 days'`);
    expect((await app.request(`/f/${id}.rss`)).status).toBe(200);
    await expect.poll(async () => Date.now() - (await getSavedFeed(database.db, id))!.lastUsedAt.getTime(), { timeout: 3000 }).toBeLessThan(60_000);
    // Saving it again counts as a use too.
    await database.db.execute(sql`update saved_feeds set last_used_at = now() - interval '300 days'`);
    expect((await save(app, { title: 'Read me', query: 'topic=housing' }, '198.51.100.99')).status).toBe(201);
    expect(Date.now() - (await getSavedFeed(database.db, id))!.lastUsedAt.getTime()).toBeLessThan(60_000);
  });

  describe('the reader’s "Save this selection" form', () => {
    const HUB = 'https://hub.example.ca';
    const form = (app: Awaited<ReturnType<typeof appWith>>, fields: Record<string, string>, headers: Record<string, string> = {}, ui = 'fr') =>
      app.request(`/${ui}/saved-feeds`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: HUB, 'sec-fetch-site': 'same-origin', 'x-forwarded-for': '203.0.113.50', ...headers },
        body: new URLSearchParams(fields).toString(),
      });

    it('is on the river, with this selection and its heading as the title', async () => {
      const app = await appWith();
      const html = await (await app.request('/fr/?topic=housing&lang=fr')).text();
      expect(html).toContain('<form class="save" method="post" action="/fr/saved-feeds">');
      expect(html).toContain('<input type="hidden" name="query" value="lang=fr&amp;topic=housing"/>');
      expect(html).toContain('<input type="text" id="save-title" name="title" value="Logement · Français" required="" maxlength="200" aria-describedby="save-intro"/>');
    });

    it('saves without a script and shows the short addresses, the same as the API gives', async () => {
      const app = await appWith();
      const res = await form(app, { title: 'Logement en français', query: 'lang=fr&topic=housing' });
      expect(res.status).toBe(303);
      const location = res.headers.get('location')!;
      expect(location).toMatch(/^\/fr\/saved\/[a-z0-9]{10}$/);
      const id = location.split('/').pop()!;
      const shown = await (await app.request(location)).text();
      expect(shown).toContain('<h1>Logement en français</h1>');
      expect(shown).toContain(`<a href="${HUB}/f/${id}.rss">${HUB}/f/${id}.rss</a>`);
      expect(shown).toContain('<a href="/fr/?lang=fr&amp;topic=housing">La voir dans le lecteur</a>');
      // The same title and filter saved through the API is the same saved feed.
      const api = (await (await save(app, { title: 'Logement en français', query: 'topic=housing&lang=fr', ui: 'fr' }, '198.51.100.20')).json()) as { id: string };
      expect(api.id).toBe(id);
      expect(await getSavedFeed(database.db, id)).toMatchObject({ title: 'Logement en français', query: 'lang=fr&topic=housing', ui: 'fr' });
      // In English, the page gives the English documents of the same feed.
      expect(await (await app.request(`/en/saved/${id}`)).text()).toContain(`${HUB}/f/${id}.rss?ui=en`);
      expect((await app.request('/fr/saved/nothere1234')).status).toBe(404);
    });

    it('shares the API’s rate per address: a plain form is no way around it', async () => {
      const app = await appWith();
      for (let i = 0; i < 10; i++) expect((await save(app, { title: `Feed ${i}`, query: 'topic=housing' }, '203.0.113.50')).status).toBe(201);
      const refused = await form(app, { title: 'Encore une', query: 'topic=housing' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.text()).toContain('Trop de sélections ont été enregistrées depuis cette adresse ces derniers temps.');
      expect(await database.db.select().from(savedFeeds)).toHaveLength(10);
    });

    it('refuses a form from another site, an empty title, a bad filter and a full hub, in the page’s language', async () => {
      const app = await appWith({ max: 1, perClientPerHour: 1000 });
      const elsewhere = await form(app, { title: 'x', query: '' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, 'en');
      expect(elsewhere.status).toBe(403);
      expect(await elsewhere.text()).toContain('This form did not come from this hub’s pages.');
      const empty = await form(app, { title: '  ', query: 'topic=housing' });
      expect(empty.status).toBe(400);
      expect(await empty.text()).toContain('Donnez à la sélection un titre d’une ligne');
      const bad = await form(app, { title: 'Mauvais', query: 'topc=housing' }, {}, 'en');
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('“topc” is not a parameter of this address. Did you mean “topic”?');
      expect((await form(app, { title: 'Un', query: 'topic=housing' })).status).toBe(303);
      const full = await form(app, { title: 'Deux', query: 'topic=housing' });
      expect(full.status).toBe(503);
      expect(await full.text()).toContain('Le carrefour garde autant de sélections qu’il en accepte.');
      expect(await database.db.select().from(savedFeeds)).toHaveLength(1);
    });
  });
});
