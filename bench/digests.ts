// npm run bench digests: builds and sends the digests of 10,000 subscribers over 200 distinct
// selections to a local SMTP server (smtp-server, in this process), on an embedded database with
// 3,000 stories of the last day: messages per second, memory, and a digest's size in each language.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { silentLogger } from '../src/core/logger.ts';
import { ITEM_TYPES, REGIONS } from '../src/core/types.ts';
import { createSmtpMailer } from '../src/mail/smtp-mailer.ts';
import { createDigestJobs } from '../src/schedule/digest-jobs.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase } from '../src/store/db.ts';
import { digestSubscriptions } from '../src/store/digest-schema.ts';
import { addressKeyOf } from '../src/store/digests-repo.ts';
import { commitIngest } from '../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../src/store/sources-repo.ts';
import { item, spec } from '../tests/helpers/items.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const SELECTIONS = 200;
const STORIES = 3000;

export async function benchDigests(): Promise<void> {
  const topics = (await loadFeedsFile('feeds.yaml')).topics;
  const database = await openDatabase({ databaseUrl: process.env.BENCH_DATABASE_URL, dataDir: 'memory://' });
  const db = database.db;
  await syncSources(db, Array.from({ length: 20 }, (_, i) => spec(`src${i}`, { organization: `Organization ${i}`, region: REGIONS[i % REGIONS.length], languages: i % 3 ? ['en'] : ['fr'] })));
  const now = Date.now();
  for (let s = 0; s < 20; s++) {
    const source = (await getSourceBySlug(db, `src${s}`))!;
    const items = Array.from({ length: STORIES / 20 }, (_, i) =>
      item(`s${s}-${i}`, {
        title: `Story ${s}-${i}: news of settlement services for newcomers in the region`,
        summary: 'Settlement agencies announce new programs for newcomers, language training and housing help, with dates and places. '.repeat(2),
        url: `https://src${s}.example.org/news/${i}`,
        publishedAt: new Date(now - ((i * 97) % 86_400) * 1000),
        topics: [topics[(s + i) % topics.length].slug, topics[(s * 7 + i) % topics.length].slug],
        type: ITEM_TYPES[i % ITEM_TYPES.length],
        regions: [REGIONS[s % REGIONS.length]],
        language: s % 3 ? 'en' : 'fr',
        fingerprint: BigInt.asIntN(64, randomBytes(8).readBigUInt64BE()).toString(),
      }),
    );
    await commitIngest(db, { sourceId: source.id, owner: 'bench', items, patch: {}, historyLimit: 5, log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' } });
  }
  const selections: string[] = [];
  for (const lang of ['', 'en', 'fr'])
    for (const t of topics)
      for (const r of ['', ...REGIONS]) if (selections.length < SELECTIONS) selections.push(new URLSearchParams([...(lang ? [['lang', lang]] : []), ...(r ? [['region', r]] : []), ['topic', t.slug]]).toString());
  const windowStart = new Date(now - 2 * 86_400_000);
  for (let i = 0; i < SUBSCRIBERS; i += 1000) {
    await db.insert(digestSubscriptions).values(
      Array.from({ length: Math.min(1000, SUBSCRIBERS - i) }, (_, j) => {
        const n = i + j;
        const email = `person${n}@example.org`;
        return { email, addressKey: addressKeyOf(email), selection: selections[n % SELECTIONS], ui: n % 2 ? ('fr' as const) : ('en' as const), frequency: 'daily' as const, status: 'active' as const, token: randomBytes(32).toString('base64url'), windowStart, nextDueAt: new Date(now), nextAttemptAt: new Date(now) };
      }),
    );
  }

  let received = 0;
  let bytes = 0;
  const sizes: Record<string, number[]> = { en: [], fr: [] };
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      let size = 0;
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 4000) head += c.toString('latin1');
        size += c.length;
      });
      stream.on('end', () => {
        received++;
        bytes += size;
        sizes[/Content-Language: fr|lang="fr"|Passerelle\s?=?.*nouveau/i.test(head) || /=C3=A9|r=C3=A9sum/i.test(head) ? 'fr' : 'en'].push(size);
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const concurrency = 8;
  const mailer = createSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, maxConnections: concurrency });
  const jobs = createDigestJobs({
    db,
    mailer,
    logger: silentLogger(),
    publicUrl: 'https://hub.example.ca',
    topics,
    settings: { hour: 7, weekday: 'monday', timeZone: 'America/Toronto', concurrency, sendLogDays: 90, from: 'Passerelle <d@hub.example.ca>', sender: { name: 'Hub', address: '1 Main St, Halifax NS', contact: 'https://hub.example.ca' } },
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const report = await jobs.sendNow();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  mailer.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await database.close();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(`| subscribers | selections | database | sent | nothing new | failed | seconds | messages/s | RSS before → peak |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  console.log(`| ${SUBSCRIBERS} | ${SELECTIONS} | ${database.kind} | ${report.sent} | ${report.empty} | ${report.failed} | ${seconds.toFixed(1)} | ${(report.sent / seconds).toFixed(0)} | ${(rssBefore / 2 ** 20).toFixed(0)} → ${(peakRss / 2 ** 20).toFixed(0)} MiB |`);
  console.log('');
  console.log(`| message size (as received, MIME encoded) | median | largest |`);
  console.log(`| --- | --- | --- |`);
  for (const ui of ['en', 'fr']) console.log(`| ${ui} | ${kb(median(sizes[ui]))} | ${kb(Math.max(0, ...sizes[ui]))} |`);
  console.log(`\nreceived ${received} messages, ${(bytes / 2 ** 20).toFixed(1)} MiB in all`);
}
