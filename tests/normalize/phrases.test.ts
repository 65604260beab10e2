import { describe, expect, it } from 'vitest';
import { phrasesOf } from '../../src/normalize/phrases.ts';

const texts = (pattern: string) => phrasesOf(pattern)?.map((p) => (p.atStart ? `^${p.text}` : p.text)).sort();

describe('phrasesOf', () => {
  it('expands optional letters, groups, alternatives and sets', () => {
    expect(texts('calls? for proposals')).toEqual(['call for proposals', 'calls for proposals']);
    expect(texts('we ?(?:a)?re hiring')).toEqual(['we are hiring', 'we re hiring', 'weare hiring', 'were hiring']);
    expect(texts('full[- ]time|part-time')).toEqual(['full time', 'full-time', 'part-time']);
    expect(texts('career opportunit(?:y|ies)')).toEqual(['career opportunities', 'career opportunity']);
    expect(texts('register (?:now|today)?')).toEqual(['register ', 'register now', 'register today']);
  });

  it('marks phrases anchored at the start, and drops those that can never match', () => {
    expect(texts('^how (?:do|to)|guide')).toEqual(['^how do', '^how to', 'guide']);
    expect(texts('a^b|c')).toEqual(['c']);
  });

  it('gives up on anything that is not a finite list of phrases', () => {
    for (const pattern of ['\\d{1,2} ?h', 'a*', 'a+', 'a{2}', 'a.b', '(a)', 'a(?=b)', 'a$', '[a-z]', '[^a]', 'a??', 'a]']) expect(phrasesOf(pattern), pattern).toBeUndefined();
    expect(phrasesOf('(?:a|b)(?:c|d)(?:e|f)', 7)).toBeUndefined();
  });

  it('gives phrases the pattern matches whole, and only those', () => {
    for (const pattern of ['calls? for proposals', 'we ?(?:a)?re hiring', 'micro-?grants?', 'fact ?sheets?', 'inscri(?:vez|re)', 'x(?:y|z)?w']) {
      const phrases = phrasesOf(pattern)!;
      const whole = new RegExp(`^(?:${pattern})$`);
      for (const p of phrases) expect(whole.test(p.text), `${pattern} / ${p.text}`).toBe(true);
      expect(new Set(phrases.map((p) => p.text)).size).toBe(phrases.length);
    }
  });
});
