import { describe, expect, it } from 'vitest';
import { canonicalUrl, translationKey } from '../../src/normalize/canonical-url.ts';

describe('canonicalUrl', () => {
  it.each([
    ['https://www.amssa.org/news/x/', 'https://amssa.org/news/x'],
    ['http://amssa.org/news/x', 'https://amssa.org/news/x'],
    ['HTTPS://WWW.AMSSA.ORG/news/x', 'https://amssa.org/news/x'],
    ['https://amssa.org:443/news/x', 'https://amssa.org/news/x'],
    ['http://amssa.org:80/news/x', 'https://amssa.org/news/x'],
    ['https://amssa.org:8443/news/x', 'https://amssa.org:8443/news/x'],
    ['https://amssa.org/news/x#comments', 'https://amssa.org/news/x'],
    ['https://amssa.org/news/index.html', 'https://amssa.org/news'],
    ['https://amssa.org/index.php', 'https://amssa.org'],
    ['https://amssa.org/', 'https://amssa.org'],
    ['https://amssa.org//news//x', 'https://amssa.org/news/x'],
    ['https://amssa.org/News/X', 'https://amssa.org/News/X'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('drops tracking parameters and sorts the others', () => {
    expect(
      canonicalUrl(
        'https://ocasi.org/statement?utm_source=news&utm_medium=email&utm_campaign=x&fbclid=IwAR3&gclid=abc&mc_cid=7a&mc_eid=f9&_hsenc=p2&_hsmi=1&ref=rss&igshid=zz',
      ),
    ).toBe('https://ocasi.org/statement');
    expect(canonicalUrl('https://example.org/p?page=2&id=7&utm_term=x')).toBe('https://example.org/p?id=7&page=2');
    expect(canonicalUrl('https://example.org/p?b=2&a=1')).toBe(canonicalUrl('https://example.org/p?a=1&b=2'));
  });

  it('makes the variants of one link equal', () => {
    const variants = [
      'https://www.canada.ca/en/news/2025/06/cfp.html',
      'http://canada.ca/en/news/2025/06/cfp.html?utm_source=settlement.org&utm_medium=rss',
      'https://canada.ca/en/news/2025/06/cfp.html#main',
      'https://WWW.Canada.ca/en/news/2025/06/cfp.html?fbclid=IwAR3xQm9',
    ];
    expect(new Set(variants.map(canonicalUrl)).size).toBe(1);
  });

  it('keeps different pages apart', () => {
    expect(canonicalUrl('https://example.org/a')).not.toBe(canonicalUrl('https://example.org/b'));
    expect(canonicalUrl('https://example.org/p?id=1')).not.toBe(canonicalUrl('https://example.org/p?id=2'));
    expect(canonicalUrl('https://news.example.org/a')).not.toBe(canonicalUrl('https://example.org/a'));
  });

  it('passes anything that is not an http(s) URL through, trimmed', () => {
    expect(canonicalUrl('  urn:uuid:1234 ')).toBe('urn:uuid:1234');
    expect(canonicalUrl('mailto:info@example.org')).toBe('mailto:info@example.org');
  });
});

describe('translationKey', () => {
  it.each([
    ['https://ccrweb.ca/en/refugee-rights-day-2025', 'https://ccrweb.ca/fr/refugee-rights-day-2025'],
    ['https://p2pcanada.ca/library/why-newcomers-stay/', 'https://p2pcanada.ca/fr/library/why-newcomers-stay/'],
    ['https://aaisa.ca/research/survey?lang=en', 'https://aaisa.ca/research/survey?lang=fr'],
    ['https://saisia.ca/resources/childcare-guide-en.pdf', 'https://saisia.ca/resources/childcare-guide-fr.pdf'],
    ['https://example.gc.ca/report-eng.html', 'https://example.gc.ca/report-fra.html'],
    ['https://ocasi.org/english/youth-fund', 'https://ocasi.org/francais/youth-fund'],
    ['https://en.example.ca/news/1', 'https://fr.example.ca/news/1'],
    ['http://www.isans.ca/en/services/?utm_source=x', 'https://isans.ca/fr/services'],
  ])('%s and %s share a key', (en, fr) => {
    expect(translationKey(en)).toBe(translationKey(fr));
  });

  it('keeps the host and the rest of the path, without the scheme', () => {
    expect(translationKey('https://ccrweb.ca/en/refugee-rights-day-2025')).toBe('ccrweb.ca/refugee-rights-day-2025');
    expect(translationKey('https://aaisa.ca/research/survey?lang=fr&page=2')).toBe('aaisa.ca/research/survey?page=2');
  });

  it('keeps different pages and different sites apart', () => {
    expect(translationKey('https://ccrweb.ca/en/a')).not.toBe(translationKey('https://ccrweb.ca/fr/b'));
    expect(translationKey('https://ccrweb.ca/en/a')).not.toBe(translationKey('https://other.ca/fr/a'));
  });

  it('does not strip words that merely contain en or fr', () => {
    expect(translationKey('https://example.ca/entrepreneurs/frontline')).toBe('example.ca/entrepreneurs/frontline');
    expect(translationKey('https://example.ca/events/green-fr-ee')).toBe('example.ca/events/green-fr-ee');
  });
});
