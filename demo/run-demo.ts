// `npm run demo`: a full hub on this machine, no internet needed. Starts the sample platforms,
// writes data/demo/feeds.yaml (the repository's topics + demo/sources.yaml), runs
// `passerelle serve` as a child process with demo settings, prints where everything is, and
// stops both on Ctrl-C.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { parseFeedsFile } from '../src/sources/feeds-file.ts';
import { startMailbox, type Mailbox } from './mailbox.ts';
import { DEMO_FEEDS, startSamplePlatforms, type SamplePlatforms } from './sample-platforms.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The origin demo/sources.yaml is written with; replaced by where the sample platforms really listen. */
const ORIGIN_IN_SOURCES = 'http://127.0.0.1:8090';
const FEEDS_FILE = 'data/demo/feeds.yaml';
const DATA_DIR = 'data/demo';

export interface ComposeOptions {
  /** The repository's feeds.yaml: only its `topics:` and `lexicon:` are taken (none if it is missing). */
  repoFeedsFile: string;
  /** demo/sources.yaml */
  demoSourcesFile: string;
  /** Where the sample platforms listen, e.g. http://127.0.0.1:8090 */
  platformsUrl: string;
}

export interface ComposedFeeds {
  text: string;
  topics: number;
  sources: number;
  /** Source topics dropped because the taxonomy does not have them. */
  warnings: string[];
}

/** The demo's feeds file: the repository's taxonomy and the demo's sources, checked like the hub will. */
export async function composeDemoFeeds(options: ComposeOptions): Promise<ComposedFeeds> {
  const { topics, lexicon } = await readTaxonomy(options.repoFeedsFile);
  const demo = (parse(await readFile(options.demoSourcesFile, 'utf8')) ?? {}) as { sources?: Record<string, unknown>[] };
  const known = new Set(topics.map((t) => (t as { slug?: unknown }).slug));
  const warnings: string[] = [];
  const sources = (demo.sources ?? []).map((source) => {
    const s = { ...source };
    for (const key of ['url', 'siteUrl'] as const) {
      if (typeof s[key] === 'string' && s[key].startsWith(ORIGIN_IN_SOURCES)) s[key] = options.platformsUrl + s[key].slice(ORIGIN_IN_SOURCES.length);
    }
    // The hub refuses a source topic its taxonomy lacks; the demo should still start with an older taxonomy.
    if (known.size > 0 && Array.isArray(s.topics)) {
      s.topics = s.topics.filter((t) => {
        if (known.has(t)) return true;
        warnings.push(`source ${String(s.slug)}: topic "${String(t)}" is not in the taxonomy, left out`);
        return false;
      });
    }
    return s;
  });
  const header = [
    '# Written by `npm run demo` — edit demo/sources.yaml (sources) or feeds.yaml (topics) instead.',
    `# topics: from ${path.relative(ROOT, options.repoFeedsFile) || options.repoFeedsFile}; sources: from ${path.relative(ROOT, options.demoSourcesFile) || options.demoSourcesFile}`,
    '',
  ].join('\n');
  const text = header + stringify({ topics, ...(lexicon.length ? { lexicon } : {}), sources }, { lineWidth: 0 });
  parseFeedsFile(text, FEEDS_FILE); // the same checks the hub makes, reported before it starts
  return { text, topics: topics.length, sources: sources.length, warnings };
}

/** The repository's topics and its additions to the English–French lexicon (none when the file is missing). */
async function readTaxonomy(file: string): Promise<{ topics: unknown[]; lexicon: unknown[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { topics: [], lexicon: [] };
    throw err;
  }
  const doc = (parse(text) ?? {}) as { topics?: unknown; lexicon?: unknown };
  return { topics: Array.isArray(doc.topics) ? doc.topics : [], lexicon: Array.isArray(doc.lexicon) ? doc.lexicon : [] };
}

async function waitUntilReady(url: string, isAlive: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isAlive()) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function runDemo(): Promise<void> {
  const hubPort = process.env.PORT || '8080';
  const hubHost = process.env.HOST || '127.0.0.1';
  let platforms: SamplePlatforms;
  try {
    platforms = await startSamplePlatforms({ log: process.env.DEMO_PLATFORMS_LOG ? (line) => console.log(`[platforms] ${line}`) : undefined });
  } catch (err) {
    console.error(`demo: cannot start the sample platforms: ${(err as Error).message}`);
    console.error('demo: is another demo running? Set DEMO_PLATFORMS_PORT to use another port.');
    process.exitCode = 1;
    return;
  }

  let composed: ComposedFeeds;
  try {
    composed = await composeDemoFeeds({
      repoFeedsFile: path.join(ROOT, 'feeds.yaml'),
      demoSourcesFile: path.join(ROOT, 'demo', 'sources.yaml'),
      platformsUrl: platforms.url,
    });
    await mkdir(path.join(ROOT, DATA_DIR), { recursive: true });
    await writeFile(path.join(ROOT, FEEDS_FILE), composed.text);
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
    await platforms.close();
    process.exitCode = 1;
    return;
  }
  for (const w of composed.warnings) console.warn(`demo: ${w}`);
  let mailbox: Mailbox;
  try {
    mailbox = await startMailbox({ smtpPort: Number(process.env.DEMO_SMTP_PORT || 2525), pagePort: Number(process.env.DEMO_MAILBOX_PORT || 8025) });
  } catch (err) {
    console.error(`demo: cannot start the demo mailbox: ${(err as Error).message} (set DEMO_SMTP_PORT or DEMO_MAILBOX_PORT to use other ports)`);
    await platforms.close();
    process.exitCode = 1;
    return;
  }
  // The demo's admin token, so the admin pages (and their "send every digest now" button) can be tried.
  const adminToken = process.env.ADMIN_TOKEN || 'demo-admin-token-change-me';
  const taxonomy = composed.topics ? `${composed.topics} topics from feeds.yaml` : 'no topics in feeds.yaml yet';
  console.log(`demo: sample platforms on ${platforms.url}/ — ${composed.sources} sources, ${taxonomy}; starting the hub…`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FEEDS_FILE,
    DATA_DIR,
    ALLOW_PRIVATE_NETWORKS: 'true', // the sample platforms are on loopback; never set this outside the demo
    PORT: hubPort,
    HOST: hubHost,
    SCHEDULER_TICK: '*/5 * * * * *',
    LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    // Email digests go to the demo mailbox, never to the internet.
    SMTP_URL: mailbox.smtpUrl,
    MAIL_FROM: 'Passerelle demo <digests@passerelle.example>',
    MAIL_SENDER_NAME: 'Passerelle demo hub',
    MAIL_SENDER_ADDRESS: '123 Example Street, Ottawa ON K1A 0A1',
    ADMIN_TOKEN: adminToken,
  };
  // The demo always uses its own embedded database and addresses, whatever this shell has set.
  for (const key of ['DATABASE_URL', 'PUBLIC_URL', 'PRIVATE_NETWORK_ALLOWLIST']) delete env[key];

  // Its own process group, so a Ctrl-C reaches the hub once, through us, and not twice.
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'passerelle.js'), 'serve'], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
    detached: process.platform !== 'win32',
  });
  let alive = true;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!alive) return;
    const now = Date.now();
    if (firstSignalAt === 0) {
      firstSignalAt = now;
      console.error(`\ndemo: stopping (${signal})… press Ctrl-C again to force`);
      child.kill(signal);
    } else if (now - firstSignalAt > 1000) {
      // A second, deliberate Ctrl-C (npm may relay the first one a moment later; that one is ignored).
      console.error('demo: forcing the hub to stop');
      child.kill('SIGKILL');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    if (alive) child.kill('SIGKILL');
  });

  const exited = new Promise<number>((resolve) => {
    child.once('error', (err) => {
      console.error(`demo: cannot start the hub: ${err.message}`);
      alive = false;
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      alive = false;
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });

  const probeHost = hubHost === '0.0.0.0' || hubHost === '::' ? '127.0.0.1' : hubHost.includes(':') ? `[${hubHost}]` : hubHost;
  void waitUntilReady(`http://${probeHost}:${hubPort}/healthz`, () => alive, 120_000).then((ready) => {
    if (!ready || !alive) return;
    const hub = `http://localhost:${hubPort}`;
    console.log(
      [
        '',
        '  Passerelle demo — running offline',
        `    Hub               ${hub}/`,
        `    Events            ${hub}/en/events   (calendar: ${hub}/calendar/all.ics)`,
        `    Items (JSON)      ${hub}/api/items`,
        `    Sources, health   ${hub}/api/sources`,
        `    Sample platforms  ${platforms.url}/   (${DEMO_FEEDS.length} sources; northern-gateway is broken on purpose)`,
        `    Demo mailbox      ${mailbox.pageUrl}/   (email digests: subscribe in any page's Subscribe box, confirm from here)`,
        `    Admin             ${hub}/admin   (token: ${adminToken}; Email digests → "Send every digest now")`,
        `    Data              ${DATA_DIR}/   (delete it to start afresh)`,
        '  The hub fetches every source within seconds. Ctrl-C stops both.',
        '',
      ].join('\n'),
    );
  });

  const code = await exited;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await platforms.close();
  await mailbox.close();
  if (code === 78) console.error(`demo: the hub refused its configuration (see above); the feeds file is ${FEEDS_FILE}`);
  process.exitCode = code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runDemo();
}
