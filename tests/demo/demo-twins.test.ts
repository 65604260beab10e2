// The demo's sample platforms read through the whole pipeline (fetch, parse, normalize, store):
// every English/French pair they hold is linked as translations, from its content (the slugs are
// translated and no feed names the other version), and nothing else is.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDemoFeeds } from '../../demo/run-demo.ts';
import { startSamplePlatforms, type SamplePlatforms } from '../../demo/sample-platforms.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { compileLexicon } from '../../src/normalize/lexicon.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import { createScheduler } from '../../src/schedule/scheduler.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';
import { queryRows } from '../../src/store/db.ts';
import { syncSources } from '../../src/store/sources-repo.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';
import { testFetchSettings, testPipeline } from '../helpers/hub.ts';

/** The pairs, as the feed files in demo/feeds/ hold them: English title, French title. */
const DEMO_PAIRS: [string, string][] = [
  ['Government launches call for proposals for settlement and resettlement programs', 'Le gouvernement lance un appel de propositions pour les programmes d’établissement et de réinstallation'],
  ['New measures to support Francophone immigration outside Quebec', 'De nouvelles mesures pour appuyer l’immigration francophone hors Québec'],
  ['Changes to Post-Graduation Work Permit eligibility take effect', 'Les changements à l’admissibilité au permis de travail postdiplôme entrent en vigueur'],
  ['Rural Community Immigration Pilot: first participating communities announced', 'Projet pilote d’immigration dans les communautés rurales : annonce des premières communautés participantes'],
  ['Health care workers: new supports for internationally educated professionals', 'Travailleurs de la santé : de nouveaux appuis aux professionnels formés à l’étranger'],
  ['Canada welcomes Government-Assisted Refugees to communities across the country', 'Le Canada accueille des réfugiés pris en charge par le gouvernement dans des collectivités de tout le pays'],
  ['Pre-arrival services expanded to more countries', 'Les services avant l’arrivée offerts dans plus de pays'],
  ['New investments in language training for newcomers', 'De nouveaux investissements dans la formation linguistique des nouveaux arrivants'],
  ['Settlement outcomes in smaller centres: a national scan', 'Résultats en établissement dans les petits centres : un portrait national'],
  ['An evaluation framework for Local Immigration Partnerships', 'Un cadre d’évaluation pour les partenariats locaux en immigration'],
  ['Call for proposals: community-based research grants', 'Appel de propositions : subventions de recherche communautaire'],
  ['Foreign credential recognition: what employers told us', 'Reconnaissance des titres de compétences étrangers : ce que nous ont dit les employeurs'],
  ['Research webinar: youth mental health after resettlement', 'Webinaire de recherche : la santé mentale des jeunes après la réinstallation'],
  ['PBLA: new sample tasks for CLB 5–6 learners', 'ELBP : de nouvelles tâches types pour les apprenants des NCLC 5 et 6'],
];

describe.each(databaseKinds)('the demo’s English/French pairs (%s)', (kind) => {
  let platforms: SamplePlatforms;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let linked: { en: string; fr: string }[];

  beforeAll(async () => {
    platforms = await startSamplePlatforms({ port: 0 });
    db = await freshDatabase(kind);
    const composed = await composeDemoFeeds({ repoFeedsFile: 'feeds.yaml', demoSourcesFile: 'demo/sources.yaml', platformsUrl: platforms.url });
    const { topics, sources, lexicon } = parseFeedsFile(composed.text, 'demo feeds');
    await syncSources(db.database.db, sources);
    // Deadlines a busy machine cannot miss: this test is about what is stored, not how fast.
    const fetch = testFetchSettings({ timeoutMs: 30_000, connectTimeoutMs: 10_000 });
    const pipeline = testPipeline(db.database.db, { fetch, taxonomy: compileTaxonomy(topics), lexicon: compileLexicon(lexicon) });
    const scheduler = createScheduler({ pipeline, tick: '0 0 1 1 *', leaseSeconds: 300, concurrency: 4, logger: silentLogger() });
    const outcomes = await scheduler.runOnce({ which: 'all' });
    // Every platform is read, but the one the demo breaks on purpose.
    expect(outcomes.filter((o) => o.outcome === 'ok').map((o) => o.slug).sort()).toEqual(sources.map((s) => s.slug).filter((s) => s !== 'northern-gateway').sort());
    const rows = await queryRows<{ a: string; al: string; b: string }>(
      db.database.db,
      sql`select i.title as a, i.language as al, t.title as b from items i join items t on t.id = i.translation_of`,
    );
    linked = rows.map((r) => (r.al === 'en' ? { en: r.a, fr: r.b } : { en: r.b, fr: r.a }));
  }, 300_000);
  afterAll(async () => {
    await db?.cleanup();
    await platforms?.close();
  });

  it(`links each of the ${DEMO_PAIRS.length} pairs, and nothing else`, () => {
    const got = linked.map((p) => `${p.en} ⇄ ${p.fr}`).sort();
    expect(got).toEqual(DEMO_PAIRS.map(([en, fr]) => `${en} ⇄ ${fr}`).sort());
  });
});
