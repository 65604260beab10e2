import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { commandRunner } from '../helpers/cli.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';

describe('passerelle retention', () => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startFeedServer();
    server.route('/f.xml', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
        rss([
          ['1', 'Housing fair for newcomers', 'Meet landlords.', 'Wed, 01 May 2024 12:00:00 GMT'],
          ['2', 'Language classes open', 'Register now.', 'Thu, 02 May 2024 12:00:00 GMT'],
          ['3', 'Credential recognition webinar', 'Engineers and nurses.', 'Fri, 03 May 2024 12:00:00 GMT'],
        ]),
      ),
    );
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-retention-'));
    await writeFile(path.join(dir, 'feeds.yaml'), `sources:\n  - slug: one\n    url: ${server.url('/f.xml')}\n    title: One\n    organization: One Org\n    region: bc\n    languages: [en]\n`);
    env = { FEEDS_FILE: path.join(dir, 'feeds.yaml'), DATA_DIR: path.join(dir, 'data'), PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = commandRunner(() => env);

  it('has generous defaults: no age limit, 5,000 items per source, a daily run, a year of admin log and of unused saved feeds', () => {
    expect(loadConfig({}).retention).toEqual({ days: 0, maxItemsPerSource: 5000, schedule: '0 30 3 * * *', adminLogDays: 365, savedFeedUnusedDays: 365 });
    expect(loadConfig({ RETENTION_DAYS: '90', RETENTION_MAX_ITEMS_PER_SOURCE: '0' }).retention).toMatchObject({ days: 90, maxItemsPerSource: 0 });
    expect(() => loadConfig({ RETENTION_DAYS: '-1' })).toThrow(/RETENTION_DAYS/);
  });

  it('--dry-run says what would go, --now deletes it', async () => {
    expect((await run(['sources', 'sync'])).code).toBe(0);
    expect((await run(['fetch', '--once'])).out).toMatch(/3 new/);
    const limits = { RETENTION_MAX_ITEMS_PER_SOURCE: '1' };
    const dry = await run(['retention', '--dry-run'], limits);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/would delete: 0 items by age, 2 by count, 0 admin log entries/);
    const now = await run(['retention', '--now'], limits);
    expect(now.out).toMatch(/deleted: 0 items by age, 2 by count/);
    expect((await run(['sources', 'list'])).out).toMatch(/^one\s+active\s+(just now|\d+ s ago)\s+200\s+1\s/m);
    expect((await run(['retention', '--dry-run'], limits)).out).toMatch(/would delete: 0 items by age, 0 by count/);
    // Seven commands, each opening the embedded database on disk by itself.
  }, 120_000);

  it('needs exactly one of --dry-run and --now', async () => {
    expect((await run(['retention'])).code).toBe(2);
    expect((await run(['retention', '--dry-run', '--now'])).code).toBe(2);
  });
});
