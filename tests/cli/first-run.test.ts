// The first run of a hub with no network: `passerelle serve` on the embedded database, with a
// feeds.yaml whose sites cannot be reached (a closed port on 127.0.0.1, unresolvable .invalid
// names). The log says what the hub holds and "no network?" once, the reader explains the empty
// hub in English and French, the directory blames no source, and the next tries are minutes away.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPasserelle, writeFeedsFile, type HubProcess } from '../helpers/processes.ts';

/** A port on 127.0.0.1 with nothing listening: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/[ \t\r\n]+/g, ' ');

describe('the first run, offline', () => {
  let dir: string;
  let hub: HubProcess;
  let base: string;
  const page = async (route: string) => text(await (await fetch(`${base}${route}`, { signal: AbortSignal.timeout(30_000) })).text());
  const logLines = () =>
    hub
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'passerelle-first-run-'));
    await writeFeedsFile(path.join(dir, 'feeds.yaml'), [
      { slug: 'closed', url: `http://127.0.0.1:${await closedPort()}/feed.xml` },
      { slug: 'nowhere', url: 'https://news.nowhere.invalid/feed/', languages: ['fr'] },
      { slug: 'elsewhere', url: 'https://elsewhere.invalid/rss' },
    ]);
    hub = spawnPasserelle(['serve'], {
      DATA_DIR: path.join(dir, 'data'),
      FEEDS_FILE: path.join(dir, 'feeds.yaml'),
      PORT: '0',
      HOST: '127.0.0.1',
      PRIVATE_NETWORK_ALLOWLIST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    base = await hub.listening(60_000);
    await hub.waitFor(/"msg":"no network\?/, 60_000);
  }, 90_000);

  afterAll(async () => {
    await hub?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts with one line saying the sources, the items and where the reader is', () => {
    const ready = logLines().filter((l) => l.msg === 'ready');
    expect(ready).toEqual([expect.objectContaining({ sources: 3, read: 0, items: 0, reader: `${base}/en/` })]);
  });

  it('says "no network?" once, and blames no source', async () => {
    // Every source has been tried by now.
    const api = (await (await fetch(`${base}/api/sources`)).json()) as { sources: { health: { lastFetch: string | null } }[] };
    expect(api.sources.every((s) => s.health.lastFetch)).toBe(true);
    const lines = logLines();
    expect(lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('no network?'))).toEqual([
      expect.objectContaining({ msg: 'no network? every site failed before answering', sites: 3, codes: expect.arrayContaining(['dns', 'connect']) }),
    ]);
    expect(lines.filter((l) => l.msg === 'fetch failed')).toEqual([]);
  });

  it('the river, the events page and the widget explain the empty hub, in English and in French', async () => {
    const en = await page('/en/');
    expect(en).toContain('3 sources are registered, but the hub cannot reach any site: its own internet connection seems to be down.');
    expect(en).toContain('If you run this hub, check its network connection.');
    expect(en).toContain('See the sources in the directory');
    expect(en).not.toContain('Try fewer filters');
    const fr = await page('/fr/');
    expect(fr).toContain('3\u00a0sources sont inscrites, mais le carrefour ne joint aucun site\u00a0: sa propre connexion Internet semble coupée.');
    expect(fr).toContain('vérifiez sa connexion réseau');
    expect(fr).not.toContain('Essayez moins de filtres');
    // A filter on an empty hub gets the same explanation, not "try fewer filters".
    expect(await page('/en/?region=atlantic')).toContain('the hub cannot reach any site');
    expect(await page('/en/events')).toContain('the hub cannot reach any site');
    expect(await page('/fr/evenements')).toContain('le carrefour ne joint aucun site');
    expect(await page('/embed?ui=fr')).toContain('Aucun contenu n’a encore été lu.');
    expect(await page('/embed?view=events')).toContain('No item has been read yet.');
    // Public words only: no address or host name of a source.
    for (const body of [en, fr]) expect(body).not.toMatch(/\.invalid|127\.0\.0\.1/);
  });

  it('the directory says the hub seems offline once, and accuses no source’s address', async () => {
    const en = await page('/en/directory');
    expect(en).toContain('The hub cannot reach any site right now: its own internet connection seems to be down.');
    expect(en.match(/Not reached \(the hub is offline\)/g)).toHaveLength(3);
    expect(en).not.toMatch(/mistyped|lapsed|connection to the site failed/);
    const fr = await page('/fr/directory');
    expect(fr).toContain('Le carrefour ne joint aucun site en ce moment');
    expect(fr.match(/Non jointe \(le carrefour est hors ligne\)/g)).toHaveLength(3);
    expect(fr).not.toMatch(/mal écrite|expiré/);
  });

  it('tries each new source again about two minutes later, not on the long backoff', async () => {
    const api = (await (await fetch(`${base}/api/sources`)).json()) as { sources: { slug: string; health: { lastFetch: string; nextFetch: string; consecutiveFailures: number } }[] };
    for (const s of api.sources) {
      expect(s.health.consecutiveFailures).toBe(1);
      const minutes = (Date.parse(s.health.nextFetch) - Date.parse(s.health.lastFetch)) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(2 * 0.8);
      expect(minutes).toBeLessThanOrEqual(2 * 1.2);
    }
  });
});
