// The target bilingual search must meet on its labelled set (tests/fixtures/search/): a query in
// one language finds ≥ 90% of the other language's items labelled with its topic, both ways, and
// lists its own language's items first. `npm run eval` prints the figures.
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateSearch, type SearchReport } from './evaluate-search.ts';

let report: SearchReport;
beforeAll(async () => {
  report = await evaluateSearch();
});

describe('bilingual search on the labelled set', () => {
  it('holds English and French items on several topics, and queries in both languages', () => {
    expect(report.items).toBeGreaterThanOrEqual(30);
    expect(report.queries.filter((q) => q.language === 'fr').length).toBeGreaterThanOrEqual(4);
    expect(report.queries.filter((q) => q.language === 'en').length).toBeGreaterThanOrEqual(4);
    expect(report.frToEn.of).toBeGreaterThanOrEqual(12);
    expect(report.enToFr.of).toBeGreaterThanOrEqual(12);
  });

  it('a French query finds ≥ 90% of the English items on its topic', () => {
    expect(report.frToEn.found / report.frToEn.of, report.frToEn.missed.join(', ')).toBeGreaterThanOrEqual(0.9);
  });

  it('an English query finds ≥ 90% of the French items on its topic', () => {
    expect(report.enToFr.found / report.enToFr.of, report.enToFr.missed.join(', ')).toBeGreaterThanOrEqual(0.9);
  });

  it('a query naming a topic finds ≥ 90% of its own language’s items on it, worded otherwise too', () => {
    const same = report.queries.reduce((s, q) => ({ found: s.found + q.same.found, of: s.of + q.same.of }), { found: 0, of: 0 });
    expect(same.of).toBeGreaterThanOrEqual(24);
    expect(same.found / same.of, report.queries.flatMap((q) => q.same.missed).join(', ')).toBeGreaterThanOrEqual(0.9);
  });

  it('ranks the query’s own language first', () => {
    for (const q of report.queries) expect(q.ownLanguageFirst, q.q).toBe(true);
  });
});
