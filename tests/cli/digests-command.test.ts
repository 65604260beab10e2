// `passerelle digests send --now` from the command line, on the embedded database: every confirmed
// subscription's digest goes out at once to a real SMTP server; without SMTP_URL it says how to
// turn mail on and sends nothing.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { commandRunner } from '../helpers/cli.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { rss } from '../helpers/hub.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.ts';

describe('passerelle digests send --now', () => {
  let server: FeedServer;
  let catcher: SmtpCatcher;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startFeedServer();
    const now = new Date().toUTCString();
    server.route('/f.xml', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
        rss([
          ['1', 'Housing fair for newcomers', 'Meet landlords and tenant advocates.', now],
          ['2', 'Rental help clinic opens in Moncton', 'Free advice on leases.', now],
        ]),
      ),
    );
    catcher = await startSmtpCatcher();
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-digests-cli-'));
    await writeFile(
      path.join(dir, 'feeds.yaml'),
      `sources:\n  - slug: one\n    url: ${server.url('/f.xml')}\n    title: One\n    organization: One Org\n    region: atlantic\n    languages: [en]\n    topics: [housing]\n`,
    );
    env = { FEEDS_FILE: path.join(dir, 'feeds.yaml'), DATA_DIR: path.join(dir, 'data'), PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'silent', PUBLIC_URL: 'https://hub.example.ca' };
  });
  afterAll(async () => {
    await server.close();
    await catcher.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = commandRunner(() => env);
  const mail = {
    SMTP_URL: '',
    MAIL_FROM: 'Passerelle <digests@hub.example.ca>',
    MAIL_SENDER_NAME: 'Passerelle',
    MAIL_SENDER_ADDRESS: '1 Main Street, Moncton NB',
  };

  it('without SMTP_URL, says mail is off and sends nothing', async () => {
    const r = await run(['digests', 'send', '--now']);
    expect(r.code).toBe(78);
    expect(r.err).toMatch(/SMTP_URL is not set/);
  });

  it('sends each confirmed subscription its digest, never to an unconfirmed address, and says so per subscription', async () => {
    expect((await run(['sources', 'sync'])).code).toBe(0);
    expect((await run(['fetch', '--once'])).out).toMatch(/2 new/);
    // Two subscriptions as the email form leaves them: one confirmed a week ago, one never confirmed.
    const database = await openDatabase({ dataDir: env.DATA_DIR });
    try {
      const token = () => randomBytes(32).toString('base64url');
      await database.db.execute(sql`insert into digest_subscriptions (email, address_key, selection, ui, frequency, token, requested_from, status, confirmed_at, confirmed_from, window_start, next_due_at)
        values ('agente@example.ca', 'agente@example.ca', 'topic=housing', 'fr', 'weekly', ${token()}, '203.0.113.7', 'active', now() - interval '7 days', '203.0.113.7', now() - interval '7 days', now() + interval '1 day')`);
      await database.db.execute(sql`insert into digest_subscriptions (email, address_key, selection, ui, frequency, token, requested_from)
        values ('nobody@example.org', 'nobody@example.org', 'topic=housing', 'en', 'daily', ${token()}, '203.0.113.8')`);
    } finally {
      await database.close();
    }

    const r = await run(['digests', 'send', '--now'], { ...mail, SMTP_URL: catcher.url });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^subscription \d+ \[topic=housing\]: sent \(2 stories\)$/m);
    expect(r.out).toMatch(/digests: 1 sent, 0 with nothing new, 0 failed/);
    expect(r.out).not.toContain('@');
    expect(catcher.messages.map((m) => m.to)).toEqual(['agente@example.ca']);
    const [digest] = catcher.messages;
    expect(digest.mail.text).toContain('Housing fair for newcomers');
    expect(digest.mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toMatch(/List-Unsubscribe=One-Click$/);

    // Nothing new since: nothing sent again.
    const again = await run(['digests', 'send', '--now'], { ...mail, SMTP_URL: catcher.url });
    expect(again.out).toMatch(/digests: 0 sent, 1 with nothing new/);
    expect(catcher.messages).toHaveLength(1);
  }, 120_000);
});
