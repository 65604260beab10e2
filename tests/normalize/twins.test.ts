// What survives translation, read the way each language writes it, and the twin decision on
// the cases that decide it: sister sources, the window, and the facts that tell two texts apart.
import { describe, expect, it } from 'vitest';
import { compileLexicon, conceptsOf, DEFAULT_LEXICON, LEXICON_PAIRS } from '../../src/normalize/lexicon.ts';
import { twinEvidence, type TwinInput } from '../../src/normalize/twin-evidence.ts';
import { publisherKeys, twinScore, type TwinFacts } from '../../src/normalize/twins.ts';

const evidence = (input: Partial<TwinInput> & { language: 'en' | 'fr' }) => twinEvidence({ title: '', summary: '', ...input }, DEFAULT_LEXICON);

describe('twin evidence', () => {
  it('reads amounts the way each language writes them', () => {
    expect([...evidence({ language: 'en', summary: 'A $2.4 Million investment and $250,000 for Moncton.' }).amounts].sort()).toEqual(['2400000', '250000']);
    expect([...evidence({ language: 'fr', summary: 'Un investissement de 2,4 millions de dollars et 250 000 $ pour Moncton.' }).amounts].sort()).toEqual(['2400000', '250000']);
  });

  it('reads dates, ranges and times in English and French alike', () => {
    const en = evidence({ language: 'en', summary: 'May 25-27, 2026, and on April 1 from 1:00 to 2:30 p.m.' }).dates;
    const fr = evidence({ language: 'fr', summary: 'Du 25 au 27 mai 2026, et le 1er avril de 13 h à 14 h 30.' }).dates;
    for (const d of ['05-25', '05-27', '04-01', '14:30']) {
      expect(en.has(d), `en ${d}`).toBe(true);
      expect(fr.has(d), `fr ${d}`).toBe(true);
    }
  });

  it('keeps links apart from language markers, and leaves out the site home page', () => {
    const html = '<p><a href="https://ccrweb.ca/fr/consultations/inscription">x</a> <a href="https://ccrweb.ca/fr">accueil</a> <a href="mailto:info@ccrweb.ca">info</a></p>';
    expect([...evidence({ language: 'fr', contentHtml: html }).links].sort()).toEqual(['ccrweb.ca/consultations/inscription', 'mailto:info@ccrweb.ca']);
  });

  it('maps the sector’s words onto one idea in both languages', () => {
    const [en] = conceptsOf('call for proposals', DEFAULT_LEXICON);
    const [fr] = conceptsOf('appel de propositions', DEFAULT_LEXICON);
    expect(en).toBe(fr);
    expect(LEXICON_PAIRS.length).toBeGreaterThan(100);
  });

  it('takes an operator’s pairs, and joins them to a built-in idea they repeat', () => {
    const lexicon = compileLexicon([{ en: 'drop-in', fr: 'halte-accueil' }, { en: 'call for proposals', fr: 'appel à projets' }]);
    expect(conceptsOf('drop-in', lexicon)).toEqual(conceptsOf('halte-accueil', lexicon));
    expect(conceptsOf('appel à projets', lexicon)).toEqual(conceptsOf('call for proposals', lexicon));
  });
});

describe('publisher keys', () => {
  it('join an organization’s English and French feeds, by name or by site', () => {
    const en = publisherKeys({ organization: 'Canadian Council for Refugees', url: 'https://ccrweb.ca/en/rss.xml' });
    const fr = publisherKeys({ organization: 'Conseil canadien pour les réfugiés', url: 'https://ccrweb.ca/fr/rss.xml' });
    expect(en.some((k) => fr.includes(k))).toBe(true);
  });

  it('tell apart platforms that share a bare address', () => {
    const a = publisherKeys({ organization: 'A', url: 'http://127.0.0.1:8090/harbourview/feed/' });
    const b = publisherKeys({ organization: 'B', url: 'http://127.0.0.1:8090/lakeshore/rss.xml' });
    expect(a.some((k) => b.includes(k))).toBe(false);
  });
});

describe('the twin decision', () => {
  const keys = ['o:gnb'];
  const facts = (language: 'en' | 'fr', at: string, title: string, summary: string): TwinFacts => ({
    language,
    publishedAt: new Date(at),
    publisherKeys: keys,
    evidence: evidence({ language, title, summary }),
  });
  const en = facts('en', '2025-05-12T14:30:00Z', '$500,000 to help newcomers settle in Saint John', 'The province is investing $500,000 over two years in the Saint John Newcomers Centre to hire two settlement workers.');
  const fr = facts('fr', '2025-05-12T14:30:00Z', '500 000 $ pour aider les nouveaux arrivants à s’établir à Saint John', 'La province investit 500 000 $ sur deux ans dans le Saint John Newcomers Centre afin d’embaucher deux intervenants en établissement.');

  it('links one text in two languages', () => {
    expect(twinScore(en, fr)).not.toBeNull();
    expect(twinScore(fr, en)).toBe(twinScore(en, fr));
  });

  it('keeps apart the same announcement for another city, the same amount and program', () => {
    const other = facts('fr', '2025-05-12T14:45:00Z', '500 000 $ pour aider les nouveaux arrivants à s’établir à Edmundston', 'La province investit 500 000 $ sur deux ans à Edmundston afin d’embaucher deux intervenants en établissement.');
    expect(twinScore(en, other)).toBeNull();
  });

  it('needs sister sources, other languages and the window', () => {
    expect(twinScore(en, { ...fr, publisherKeys: ['o:someone-else'] })).toBeNull();
    expect(twinScore(en, { ...fr, language: 'en' })).toBeNull();
    expect(twinScore(en, { ...fr, publishedAt: new Date('2025-05-16T14:30:00Z') })).toBeNull();
  });
});
