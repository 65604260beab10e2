// The fetch log when the hub has no network: one "no network?" line instead of one per source,
// and each source's own line when the sites answer.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import type { SourceErrorCode } from '../../src/core/types.ts';
import { createNetworkWatch } from '../../src/pipeline/network-watch.ts';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
  // Held lines are written only when told (flush), so nothing here depends on time passing.
  const watch = createNetworkWatch(logger, { holdMs: 3_600_000 });
  const at = new Date('2026-12-07T12:00:00Z');
  const fail = (source: string, code: SourceErrorCode) =>
    watch.failed({ log: logger.child({ source }), fields: { code }, host: `${source}.example`, at, code });
  const said = (level: number) => lines.filter((l) => l.level === level).map((l) => `${l.source ?? '-'}: ${l.msg}`);
  return { watch, fail, at, said, lines };
}
const WARN = 40;
const INFO = 30;

describe('the fetch log without a network', () => {
  it('says "no network?" once when every site fails before answering, and blames no source', () => {
    const { watch, fail, said, lines } = setup();
    fail('a', 'dns');
    fail('b', 'dns');
    fail('c', 'connect');
    fail('a', 'dns');
    watch.flush();
    expect(said(WARN)).toEqual(['-: no network? every site failed before answering']);
    expect(lines.find((l) => l.msg === 'no network? every site failed before answering')).toMatchObject({ sites: 3, codes: ['dns', 'connect'] });
    // The next round of tries: still nothing per source.
    fail('b', 'dns');
    fail('c', 'connect');
    watch.flush();
    expect(said(WARN)).toHaveLength(1);
  });

  it('writes each source’s own line when another site answers', () => {
    const { watch, fail, said, at } = setup();
    fail('a', 'dns');
    watch.reached('b.example', at);
    fail('c', 'dns');
    expect(said(WARN)).toEqual(['a: fetch failed', 'c: fetch failed']);
  });

  it('writes a lone failure as it was once the moment passes (here, at flush)', () => {
    const { watch, fail, said } = setup();
    fail('a', 'dns');
    expect(said(WARN)).toEqual([]);
    watch.flush();
    expect(said(WARN)).toEqual(['a: fetch failed']);
  });

  it('writes failures that met a server at once', () => {
    const { fail, said } = setup();
    fail('a', 'http');
    fail('b', 'not-a-feed');
    expect(said(WARN)).toEqual(['a: fetch failed', 'b: fetch failed']);
  });

  it('says when the network is back', () => {
    const { watch, fail, said, at } = setup();
    fail('a', 'dns');
    fail('b', 'dns');
    watch.flush();
    watch.reached('a.example', at);
    expect(said(INFO)).toEqual(['-: network back: a site answered']);
  });
});
