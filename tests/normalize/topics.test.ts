import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Topic } from '../../src/core/types.ts';
import { compileTaxonomy, tagTopics } from '../../src/normalize/topics.ts';
import { parseFeedsFile } from '../../src/sources/feeds-file.ts';

const topic = (slug: string, en: string[], fr: string[] = [], categories: string[] = []): Topic => ({
  slug,
  label: { en: slug, fr: slug },
  keywords: { en, fr },
  categories,
});

const taxonomy = compileTaxonomy([
  topic('language-training', ['LINC', 'language training', 'CLB'], ['CLIC', 'formation linguistique', 'NCLC']),
  topic('refugees', ['refugee', 'asylum seeker', 'RAP'], ['réfugié', 'demandeur d\'asile', 'PAR'], ['Réfugiés', 'Refugee Resettlement']),
  topic('arts', ['art']),
  topic('communities', ['small community', 'bus'], ['rural', 'étudiant international']),
  topic('pre-arrival', ['pre-arrival']),
  topic('entrepreneurship', ['entrepreneur*']),
  topic('employment', ['employment', 'job search'], ['emploi', '-offre d\'emploi']),
  topic('research', ['research', 'study', '-study permit'], [], ['Research']),
]);

const tag = (title: string, summary = '', categories: string[] = [], defaults: string[] = []) =>
  tagTopics({ title, summary, categories, language: 'en' }, taxonomy, defaults);

describe('tagTopics', () => {
  it('matches whole words only', () => {
    expect(tag('New LINC classes in Brandon')).toEqual(['language-training']);
    expect(tag('The linchpin of settlement work')).toEqual([]);
    expect(tag('An article about the party')).toEqual([]);
    expect(tag('Art in the park')).toEqual(['arts']);
  });

  it('is accent- and case-insensitive for ordinary keywords', () => {
    expect(tag('REFUGEE CLAIMANTS AND HOUSING')).toEqual(['refugees']);
    expect(tag('Accueil des personnes refugiees')).toEqual(['refugees']);
    expect(tag('Formation Linguistique en ligne')).toEqual(['language-training']);
  });

  it('matches French feminine and plural forms and English plurals', () => {
    for (const title of ['Un réfugié', 'Une réfugiée', 'Des réfugiés', 'Les réfugiées']) expect(tag(title)).toEqual(['refugees']);
    expect(tag('Les demandeurs d’asile')).toEqual(['refugees']);
    expect(tag('Milieux ruraux et villages')).toEqual(['communities']);
    expect(tag('Les étudiants internationaux')).toEqual(['communities']);
    expect(tag('Welcoming small communities')).toEqual(['communities']);
    expect(tag('More buses for newcomers')).toEqual(['communities']);
    expect(tag('Asylum seekers at the border')).toEqual(['refugees']);
  });

  it('matches phrases across punctuation, and a hyphen as a hyphen, a space or nothing', () => {
    expect(tag('Pre-Arrival services')).toEqual(['pre-arrival']);
    expect(tag('Pre arrival services')).toEqual(['pre-arrival']);
    expect(tag('Prearrival services')).toEqual(['pre-arrival']);
    expect(tag('Language-training for adults')).toEqual(['language-training']);
  });

  it('matches a trailing * as any ending', () => {
    expect(tag('Newcomer entrepreneurship week')).toEqual(['entrepreneurship']);
    expect(tag('L’entrepreneuriat immigrant')).toEqual(['entrepreneurship']);
    expect(tag('An enterprise story')).toEqual([]);
  });

  it('matches acronyms written in capitals only as written', () => {
    expect(tag('RAP caseworkers meet')).toEqual(['refugees']);
    expect(tag('Rap music night')).toEqual([]);
    expect(tag('Le PAR en 2025')).toEqual(['refugees']);
    expect(tag('Atelier par Zoom')).toEqual([]);
    expect(tag('CLIC classes')).toEqual(['language-training']);
    expect(tag('Un clic suffit')).toEqual([]);
  });

  it('does not trust short acronyms in a title written all in capitals, but trusts longer ones', () => {
    expect(tag('ATELIER PAR ZOOM SUR LA RECHERCHE D EMPLOI')).toEqual(['employment']);
    expect(tag('NEW LINC CLASSES OPEN IN BRANDON')).toEqual(['language-training']);
  });

  it('lets a masking keyword hide a phrase from its topic', () => {
    expect(tag('Offre d’emploi : conseillère en établissement')).toEqual([]);
    expect(tag('Services d’emploi pour nouveaux arrivants')).toEqual(['employment']);
    expect(tag('Study permit cap for 2026')).toEqual([]);
    expect(tag('A new study of settlement outcomes')).toEqual(['research']);
  });

  it('needs one title keyword, or two different summary keywords', () => {
    expect(tag('Weekly update', 'Includes a note on job search.')).toEqual([]);
    expect(tag('Weekly update', 'Job search tips, and employment programs near you.')).toEqual(['employment']);
    expect(tag('Weekly update', 'Employment here, employment there.')).toEqual([]);
  });

  it('applies keywords of both languages to every item', () => {
    expect(tagTopics({ title: 'Nouvelles classes LINC à Moncton', summary: '', categories: [], language: 'fr' }, taxonomy, [])).toEqual(['language-training']);
    expect(tagTopics({ title: 'Refugee rights', summary: '', categories: [], language: 'fr' }, taxonomy, [])).toEqual(['refugees']);
  });

  it('maps feed categories through the taxonomy, not through keywords', () => {
    expect(tag('Weekly update', '', ['réfugiés'])).toEqual(['refugees']);
    expect(tag('Weekly update', '', ['REFUGEE RESETTLEMENT'])).toEqual(['refugees']);
    expect(tag('Weekly update', '', ['research'])).toEqual(['research']);
    expect(tag('Weekly update', '', ['Study in Canada', 'Emplois'])).toEqual([]);
  });

  it('always includes the source defaults, and returns sorted unique slugs', () => {
    expect(tag('LINC and refugees', '', [], ['rural', 'language-training'])).toEqual(['language-training', 'refugees', 'rural']);
    expect(tag('Nothing to see', '', [], [])).toEqual([]);
  });
});

describe('the taxonomy in feeds.yaml', () => {
  const file = parseFeedsFile(readFileSync(new URL('../../feeds.yaml', import.meta.url), 'utf8'));
  const real = compileTaxonomy(file.topics);
  const tagReal = (title: string, summary = '') => tagTopics({ title, summary, categories: [], language: 'en' }, real, []);

  it('has the 21 slugs of DESIGN.md, each bilingual, and the sources name only those', () => {
    expect(file.topics.map((t) => t.slug).sort()).toEqual(
      [
        'employment', 'language-training', 'housing', 'transportation', 'health', 'children-youth', 'childcare', 'refugees', 'anti-racism',
        'francophone', 'funding', 'digital', 'partnerships', 'interpretation', 'entrepreneurship', 'international-students', 'rural', 'research',
        'staff-wellbeing', 'pre-arrival', 'credentials',
      ].sort(),
    );
    for (const t of file.topics) {
      expect(t.label.en && t.label.fr, t.slug).toBeTruthy();
      expect(t.keywords.en.length, t.slug).toBeGreaterThan(5);
      expect(t.keywords.fr.length, t.slug).toBeGreaterThan(5);
    }
  });

  it.each([
    ['Programme d’aide à la réinstallation (PAR) : nouvelles mesures', ['refugees']],
    ['SWIS workers welcome students back', ['children-youth']],
    ['Travailleurs en établissement dans les écoles (TESÉ)', ['children-youth']],
    ['PGWP holders and the new rules', ['international-students']],
    ['Permis de travail postdiplôme (PTPD) : ce qui change', ['international-students']],
    ['RNIP communities report strong retention', ['rural']],
    ['Foreign credential recognition for engineers', ['credentials']],
    ['Communities report strong retention', []],
    ['New report: housing outcomes of refugees', ['housing', 'refugees', 'research']],
    ['Reconnaissance des titres de compétences', ['credentials']],
    ['CLB bootcamp for LINC instructors', ['language-training']],
    ['Local Immigration Partnership meets', ['partnerships']],
    ['Le PLI de Sudbury se réunit', ['partnerships']],
    ['Newcomer entrepreneurs in small towns', ['entrepreneurship', 'rural']],
    ['Garde d’enfants pour les parents en francisation', ['childcare', 'language-training']],
    ['Offre d’emploi : intervenante', []],
  ])('%s', (title, expected) => {
    expect(tagReal(title)).toEqual(expected);
  });
});
