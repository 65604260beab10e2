// FreshRSS as the peer: found on this machine (never downloaded by the benchmark, never kept in
// the repository), installed headless in a scratch directory with its own CLI, on PostgreSQL or
// SQLite, given the farm's feeds as OPML, and refreshed with `cli/actualize-user.php`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ScratchDatabase } from './scratch-database.ts';

const run = promisify(execFile);

/** Where FreshRSS's source is looked for when FRESHRSS_SRC is not set. */
export const DEFAULT_FRESHRSS_SRC = '/work/.mirror/FreshRSS+FreshRSS/repo';
export const USER = 'bench';

const HOW_TO_GET = `FreshRSS's source is needed. Get it once, outside this repository, and point FRESHRSS_SRC at it:
  git clone --depth 1 https://github.com/FreshRSS/FreshRSS.git ~/src/FreshRSS
  FRESHRSS_SRC=~/src/FreshRSS npm run bench peer
(a work tree or a bare git directory both do; the benchmark copies it into a scratch directory for each run)`;

const PHP_PACKAGES = 'php-cli php-pgsql php-sqlite3 php-xml php-mbstring php-curl php-intl';
/** What FreshRSS's own requirement check asks for, with the two database drivers compared here. */
const PHP_EXTENSIONS = ['curl', 'pdo_pgsql', 'pdo_sqlite', 'dom', 'xml', 'mbstring', 'ctype', 'fileinfo', 'json', 'pcre', 'intl'];

/** The PHP version, or an error saying what to install. */
export async function checkPhp(): Promise<string> {
  let out: string;
  try {
    const code = `echo PHP_VERSION, "\\n"; foreach (${JSON.stringify(PHP_EXTENSIONS)} as $e) if (!extension_loaded($e)) echo $e, "\\n";`;
    out = (await run('php', ['-r', code])).stdout;
  } catch {
    throw new Error(`PHP is not installed. On Debian: apt-get install ${PHP_PACKAGES}`);
  }
  const [version, ...missing] = out.trim().split('\n');
  if (missing.length) throw new Error(`PHP ${version} lacks ${missing.join(', ')}. On Debian: apt-get install ${PHP_PACKAGES}`);
  return version;
}

/** FreshRSS's source as given by FRESHRSS_SRC (or the default place), copied as a clean tree into `dest`. */
export async function exportFreshRss(dest: string): Promise<{ from: string; version: string }> {
  const from = process.env.FRESHRSS_SRC ?? (existsSync(DEFAULT_FRESHRSS_SRC) ? DEFAULT_FRESHRSS_SRC : undefined);
  if (!from || !existsSync(from)) {
    throw new Error(`${from ? `FRESHRSS_SRC=${from} does not exist. ` : ''}${HOW_TO_GET}`);
  }
  await mkdir(dest, { recursive: true });
  if (existsSync(path.join(from, 'cli', 'actualize-user.php'))) {
    await cp(from, dest, { recursive: true, filter: (p) => !p.includes(`${path.sep}.git`) });
  } else if (existsSync(path.join(from, 'HEAD')) || existsSync(path.join(from, '.git'))) {
    const gitDir = existsSync(path.join(from, 'HEAD')) ? from : path.join(from, '.git');
    await run('sh', ['-c', 'git --git-dir="$0" archive HEAD | tar -x -C "$1"', gitDir, dest]);
  } else {
    throw new Error(`${from} is neither a FreshRSS work tree nor its git directory. ${HOW_TO_GET}`);
  }
  if (!existsSync(path.join(dest, 'cli', 'actualize-user.php'))) throw new Error(`no cli/actualize-user.php in ${from}. ${HOW_TO_GET}`);
  const constants = await run('php', ['-r', 'require $argv[1]; echo FRESHRSS_VERSION;', path.join(dest, 'constants.php')]).catch(() => ({ stdout: '?' }));
  return { from, version: constants.stdout.trim() };
}

export type FreshRssDatabase = { kind: 'pgsql'; database: ScratchDatabase } | { kind: 'sqlite' };

export interface FreshRssInstance {
  dir: string;
  /** The timed command: one refresh of every feed of the user. */
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Rows in the user's entry table (and in its temporary one, which must be empty after a refresh). */
  countEntries(): Promise<{ entries: number; pending: number; feeds: number }>;
}

/** PHP's environment: nothing from ours but what it needs to run. */
function phpEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
}

/**
 * A fresh FreshRSS in `dir`: installed on the given database, one user, the OPML's feeds
 * imported and never fetched yet. Importing fetches nothing but favicons (in setup, not timed).
 */
export async function installFreshRss(src: string, dir: string, db: FreshRssDatabase, opmlFile: string): Promise<FreshRssInstance> {
  await cp(src, dir, { recursive: true });
  const php = async (script: string, args: string[]) => {
    try {
      return await run('php', [path.join('cli', script), ...args], { cwd: dir, env: phpEnv(), maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`FreshRSS ${script} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };
  const dbArgs =
    db.kind === 'pgsql'
      ? ['--db-type', 'pgsql', '--db-host', db.database.host, '--db-user', db.database.user, '--db-password', db.database.password, '--db-base', db.database.name, '--db-prefix', 'freshrss_']
      : ['--db-type', 'sqlite'];
  await php('do-install.php', ['--default-user', USER, '--base-url', 'http://localhost/', '--language', 'en', '--disable-update', ...dbArgs]);
  // A new user gets the instance's default feeds (FreshRSS's own news, on the internet) unless
  // data/opml.xml says otherwise: none, so the user has exactly the farm's feeds.
  await writeFile(path.join(dir, 'data', 'opml.xml'), '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>none</title></head><body/></opml>\n');
  await php('create-user.php', ['--user', USER, '--language', 'en']);
  await php('import-for-user.php', ['--user', USER, '--filename', opmlFile]);

  const countEntries = async () => {
    if (db.kind === 'pgsql') {
      // Table names carry the user (and, depending on the version, the prefix): found by suffix.
      const tables = await db.database.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' and (table_name like '%\\_entry' or table_name like '%\\_entrytmp' or table_name like '%\\_feed')",
      );
      const count = async (suffix: string) => {
        const table = tables.find((t) => t.table_name.endsWith(`_${suffix}`))?.table_name;
        if (!table) throw new Error(`no FreshRSS ${suffix} table in ${db.database.name}`);
        return Number((await db.database.query<{ n: string }>(`select count(*) as n from "${table}"`))[0].n);
      };
      return { entries: await count('entry'), pending: await count('entrytmp'), feeds: await count('feed') };
    }
    const file = path.join(dir, 'data', 'users', USER, 'db.sqlite');
    const { stdout } = await run('php', [
      '-r',
      '$d = new PDO("sqlite:" . $argv[1]); foreach (["entry", "entrytmp", "feed"] as $t) echo $d->query("select count(*) from $t")->fetchColumn(), " ";',
      file,
    ]);
    const [entries, pending, feeds] = stdout.trim().split(' ').map(Number);
    return { entries, pending, feeds };
  };

  return { dir, command: 'php', args: [path.join('cli', 'actualize-user.php'), '--user', USER], env: phpEnv(), countEntries };
}
