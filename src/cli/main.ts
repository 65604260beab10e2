// The `passerelle` command: serve, worker, fetch, sources, parse.
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { runFetch } from './fetch-command.ts';
import { runParse } from './parse-command.ts';
import { runRetag } from './retag-command.ts';
import { runRetention } from './retention-command.ts';
import { runServe } from './serve-command.ts';
import { runOpml } from './opml-command.ts';
import { runSourceAction, runSources, SOURCE_ACTIONS } from './sources-command.ts';
import { runTokens } from './tokens-command.ts';
import { UsageError } from './usage.ts';

const USAGE = `passerelle — a bilingual feed hub for the settlement sector

Usage:
  passerelle serve [--no-scheduler]     serve the hub (web + fetcher); --no-scheduler: web only
  passerelle worker                     fetch on schedule, no web server
                                        (with METRICS_PORT: /healthz, /readyz and /metrics there)
  passerelle fetch --once [--all] [--source SLUG …]
                                        fetch due sources now (--all: every source; --source: those)
  passerelle sources list               each source with its health
  passerelle retag                      re-tag stored items after the taxonomy changed
  passerelle sources add URL --org ORG --region REGION [--province P] [--lang en,fr] [--topic T …]
                         [--title T] [--slug S] [--site URL] [--interval MIN] [--feed FEED-URL]
                         [--page --item SEL [--item-title SEL] [--item-link SEL] [--item-date SEL]
                          [--item-summary SEL]] [--preview]
                                        register a feed, a site whose feed is discovered, or a web
                                        page read with CSS selectors; --preview saves nothing
  passerelle sources remove|pause|resume|refresh SLUG
                                        delete (with its items), stop, restart or fetch one source now
  passerelle opml import FILE [--region R] [--lang en,fr] [--dry-run]
                                        register every feed of an OPML file (all or nothing)
  passerelle tokens create --name NAME [--read-only] | tokens list | tokens revoke NAME
                                        admin API tokens (a new token is printed once)
  passerelle retention --dry-run|--now  what the retention settings would delete, or delete it now
  passerelle parse FILE [--url URL]     show what the parser and normalizer make of one feed file

Settings come from the environment (see README): PORT, DATABASE_URL, DATA_DIR, FEEDS_FILE, …`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
};

/** Runs a command; resolves to the exit code (long-running commands resolve when they stop). */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({ args: rest, options: { 'no-scheduler': { type: 'boolean' } }, strict: true });
        return await runServe(loadConfig(io.env), { scheduler: !values['no-scheduler'], web: true });
      }
      case 'worker':
        parseArgs({ args: rest, options: {}, strict: true });
        return await runServe(loadConfig(io.env), { scheduler: true, web: false });
      case 'fetch': {
        const { values } = parseArgs({
          args: rest,
          options: { once: { type: 'boolean' }, all: { type: 'boolean' }, source: { type: 'string', multiple: true } },
          strict: true,
        });
        return await runFetch(loadConfig(io.env), { all: !!values.all, slugs: values.source }, io);
      }
      case 'sources': {
        const [sub, ...more] = rest;
        if ((SOURCE_ACTIONS as readonly string[]).includes(sub)) return await runSourceAction(loadConfig(io.env), sub as (typeof SOURCE_ACTIONS)[number], more, io);
        parseArgs({ args: more, options: {}, strict: true });
        if (sub !== 'list') throw new UsageError(`unknown sources command "${sub ?? ''}" (try: sources list, add, remove, pause, resume, refresh)`);
        return await runSources(loadConfig(io.env), io);
      }
      case 'retag':
        parseArgs({ args: rest, options: {}, strict: true });
        return await runRetag(loadConfig(io.env), io);
      case 'tokens':
        return await runTokens(loadConfig(io.env), rest, io);
      case 'opml':
        return await runOpml(loadConfig(io.env), rest, io);
      case 'retention': {
        const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' }, now: { type: 'boolean' } }, strict: true });
        if (!!values['dry-run'] === !!values.now) throw new UsageError('retention needs --dry-run or --now');
        return await runRetention(loadConfig(io.env), { dryRun: !!values['dry-run'] }, io);
      }
      case 'parse': {
        const { values, positionals } = parseArgs({ args: rest, options: { url: { type: 'string' } }, allowPositionals: true, strict: true });
        if (positionals.length !== 1) throw new UsageError('parse needs one FILE');
        return await runParse(positionals[0], values.url, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78; // EX_CONFIG
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`error: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

