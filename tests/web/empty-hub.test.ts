// A hub with no items yet: its empty pages say why, in the page's language, instead of "try fewer
// filters"; once items are stored, an empty selection says "try fewer filters" again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Database } from '../../src/store/db.ts';
import { commitIngest } from '../../src/store/ingest.ts';
import { getSourceBySlug, syncSources } from '../../src/store/sources-repo.ts';
import { createApp } from '../../src/web/app.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { item, spec } from '../helpers/items.ts';

const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/[ \t\r\n]+/g, ' ');

describe.each(databaseKinds)('the reader of an empty hub (%s)', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  const page = async (route: string) => text(await (await app.request(route)).text());

  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
    app = createApp({ database, logger: silentLogger(), publicUrl: 'http://hub.test', version: 'test', topics: [] });
  });
  afterAll(async () => cleanup?.());

  it('with no source, says so and what the person running it can do', async () => {
    expect(await page('/en/')).toContain('This hub has no sources yet, so there is nothing to read here. If you run this hub, add feeds to feeds.yaml or in its admin pages.');
    expect(await page('/fr/')).toContain('Ce carrefour n’a encore aucune source\u00a0: il n’y a rien à lire ici.');
    expect(await page('/embed?ui=en')).toContain('No item has been read yet.');
  });

  it('with sources not read yet, says the first items come within minutes', async () => {
    await syncSources(database.db, [spec('alpha'), spec('beta')]);
    // A page shown a moment ago (with no source) is not kept once sources are registered.
    const en = await page('/en/');
    expect(en).toContain('2 sources are registered; none has been read yet. The first items should appear here within minutes. Reload this page then.');
    expect(en).not.toContain('Try fewer filters');
    expect(await page('/fr/')).toContain('2\u00a0sources sont inscrites\u00a0; aucune n’a encore été lue.');
    expect(await page('/fr/evenements')).toContain('aucune n’a encore été lue');
  });

  it('once items are stored, an empty selection asks for fewer filters again', async () => {
    const alpha = (await getSourceBySlug(database.db, 'alpha'))!;
    await commitIngest(database.db, {
      sourceId: alpha.id,
      owner: 't',
      items: [item('one', { title: 'A first story' })],
      patch: { lastFetchAt: new Date(), lastSuccessAt: new Date(), errorCount: 0, nextFetchAt: new Date(Date.now() + 3_600_000) },
      log: { startedAt: new Date(), durationMs: 1, outcome: 'ok' },
      historyLimit: 10,
    });
    expect(await page('/en/')).toContain('A first story');
    const filtered = await page('/en/?q=nothing-matches-this');
    expect(filtered).toContain('No items match this selection yet. Try fewer filters or other words.');
    expect(filtered).not.toContain('registered');
  });
});
