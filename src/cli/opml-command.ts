// `passerelle opml import FILE`: every feed of an OPML file becomes a source, in one transaction
// or not at all. Folders named like a topic become default topics. The file is read where the
// command was typed (cli/requests.ts).
import { importOpml } from '../pipeline/import-opml.ts';
import type { CommandContext } from './command-context.ts';
import type { Io } from './io.ts';
import type { CommandRequest } from './requests.ts';

export async function runOpmlImport(ctx: CommandContext, request: Extract<CommandRequest, { name: 'opml import' }>, io: Io): Promise<number> {
  const report = await importOpml(
    request.text,
    { region: request.region, languages: request.languages, dryRun: request.dryRun },
    { db: ctx.database.db, fetch: ctx.config.fetch, topics: (await ctx.feeds()).topics, logger: ctx.logger.child({ component: 'admin' }) },
    request.actor,
  );
  for (const s of report.imported) io.out(`${report.dryRun ? 'would add' : 'added'}  ${s.slug.padEnd(32)} ${s.url}${s.topics.length ? `  [${s.topics.join(', ')}]` : ''}`);
  for (const s of report.skipped) io.out(`skipped ${s.url}: ${s.reason}`);
  if (report.unmatchedFolders.length) io.out(`folders that name no topic (ignored): ${report.unmatchedFolders.join(', ')}`);
  io.out(`${report.dryRun ? 'dry run: ' : ''}${report.imported.length} ${report.dryRun ? 'to import' : 'imported'}, ${report.skipped.length} skipped`);
  return 0;
}
