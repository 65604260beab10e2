// `passerelle retention --dry-run | --now`: what the retention settings would delete, or delete it
// now instead of waiting for the job's schedule.
import type { RetentionReport } from '../store/retention.ts';
import type { CommandContext } from './command-context.ts';
import type { Io } from './io.ts';

export async function runRetention(ctx: CommandContext, options: { dryRun: boolean }, io: Io): Promise<number> {
  const { retention } = await ctx.services();
  const r = ctx.config.retention;
  io.out(
    `retention: items older than ${r.days ? `${r.days} days` : '(no age limit)'}, ` +
      `beyond ${r.maxItemsPerSource ? `${r.maxItemsPerSource} per source` : '(no count limit)'}, ` +
      `admin log older than ${r.adminLogDays ? `${r.adminLogDays} days` : '(kept)'}, ` +
      `saved feeds unused for ${r.savedFeedUnusedDays ? `${r.savedFeedUnusedDays} days` : '(kept)'}`,
  );
  if (!retention.enabled) {
    io.out('nothing to do: every retention rule is off (RETENTION_DAYS, RETENTION_MAX_ITEMS_PER_SOURCE, ADMIN_LOG_RETENTION_DAYS, SAVED_FEED_UNUSED_DAYS)');
    return 0;
  }
  io.out(describe(await retention.run({ dryRun: options.dryRun })));
  return 0;
}

function describe(r: RetentionReport): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const kept = r.dryRun ? `; kept although old or over the limit: ${r.kept} (newest of their source, or shown by a saved feed)` : '';
  return `${verb}: ${r.itemsByAge} items by age, ${r.itemsByCount} by count, ${r.adminLog} admin log entries, ${r.savedFeeds} unused saved feeds${kept}${r.interrupted ? ' (stopped early: another process is running retention)' : ''}`;
}
