// `passerelle sources list`: every source with its health, as a table; and `sources add`,
// `remove`, `pause`, `resume`, `refresh`: the admin actions on one source.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { pauseSource, refreshSource, removeSource, resumeSource, type Actor } from '../pipeline/source-admin.ts';
import { previewSource, registerSource } from '../pipeline/subscribe.ts';
import { listSources } from '../store/sources-repo.ts';
import { explainRefusal, relativeTime, table } from './format.ts';
import { openHub } from './hub.ts';
import { PAGE_OPTIONS, pageInputOf, previewLines, selectorFlags } from './page-source-output.ts';
import type { Io } from './main.ts';
import { UsageError } from './usage.ts';

export async function runSources(config: Readonly<Config>, io: Io): Promise<number> {
  const hub = await openHub(config, createLogger('warn', process.stderr));
  try {
    const rows = await listSources(hub.database.db);
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
  } finally {
    await hub.close();
  }
}

export const SOURCE_ACTIONS = ['add', 'remove', 'pause', 'resume', 'refresh'] as const;
export type SourceAction = (typeof SOURCE_ACTIONS)[number];

/** Who the admin log names for changes made from the command line. */
export function cliActor(): Actor {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    /* no user name in some containers */
  }
  return { tokenId: null, token: user ? `cli:${user}` : 'cli' };
}

const splitList = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

/**
 * `passerelle sources add|remove|pause|resume|refresh`: the admin API's source actions, run
 * directly on the database (same checks, same admin log). Exit 0 done, 1 refused (the reason is
 * printed), 2 usage.
 */
export async function runSourceAction(config: Readonly<Config>, action: SourceAction, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options:
      action === 'add'
        ? {
            org: { type: 'string' },
            organization: { type: 'string' },
            region: { type: 'string' },
            province: { type: 'string' },
            lang: { type: 'string', multiple: true },
            topic: { type: 'string', multiple: true },
            title: { type: 'string' },
            slug: { type: 'string' },
            site: { type: 'string' },
            interval: { type: 'string' },
            feed: { type: 'string' },
            ...PAGE_OPTIONS,
          }
        : {},
  });
  if (positionals.length !== 1) throw new UsageError(`sources ${action} needs one ${action === 'add' ? 'URL' : 'SLUG'}`);
  const [target] = positionals;
  const v = values as Record<string, string | string[] | undefined>;
  const hub = await openHub(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr));
  const actor = cliActor();
  const db = hub.database.db;
  const admin = { db, logger: hub.logger.child({ component: 'admin' }) };
  try {
    switch (action) {
      case 'add': {
        const interval = v.interval === undefined ? undefined : Number(v.interval);
        const input = {
          url: target,
          organization: v.org ?? v.organization,
          region: v.region,
          ...(v.province ? { province: v.province } : {}),
          ...(v.lang ? { languages: splitList(v.lang as string[]) } : {}),
          topics: splitList(v.topic as string[] | undefined),
          ...(v.title ? { title: v.title } : {}),
          ...(v.slug ? { slug: v.slug } : {}),
          ...(v.site ? { siteUrl: v.site } : {}),
          ...(interval !== undefined ? { intervalMinutes: interval } : {}),
          ...(v.feed ? { feedUrl: v.feed } : {}),
          ...pageInputOf(v),
        };
        const subscribeDeps = { ...admin, fetch: config.fetch, topics: hub.feeds.topics };
        if (v.preview) {
          for (const line of previewLines(await previewSource(input, subscribeDeps))) io.out(line);
          return 0;
        }
        const result = await registerSource(input, subscribeDeps, actor);
        const s = result.source;
        io.out(`added ${s.slug}: ${s.title} — ${s.organization}`);
        if (s.kind === 'page') io.out(`  page     ${s.url} (read with ${selectorFlags(s.selectors!)})`);
        else io.out(`  feed     ${s.url}${result.via === 'direct' ? '' : ` (found ${result.via === 'link' ? 'linked from the page' : 'at a usual feed path'})`}`);
        io.out(`  region   ${s.region}${s.province ? ` / ${s.province}` : ''}; languages ${s.languages.join(', ')}; topics ${s.topics.join(', ') || '-'}`);
        io.out(`fetched on the scheduler's next tick, or now with: passerelle sources refresh ${s.slug}`);
        return 0;
      }
      case 'remove': {
        const { itemsDeleted } = await removeSource(admin, target, actor);
        io.out(`removed ${target} and its ${itemsDeleted} item${itemsDeleted === 1 ? '' : 's'}`);
        return 0;
      }
      case 'pause':
        await pauseSource(admin, target, actor);
        io.out(`paused ${target} (its items stay; resume with: passerelle sources resume ${target})`);
        return 0;
      case 'resume':
        await resumeSource(admin, target, actor);
        io.out(`resumed ${target}: due now`);
        return 0;
      case 'refresh': {
        const { outcome } = await refreshSource(hub.pipeline, target, actor, { owner: hub.scheduler.owner, leaseSeconds: config.schedule.leaseSeconds });
        io.out(`${target}: ${outcome.outcome}${outcome.status ? ` (${outcome.status})` : ''}${outcome.error ? ` — ${outcome.error}` : ''}; ${outcome.itemsNew} new, ${outcome.itemsUpdated} updated`);
        return outcome.outcome === 'failed' ? 1 : 0;
      }
    }
  } catch (err) {
    if (err instanceof AppError) {
      for (const line of explainRefusal(err as AppError & { details?: unknown })) io.err(line);
      return 1;
    }
    throw err;
  } finally {
    await hub.close();
  }
}
