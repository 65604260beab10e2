// `passerelle fetch --once`: fetch now (due sources, --all, or --source SLUG), show progress,
// print a summary. Fetches stay conditional GETs either way.
import type { SourceOutcome } from '../pipeline/ingest-source.ts';
import type { CommandContext } from './command-context.ts';
import type { Io } from './io.ts';

export interface FetchCommandOptions {
  all: boolean;
  slugs?: string[];
}

export async function runFetch(ctx: CommandContext, options: FetchCommandOptions, io: Io): Promise<number> {
  const { scheduler } = await ctx.services();
  const registered = (await ctx.database.db.query.sources.findMany({ columns: { slug: true } })).map((s) => s.slug);
  const unknown = (options.slugs ?? []).filter((s) => !registered.includes(s));
  if (unknown.length) {
    io.err(`unknown source${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
    return 2;
  }
  let n = 0;
  const outcomes = await scheduler.runOnce({
    which: options.all || options.slugs?.length ? 'all' : 'due',
    slugs: options.slugs,
    onOutcome: (o) => io.out(`[${++n}] ${describe(o)}`),
  });
  if (outcomes.length === 0) {
    io.out(
      registered.length
        ? 'nothing to fetch: no source is due (use --all to fetch every source now)'
        : 'nothing to fetch: no source is registered yet (register the ones in feeds.yaml with: passerelle sources sync)',
    );
  }
  io.out(summarize(outcomes));
  return 0;
}

function describe(o: SourceOutcome): string {
  const what =
    o.outcome === 'ok'
      ? `ok            ${o.itemsNew} new, ${o.itemsUpdated} updated`
      : o.outcome === 'failed'
        ? `failed        ${o.error}`
        : o.outcome === 'released'
          ? 'postponed     host asked us to wait'
          : 'not modified';
  return `${o.slug.padEnd(28)} ${what} (${o.durationMs} ms)`;
}

export function summarize(outcomes: SourceOutcome[]): string {
  const count = (k: SourceOutcome['outcome'][]) => outcomes.filter((o) => k.includes(o.outcome)).length;
  const itemsNew = outcomes.reduce((a, o) => a + o.itemsNew, 0);
  const itemsUpdated = outcomes.reduce((a, o) => a + o.itemsUpdated, 0);
  return `sources: ${count(['ok'])} ok, ${count(['not-modified', 'unchanged'])} not modified, ${count(['failed'])} failed` +
    `${count(['released']) ? `, ${count(['released'])} postponed` : ''}; items: ${itemsNew} new, ${itemsUpdated} updated`;
}
