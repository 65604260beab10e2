// `passerelle opml import FILE`: every feed of an OPML file becomes a source, in one transaction
// or not at all. Folders named like a topic become default topics.
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { REGIONS, type Region } from '../core/types.ts';
import { DEFAULT_OPML_LIMITS } from '../parse/index.ts';
import { importOpml } from '../pipeline/import-opml.ts';
import { languagesFrom } from '../sources/source-input.ts';
import { explainRefusal } from './format.ts';
import { openHub } from './hub.ts';
import type { Io } from './io.ts';
import { cliActor } from './sources-command.ts';
import { UsageError } from './usage.ts';

export async function runOpml(config: Readonly<Config>, args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new UsageError(`unknown opml command "${sub ?? ''}" (try: opml import FILE; the export is GET /opml/sources.opml)`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: { region: { type: 'string' }, lang: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('opml import needs one FILE');
  if (values.region !== undefined && !(REGIONS as readonly string[]).includes(values.region)) {
    throw new UsageError(`--region: unknown region "${values.region}"; accepted: ${REGIONS.join(', ')}`);
  }
  const languages = values.lang === undefined ? undefined : languagesFrom(values.lang);
  if (languages?.length === 0) throw new UsageError('--lang: must list en and/or fr, comma-separated');

  const file = positionals[0];
  // Refused before reading when the file is obviously too large.
  if ((await stat(file)).size > DEFAULT_OPML_LIMITS.maxBytes) {
    io.err(`error: OPML import refused: ${file} is larger than ${DEFAULT_OPML_LIMITS.maxBytes / 1024} KiB; nothing was imported`);
    return 1;
  }
  const text = await readFile(file, 'utf8');
  const hub = await openHub(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr));
  try {
    const report = await importOpml(
      text,
      { region: values.region as Region | undefined, languages, dryRun: !!values['dry-run'] },
      { db: hub.database.db, fetch: config.fetch, topics: hub.feeds.topics, logger: hub.logger.child({ component: 'admin' }) },
      cliActor(),
    );
    for (const s of report.imported) io.out(`${report.dryRun ? 'would add' : 'added'}  ${s.slug.padEnd(32)} ${s.url}${s.topics.length ? `  [${s.topics.join(', ')}]` : ''}`);
    for (const s of report.skipped) io.out(`skipped ${s.url}: ${s.reason}`);
    if (report.unmatchedFolders.length) io.out(`folders that name no topic (ignored): ${report.unmatchedFolders.join(', ')}`);
    io.out(`${report.dryRun ? 'dry run: ' : ''}${report.imported.length} ${report.dryRun ? 'to import' : 'imported'}, ${report.skipped.length} skipped`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      for (const line of explainRefusal(err)) io.err(line);
      return 1;
    }
    throw err;
  } finally {
    await hub.close();
  }
}
