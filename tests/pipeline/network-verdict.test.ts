// Whether the hub seems offline, from what its fetches met: a table of cases, no network.
import { describe, expect, it } from 'vitest';
import { networkVerdict, sightingOf, sightingOfSource, type Sighting } from '../../src/pipeline/network-verdict.ts';

const t0 = new Date('2026-12-07T12:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const failed = (host: string, minutes = 0): Sighting => ({ host, at: at(minutes), reached: false });
const answered = (host: string, minutes = 0): Sighting => ({ host, at: at(minutes), reached: true });

describe('networkVerdict', () => {
  it.each<[string, Sighting[], ReturnType<typeof networkVerdict>]>([
    ['nothing fetched yet', [], 'unknown'],
    ['one site not reached: it may just be down', [failed('a.example')], 'unknown'],
    ['the same site twice', [failed('a.example'), failed('a.example', 1)], 'unknown'],
    ['two sites not reached, none answered', [failed('a.example'), failed('b.example')], 'offline'],
    ['every site not reached', ['a', 'b', 'c', 'd'].map((h) => failed(`${h}.example`)), 'offline'],
    ['one site answered among failures', [failed('a.example'), failed('b.example'), answered('c.example')], 'online'],
    ['a site answered long before, then none reachable', [answered('c.example', 0), failed('a.example', 30), failed('b.example', 31)], 'offline'],
    ['a site answered after the failures', [failed('a.example'), failed('b.example'), answered('a.example', 2)], 'online'],
  ])('%s: %s', (_name, sightings, verdict) => {
    expect(networkVerdict(sightings)).toBe(verdict);
  });
});

describe('sightingOf', () => {
  it.each([
    ['dns', false],
    ['connect', false],
    ['http', true],
    ['tls', true],
    ['not-a-feed', true],
    [null, true],
  ] as const)('a fetch ending in %s reached a server: %s', (code, reached) => {
    expect(sightingOf('a.example', t0, code)?.reached).toBe(reached);
  });

  it.each(['blocked', 'bad-url', 'aborted', 'timeout'] as const)('%s says nothing about the network', (code) => {
    expect(sightingOf('a.example', t0, code)).toBeUndefined();
  });

  it('reads a source row: its last fetch, if it is active and was fetched', () => {
    const row = { url: 'https://a.example/feed', status: 'active', lastFetchAt: t0, errorCount: 1, lastErrorCode: 'dns' as const };
    expect(sightingOfSource(row)).toEqual({ host: 'a.example', at: t0, reached: false });
    // An error left from before a success does not count.
    expect(sightingOfSource({ ...row, errorCount: 0 })?.reached).toBe(true);
    expect(sightingOfSource({ ...row, lastFetchAt: null })).toBeUndefined();
    expect(sightingOfSource({ ...row, status: 'paused' })).toBeUndefined();
  });
});
