// The email form and the pages behind a digest's links: bad input gets the form back with the
// reason in the page's language, robots and floods get nothing stored, wrong and expired links get
// a clear page, and the Subscribe box shows the form only when the hub sends mail.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Topic } from '../../src/core/types.ts';
import { checkAddress } from '../../src/mail/address.ts';
import { nextSlot, latestSlot } from '../../src/schedule/digest-slots.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { digestSubscriptions } from '../../src/store/digest-schema.ts';
import { createDigestRoutes } from '../../src/web/digest-routes.tsx';
import { createFeedCache } from '../../src/publish/feed-cache.ts';
import { createReaderRoutes } from '../../src/web/reader-routes.tsx';
import { createSelectionSaver } from '../../src/web/selection-saver.ts';
import { freshDatabase } from '../helpers/databases.ts';

const topics: Topic[] = (await loadFeedsFile('feeds.yaml')).topics;
const settings = { hour: 7, weekday: 'monday' as const, timeZone: 'America/Toronto', requestsPerHour: 10, maxPending: 1000 };

describe('email digest pages', () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let routes: ReturnType<typeof createDigestRoutes>;
  const post = (path: string, form: Record<string, string>, client = '198.51.100.1') =>
    routes.request(path, { method: 'POST', body: new URLSearchParams(form), headers: { 'x-forwarded-for': client } });
  const rows = () => database.db.select().from(digestSubscriptions);

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase('pglite'));
    routes = createDigestRoutes({ db: database.db, logger: silentLogger(), publicUrl: 'https://hub.example.ca', topics, settings, trustProxy: true });
  });
  afterAll(() => cleanup());
  beforeEach(() => database.db.delete(digestSubscriptions));

  it('gives the form back with the reason, in the page’s language, and stores nothing', async () => {
    const fr = await post('/fr/digests', { email: 'pas une adresse', selection: 'topic=housing', frequency: 'daily', ui: 'fr' }, '198.51.100.2');
    expect(fr.status).toBe(400);
    const page = await fr.text();
    expect(page).toContain('Ceci ne ressemble pas à une adresse courriel');
    expect(page).toContain('value="pas une adresse"');
    expect(page).toContain('<html lang="fr"');
    const injected = await post('/en/digests', { email: 'a@example.ca\r\nBcc: victim@example.org', selection: '', frequency: 'daily', ui: 'en' }, '198.51.100.3');
    expect(injected.status).toBe(400);
    expect(await injected.text()).toContain('line breaks or other invisible characters');
    const badChoice = await post('/en/digests', { email: 'a@example.ca', selection: '', frequency: 'hourly', ui: 'en' }, '198.51.100.4');
    expect(badChoice.status).toBe(400);
    const badSelection = await post('/en/digests', { email: 'a@example.ca', selection: 'topic=nope', frequency: 'daily', ui: 'en' }, '198.51.100.5');
    expect(badSelection.status).toBe(400);
    expect(await badSelection.text()).toContain('topic: unknown value');
    expect(await rows()).toHaveLength(0);
  });

  it('answers a robot that fills the hidden field as a person, and stores nothing', async () => {
    const res = await post('/en/digests', { email: 'a@example.ca', selection: 'topic=housing', frequency: 'daily', ui: 'en', website: 'http://spam.example' }, '198.51.100.6');
    expect(res.status).toBe(303);
    expect(await rows()).toHaveLength(0);
  });

  it('limits the requests of one client address, and stores the selection canonically', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await post('/en/digests', { email: `p${i}@example.ca`, selection: 'region=atlantic&topic=housing,health', frequency: 'weekly', ui: 'en' }, '198.51.100.7')).status);
    expect(statuses.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const stored = await rows();
    expect(stored).toHaveLength(5);
    expect(stored[0].selection).toBe('region=atlantic&topic=health%2Chousing');
    expect(stored[0].requestedFrom).toBe('198.51.100.7');
    // Another client is not held back.
    expect((await post('/en/digests', { email: 'other@example.ca', selection: '', frequency: 'daily', ui: 'en' }, '198.51.100.8')).status).toBe(303);
  });

  it('gives wrong and expired links a clear page, never an error', async () => {
    await post('/en/digests', { email: 'old@example.ca', selection: '', frequency: 'daily', ui: 'en' }, '198.51.100.9');
    const [row] = await rows();
    const wrong = await routes.request(`/en/digests/confirm/${row.id}.${'A'.repeat(43)}`);
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toContain('This link does not work');
    expect((await routes.request('/fr/digests/manage/garbage')).status).toBe(404);
    await database.db.update(digestSubscriptions).set({ requestedAt: sql`now() - interval '8 days'` });
    const expired = await routes.request(`/fr/digests/confirm/${row.id}.${row.token}`, { method: 'POST' });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('Ce lien a expiré');
    expect((await rows())[0].status).toBe('pending');
    expect(expired.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets a person change frequency, language and selection without an account', async () => {
    await post('/en/digests', { email: 'chg@example.ca', selection: 'topic=housing', frequency: 'daily', ui: 'en' }, '198.51.100.10');
    const [row] = await rows();
    await routes.request(`/en/digests/confirm/${row.id}.${row.token}`, { method: 'POST' });
    const link = `/en/digests/manage/${row.id}.${row.token}`;
    expect(await (await routes.request(link)).text()).toContain('chg@example.ca');
    const res = await routes.request(link, { method: 'POST', body: new URLSearchParams([['frequency', 'weekly'], ['ui', 'fr'], ['topic', 'health'], ['region', 'atlantic'], ['q', 'clinic']]) });
    expect(res.status).toBe(200);
    const [after] = await rows();
    expect(after).toMatchObject({ frequency: 'weekly', ui: 'fr', selection: 'q=clinic&region=atlantic&topic=health', status: 'active' });
  });

  it('shows the email form in the Subscribe box only when the hub sends mail', async () => {
    const saver = createSelectionSaver({ db: database.db, topicSlugs: topics.map((t) => t.slug), publicUrl: 'https://hub.example.ca', cache: createFeedCache({ readGeneration: async () => 0 }) });
    const withMail = createReaderRoutes({ db: database.db, logger: silentLogger(), publicUrl: 'https://hub.example.ca', topics, saver, emailDigests: true });
    const without = createReaderRoutes({ db: database.db, logger: silentLogger(), publicUrl: 'https://hub.example.ca', topics, saver });
    const page = await (await withMail.request('/fr/?topic=housing&region=atlantic')).text();
    expect(page).toContain('action="/fr/digests"');
    expect(page).toContain('name="selection" value="region=atlantic&amp;topic=housing"');
    expect(page).toContain('Recevoir cette sélection par courriel');
    expect(await (await without.request('/en/?topic=housing')).text()).not.toContain('/digests');
  });
});

describe('address checks and due times', () => {
  it('takes plain addresses only', () => {
    expect(checkAddress(' Jo.Smith+news@Example.ORG ')).toEqual({ ok: true, address: 'Jo.Smith+news@example.org' });
    expect(checkAddress('x@münchen.de')).toEqual({ ok: true, address: 'x@xn--mnchen-3ya.de' });
    for (const [raw, problem] of [['', 'empty'], ['a@b', 'domain'], ['Name <a@x.ca>', 'shape'], ['a,b@x.ca', 'shape'], ['a..b@x.ca', 'local'], ['a\nb@x.ca', 'control'], [`${'a'.repeat(65)}@x.ca`, 'local'], [`a@${'b'.repeat(250)}.ca`, 'too-long']] as const) {
      expect(checkAddress(raw)).toEqual({ ok: false, problem });
    }
  });

  it('puts digests at the local hour, through daylight saving time', () => {
    const s = { hour: 7, weekday: 'monday' as const, timeZone: 'America/Toronto' };
    // The Sunday clocks go forward (2026-03-08): 7:00 is 12:00Z before, 11:00Z from then on.
    expect(nextSlot(new Date('2026-03-07T15:00:00Z'), 'daily', s).toISOString()).toBe('2026-03-08T11:00:00.000Z');
    expect(latestSlot(new Date('2026-03-07T15:00:00Z'), 'daily', s).toISOString()).toBe('2026-03-07T12:00:00.000Z');
    expect(nextSlot(new Date('2026-11-01T11:30:00Z'), 'daily', s).toISOString()).toBe('2026-11-01T12:00:00.000Z');
    expect(nextSlot(new Date('2026-05-06T10:00:00Z'), 'weekly', s).toISOString()).toBe('2026-05-11T11:00:00.000Z');
    expect(latestSlot(new Date('2026-05-11T11:00:00Z'), 'weekly', s).toISOString()).toBe('2026-05-11T11:00:00.000Z');
  });
});
