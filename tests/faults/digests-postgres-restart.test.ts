// Email digests while PostgreSQL restarts, on a private server started for this file (the shared
// test server serves the other files and must never be restarted), with two workers (each its own
// connection pool and its own memory, as two processes have) and a real SMTP server: every
// subscriber gets exactly one digest, none twice and none skipped, whether the restart comes in the
// middle of a batch or in the instant between SMTP's acceptance and its record.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Topic } from '../../src/core/types.ts';
import { createSmtpMailer, type Mailer } from '../../src/mail/smtp-mailer.ts';
import { createDigestJobs, type DigestJobs } from '../../src/schedule/digest-jobs.ts';
import { loadFeedsFile } from '../../src/sources/feeds-file.ts';
import { openDatabase, type Database } from '../../src/store/db.ts';
import { digestSends, digestSubscriptions } from '../../src/store/digest-schema.ts';
import { addressKeyOf } from '../../src/store/digests-repo.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { item, spec } from '../helpers/items.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.ts';

const topics: Topic[] = (await loadFeedsFile('feeds.yaml')).topics;
const sender = { name: 'Passerelle Test Hub', address: '123 Main Street, Halifax NS B3H 1A1', contact: 'https://hub.example.ca/contact' };
const settings = { hour: 7, weekday: 'monday' as const, timeZone: 'America/Toronto', concurrency: 2, sendLogDays: 90, from: 'Passerelle <digests@hub.example.ca>', sender };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The workers' clock: past the next due time, so the stories seeded now are in the window that closes there. */
const twoDaysOn = () => new Date(Date.now() + 2 * 86_400_000);

describe('email digests when PostgreSQL restarts', () => {
  let pg: PrivatePostgres;
  let catcher: SmtpCatcher;
  let setup: Database;
  const closers: (() => Promise<void> | void)[] = [];
  let seq = 0;

  beforeAll(async () => {
    [pg, catcher] = await Promise.all([startPrivatePostgres(), startSmtpCatcher()]);
    setup = await openDatabase({ databaseUrl: pg.url, poolSize: 2 });
    await syncSources(setup.db, [spec('isans', { organization: 'ISANS', region: 'atlantic', province: 'ns', topics: ['housing'] })]);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await setup?.close();
    await catcher?.close();
    await pg?.destroy();
  });
  beforeEach(async () => {
    catcher.behave({});
    catcher.messages.length = 0;
    await setup.db.delete(digestSends);
    await setup.db.delete(digestSubscriptions);
  });

  /** A worker as a process would be: its own pool, mailer and jobs. */
  async function startWorker(o: { leaseSeconds: number; pollMs?: number; mailer?: (real: Mailer) => Mailer }): Promise<DigestJobs> {
    const database = await openDatabase({ databaseUrl: pg.url, poolSize: 3 });
    const real = createSmtpMailer({ smtpUrl: catcher.url, maxConnections: settings.concurrency, socketTimeoutMs: 10_000 });
    const jobs = createDigestJobs({ db: database.db, mailer: o.mailer ? o.mailer(real) : real, logger: silentLogger(), publicUrl: 'https://hub.example.ca', topics, settings, leaseSeconds: o.leaseSeconds, pollMs: o.pollMs ?? 200, retryDelaysMs: [1000], now: twoDaysOn });
    closers.push(async () => {
      await jobs.stop(1000);
      real.close();
      await database.close();
    });
    jobs.start();
    return jobs;
  }

  /** Stories, and `count` confirmed subscribers whose digest is due. */
  async function seed(count: number): Promise<string[]> {
    const source = (await getSourceBySlug(setup.db, 'isans'))!;
    const items = [1, 2, 3].map(() => item(`isans-${++seq}`, { fingerprint: BigInt.asIntN(64, randomBytes(8).readBigUInt64BE()).toString(), publishedAt: new Date(), topics: ['housing'], title: `Housing story ${seq}`, summary: `Summary ${seq}`, url: `https://isans.example.org/p/${seq}` }));
    await commitIngest(setup.db, { sourceId: source.id, owner: 't', items, patch: {}, historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' } });
    const emails = Array.from({ length: count }, (_, i) => `person${i}@example.ca`);
    const due = new Date(Date.now() - 1000);
    await setup.db.insert(digestSubscriptions).values(
      emails.map((email, i) => ({ email, addressKey: addressKeyOf(email), selection: 'topic=housing', ui: i % 2 ? ('fr' as const) : ('en' as const), frequency: 'daily' as const, status: 'active' as const, token: randomBytes(32).toString('base64url'), windowStart: new Date(Date.now() - 86_400_000), nextDueAt: due, nextAttemptAt: due })),
    );
    return emails;
  }

  /** Waits until every subscriber's digest is recorded as sent (the database may be away meanwhile). */
  async function settled(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await setup.rows<{ sent: number; open: number }>(
        sql`select (select count(*)::int from digest_sends where status = 'sent') as sent,
                   (select count(*)::int from digest_subscriptions where lease_until is not null or next_attempt_at <= now()) as open`,
      ).catch(() => [{ sent: -1, open: -1 }]);
      if (row.sent === count && row.open === 0) return;
      if (Date.now() > deadline) throw new Error(`after ${timeoutMs} ms: ${row.sent} of ${count} digests recorded, ${row.open} subscriptions still leased or due`);
      await sleep(250);
    }
  }

  /** Each subscriber exactly once, each message its own Message-ID, each recorded as sent. */
  async function expectOneEach(emails: string[]): Promise<void> {
    expect(catcher.messages.map((m) => m.to).sort()).toEqual([...emails].sort());
    const ids = catcher.messages.map((m) => m.mail.messageId);
    expect(new Set(ids).size).toBe(emails.length);
    const sends = await setup.db.select().from(digestSends);
    expect(sends.every((s) => s.status === 'sent')).toBe(true);
    expect(sends.map((s) => s.messageId).sort()).toEqual([...ids].sort());
  }

  it('restarted in the middle of a batch: every subscriber gets one digest, none twice, none skipped', async () => {
    const emails = await seed(40);
    // Slow enough that the batch spans the restart: each message takes 450 ms, four at a time.
    catcher.behave({ delayMs: 150 });
    await Promise.all([startWorker({ leaseSeconds: 15 }), startWorker({ leaseSeconds: 15 })]);
    await catcher.waitFor(8, 60_000);
    expect(catcher.messages.length).toBeLessThan(40);
    await pg.stop('fast');
    await sleep(500);
    await pg.start();
    await settled(40, 120_000);
    // Settled means nothing is leased or due any more: no worker can send another.
    await expectOneEach(emails);
  }, 180_000);

  it('away in the instant after SMTP took a message: the record waits for it, and no other worker sends it again', async () => {
    const emails = await seed(1);
    let stopped = false;
    let restarted!: (err?: unknown) => void;
    const back = new Promise<void>((resolve, reject) => (restarted = (err) => (err ? reject(err) : resolve())));
    // The database goes away right after the server took the message, before its record.
    const dropDatabaseAfterAcceptance = (real: Mailer): Mailer => ({
      async send(message) {
        const outcome = await real.send(message);
        if (!stopped && outcome.kind === 'accepted') {
          stopped = true;
          await pg.stop('fast');
          void sleep(1500)
            .then(() => pg.start())
            .then(() => restarted(), restarted);
        }
        return outcome;
      },
      close: () => real.close(),
    });
    const leaseSeconds = 10;
    const t0 = Date.now();
    // This worker leases once and does not come back for an hour: only its record can settle the send.
    await startWorker({ leaseSeconds, pollMs: 3_600_000, mailer: dropDatabaseAfterAcceptance });
    await catcher.waitFor(1, 30_000);
    await back;
    // A second worker polls from the restart on: it would take the subscription over once the lease ran out.
    await startWorker({ leaseSeconds });
    await settled(1, 30_000);
    // Recorded within the lease, so the other worker never had it.
    await sleep(Math.max(0, t0 + (leaseSeconds + 3) * 1000 - Date.now()));
    await expectOneEach(emails);
  }, 90_000);
});
