import { describe, expect, it } from 'vitest';
import { canonicalUrl, translationKey } from '../../src/normalize/canonical-url.ts';
import { computeFingerprint } from '../../src/normalize/fingerprint.ts';
import { compareStories, type StoryFacts } from '../../src/normalize/same-story.ts';

function story(over: Partial<StoryFacts> & { url: string; title: string }): StoryFacts {
  const summary = over.summary ?? '';
  return {
    sourceSlug: 'source-a',
    organization: 'Org A',
    language: 'en',
    publishedAt: new Date('2025-06-10T14:00:00Z'),
    ...over,
    summary,
    canonicalUrl: canonicalUrl(over.url),
    translationKey: translationKey(over.url),
    fingerprint: computeFingerprint(over.title, summary),
  };
}
const days = (n: number) => new Date(Date.parse('2025-06-10T14:00:00Z') + n * 86_400_000);
const both = (a: StoryFacts, b: StoryFacts) => [compareStories(a, b), compareStories(b, a)];

const CFP_SUMMARY =
  'IRCC is inviting eligible organizations to apply for funding to deliver settlement and resettlement services across Canada, ' +
  'starting April 1, 2026. The Call for Proposals is open until September 12, 2025.';

describe('compareStories: duplicates', () => {
  it('same canonical URL from two sources, whatever tracking, www or scheme', () => {
    const a = story({ url: 'https://www.canada.ca/en/news/cfp.html', title: 'Government launches Call for Proposals', summary: CFP_SUMMARY });
    const b = story({
      sourceSlug: 'settlement-org',
      url: 'http://canada.ca/en/news/cfp.html?utm_source=settlement.org&utm_medium=rss',
      title: 'IRCC opens its CFP',
      summary: 'Short repost.',
      publishedAt: days(30),
    });
    expect(both(a, b)).toEqual(['duplicate', 'duplicate']);
  });

  it('near-identical text on different URLs within the window', () => {
    const a = story({ url: 'https://canada.ca/en/news/cfp.html', title: 'Government of Canada launches 2025 Call for Proposals for settlement services', summary: CFP_SUMMARY });
    const b = story({
      sourceSlug: 'amssa',
      url: 'https://amssa.org/news/cfp-2025/',
      title: 'Government of Canada launches 2025 Call for Proposals for settlement services',
      summary: `${CFP_SUMMARY} (Shared from IRCC.)`,
      publishedAt: days(1),
    });
    expect(both(a, b)).toEqual(['duplicate', 'duplicate']);
  });

  it('an edited headline over the same body, words added on one side only', () => {
    const a = story({ url: 'https://amssa.org/events/vicarious-trauma/', title: 'Webinar: Vicarious trauma and burnout in settlement work', summary: 'Settlement work exposes staff to clients’ stories of loss and violence. This webinar explores the signs of vicarious trauma and burnout, and practical strategies for care.' });
    const b = story({
      sourceSlug: 'settlementatwork',
      url: 'https://settlementatwork.org/en/vicarious-trauma-amssa',
      title: 'Webinar: Vicarious Trauma and Burnout in Settlement Work (AMSSA)',
      summary: 'Settlement work exposes staff to clients’ stories of loss and violence. This AMSSA webinar explores the signs of vicarious trauma and burnout, and practical strategies for care.',
      publishedAt: days(1),
    });
    expect(both(a, b)).toEqual(['duplicate', 'duplicate']);
  });

  it('not outside the window, not within one source, not across languages', () => {
    const a = story({ url: 'https://canada.ca/en/news/cfp.html', title: 'Government launches 2025 Call for Proposals', summary: CFP_SUMMARY });
    expect(compareStories(a, { ...a, sourceSlug: 'amssa', url: 'https://amssa.org/x', canonicalUrl: 'https://amssa.org/x', publishedAt: days(6) })).toBeNull();
    expect(compareStories(a, { ...a, url: 'https://canada.ca/en/news/other.html', canonicalUrl: 'https://canada.ca/en/news/other.html' })).toBeNull();
    expect(compareStories(a, { ...a, sourceSlug: 'ircc-news-fr', language: 'fr' })).toBeNull();
  });
});

describe('compareStories: near misses stay apart', () => {
  it('two sessions of one series', () => {
    const summary = (date: string) => `Find out how to register for free English classes (LINC) in Scarborough, how your level is assessed, and what childminding is available. Wednesday, ${date}, 10:00 a.m.`;
    const a = story({ url: 'https://settlement.org/events/linc-march-5', title: 'LINC info session — March 5', summary: summary('March 5, 2025') });
    const b = story({ sourceSlug: 'ocasi', url: 'https://ocasi.org/events/linc-april-2', title: 'LINC info session — April 2', summary: summary('April 2, 2025'), publishedAt: days(2) });
    expect(both(a, b)).toEqual([null, null]);
    const c = story({ ...b, title: 'LINC info session', url: 'https://ocasi.org/events/linc-b' });
    const d = story({ ...a, title: 'LINC info session', url: 'https://settlement.org/events/linc-a' });
    expect(both(c, d)).toEqual([null, null]);
  });

  it('one newsletter template with different content', () => {
    const a = story({ url: 'https://aaisa.ca/news/roundup-1', title: 'Alberta settlement sector news roundup', summary: 'This week: a new provincial fund for newcomer mental health projects, Calgary’s welcoming community strategy, and board nominations.' });
    const b = story({ sourceSlug: 'araisa', url: 'https://araisa.ca/news/roundup-2', title: 'Alberta settlement sector news roundup', summary: 'This week: ride-share vouchers in the Peace Region, a volunteer tutoring program in Hinton, and winter driving lessons.', publishedAt: days(3) });
    expect(both(a, b)).toEqual([null, null]);
    const c = story({ url: 'https://ocasi.org/weekly-13', title: 'OCASI Weekly Update – June 13, 2025', summary: 'In this issue: the budget, a housing guide and job postings.' });
    const d = story({ sourceSlug: 'settlement-org', url: 'https://ocasi.org/weekly-20', title: 'OCASI Weekly Update – June 20, 2025', summary: 'In this issue: the budget, a housing guide and job postings.', publishedAt: days(3) });
    expect(both(c, d)).toEqual([null, null]);
  });

  it('one job template posted for different cities', () => {
    const summary = (city: string) => `Support newcomer youth aged 13 to 24 and their families with school, recreation and referrals in ${city}. Full-time, one-year term. Apply by November 21, 2025.`;
    const a = story({ sourceSlug: 'saisia', url: 'https://saisia.ca/jobs/ysw-swift-current', title: 'Job Posting: Youth Settlement Worker — Swift Current', summary: summary('Swift Current and area') });
    const b = story({ sourceSlug: 'araisa', url: 'https://araisa.ca/jobs/ysw-brooks', title: 'Job Posting: Youth Settlement Worker — Brooks', summary: summary('Brooks and the County of Newell'), publishedAt: days(1) });
    expect(both(a, b)).toEqual([null, null]);
  });

  it('numbered notices of one kind', () => {
    const a = story({ url: 'https://canada.ca/ee-352', title: 'Express Entry draw #352: 4,500 invitations', summary: 'IRCC issued invitations to apply for permanent residence.' });
    const b = story({ sourceSlug: 'settlement-org', url: 'https://canada.ca/ee-353', title: 'Express Entry draw #353: 3,200 invitations', summary: 'IRCC issued invitations to apply for permanent residence.', publishedAt: days(2) });
    expect(both(a, b)).toEqual([null, null]);
  });
});

describe('compareStories: translations', () => {
  it('English and French pages of one site with one translation key, even when the organization is named per language', () => {
    const en = story({ sourceSlug: 'ccr-en', organization: 'Canadian Council for Refugees', url: 'https://ccrweb.ca/en/refugee-rights-day-2025', title: 'Refugee Rights Day 2025' });
    const fr = story({
      sourceSlug: 'ccr-fr',
      organization: 'Conseil canadien pour les réfugiés',
      url: 'https://ccrweb.ca/fr/refugee-rights-day-2025',
      title: 'Journée des droits des réfugiés 2025',
      language: 'fr',
      publishedAt: days(20),
    });
    expect(both(en, fr)).toEqual(['translation', 'translation']);
  });

  it('?lang= and -en/-fr variants from one bilingual source', () => {
    const en = story({ url: 'https://aaisa.ca/research/survey?lang=en', title: 'Compensation survey results' });
    const fr = story({ url: 'https://aaisa.ca/research/survey?lang=fr', title: 'Résultats du sondage sur la rémunération', language: 'fr' });
    expect(compareStories(en, fr)).toBe('translation');
  });

  it('an explicit alternate link, when the two URLs share nothing', () => {
    const en = story({ sourceSlug: 'ircc-news-en', url: 'https://canada.ca/en/immigration-refugees-citizenship/news/2025/06/cfp.html', title: 'Call for Proposals 2025' });
    const fr = story({ sourceSlug: 'ircc-news-fr', url: 'https://canada.ca/fr/immigration-refugies-citoyennete/nouvelles/2025/06/appel.html', title: 'Appel de propositions 2025', language: 'fr' });
    expect(compareStories(en, fr)).toBeNull();
    expect(compareStories({ ...en, alternateUrls: [fr.canonicalUrl!] }, fr)).toBe('translation');
    expect(compareStories(en, { ...fr, alternateUrls: [en.canonicalUrl!] })).toBe('translation');
  });

  it('never between two items of one language, nor with a third language, nor across sites', () => {
    const en = story({ url: 'https://ccrweb.ca/en/a', title: 'A' });
    expect(compareStories(en, story({ url: 'https://ccrweb.ca/fr/a', title: 'A', language: 'other' }))).toBeNull();
    expect(compareStories(en, story({ url: 'https://other.ca/fr/a', title: 'A', language: 'fr' }))).toBeNull();
    expect(compareStories(en, story({ sourceSlug: 'x', url: 'https://ccrweb.ca/fr/b', title: 'B', language: 'fr' }))).toBeNull();
  });
});
