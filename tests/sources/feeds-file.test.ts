import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { loadFeedsFile, parseFeedsFile } from '../../src/sources/feeds-file.ts';

const source = (extra = '') => `  - slug: ok-source
    url: https://example.org/feed
    title: Example
    organization: Example Org
    region: atlantic
    province: ns
    languages: [en, fr]
${extra}`;

function problems(text: string): string[] {
  try {
    parseFeedsFile(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('feeds.yaml', () => {
  it('the shipped file is valid and lists the sector sources in both languages', async () => {
    const file = await loadFeedsFile('feeds.yaml');
    expect(file.sources.length).toBeGreaterThanOrEqual(10);
    const slugs = file.sources.map((s) => s.slug);
    expect(slugs).toEqual(expect.arrayContaining(['ircc-news-en', 'ircc-news-fr', 'p2p-en', 'p2p-fr', 'amssa', 'ocasi', 'isans', 'araisa']));
    expect(file.sources.some((s) => s.languages.includes('fr'))).toBe(true);
  });

  it('parses a minimal source with defaults', () => {
    const f = parseFeedsFile(`sources:\n${source()}`);
    expect(f.sources[0]).toMatchObject({ slug: 'ok-source', region: 'atlantic', province: 'ns', languages: ['en', 'fr'], topics: [] });
  });

  it('names the line and field of an unknown key', () => {
    const p = problems(`sources:\n${source('    colour: blue\n')}`);
    expect(p).toEqual(['line 9: sources.0.colour: unknown key "colour"']);
  });

  it('names the line of a bad URL and of a bad region', () => {
    const p = problems(`sources:
  - slug: a
    url: ftp://example.org/feed
    title: A
    organization: O
    region: yukon
    languages: [en]
`);
    expect(p).toContain('line 3: sources.0.url: must be an absolute http(s) URL');
    expect(p.find((x) => x.startsWith('line 6: sources.0.region'))).toBeDefined();
  });

  it('reports a duplicate slug even when the entry has other mistakes', () => {
    const p = problems(`sources:\n${source()}${source().replace('region: atlantic', 'region: nowhere')}`);
    expect(p.some((x) => /^line 9: sources\.1\.slug: duplicate source slug "ok-source"/.test(x))).toBe(true);
  });

  it('checks provinces against regions and topics against the taxonomy', () => {
    const p = problems(`topics:
  - slug: housing
    label: { en: Housing, fr: Logement }
sources:
${source('    topics: [housing, nonsense]\n').replace('province: ns', 'province: qc')}`);
    expect(p.join('\n')).toMatch(/province "qc" is not in region "atlantic"/);
    expect(p.join('\n')).toMatch(/unknown topic "nonsense"/);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(problems('sources:\n  - slug: [unclosed\n')[0]).toMatch(/^line \d+:/);
  });
});
