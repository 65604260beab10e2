// Where a hub with no items stands, from its sources' rows: a table of cases.
import { describe, expect, it } from 'vitest';
import { standingOf, type StandingRow } from '../../src/pipeline/hub-standing.ts';

const now = new Date('2026-12-07T12:00:00Z');
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
let n = 0;
const row = (extra: Partial<StandingRow> = {}): StandingRow => ({
  url: `https://site${++n}.example/feed`,
  status: 'active',
  lastFetchAt: null,
  lastSuccessAt: null,
  errorCount: 0,
  lastErrorCode: null,
  itemCount: 0,
  nextFetchAt: now,
  ...extra,
});
const failedOn = (lastErrorCode: StandingRow['lastErrorCode'], nextIn = 2) => row({ lastFetchAt: now, errorCount: 1, lastErrorCode, nextFetchAt: later(nextIn) });

describe('standingOf', () => {
  it.each<[string, StandingRow[], string]>([
    ['no source at all', [], 'no-sources'],
    ['only paused sources', [row({ status: 'paused' })], 'no-sources'],
    ['sources not fetched yet', [row(), row()], 'waiting'],
    ['one failed, the other not fetched yet', [failedOn('http'), row()], 'waiting'],
    ['every site not reached', [failedOn('dns'), failedOn('dns'), failedOn('connect')], 'offline'],
    ['one site alone not reached: it may just be down', [failedOn('dns')], 'failing'],
    ['every source failed, servers answered', [failedOn('http'), failedOn('not-a-feed')], 'failing'],
    ['a source read, with no items', [row({ lastFetchAt: now, lastSuccessAt: now }), failedOn('http')], 'quiet'],
    ['items stored', [row({ itemCount: 3, lastFetchAt: now, lastSuccessAt: now }), failedOn('dns'), failedOn('dns')], 'has-items'],
  ])('%s: %s', (_name, rows, kind) => {
    expect(standingOf(rows).kind).toBe(kind);
  });

  it('counts active sources, those read, the items, and the next fetch due', () => {
    const standing = standingOf([failedOn('dns', 5), failedOn('dns', 2), row({ status: 'paused', itemCount: 0, nextFetchAt: later(-60) })]);
    expect(standing).toEqual({ kind: 'offline', sources: 2, read: 0, items: 0, nextFetchAt: later(2) });
  });
});
