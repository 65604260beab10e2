// Backup and restore of BENCH_BACKUP_ITEMS (100,000) items, on PGlite and on PostgreSQL: the
// items are generated as the scale benchmark does (1,000 sources, bilingual titles and summaries),
// with a content of about 1.5 KB each, as feeds send. For PGlite, the time the running hub's
// queries wait (its files copied aside) is shown apart from the backup itself, which reads the
// copy. Each restore goes into a fresh database of the same kind and ends with ANALYZE. Peak
// resident memory shows that neither side holds the items in memory.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { loadFeedsFile } from '../src/sources/feeds-file.ts';
import { readBackup } from '../src/store/backup-format.ts';
import { writeBackup } from '../src/store/backup.ts';
import { openDatabase, PGLITE_DIR, type Database } from '../src/store/db.ts';
import { restoreBackup } from '../src/store/restore.ts';
import { createScratchDatabase } from '../tests/helpers/databases.ts';
import { seedScaleDatabase } from './scale.ts';
import { fmt, printTable, withPeakMemory } from './table.ts';

const ITEMS = Number(process.env.BENCH_BACKUP_ITEMS ?? 100_000);

const seconds = (t0: number) => fmt((performance.now() - t0) / 1000, 1);

async function seed(database: Database, topicSlugs: string[]): Promise<void> {
  await seedScaleDatabase(database, ITEMS, topicSlugs, (line) => console.error(line));
  // Feeds send more than a summary: about 1.5 KB of content per item.
  await database.db.execute(sql`update items set content_html = repeat('<p>' || summary || '</p>', 4)`);
  await database.db.execute(sql`vacuum analyze items`);
}

async function restoreInto(target: Database, file: string): Promise<void> {
  await restoreBackup(target, file, await readBackup(file), { force: false });
}

export async function benchBackup(): Promise<void> {
  const { topics } = await loadFeedsFile('feeds.yaml');
  const topicSlugs = topics.map((t) => t.slug);
  const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-bench-backup-'));
  const rows: (string | number)[][] = [];
  try {
    // PGlite: the hub's database in a directory.
    {
      const source = await openDatabase({ dataDir: path.join(dir, 'hub') });
      console.error(`PGlite: seeding ${fmt(ITEMS, 0)} items…`);
      await seed(source, topicSlugs);
      const copy = path.join(dir, 'snapshot');
      let t0 = performance.now();
      await source.snapshot!(path.join(copy, PGLITE_DIR));
      const copySeconds = seconds(t0);
      await source.close();
      const file = path.join(dir, 'pglite.backup.gz');
      t0 = performance.now();
      const backup = await withPeakMemory(async () => {
        const fromCopy = await openDatabase({ dataDir: copy, migrate: 'none' });
        try {
          return await writeBackup(fromCopy, file);
        } finally {
          await fromCopy.close();
        }
      });
      const backupSeconds = seconds(t0);
      t0 = performance.now();
      const restore = await withPeakMemory(async () => {
        const target = await openDatabase({ dataDir: path.join(dir, 'restored'), migrate: 'none' });
        try {
          await restoreInto(target, file);
        } finally {
          await target.close();
        }
      });
      rows.push(['PGlite', fmt(ITEMS, 0), copySeconds, backupSeconds, fmt((await stat(file)).size / 1024 / 1024, 1), fmt(backup.peakMiB, 0), seconds(t0), fmt(restore.peakMiB, 0)]);
      await rm(path.join(dir, 'hub'), { recursive: true, force: true });
      await rm(copy, { recursive: true, force: true });
      await rm(path.join(dir, 'restored'), { recursive: true, force: true });
    }
    // PostgreSQL: a scratch database, backed up in one snapshot, restored into another.
    {
      const [a, b] = [await createScratchDatabase(), await createScratchDatabase()];
      try {
        const source = await openDatabase({ databaseUrl: a.url, poolSize: 2 });
        console.error(`PostgreSQL: seeding ${fmt(ITEMS, 0)} items…`);
        await seed(source, topicSlugs);
        const file = path.join(dir, 'postgres.backup.gz');
        let t0 = performance.now();
        const backup = await withPeakMemory(() => writeBackup(source, file));
        const backupSeconds = seconds(t0);
        await source.close();
        t0 = performance.now();
        const restore = await withPeakMemory(async () => {
          const target = await openDatabase({ databaseUrl: b.url, poolSize: 2, migrate: 'none' });
          try {
            await restoreInto(target, file);
          } finally {
            await target.close();
          }
        });
        rows.push(['PostgreSQL', fmt(ITEMS, 0), '-', backupSeconds, fmt((await stat(file)).size / 1024 / 1024, 1), fmt(backup.peakMiB, 0), seconds(t0), fmt(restore.peakMiB, 0)]);
      } finally {
        await a.drop();
        await b.drop();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  printTable(['database', 'items', 'hub waits (s)', 'backup (s)', 'file (MB)', 'backup peak RSS (MiB)', 'restore (s)', 'restore peak RSS (MiB)'], rows);
}
