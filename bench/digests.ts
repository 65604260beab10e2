// npm run bench digests: builds and sends the digests of BENCH_SUBSCRIBERS (10,000) subscribers
// over 200 distinct selections to a local SMTP server (bench/smtp-sink.ts, its own process), with
// 3,000 stories of the last day and BENCH_HISTORY_DAYS (7) earlier digests per subscriber in the
// send log, on an embedded database, or on a scratch database of the PostgreSQL server at
// BENCH_DATABASE_URL (created and dropped here). Prints messages per second, the hub process's
// CPU time per message (what a loaded machine does not change much) and memory, the load average
// around the run, a digest's size in each language, and checks that each subscriber got one.
// BENCH_CPU_PROFILE=file.cpuprofile writes a CPU profile of the sending alone (open it in Chrome's
// DevTools or speedscope).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { silentLogger } from '../src/core/logger.ts';
import { ITEM_TYPES, REGIONS } from '../src/core/types.ts';
import { createSmtpMailer } from '../src/mail/smtp-mailer.ts';
import { createDigestJobs } from '../src/schedule/digest-jobs.ts';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { openDatabase, type Database } from '../src/store/db.ts';
import { digestSubscriptions } from '../src/store/digest-schema.ts';
import { addressKeyOf } from '../src/store/digests-repo.ts';
import { commitIngest } from '../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../src/store/sources-repo.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { item, spec } from '../tests/helpers/items.ts';
import { fmt, printTable } from './table.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const HISTORY_DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 7);
const SELECTIONS = 200;
const STORIES = 3000;

interface SinkReport {
  received: number;
  bytes: number;
  sizes: Record<'en' | 'fr', number[]>;
}

/** The SMTP server in its own process: its port, and what it took when asked. */
async function startSink() {
  const child = fork(fileURLToPath(new URL('./smtp-sink.ts', import.meta.url)), [], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async <T>() => JSON.parse((await lines.next()).value as string) as T;
  const { port } = await next<{ port: number }>();
  return {
    port,
    async report(): Promise<SinkReport> {
      child.stdin!.write('report\n');
      return next<SinkReport>();
    },
    close: () => new Promise<void>((resolve) => child.once('exit', () => resolve()).stdin!.end()),
  };
}

async function seed(database: Database, topics: { slug: string }[]): Promise<void> {
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
  // Earlier digests, one a day, the last ending where the next window starts (its items are read for the overlap).
  for (let d = 0; d < HISTORY_DAYS; d++) {
    await database.rows(sql`
      insert into digest_sends (subscription_id, selection, ui, window_start, window_end, story_ids, covered_ids, message_id, status, response, created_at, finished_at)
      select s.id, s.selection, s.ui, s.window_start - make_interval(days => ${d + 1}), s.window_start - make_interval(days => ${d}),
        c.ids, c.ids, '<history.' || s.id || '.' || ${d} || '@bench>', 'sent', '250 OK', s.window_start - make_interval(days => ${d}), s.window_start - make_interval(days => ${d})
      from digest_subscriptions s, (select array(select 1000000000 + g from generate_series(1, 30) g)::bigint[] as ids) c`);
  }
  await database.rows(sql`analyze`);
}

export async function benchDigests(): Promise<void> {
  const topics = (await loadFeedsFile('feeds.yaml')).topics;
  const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
  const database = await openDatabase({ databaseUrl: scratch?.url, dataDir: 'memory://', poolSize: CONCURRENCY + 2 });
  const sink = await startSink();
  try {
    await seed(database, topics);
    const mailer = createSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, maxConnections: CONCURRENCY });
    const jobs = createDigestJobs({
      db: database.db,
      mailer,
      logger: silentLogger(),
      publicUrl: 'https://hub.example.ca',
      topics,
      settings: { hour: 7, weekday: 'monday', timeZone: 'America/Toronto', concurrency: CONCURRENCY, sendLogDays: 90, from: 'Passerelle <d@hub.example.ca>', sender: { name: 'Hub', address: '1 Main St, Halifax NS', contact: 'https://hub.example.ca' } },
    });
    const loadBefore = loadavg()[0];
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : undefined;
    profiler?.connect();
    await profiler?.post('Profiler.enable');
    await profiler?.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await jobs.sendNow();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(process.env.BENCH_CPU_PROFILE!, JSON.stringify(profile));
      profiler.disconnect();
    }
    clearInterval(sampler);
    const loadAfter = loadavg()[0];
    mailer.close();
    const took = await sink.report();
    // Each subscriber one digest: as many messages taken as sent, one settled send each.
    const [check] = await database.rows<{ subs: number; sent: number }>(
      sql`select count(distinct subscription_id)::int as subs, count(*)::int as sent from digest_sends where status = 'sent' and message_id like '<digest.%'`,
    );
    if (took.received !== report.sent || check.sent !== report.sent || check.subs !== report.sent) throw new Error(`sent ${report.sent}, the server took ${took.received}, the log holds ${check.sent} for ${check.subs} subscribers`);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(`${SUBSCRIBERS} subscribers over ${SELECTIONS} selections, ${STORIES} stories, ${HISTORY_DAYS} earlier digests each; ${CONCURRENCY} messages at once (SMTP connections); load average ${fmt(loadBefore)} before, ${fmt(loadAfter)} after, Node ${process.version}\n`);
    printTable(
      ['database', 'sent', 'nothing new', 'failed', 'seconds', 'messages/s', 'hub CPU s', 'CPU ms/message', 'hub RSS before → peak'],
      [[database.kind, report.sent, report.empty, report.failed, fmt(seconds), fmt(report.sent / seconds, 0), fmt(cpuSeconds), fmt((cpuSeconds * 1000) / Math.max(1, report.sent), 2), `${fmt(rssBefore / 2 ** 20, 0)} → ${fmt(peakRss / 2 ** 20, 0)} MiB`]],
    );
    const kb = (n: number) => `${fmt(n / 1024)} KB`;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    console.log('');
    printTable(
      ['message size (as received, MIME encoded)', 'median', 'largest'],
      (['en', 'fr'] as const).map((ui) => [ui, kb(median(took.sizes[ui])), kb(Math.max(0, ...took.sizes[ui]))]),
    );
    console.log(`\nthe server took ${took.received} messages, ${fmt(took.bytes / 2 ** 20)} MiB in all`);
  } finally {
    await sink.close();
    await database.close();
    await scratch?.drop();
  }
}
