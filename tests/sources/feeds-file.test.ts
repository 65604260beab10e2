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

  describe('page sources (kind: page)', () => {
    const page = (selectors: string, kind = '    kind: page\n') => `sources:\n${source(`${kind}${selectors}`).replace('https://example.org/feed', 'https://example.org/news/')}`;

    it('reads a page with its selectors, all but item relative to the item', () => {
      const f = parseFeedsFile(page('    selectors:\n      item: article.post\n      title: h2 a\n      date: time\n      summary: .entry-summary\n'));
      expect(f.sources[0]).toMatchObject({
        kind: 'page',
        url: 'https://example.org/news/',
        selectors: { item: 'article.post', title: 'h2 a', date: 'time', summary: '.entry-summary' },
      });
      expect(f.sources[0].selectors).not.toHaveProperty('link');
    });

    it('leaves a source without kind a feed', () => {
      expect(parseFeedsFile(`sources:\n${source()}`).sources[0].kind).toBeUndefined();
    });

    it.each([
      ['a page without selectors', page(''), 'line 2: sources.0.selectors: required for a page source (kind: page): at least item'],
      ['selectors on a feed', page('    selectors:\n      item: li\n', ''), 'line 9: sources.0.selectors: only a page source (kind: page) has selectors'],
      ['selectors without item', page('    selectors:\n      title: h2\n'), 'line 10: sources.0.selectors.item: Invalid input: expected string, received undefined'],
      ['an empty selector', page('    selectors:\n      item: li\n      date: "  "\n'), 'line 12: sources.0.selectors.date: must not be empty'],
      ['a selector that is not CSS', page('    selectors:\n      item: li[\n'), /^line 11: sources\.0\.selectors\.item: not a CSS selector the hub can run \(.+\)$/],
      ['a pseudo-element', page('    selectors:\n      item: li\n      title: h3::before\n'), /^line 12: sources\.0\.selectors\.title: not a CSS selector the hub can run/],
      ['an unknown selector key', page('    selectors:\n      item: li\n      author: .by\n'), 'line 12: sources.0.selectors.author: unknown key "author"'],
      ['an unknown kind', page('    selectors:\n      item: li\n', '    kind: scrape\n'), /^line 9: sources\.0\.kind: /],
      ['a selector too long', page(`    selectors:\n      item: ${'li.a'.repeat(130)}\n`), 'line 11: sources.0.selectors.item: must be at most 500 characters'],
    ])('refuses %s, with its line and field', (_name, text, expected) => {
      const found = problems(text);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(expected);
    });
  });
});


describe('the lexicon section', () => {
  it('takes English–French pairs, each side a phrase or a list of spellings', () => {
    const file = parseFeedsFile(`lexicon:\n  - { en: drop-in, fr: halte-accueil }\n  - en: [newcomer hub, welcome hub]\n    fr: carrefour d'accueil\nsources:\n${source()}`);
    expect(file.lexicon).toEqual([
      { en: 'drop-in', fr: 'halte-accueil' },
      { en: 'newcomer hub|welcome hub', fr: "carrefour d'accueil" },
    ]);
  });

  it('is optional', () => {
    expect(parseFeedsFile(`sources:\n${source()}`).lexicon).toEqual([]);
  });

  it('refuses a pair without both sides, with its line', () => {
    expect(problems(`lexicon:\n  - { en: drop-in }\nsources:\n${source()}`).join('\n')).toMatch(/line 2: lexicon\.0\.fr/);
  });
});
