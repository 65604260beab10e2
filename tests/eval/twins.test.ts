// The targets of the English/French twin matcher on its labelled set (tests/fixtures/twins/):
// wrong links are worse than missed ones. `npm run eval` prints the figures; `-- --errors`
// lists every wrong and missed pair with what the matcher saw.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateTwins, loadTwinSet, TWINS_HOLDOUT_DIR, type TwinReport } from './evaluate-twins.ts';

let report: TwinReport;
beforeAll(async () => {
  report = await evaluateTwins();
});

describe('the twin set', () => {
  it('holds at least 60 twin pairs and 60 same-organization near misses', () => {
    expect(report.twinPairs).toBeGreaterThanOrEqual(60);
    expect(report.nonTwinPairs).toBeGreaterThanOrEqual(60);
  });

  it('has a held-out part, written after the rules were fixed', async () => {
    const { items } = await loadTwinSet(TWINS_HOLDOUT_DIR);
    expect(items.filter((i) => i.twinOf).length).toBeGreaterThanOrEqual(20);
  });
});

describe('twins found from their content', () => {
  it('links with precision ≥ 98% and recall ≥ 90%', () => {
    expect(report.precision).toBeGreaterThanOrEqual(0.98);
    expect(report.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('links no labelled near miss: two announcements of one organization stay apart', () => {
    expect(report.nearMissesLinked).toEqual([]);
  });
});
