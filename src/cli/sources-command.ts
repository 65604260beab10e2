// `passerelle sources list`: every source with its health, as a table; `sources add`, `remove`,
// `pause`, `resume`, `refresh`: the admin API's source actions (same checks, same admin log); and
// `sources sync`: the registry brought in line with feeds.yaml, on demand.
import { loadFeedsFile } from '../sources/feeds-file.ts';
import { pauseSource, refreshSource, removeSource, resumeSource } from '../pipeline/source-admin.ts';
import { previewSource, registerSource } from '../pipeline/subscribe.ts';
import { listSources, RETIRED_REASON, syncSources } from '../store/sources-repo.ts';
import type { CommandContext } from './command-context.ts';
import { relativeTime, table } from './format.ts';
import type { Io } from './io.ts';
import { previewLines, selectorFlags } from './page-source-output.ts';
import type { CommandRequest } from './requests.ts';

type Request<N extends CommandRequest['name']> = Extract<CommandRequest, { name: N }>;

export async function runSourcesList(ctx: CommandContext, io: Io): Promise<number> {
  const rows = await listSources(ctx.database.db);
  const now = new Date();
  io.out(
    table([
      ['SOURCE', 'STATUS', 'LAST FETCH', 'HTTP', 'ITEMS', 'NEXT FETCH', 'LAST ERROR'],
      ...rows.map((s) => [
        s.slug,
        s.status,
        relativeTime(s.lastFetchAt, now),
        s.lastStatus ? String(s.lastStatus) : '-',
        String(s.itemCount),
        s.status === 'active' ? relativeTime(s.nextFetchAt, now) : '-',
        s.lastError ?? '',
      ]),
    ]).join('\n'),
  );
  return 0;
}

export async function runSourceAdd(ctx: CommandContext, request: Request<'sources add'>, io: Io): Promise<number> {
  const deps = { db: ctx.database.db, logger: ctx.logger.child({ component: 'admin' }), fetch: ctx.config.fetch, topics: (await ctx.feeds()).topics };
  if (request.preview) {
    for (const line of previewLines(await previewSource(request.input, deps))) io.out(line);
    return 0;
  }
  const result = await registerSource(request.input, deps, request.actor);
  const s = result.source;
  io.out(`added ${s.slug}: ${s.title} — ${s.organization}`);
  if (s.kind === 'page') io.out(`  page     ${s.url} (read with ${selectorFlags(s.selectors!)})`);
  else io.out(`  feed     ${s.url}${result.via === 'direct' ? '' : ` (found ${result.via === 'link' ? 'linked from the page' : 'at a usual feed path'})`}`);
  io.out(`  region   ${s.region}${s.province ? ` / ${s.province}` : ''}; languages ${s.languages.join(', ')}; topics ${s.topics.join(', ') || '-'}`);
  io.out(`fetched on the scheduler's next tick, or now with: passerelle sources refresh ${s.slug}`);
  return 0;
}

export async function runSourceAction(ctx: CommandContext, { action, slug, actor }: Request<'sources action'>, io: Io): Promise<number> {
  const admin = { db: ctx.database.db, logger: ctx.logger.child({ component: 'admin' }) };
  switch (action) {
    case 'remove': {
      const { itemsDeleted } = await removeSource(admin, slug, actor);
      io.out(`removed ${slug} and its ${itemsDeleted} item${itemsDeleted === 1 ? '' : 's'}`);
      return 0;
    }
    case 'pause':
      await pauseSource(admin, slug, actor);
      io.out(`paused ${slug} (its items stay; resume with: passerelle sources resume ${slug})`);
      return 0;
    case 'resume':
      await resumeSource(admin, slug, actor);
      io.out(`resumed ${slug}: due now`);
      return 0;
    case 'refresh': {
      const { pipeline, scheduler } = await ctx.services();
      const { outcome } = await refreshSource(pipeline, slug, actor, { owner: scheduler.owner, leaseSeconds: ctx.config.schedule.leaseSeconds });
      io.out(`${slug}: ${outcome.outcome}${outcome.status ? ` (${outcome.status})` : ''}${outcome.error ? ` — ${outcome.error}` : ''}; ${outcome.itemsNew} new, ${outcome.itemsUpdated} updated`);
      return outcome.outcome === 'failed' ? 1 : 0;
    }
  }
}

/** The API's field names in a refusal, as this command's own flags: "organization: required" → "--org: required". */
const FLAG_OF: Record<string, string> = {
  url: 'URL',
  organization: '--org',
  region: '--region',
  province: '--province',
  languages: '--lang',
  topics: '--topic',
  title: '--title',
  slug: '--slug',
  siteUrl: '--site',
  intervalMinutes: '--interval',
  feedUrl: '--feed',
};
export function withFlags(message: string): string {
  return message
    .replace(/(^|; )(url|organization|region|province|languages|topics|title|slug|siteUrl|intervalMinutes|feedUrl)(?:\.\d+)?: /g, (_, lead: string, field: string) => `${lead}${FLAG_OF[field]}: `)
    .replace('choose one and send it as feedUrl', 'choose one with --feed');
}

/**
 * Brings the registry in line with feeds.yaml (what the hub does when it starts), or with
 * --dry-run says what that would change. In a running hub, only the hub's own feeds file is synced:
 * a command that names another one is refused, so a stray FEEDS_FILE cannot pause every source.
 */
export async function runSourcesSync(ctx: CommandContext, request: Request<'sources sync'>, io: Io): Promise<number> {
  if (request.feedsFile !== ctx.config.feedsFile) {
    io.err(`error: the running hub reads ${ctx.config.feedsFile}, not ${request.feedsFile}; nothing was changed`);
    io.err(`  edit that file and run the command again with FEEDS_FILE=${ctx.config.feedsFile}`);
    return 1;
  }
  const file = await loadFeedsFile(ctx.config.feedsFile);
  const report = await syncSources(ctx.database.db, file.sources, { dryRun: request.dryRun });
  const verb = (done: string, planned: string) => (request.dryRun ? planned : done).padEnd(13);
  for (const slug of report.added) io.out(`${verb('added', 'would add')} ${slug}`);
  for (const slug of report.updated) io.out(`${verb('updated', 'would update')} ${slug}`);
  for (const slug of report.retired) io.out(`${verb('paused', 'would pause')} ${slug} (${RETIRED_REASON})`);
  const [added, updated, paused] = [report.added.length, report.updated.length, report.retired.length];
  if (!added && !updated && !paused) io.out(`nothing to change: the sources agree with ${ctx.config.feedsFile}`);
  else if (request.dryRun) io.out(`dry run: would add ${added}, update ${updated}, pause ${paused}; nothing was changed`);
  else io.out(`synced from ${ctx.config.feedsFile}: ${added} added, ${updated} updated, ${paused} paused`);
  if (ctx.inHub && JSON.stringify(file.topics) !== JSON.stringify((await ctx.feeds()).topics)) {
    io.out('the topics in the file changed too: restart the hub to use them, then run passerelle retag');
  }
  return 0;
}
