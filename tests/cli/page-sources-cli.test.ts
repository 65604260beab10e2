// Page sources from the command line, against both databases, with sites without feeds on
// 127.0.0.1: `sources add` offering the page's blocks as flags, --preview saving nothing, adding
// with selectors and refreshing, refusals with the reason; and a `kind: page` source declared in
// feeds.yaml, read like any other, with a bad selector in the file stopping start-up by line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createScratchDatabase, databaseKinds } from '../helpers/databases.ts';
import { startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { FIXTURE_SELECTORS, servePageSites } from '../helpers/page-sites.ts';

const feedsFile = (server: FeedServer, selectors: Record<string, string>) => `topics:
  - slug: employment
    label: { en: Employment, fr: Emploi }
sources:
  - slug: welcome-centre
    url: ${server.url('/wp/news/')}
    title: Welcome Centre news
    organization: Welcome Centre for Newcomers
    region: ontario
    languages: [en]
    kind: page
    selectors:
${Object.entries(selectors).map(([k, v]) => `      ${k}: "${v}"`).join('\n')}
`;

describe.each(databaseKinds)('page sources on the command line on %s', (kind) => {
  let server: FeedServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let dropDatabase: () => Promise<void> = async () => {};

  beforeAll(async () => {
    server = await startFeedServer();
    servePageSites(server);
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-page-cli-'));
    await writeFile(path.join(dir, 'feeds.yaml'), feedsFile(server, FIXTURE_SELECTORS.wordpress));
    env = { FEEDS_FILE: path.join(dir, 'feeds.yaml'), DATA_DIR: path.join(dir, 'data'), PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1', LOG_LEVEL: 'silent' };
    if (kind === 'postgres') {
      const scratch = await createScratchDatabase();
      env.DATABASE_URL = scratch.url;
      dropDatabase = scratch.drop;
    }
  });
  afterAll(async () => {
    await server.close();
    await dropDatabase();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[], withEnv = env) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: withEnv });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const cards = () => ['sources', 'add', server.url('/cartes/evenements'), '--org', 'Accueil Familles', '--region', 'quebec'];

  it('offers the blocks of a page that publishes no feed, as the flags to run again with', async () => {
    const r = await run(cards());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: not a feed \(HTML\), and the page offers none/);
    expect(r.err).toContain('the hub can read the page itself: blocks found on it (run again with one, and --preview to see its items first):');
    expect(r.err).toContain('  1. 8 items, 8 with a date: --page --item div.carte.carte--evenement --item-title h3.carte__titre --item-link');
    expect(r.err).toMatch(/^ {7}Café-rencontre des nouveaux arrivants {2}\(mardi 3 mars 2026\)$/m);
  });

  it('previews the blocks, then the items the selectors read, and saves nothing', async () => {
    const blocks = await run([...cards(), '--page', '--preview']);
    expect(blocks.code).toBe(0);
    expect(blocks.out).toContain('blocks found on the page (run again with one):');
    const s = FIXTURE_SELECTORS.cards;
    const items = await run([...cards(), '--item', s.item, '--item-title', s.title, '--item-date', s.date, '--item-summary', s.summary, '--preview']);
    expect(items.code).toBe(0);
    expect(items.out).toMatch(/^would add: Événements — Accueil Familles \(web page\) — nothing saved$/m);
    expect(items.out).toContain(`  read as  --item div.carte --item-title h3.carte__titre --item-date p.carte__date --item-summary p.carte__texte`);
    expect(items.out).toContain('8 items:');
    expect(items.out).toMatch(/^ {2}2026-03-03 {2}Café-rencontre des nouveaux arrivants$/m);
    expect((await run(['sources', 'list'])).out).not.toContain('evenements');
  });

  it('adds the page with its selectors and reads it on refresh', async () => {
    const s = FIXTURE_SELECTORS.cards;
    const added = await run([...cards(), '--item', s.item, '--item-title', s.title, '--item-date', s.date, '--slug', 'cartes']);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/^added cartes: Événements — Accueil Familles — Accueil Familles$/m);
    expect(added.out).toContain(`  page     ${server.url('/cartes/evenements')} (read with --item div.carte --item-title h3.carte__titre --item-date p.carte__date)`);
    expect((await run(['sources', 'refresh', 'cartes'])).out).toBe('cartes: ok (200); 8 new, 0 updated');
    expect((await run(['sources', 'refresh', 'cartes'])).out).toBe('cartes: unchanged (200); 0 new, 0 updated');
  });

  it.each([
    ['a selector that is not CSS', ['--item', 'tr['], /^error: selectors\.item: not a CSS selector the hub can run/],
    ['an item selector that finds nothing', ['--item', 'article.appel'], /^error: the item selector matches nothing on the page/],
    ['a title selector found in no item', ['--item', 'tbody tr', '--item-title', 'h2.title'], /^error: the title selector matches nothing in any item/],
  ])('refuses %s with the reason', async (_name, flags, reason) => {
    const r = await run(['sources', 'add', server.url('/table/appels'), '--org', 'Table', '--region', 'quebec', ...flags]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(reason);
  });

  it('refuses a login wall and a JSON document as pages', async () => {
    const wall = await run(['sources', 'add', server.url('/portal/news'), '--org', 'Portal', '--region', 'quebec', '--page', '--item', 'li']);
    expect(wall.err).toMatch(/^error: the page asks for a password \(login wall\)/);
    const data = await run(['sources', 'add', server.url('/api/items.json'), '--org', 'Data', '--region', 'quebec', '--page', '--preview']);
    expect(data.code).toBe(1);
    expect(data.err).toMatch(/^error: not an HTML page \(json\)/);
  });

  it('reads a page source declared in feeds.yaml like any other', async () => {
    expect((await run(['sources', 'sync'])).code).toBe(0);
    const r = await run(['fetch', '--once', '--source', 'welcome-centre']);
    expect(r.code).toBe(0);
    const list = await run(['sources', 'list']);
    expect(list.out).toMatch(/^welcome-centre\s+active\s+(just now|\d+ \w+ ago)\s+200\s+6\s/m);
  });

  it('refuses a feeds.yaml with a bad selector, naming its line and field', async () => {
    const badDir = await mkdtemp(path.join(tmpdir(), 'passerelle-page-cli-bad-'));
    try {
      await writeFile(path.join(badDir, 'feeds.yaml'), feedsFile(server, { item: 'article.post', title: 'h2::before' }));
      const r = await run(['sources', 'sync'], { ...env, FEEDS_FILE: path.join(badDir, 'feeds.yaml') });
      expect(r.code).toBe(78);
      expect(r.err).toMatch(/line 14: sources\.0\.selectors\.title: not a CSS selector the hub can run/);
    } finally {
      await rm(badDir, { recursive: true, force: true });
    }
  });
});
