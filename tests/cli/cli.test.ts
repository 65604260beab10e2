import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { commandRunner } from '../helpers/cli.ts';
import { serveStatus, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('passerelle command', () => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startFeedServer();
    server.route('/good.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss([['1', 'Un'], ['2', 'Deux']])));
    server.route('/bad.xml', serveStatus(503));
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-cli-'));
    await writeFile(
      path.join(dir, 'feeds.yaml'),
      `sources:
  - slug: good
    url: ${server.url('/good.xml')}
    title: Good
    organization: Good Org
    region: quebec
    languages: [fr]
  - slug: bad
    url: ${server.url('/bad.xml')}
    title: Bad
    organization: Bad Org
    region: bc
    languages: [en]
`,
    );
    env = { FEEDS_FILE: path.join(dir, 'feeds.yaml'), DATA_DIR: path.join(dir, 'data'), PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = commandRunner(() => env);

  it('only sources sync registers what feeds.yaml lists; --dry-run says what it would change', async () => {
    expect((await run(['sources', 'list'])).out.split('\n')).toHaveLength(1);
    expect((await run(['fetch', '--once'])).out).toMatch(/no source is registered yet \(register the ones in feeds\.yaml with: passerelle sources sync\)/);
    const dry = await run(['sources', 'sync', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^would add\s+good$/m);
    expect(dry.out).toMatch(/dry run: would add 2, update 0, pause 0; nothing was changed/);
    expect((await run(['sources', 'list'])).out.split('\n')).toHaveLength(1);
    const done = await run(['sources', 'sync']);
    expect(done.out).toMatch(/^added\s+bad$/m);
    expect(done.out).toMatch(/synced from .*feeds\.yaml: 2 added, 0 updated, 0 paused/);
    expect((await run(['sources', 'sync'])).out).toMatch(/nothing to change: the sources agree with/);
  });

  it('a read command with another feeds file changes nothing', async () => {
    const other = path.join(dir, 'other.yaml');
    await writeFile(other, 'sources: []\n');
    expect((await run(['sources', 'list'], { FEEDS_FILE: other })).out).toMatch(/^good\s+active/m);
    expect((await run(['tokens', 'list'], { FEEDS_FILE: other })).code).toBe(0);
    expect((await run(['sources', 'sync', '--dry-run'], { FEEDS_FILE: other })).out).toMatch(/^would pause\s+good \(no longer listed in feeds\.yaml\)$/m);
    expect((await run(['sources', 'list'])).out).toMatch(/^good\s+active/m);
  });

  it('fetch --once shows progress and a summary; a failing source does not stop the other', async () => {
    const r = await run(['fetch', '--once']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\[\d\] good\s+ok\s+2 new, 0 updated/);
    expect(r.out).toMatch(/\[\d\] bad\s+failed\s+service unavailable \(503\)/);
    expect(r.out).toMatch(/sources: 1 ok, 0 not modified, 1 failed; items: 2 new, 0 updated/);
  });

  it('fetch --once again finds nothing due; --all refetches with conditional requests', async () => {
    expect((await run(['fetch', '--once'])).out).toMatch(/nothing to fetch/);
    const all = await run(['fetch', '--once', '--all']);
    expect(all.out).toMatch(/sources: 0 ok, 1 not modified, 1 failed/);
    const one = await run(['fetch', '--once', '--source', 'good']);
    expect(one.out).toMatch(/sources: 0 ok, 1 not modified, 0 failed/);
    expect((await run(['fetch', '--once', '--source', 'nope'])).err).toMatch(/unknown source: nope/);
  });

  it('sources list shows each source with its health', async () => {
    const r = await run(['sources', 'list']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^SOURCE\s+STATUS\s+LAST FETCH\s+HTTP\s+ITEMS\s+NEXT FETCH\s+LAST ERROR$/);
    const ago = '(just now|\\d+ s ago)';
    expect(lines.find((l) => l.startsWith('bad'))).toMatch(new RegExp(`active\\s+${ago}\\s+503\\s+0\\s+in \\d+ (min|h)\\s+service unavailable \\(503\\)`));
    expect(lines.find((l) => l.startsWith('good'))).toMatch(new RegExp(`active\\s+${ago}\\s+200\\s+2\\s+in`));
  });

  it('parse FILE prints what the parser and normalizer make of a feed', async () => {
    const file = path.join(dir, 'one.xml');
    await writeFile(file, rss([['p1', 'Caf&amp;eacute; <![CDATA[ &amp; ]]>']]));
    const r = await run(['parse', file, '--url', 'https://platform.example.ca/feed']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ encoding: 'utf-8', format: 'rss2', title: 'Test platform' });
    expect(doc.items[0].item).toMatchObject({ key: 'g:p1', url: 'https://platform.example.ca/news/p1' });
  });

  it('a broken feeds file stops with every problem, by line', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'sources:\n  - slug: x\n    url: nope\n');
    const r = await run(['sources', 'sync'], { FEEDS_FILE: bad });
    expect(r.code).toBe(78);
    expect(r.err).toMatch(/line 3: sources\.0\.url: must be an absolute http\(s\) URL/);
    expect(r.err).toMatch(/sources\.0\.title/);
  });

  it('refuses unknown commands and options with the usage', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    const r = await run(['fetch', '--everything']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Usage:/);
  });

  it('serve answers HTTP and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/passerelle.js'), 'serve', '--no-scheduler'], {
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /"msg":"listening"/.test(output) && /"url":"(http:\/\/[^"]+)"/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    const res = await fetch(`${url}/api/items?source=good`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(2);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(output).toMatch(/"msg":"stopped"/);
  });
});

describe('passerelle retag', () => {
  it('re-tags stored items when the taxonomy changes', async () => {
    const server = await startFeedServer();
    server.route('/f.xml', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss([['1', 'Bike repair workshop for newcomers', 'Learn to fix a bicycle and ride safely to work.']])),
    );
    const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-retag-'));
    const feeds = (keyword: string) => `topics:
  - slug: transportation
    label: { en: Transportation, fr: Transport }
    keywords: { en: [${keyword}], fr: [] }
sources:
  - slug: bikes
    url: ${server.url('/f.xml')}
    title: Bikes
    organization: Bike Org
    region: prairies
    languages: [en]
`;
    await writeFile(path.join(dir, 'feeds.yaml'), feeds('bus pass'));
    const env = { FEEDS_FILE: path.join(dir, 'feeds.yaml'), DATA_DIR: path.join(dir, 'data'), PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'silent' };
    const io = (out: string[]) => ({ out: (l: string) => out.push(l), err: () => {}, env });
    try {
      expect(await main(['sources', 'sync'], io([]))).toBe(0);
      expect(await main(['fetch', '--once'], io([]))).toBe(0);
      await writeFile(path.join(dir, 'feeds.yaml'), feeds('bike, bicycle'));
      const out: string[] = [];
      expect(await main(['retag'], io(out))).toBe(0);
      expect(out.at(-1)).toBe('retagged: 1 of 1 items changed');
      const again: string[] = [];
      await main(['retag'], io(again));
      expect(again.at(-1)).toBe('retagged: 0 of 1 items changed');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
