// The targets normalize/ must meet on the labelled set (tests/fixtures/eval/). `npm run eval`
// prints the full tables; `npm run eval -- --errors` lists every miss.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, HOLDOUT_DIR, loadEvalSet, type EvalReport } from './evaluate.ts';

let report: EvalReport;
beforeAll(async () => {
  report = await evaluate();
});

describe('the labelled set', () => {
  it('is large and covers every topic, language and type', async () => {
    const items = await loadEvalSet();
    expect(items.length).toBeGreaterThanOrEqual(220);
    for (const [slug, m] of Object.entries(report.topics.perTopic)) expect(m.support, slug).toBeGreaterThanOrEqual(8);
    for (const lang of ['en', 'fr', 'other']) expect(items.some((i) => i.expect.language === lang), lang).toBe(true);
    for (const [type, m] of Object.entries(report.type.perType)) expect(m.support, type).toBeGreaterThan(0);
    expect(report.duplicates.pairs).toBeGreaterThanOrEqual(15);
    expect(report.translations.pairs).toBeGreaterThanOrEqual(15);
    expect(report.nearMisses.pairs).toBeGreaterThanOrEqual(8);
  });

  it('held-out items load too', async () => {
    expect((await loadEvalSet(HOLDOUT_DIR)).length).toBeGreaterThanOrEqual(30);
  });
});

describe('normalize/ on the labelled set', () => {
  it('tags topics with micro precision ≥ 0.85 and recall ≥ 0.80', () => {
    expect(report.topics.micro.precision).toBeGreaterThanOrEqual(0.85);
    expect(report.topics.micro.recall).toBeGreaterThanOrEqual(0.8);
  });

  it('gets the language right for ≥ 98% of items', () => {
    expect(report.language.accuracy).toBeGreaterThanOrEqual(0.98);
  });

  it('finds duplicate pairs with precision and recall ≥ 0.95, and merges no near miss', () => {
    expect(report.duplicates.precision).toBeGreaterThanOrEqual(0.95);
    expect(report.duplicates.recall).toBeGreaterThanOrEqual(0.95);
    expect(report.nearMisses.merged).toEqual([]);
  });

  it('finds duplicates among the pairs the store looks up (same link, fingerprint key or link stem) with recall ≥ 0.95', () => {
    expect(report.duplicatesFromCandidates.precision).toBe(1);
    expect(report.duplicatesFromCandidates.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('never links a translation that is not one', () => {
    expect(report.translations.precision).toBe(1);
  });
});
