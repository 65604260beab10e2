// The `passerelle` command: reads the command line and hands each command to the code that runs
// it. The modules that do the work are loaded only for the command that needs them, so a command
// sent to the running hub starts in a fraction of a second.
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';
import { DataDirBusyError } from '../store/data-dir-lock.ts';
import { processIo, type Io } from './io.ts';
import { installProcessHooks } from './process-hooks.ts';
import { DATABASE_COMMANDS, OpmlTooLargeError, readRequest } from './requests.ts';
import { UsageError } from './usage.ts';

const USAGE = `passerelle — a bilingual feed hub for the settlement sector

Usage:
  passerelle serve [--no-scheduler]     serve the hub (web + fetcher); --no-scheduler: web only
  passerelle worker                     fetch on schedule, no web server
                                        (with METRICS_PORT: /healthz, /readyz and /metrics there)
  passerelle fetch --once [--all] [--source SLUG …]
                                        fetch due sources now (--all: every source; --source: those)
  passerelle sources list               each source with its health
  passerelle sources sync [--dry-run]   bring the sources in line with feeds.yaml (--dry-run: say what would change)
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
  passerelle backup FILE                write a consistent copy of the whole database to FILE
  passerelle restore FILE [--force]     load a backup into an empty database (--force: replace what is there)
  passerelle parse FILE [--url URL]     show what the parser and normalizer make of one feed file
  passerelle digests send --now         send every confirmed email digest now, as if due (needs SMTP_URL)

While a hub runs on the embedded database (./data), the commands above are sent to it and run
there. Settings come from the environment (see README): PORT, DATABASE_URL, DATA_DIR, FEEDS_FILE, …`;

/** Runs a command; resolves to the exit code (long-running commands resolve when they stop). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({ args: rest, options: { 'no-scheduler': { type: 'boolean' } }, strict: true });
        const { runServe } = await import('./serve-command.ts');
        return await runServe(loadConfig(io.env), { scheduler: !values['no-scheduler'], web: true, command: 'serve' });
      }
      case 'worker': {
        parseArgs({ args: rest, options: {}, strict: true });
        const { runServe } = await import('./serve-command.ts');
        return await runServe(loadConfig(io.env), { scheduler: true, web: false, command: 'worker' });
      }
      case 'parse': {
        const { values, positionals } = parseArgs({ args: rest, options: { url: { type: 'string' } }, allowPositionals: true, strict: true });
        if (positionals.length !== 1) throw new UsageError('parse needs one FILE');
        const { runParse } = await import('./parse-command.ts');
        return await runParse(positionals[0], values.url, io);
      }
      case 'backup': {
        const { runBackup } = await import('./backup-command.ts');
        return await runBackup(loadConfig(io.env), rest, io);
      }
      case 'restore': {
        const { runRestore } = await import('./backup-command.ts');
        return await runRestore(loadConfig(io.env), rest, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
    }
    if ((DATABASE_COMMANDS as readonly string[]).includes(command)) {
      const config = loadConfig(io.env);
      const request = await readRequest(command as (typeof DATABASE_COMMANDS)[number], rest, config.feedsFile);
      const { dispatch } = await import('./dispatch.ts');
      return await dispatch(config, request, io);
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78; // EX_CONFIG
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof DataDirBusyError) {
      for (const line of explainBusy(err, command)) io.err(line);
      return 1;
    }
    if (err instanceof OpmlTooLargeError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    io.err(`error: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

/** What to tell someone whose command found the data directory owned by another process. */
export function explainBusy(err: DataDirBusyError, command: string | undefined): string[] {
  const { holder } = err;
  const hub = holder.command === 'serve' || holder.command === 'worker';
  const lines = [`error: ${err.message}.`, 'Only one process may open the embedded database.'];
  if (command === 'serve' || command === 'worker') {
    lines.push(
      hub
        ? '  - To use the running hub, leave it running: passerelle commands (sources, tokens, opml, backup, …) are sent to it.'
        : `  - Wait for that command to finish, then start this one.`,
      `  - To replace it, stop it first (SIGTERM or Ctrl-C: it stops cleanly), then start this one.`,
      '  - To run several processes on one database, use PostgreSQL: set DATABASE_URL (README: "Who owns ./data").',
    );
  } else if (command === 'restore') {
    lines.push('  - A restore replaces the data: stop that process first (SIGTERM or Ctrl-C), then run the restore again.');
  } else {
    lines.push(hub ? '  - It did not answer: check that it is running properly, or stop it and run the command again.' : '  - Wait for it to finish, then run the command again.');
  }
  return lines;
}

/** The `passerelle` process itself (bin/passerelle.js): the process hooks, then the command. */
export async function runProcess(argv: string[]): Promise<number> {
  installProcessHooks();
  return main(argv);
}
