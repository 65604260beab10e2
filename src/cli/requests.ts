// What each database command asks for, read from its arguments where it was typed. Local files
// (an OPML file) are read here too, so a request is complete in itself: it runs the same in this
// process or in the running hub it is sent to (cli/dispatch.ts).
import { readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { isOneOf, REGIONS, type Language, type Region } from '../core/types.ts';
import { DEFAULT_OPML_LIMITS } from '../parse/opml.ts';
import type { Actor } from '../pipeline/source-admin.ts';
import { languagesFrom } from '../sources/source-input.ts';
import { PAGE_OPTIONS, pageInputOf } from './page-source-output.ts';
import { UsageError } from './usage.ts';

export const SOURCE_ACTIONS = ['remove', 'pause', 'resume', 'refresh'] as const;
export type SourceAction = (typeof SOURCE_ACTIONS)[number];

export type CommandRequest =
  | { name: 'sources list' }
  | { name: 'sources add'; input: Record<string, unknown>; preview: boolean; actor: Actor }
  | { name: 'sources action'; action: SourceAction; slug: string; actor: Actor }
  | { name: 'sources sync'; dryRun: boolean; feedsFile: string }
  | { name: 'opml import'; file: string; text: string; region?: Region; languages?: Language[]; dryRun: boolean; actor: Actor }
  | { name: 'tokens create'; tokenName: string; readOnly: boolean; actor: Actor }
  | { name: 'tokens list' }
  | { name: 'tokens revoke'; tokenName: string; actor: Actor }
  | { name: 'fetch'; all: boolean; slugs?: string[] }
  | { name: 'retag' }
  | { name: 'retention'; dryRun: boolean }
  | { name: 'digests send' };

export const COMMAND_NAMES: readonly string[] = [
  'sources list', 'sources add', 'sources action', 'sources sync', 'opml import',
  'tokens create', 'tokens list', 'tokens revoke', 'fetch', 'retag', 'retention', 'digests send',
] satisfies CommandRequest['name'][];

/** The commands that read or change the database, by their first word. */
export const DATABASE_COMMANDS = ['sources', 'tokens', 'opml', 'fetch', 'retag', 'retention', 'digests'] as const;

/** Who the admin log names for changes made from the command line: the user who typed them. */
export function cliActor(): Actor {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    /* no user name in some containers */
  }
  return { tokenId: null, token: user ? `cli:${user}` : 'cli' };
}

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$/;

const splitList = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

/** Reads `passerelle <command> …` into a request; throws UsageError for a mistake in how it was called. */
export async function readRequest(command: (typeof DATABASE_COMMANDS)[number], args: string[], feedsFile: string): Promise<CommandRequest> {
  switch (command) {
    case 'sources':
      return readSources(args, feedsFile);
    case 'tokens':
      return readTokens(args);
    case 'opml':
      return readOpmlImport(args);
    case 'fetch': {
      const { values } = parseArgs({
        args,
        options: { once: { type: 'boolean' }, all: { type: 'boolean' }, source: { type: 'string', multiple: true } },
        strict: true,
      });
      return { name: 'fetch', all: !!values.all, slugs: values.source };
    }
    case 'retag':
      parseArgs({ args, options: {}, strict: true });
      return { name: 'retag' };
    case 'retention': {
      const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' }, now: { type: 'boolean' } }, strict: true });
      if (!!values['dry-run'] === !!values.now) throw new UsageError('retention needs --dry-run or --now');
      return { name: 'retention', dryRun: !!values['dry-run'] };
    }
    case 'digests': {
      const { values, positionals } = parseArgs({ args, options: { now: { type: 'boolean' } }, allowPositionals: true, strict: true });
      if (positionals.length !== 1 || positionals[0] !== 'send' || !values.now) throw new UsageError('digests needs: digests send --now');
      return { name: 'digests send' };
    }
  }
}

function readSources([sub, ...args]: string[], feedsFile: string): CommandRequest {
  if (sub === 'list') {
    parseArgs({ args, options: {}, strict: true });
    return { name: 'sources list' };
  }
  if (sub === 'sync') {
    const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, strict: true });
    return { name: 'sources sync', dryRun: !!values['dry-run'], feedsFile };
  }
  if (sub === 'add') return readSourceAdd(args);
  if ((SOURCE_ACTIONS as readonly string[]).includes(sub)) {
    const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
    if (positionals.length !== 1) throw new UsageError(`sources ${sub} needs one SLUG`);
    return { name: 'sources action', action: sub as SourceAction, slug: positionals[0], actor: cliActor() };
  }
  throw new UsageError(`unknown sources command "${sub ?? ''}" (try: sources list, add, remove, pause, resume, refresh, sync)`);
}

function readSourceAdd(args: string[]): CommandRequest {
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
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
    },
  });
  if (positionals.length !== 1) throw new UsageError('sources add needs one URL');
  const interval = v.interval === undefined ? undefined : Number(v.interval);
  const input = {
    url: positionals[0],
    organization: v.org ?? v.organization,
    region: v.region,
    ...(v.province ? { province: v.province } : {}),
    ...(v.lang ? { languages: splitList(v.lang) } : {}),
    topics: splitList(v.topic),
    ...(v.title ? { title: v.title } : {}),
    ...(v.slug ? { slug: v.slug } : {}),
    ...(v.site ? { siteUrl: v.site } : {}),
    ...(interval !== undefined ? { intervalMinutes: interval } : {}),
    ...(v.feed ? { feedUrl: v.feed } : {}),
    ...pageInputOf(v),
  };
  return { name: 'sources add', input, preview: !!v.preview, actor: cliActor() };
}

function readTokens([sub, ...args]: string[]): CommandRequest {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: sub === 'create' ? { name: { type: 'string' }, 'read-only': { type: 'boolean' } } : {},
  });
  if (sub === 'create') {
    if (positionals.length) throw new UsageError('tokens create takes --name NAME [--read-only]');
    const name = values.name as string | undefined;
    if (!name || !TOKEN_NAME.test(name)) throw new UsageError('tokens create needs --name NAME (letters, digits and . _ @ : -, at most 64)');
    return { name: 'tokens create', tokenName: name, readOnly: !!values['read-only'], actor: cliActor() };
  }
  if (sub === 'revoke') {
    if (positionals.length !== 1) throw new UsageError('tokens revoke needs one NAME');
    return { name: 'tokens revoke', tokenName: positionals[0], actor: cliActor() };
  }
  if (sub === 'list') {
    if (positionals.length) throw new UsageError('tokens list takes no arguments');
    return { name: 'tokens list' };
  }
  throw new UsageError(`unknown tokens command "${sub ?? ''}" (try: tokens create, list, revoke)`);
}

/** An OPML file too large to import, refused before it is read. */
export class OpmlTooLargeError extends Error {}

async function readOpmlImport([sub, ...args]: string[]): Promise<CommandRequest> {
  if (sub !== 'import') throw new UsageError(`unknown opml command "${sub ?? ''}" (try: opml import FILE; the export is GET /opml/sources.opml)`);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { region: { type: 'string' }, lang: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('opml import needs one FILE');
  const region = values.region;
  if (region !== undefined && !isOneOf(REGIONS, region)) {
    throw new UsageError(`--region: unknown region "${region}"; accepted: ${REGIONS.join(', ')}`);
  }
  const languages = values.lang === undefined ? undefined : languagesFrom(values.lang);
  if (languages?.length === 0) throw new UsageError('--lang: must list en and/or fr, comma-separated');
  const file = positionals[0];
  if ((await stat(file)).size > DEFAULT_OPML_LIMITS.maxBytes) {
    throw new OpmlTooLargeError(`OPML import refused: ${file} is larger than ${DEFAULT_OPML_LIMITS.maxBytes / 1024} KiB; nothing was imported`);
  }
  return {
    name: 'opml import',
    file,
    text: await readFile(file, 'utf8'),
    region,
    languages,
    dryRun: !!values['dry-run'],
    actor: cliActor(),
  };
}
