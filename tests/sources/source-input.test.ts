import { describe, expect, it } from 'vitest';
import type { Topic } from '../../src/core/types.ts';
import { checkSpec, describeIssues, feedUrlKey, foldText, languagesFrom, newSourceSchema, slugify, topicForFolder, uniqueSlug } from '../../src/sources/source-input.ts';

const topic = (slug: string, en: string, fr: string): Topic => ({ slug, label: { en, fr }, keywords: { en: [], fr: [] }, categories: [] });
const topics = [topic('housing', 'Housing', 'Logement'), topic('health', 'Health', 'Santé'), topic('children-youth', 'Children and youth', 'Enfants et jeunes')];

describe('source input rules', () => {
  it('makes slugs from titles, accents and punctuation aside, unique', () => {
    expect(slugify("Nouvelles de l'AMSSA — Été 2024")).toBe('nouvelles-de-l-amssa-ete-2024');
    expect(slugify('Œuvre & Cœur')).toBe('oeuvre-coeur');
    expect(slugify('!!!')).toBe('source');
    expect(slugify('a'.repeat(30) + ' ' + 'b'.repeat(30))).toBe('a'.repeat(30));
    expect(uniqueSlug('news', new Set(['news', 'news-2']))).toBe('news-3');
    expect(uniqueSlug('fresh', new Set(['news']))).toBe('fresh');
  });

  it('compares feed URLs without scheme, www., trailing slash or fragment', () => {
    expect(feedUrlKey('https://www.Example.org/feed/#x')).toBe(feedUrlKey('http://example.org/feed'));
    expect(feedUrlKey('https://example.org/feed?lang=fr')).not.toBe(feedUrlKey('https://example.org/feed?lang=en'));
    expect(feedUrlKey('https://example.org:8443/feed')).not.toBe(feedUrlKey('https://example.org/feed'));
  });

  it('matches folder names to topics by slug or label in either language', () => {
    expect(topicForFolder('SANTÉ', topics)).toBe('health');
    expect(topicForFolder('sante', topics)).toBe('health');
    expect(topicForFolder('Logement', topics)).toBe('housing');
    expect(topicForFolder('children-youth', topics)).toBe('children-youth');
    expect(topicForFolder('Enfants et jeunes', topics)).toBe('children-youth');
    expect(topicForFolder('Misc', topics)).toBeUndefined();
    expect(foldText('  Café—Crème ')).toBe('cafe-creme');
  });

  it('reads languages from attributes and options', () => {
    expect(languagesFrom('fr-CA')).toEqual(['fr']);
    expect(languagesFrom('fr,en')).toEqual(['en', 'fr']);
    expect(languagesFrom('de')).toEqual([]);
    expect(languagesFrom(undefined)).toEqual([]);
  });

  it('checks a spec like feeds.yaml does: fields, province in region, known topics', () => {
    const base = { slug: 'x', url: 'https://x.org/feed', title: 'X', organization: 'X', region: 'atlantic', languages: ['en'], topics: [] };
    expect(checkSpec(base, topics).ok).toBe(true);
    const bad = checkSpec({ ...base, province: 'on', topics: ['housing', 'nope'], region: 'atlantic' }, topics);
    expect(bad).toEqual({
      ok: false,
      problems: [
        { field: 'province', message: 'province "on" is not in region "atlantic"', code: 'province-not-in-region', params: { province: 'on', region: 'atlantic' } },
        { field: 'topics.1', message: 'unknown topic "nope"', code: 'unknown-topic', params: { topic: 'nope' } },
      ],
    });
    const wrong = checkSpec({ ...base, region: 'mars', extra: 1 }, topics);
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.problems.map((p) => [p.field, p.code])).toEqual([['region', 'not-one-of'], ['extra', 'unknown-field']]);
  });

  it('gives every problem of new input a code the admin pages and the command line word themselves', () => {
    const parsed = newSourceSchema.safeParse({ url: 'not a url', organization: '', languages: [], title: 'x'.repeat(201), intervalMinutes: 1.5, slug: 'Not A Slug' });
    expect(parsed.success).toBe(false);
    const problems = describeIssues(parsed.error!.issues).map((p) => [p.field, p.code, p.params ?? null]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['url', 'not-a-url', null],
        ['organization', 'required', null],
        ['region', 'required', null],
        ['languages', 'too-few', { min: 1 }],
        ['title', 'too-long', { max: 200 }],
        ['intervalMinutes', 'not-a-whole-number', null],
        ['slug', 'bad-slug', null],
      ]),
    );
  });

  it('takes the region from a province given without one', () => {
    const parsed = newSourceSchema.safeParse({ url: 'https://x.org/feed', organization: 'X', province: 'nb' });
    expect(parsed.success && parsed.data.region).toBe('atlantic');
    // Given both, they must agree: that is checkSpec's rule, not a silent change.
    const both = newSourceSchema.safeParse({ url: 'https://x.org/feed', organization: 'X', province: 'nb', region: 'bc' });
    expect(both.success && both.data.region).toBe('bc');
  });

  it('checks a page source like feeds.yaml does: its selectors are CSS, given for a page only', () => {
    const base = { slug: 'x', url: 'https://x.org/news', title: 'X', organization: 'X', region: 'national', languages: ['en'], topics: [] };
    expect(checkSpec({ ...base, kind: 'page', selectors: { item: 'article.post', date: 'time' } }, topics)).toMatchObject({ ok: true, spec: { kind: 'page' } });
    expect(checkSpec({ ...base, kind: 'page' }, topics)).toEqual({ ok: false, problems: [{ field: 'selectors', message: 'required for a page source (kind: page): at least item', code: 'selectors-required' }] });
    expect(checkSpec({ ...base, selectors: { item: 'li' } }, topics)).toEqual({ ok: false, problems: [{ field: 'selectors', message: 'only a page source (kind: page) has selectors', code: 'selectors-page-only' }] });
    const invalid = checkSpec({ ...base, kind: 'page', selectors: { item: 'li', summary: 'p:nth-child(' } }, topics);
    expect(!invalid.ok && invalid.problems).toEqual([
      { field: 'selectors.summary', message: expect.stringMatching(/^not a CSS selector the hub can run/), code: 'selector-invalid', params: { field: 'summary', selector: 'p:nth-child(' } },
    ]);
  });
});
