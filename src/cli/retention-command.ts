// `passerelle retention --dry-run | --now`: what the retention settings would delete, or delete it
// now instead of waiting for the job's schedule.
import type { Config } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import type { RetentionReport } from '../store/retention.ts';
import { openHub } from './hub.ts';
import type { Io } from './io.ts';

export async function runRetention(config: Readonly<Config>, options: { dryRun: boolean }, io: Io): Promise<number> {
  const hub = await openHub(config, createLogger('warn', process.stderr));
  try {
    const r = config.retention;
    io.out(
      `retention: items older than ${r.days ? `${r.days} days` : '(no age limit)'}, ` +
        `beyond ${r.maxItemsPerSource ? `${r.maxItemsPerSource} per source` : '(no count limit)'}, ` +
        `admin log older than ${r.adminLogDays ? `${r.adminLogDays} days` : '(kept)'}`,
    );
    if (!hub.retention.enabled) {
      io.out('nothing to do: every retention rule is off (RETENTION_DAYS, RETENTION_MAX_ITEMS_PER_SOURCE, ADMIN_LOG_RETENTION_DAYS)');
      return 0;
    }
    io.out(describe(await hub.retention.run({ dryRun: options.dryRun })));
    return 0;
  } finally {
    await hub.close();
  }
}

function describe(r: RetentionReport): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const kept = r.dryRun ? `; kept although old or over the limit: ${r.kept} (newest of their source, or shown by a saved feed)` : '';
  return `${verb}: ${r.itemsByAge} items by age, ${r.itemsByCount} by count, ${r.adminLog} admin log entries${kept}${r.interrupted ? ' (stopped early: another process is running retention)' : ''}`;
}
