// A refused value is answered with what the hub accepts, and with a plain sentence when it accepts
// nothing yet (a hub whose feeds file defines no topics), never an empty list.
import { describe, expect, it } from 'vitest';
import type { QueryProblem } from '../../src/publish/feed-query.ts';
import { describeQueryProblem } from '../../src/web/reader-words.ts';

describe('query problems in the reader’s words', () => {
  it('lists the accepted values', () => {
    const problem: QueryProblem = { code: 'unknown-value', parameter: 'topic', values: ['nope'], accepted: ['employment', 'housing'] };
    expect(describeQueryProblem(problem, 'en')).toBe('“topic” does not take “nope”. Accepted: employment, housing.');
    expect(describeQueryProblem(problem, 'fr')).toMatch(/Valeurs acceptées\u00a0: employment, housing\.$/);
  });

  it('says so when nothing is accepted, in both languages', () => {
    const problem: QueryProblem = { code: 'unknown-value', parameter: 'topic', values: ['housing'], accepted: [] };
    expect(describeQueryProblem(problem, 'en')).toBe('“topic” does not take “housing”. This hub has none defined.');
    expect(describeQueryProblem(problem, 'fr')).toMatch(/Ce carrefour n’en définit aucune\.$/);
  });
});
