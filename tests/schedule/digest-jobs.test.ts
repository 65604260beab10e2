// Email digests end to end, against a real SMTP server in this process (smtp-server) and a real
// MIME parser (mailparser), on PGlite and PostgreSQL: subscribing through the form, the
// confirmation message, consent, digests in both languages, one-click unsubscribing, the daily
// limit on confirmations, and what the hub does when the SMTP server refuses, is down, drops the
// connection, answers slowly, or a worker dies mid-batch.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Item, Topic } from '../../src/core/types.ts';
import { createSmtpMailer, type Mailer } from '../../src/mail/smtp-mailer.ts';
import { createDigestJobs, type DigestJobs } from '../../src/schedule/digest-jobs.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import type { Database } from '../../src/store/db.ts';
import { digestSends, digestSubscriptions } from '../../src/store/digest-schema.ts';
import { addressKeyOf, leaseDigests, listSelectionStats } from '../../src/store/digests-repo.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createDigestRoutes } from '../../src/web/digest-routes.tsx';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';
import { startSmtpCatcher, type CaughtMessage, type SmtpCatcher } from '../helpers/smtp-catcher.ts';

const topics: Topic[] = (await loadFeedsFile('feeds.yaml')).topics;
const PUBLIC_URL = 'https://hub.example.ca';
const sender = { name: 'Passerelle Test Hub', address: '123 Main Street, Halifax NS B3H 1A1', contact: 'https://hub.example.ca/contact' };
const settings = { hour: 7, weekday: 'monday' as const, timeZone: 'America/Toronto', concurrency: 2, sendLogDays: 90, from: 'Passerelle <digests@hub.example.ca>', sender };

describe.each(databaseKinds)('email digests on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let catcher: SmtpCatcher;
  let mailer: Mailer;
  let jobs: DigestJobs;
  let routes: ReturnType<typeof createDigestRoutes>;
  let seq = 0;

  const makeJobs = (m: Mailer, extra: Partial<Parameters<typeof createDigestJobs>[0]> = {}) =>
    createDigestJobs({ db: database.db, mailer: m, logger: silentLogger(), publicUrl: PUBLIC_URL, topics, settings, retryDelaysMs: [60_000], bounceDelaysMs: [60_000], pollMs: 3_600_000, ...extra });

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    await syncSources(database.db, [spec('isans', { organization: 'ISANS', region: 'atlantic', province: 'ns', topics: ['housing'] }), spec('ccr', { organization: 'CCR', region: 'national', topics: ['housing'] })]);
    catcher = await startSmtpCatcher();
    mailer = createSmtpMailer({ smtpUrl: catcher.url, maxConnections: 2, socketTimeoutMs: 5000 });
    jobs = makeJobs(mailer);
    routes = createDigestRoutes({ db: database.db, logger: silentLogger(), publicUrl: PUBLIC_URL, topics, settings: { ...settings, requestsPerHour: 10_000, maxPending: 1000 }, throttle: { maxFailures: 100_000, decaySeconds: 1 } });
  });
  afterAll(async () => {
    mailer.close();
    await catcher.close();
    await cleanup();
  });
  beforeEach(async () => {
    catcher.behave({});
    catcher.messages.length = 0;
    await database.db.delete(digestSends);
    await database.db.delete(digestSubscriptions);
    await database.db.execute(sql`delete from digest_confirmation_limits`);
  });

  async function ingest(slug: string, extra: Partial<Item>[]) {
    const source = (await getSourceBySlug(database.db, slug))!;
    // Each its own story unless a test says otherwise (a random text fingerprint).
    const items = extra.map((e) => item(`${slug}-${++seq}`, { fingerprint: BigInt.asIntN(64, randomBytes(8).readBigUInt64BE()).toString(), publishedAt: new Date(), topics: ['housing'], title: `Story ${seq}`, summary: `Summary of story ${seq}`, url: `https://${slug}.example.org/p/${seq}`, ...e }));
    await commitIngest(database.db, { sourceId: source.id, owner: 't', items, patch: {}, historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' } });
    return items;
  }

  async function subscribe(email: string, selection: string, ui: 'en' | 'fr' = 'en', frequency = 'daily') {
    const res = await routes.request(`/${ui}/digests`, { method: 'POST', body: new URLSearchParams({ email, selection, ui, frequency, website: '' }) });
    expect(res.status).toBe(303);
  }

  /** A header as written (mailparser folds the List-* family into one object). */
  const header = (m: CaughtMessage, name: string) => m.mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '');
  const confirmLinks = (m: CaughtMessage) => [...(m.mail.text ?? '').matchAll(/https:\/\/hub\.example\.ca(\/(?:en|fr)\/digests\/confirm\/\S+)/g)].map((x) => x[1]);

  async function subscribeAndConfirm(email: string, selection: string, ui: 'en' | 'fr' = 'en') {
    const before = catcher.messages.length;
    await subscribe(email, selection, ui);
    await jobs.idle();
    const [link] = confirmLinks(catcher.messages[before]);
    const res = await routes.request(link, { method: 'POST' });
    expect(res.status).toBe(200);
    catcher.messages.length = before;
  }

  const makeDue = () => database.db.update(digestSubscriptions).set({ nextAttemptAt: sql`now() - interval '1 second'` });
  const subRows = () => database.db.select().from(digestSubscriptions).orderBy(digestSubscriptions.id);

  it('sends a confirmation first, nothing else until it is followed, then digests in the language chosen', async () => {
    await subscribe('marie@example.ca', 'topic=housing', 'fr');
    await subscribe('sam@example.org', 'topic=housing', 'en', 'weekly');
    await jobs.idle();
    expect(catcher.messages).toHaveLength(2);
    const fr = catcher.messages.find((m) => m.to === 'marie@example.ca')!;
    const en = catcher.messages.find((m) => m.to === 'sam@example.org')!;
    expect(fr.mail.subject).toBe('Confirmez votre résumé par courriel de Passerelle');
    expect(fr.mail.text).toContain('Oui, envoyez-moi ce résumé');
    expect(fr.mail.html).toContain('lang="fr"');
    expect(en.mail.subject).toBe('Confirm your Passerelle email digest');
    for (const m of [fr, en]) {
      expect(m.mail.from?.value[0]).toMatchObject({ name: 'Passerelle', address: 'digests@hub.example.ca' });
      expect(m.mail.headers.get('auto-submitted')).toBe('auto-generated');
      expect(m.mail.text).toContain(sender.address);
      expect(confirmLinks(m)).toHaveLength(1);
    }

    // Unconfirmed: stories come, nothing is sent.
    await ingest('isans', [{}]);
    expect((await jobs.sendNow()).sent).toBe(0);
    expect(catcher.messages).toHaveLength(2);

    // Opening the link (as a mail scanner would) changes nothing; the button does.
    const [frLink] = confirmLinks(fr);
    const page = await routes.request(frLink);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Oui, envoyez-moi ce résumé');
    expect((await subRows()).every((r) => r.status === 'pending')).toBe(true);
    const done = await routes.request(frLink, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Votre résumé est confirmé');
    await routes.request(confirmLinks(en)[0], { method: 'POST' });
    const rows = await subRows();
    expect(rows.map((r) => r.status)).toEqual(['active', 'active']);
    expect(rows[0].confirmedAt).toBeInstanceOf(Date);
    expect(rows[0].confirmedFrom).toBeTruthy();
    catcher.messages.length = 0;

    // A story told by two organizations, an event and a news item.
    const url = 'https://www.example.ca/housing-fair';
    await ingest('isans', [{ title: 'Housing fair for newcomers', type: 'event', canonicalUrl: url, url }]);
    await ingest('ccr', [{ title: 'Housing fair for newcomers', type: 'event', canonicalUrl: url, url: 'https://ccr.example.org/fair' }]);
    await ingest('ccr', [{ title: 'New rent supplement', type: 'news' }]);
    const report = await jobs.sendNow();
    expect(report.sent).toBe(2);
    await catcher.waitFor(2);
    const sends = await database.db.select().from(digestSends);
    for (const m of catcher.messages) {
      const ui = m.to === 'marie@example.ca' ? 'fr' : 'en';
      const sub = rows.find((r) => r.email === m.to)!;
      expect(header(m, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(header(m, 'list-unsubscribe')).toBe(`<${PUBLIC_URL}/${ui}/digests/unsubscribe/${sub.id}.${sub.token}>`);
      expect(sends.map((s) => s.messageId)).toContain(m.mail.messageId);
      expect(m.raw.length).toBeLessThan(100 * 1024);
      const html = m.mail.html as string;
      expect(html).not.toMatch(/<img|<table|<script|<link|@import|url\(/i);
      expect(html).toContain(`href="${url}"`);
      expect(m.mail.text).toContain(`${PUBLIC_URL}/${ui}/digests/manage/${sub.id}.${sub.token}`);
      expect(m.mail.text).toContain(sender.name);
      // The events come first; each story once, with the other organization that told it.
      const text = m.mail.text!;
      expect(text.indexOf('Housing fair for newcomers')).toBeLessThan(text.indexOf('New rent supplement'));
      expect(text.match(/Housing fair for newcomers/g)).toHaveLength(1);
      expect(text).toMatch(ui === 'fr' ? /Aussi publié par\s?: CCR/ : /Also published by: CCR/);
    }
    const frDigest = catcher.messages.find((m) => m.to === 'marie@example.ca')!;
    expect(frDigest.mail.subject).toMatch(/^Passerelle\s?: \d+ nouveaux contenus — Logement/);
    expect(frDigest.mail.html).toContain('Événements');
    expect(frDigest.mail.text).toContain('Se désabonner');

    // Nothing new: nothing sent.
    catcher.messages.length = 0;
    expect((await jobs.sendNow()).empty).toBe(2);
    expect(catcher.messages).toHaveLength(0);

    // One click from the mail client: no cookie, no form token, just the link.
    const unsubscribe = String(catcher.messages.length ? '' : `${PUBLIC_URL}/en/digests/unsubscribe/${rows[1].id}.${rows[1].token}`).slice(PUBLIC_URL.length);
    const gone = await routes.request(unsubscribe, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(gone.status).toBe(200);
    expect((await subRows()).map((r) => r.email)).toEqual(['marie@example.ca']);
    await ingest('isans', [{ title: 'Another housing story' }]);
    await jobs.sendNow();
    expect(catcher.messages.map((m) => m.to)).toEqual(['marie@example.ca']);
    expect(catcher.messages[0].mail.text).toContain('Another housing story');
    expect(catcher.messages[0].mail.text).not.toContain('New rent supplement');
  });

  it('sends now to every subscriber, in batches, each once, and nothing more the second time', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `reader${i}@example.ca`);
    await database.db.insert(digestSubscriptions).values(
      emails.map((email, i) => ({ email, addressKey: addressKeyOf(email), selection: i % 3 ? 'topic=housing' : 'region=atlantic', ui: i % 2 ? ('fr' as const) : ('en' as const), frequency: 'daily' as const, status: 'active' as const, token: randomBytes(32).toString('base64url'), windowStart: new Date(Date.now() - 86_400_000), nextDueAt: new Date(Date.now() + 86_400_000), nextAttemptAt: new Date(Date.now() + 86_400_000) })),
    );
    await ingest('isans', [{ title: 'For everyone', regions: ['atlantic'] }]);
    // Eight subscriptions are leased at a time here (two at once): the run goes through them all.
    expect(await jobs.sendNow()).toMatchObject({ sent: 30, failed: 0, empty: 0 });
    expect(catcher.messages.map((m) => m.to).sort()).toEqual([...emails].sort());
    expect((await jobs.sendNow()).empty).toBe(30);
    expect(catcher.messages).toHaveLength(30);
    expect((await subRows()).every((r) => r.leaseUntil === null)).toBe(true);
  });

  it('sends one confirmation per address a day, however many requests', async () => {
    for (const selection of ['topic=housing', 'topic=health', 'region=atlantic']) await subscribe('Pat@Example.ca', selection);
    await jobs.idle();
    expect(catcher.messages).toHaveLength(1);
    expect(confirmLinks(catcher.messages[0])).toHaveLength(3);
    for (let i = 0; i < 10; i++) await subscribe('pat@example.ca', `q=word${i}`);
    await subscribe('pat@example.ca', 'topic=housing');
    await jobs.idle();
    expect(catcher.messages).toHaveLength(1);
    const rows = await subRows();
    // Five waiting requests per address at most: the rest were not stored.
    expect(rows.length).toBe(5);
    expect(rows.filter((r) => r.confirmationSentAt === null)).toHaveLength(2);
  });

  it('retries while the SMTP server is down, then sends one digest with everything since', async () => {
    await subscribeAndConfirm('lee@example.ca', 'topic=housing');
    await ingest('isans', [{ title: 'Before the outage' }]);
    // The server is unreachable (nothing listens there), then refuses with 421.
    const dead = createSmtpMailer({ smtpUrl: 'smtp://127.0.0.1:9', maxConnections: 1, connectionTimeoutMs: 2000 });
    const down = makeJobs(dead);
    expect((await down.sendNow()).failed).toBe(1);
    dead.close();
    // A new connection is refused with 421 (the pool's open one would still take mail).
    catcher.behave({ refuseConnections: 421 });
    const fresh = createSmtpMailer({ smtpUrl: catcher.url, maxConnections: 1 });
    const clock = new Date(Date.now() + 2 * 86_400_000);
    await makeDue();
    await makeJobs(fresh, { now: () => clock }).digests.drain();
    fresh.close();
    const later = makeJobs(mailer, { now: () => clock });
    expect(catcher.messages).toHaveLength(0);
    const [sub] = await subRows();
    expect(sub.failures).toBe(2);
    expect(sub.status).toBe('active');
    expect(sub.lastError).toMatch(/421/);
    await ingest('ccr', [{ title: 'During the outage' }]);
    catcher.behave({});
    await makeDue();
    await later.digests.drain();
    expect(catcher.messages).toHaveLength(1);
    expect(catcher.messages[0].mail.text).toContain('Before the outage');
    expect(catcher.messages[0].mail.text).toContain('During the outage');
    expect((await database.db.select().from(digestSends)).map((s) => s.status).sort()).toEqual(['failed', 'failed', 'sent']);
  });

  it('retries an address refused with 4xx, and suspends one refused with 5xx three times, with the reason', async () => {
    await subscribeAndConfirm('busy@example.ca', 'topic=housing');
    await subscribeAndConfirm('nobody@example.ca', 'region=atlantic');
    await ingest('isans', [{ title: 'For both', regions: ['atlantic'] }]);
    catcher.behave({
      refuseRecipients: [
        { address: 'busy@example.ca', code: 450, message: 'Mailbox busy' },
        { address: 'nobody@example.ca', code: 550, message: '5.1.1 No such user' },
      ],
    });
    await jobs.sendNow();
    const clock = new Date(Date.now() + 2 * 86_400_000);
    const later = makeJobs(mailer, { now: () => clock });
    for (let i = 0; i < 2; i++) {
      await makeDue();
      await later.digests.drain();
    }
    expect(catcher.messages).toHaveLength(0);
    catcher.behave({});
    await makeDue();
    await later.digests.drain();
    const rows = await subRows();
    const busy = rows.find((r) => r.email === 'busy@example.ca')!;
    const nobody = rows.find((r) => r.email === 'nobody@example.ca')!;
    expect(busy).toMatchObject({ status: 'active', bounces: 0, failures: 0 });
    expect(nobody.status).toBe('suspended');
    expect(nobody.suspendedReason).toMatch(/550.*No such user/);
    // Delivered to the first once its server took mail again; never to the second.
    expect(catcher.messages.map((m) => m.to)).toEqual(['busy@example.ca']);
    const stats = await listSelectionStats(database.db);
    const atlantic = stats.find((s) => s.selection === 'region=atlantic')!;
    expect(atlantic).toMatchObject({ active: 0, suspended: 1 });
    expect(atlantic.suspendedReasons[0].reason).toMatch(/550/);
    expect(JSON.stringify(stats)).not.toContain('@');
  });

  it('sends a message whose acceptance it could not hear again as it was, under the same Message-ID', async () => {
    await subscribeAndConfirm('kim@example.ca', 'topic=housing');
    await ingest('isans', [{ title: 'First story' }]);
    catcher.behave({ dropAfterData: true });
    await jobs.sendNow();
    expect(catcher.messages).toHaveLength(1);
    const first = catcher.messages[0];
    const [prepared] = await database.db.select().from(digestSends);
    expect(prepared.status).toBe('prepared');
    await ingest('isans', [{ title: 'Second story' }]);
    catcher.behave({});
    await makeDue();
    await jobs.digests.drain();
    expect(catcher.messages).toHaveLength(2);
    const again = catcher.messages[1];
    expect(again.mail.messageId).toBe(first.mail.messageId);
    expect(again.mail.text).toContain('First story');
    expect(again.mail.text).not.toContain('Second story');
    // The next digest holds what came after, and only that.
    await jobs.sendNow();
    expect(catcher.messages).toHaveLength(3);
    expect(catcher.messages[2].mail.messageId).not.toBe(first.mail.messageId);
    expect(catcher.messages[2].mail.text).toContain('Second story');
    expect(catcher.messages[2].mail.text).not.toContain('First story');
  });

  it('sends every digest once when a worker dies mid-batch', async () => {
    for (const who of ['a', 'b', 'c']) await subscribeAndConfirm(`${who}@example.ca`, 'topic=housing');
    await ingest('isans', [{ title: 'Shared story' }]);
    // Worker A leases two subscriptions and dies; worker B's send hangs after preparing the third, and it dies too.
    const aLeased = await leaseDigests(database.db, { limit: 2, leaseSeconds: 1, all: true });
    expect(aLeased).toHaveLength(2);
    const hanging: Mailer = { send: () => new Promise(() => {}), close() {} };
    const workerB = makeJobs(hanging, { leaseSeconds: 1 });
    void workerB.sendNow();
    await new Promise((r) => setTimeout(r, 2500));
    const prepared = await database.db.select().from(digestSends);
    expect(prepared.map((s) => s.status)).toEqual(['prepared']);
    // Worker C takes over once the leases run out.
    await makeDue();
    const clock = new Date(Date.now() + 2 * 86_400_000);
    await makeJobs(mailer, { now: () => clock }).digests.drain();
    expect(catcher.messages.map((m) => m.to).sort()).toEqual(['a@example.ca', 'b@example.ca', 'c@example.ca']);
    const resent = catcher.messages.find((m) => m.mail.messageId === prepared[0].messageId);
    expect(resent).toBeDefined();
    expect((await database.db.select().from(digestSends)).every((s) => s.status === 'sent')).toBe(true);
  });

  it('delivers through a slow server, and retries one slower than its timeouts', async () => {
    await subscribeAndConfirm('slow@example.ca', 'topic=housing');
    await ingest('isans', [{ title: 'Slow story' }]);
    catcher.behave({ delayMs: 300 });
    expect((await jobs.sendNow()).sent).toBe(1);
    await ingest('isans', [{ title: 'Slower story' }]);
    const impatient = createSmtpMailer({ smtpUrl: catcher.url, maxConnections: 1, socketTimeoutMs: 200, greetingTimeoutMs: 2000 });
    catcher.behave({ delayMs: 1000 });
    expect((await makeJobs(impatient).sendNow()).failed).toBe(1);
    impatient.close();
    catcher.behave({});
    await makeDue();
    const clock = new Date(Date.now() + 2 * 86_400_000);
    await makeJobs(mailer, { now: () => clock }).digests.drain();
    await new Promise((r) => setTimeout(r, 1200));
    const slower = catcher.messages.filter((m) => m.mail.text?.includes('Slower story'));
    expect(slower).toHaveLength(1);
    expect(catcher.messages).toHaveLength(2);
  });
});
