// What OPML import reads from one outline, as subscription lists in the sector write them: the
// publisher's name without the feed's own words, and the place from the category (our export's
// paths, province codes and names in either language, regions).
import { describe, expect, it } from 'vitest';
import { placeFromCategory, titleAndOrganization } from '../../src/pipeline/import-opml.ts';

describe('the publisher of an outline', () => {
  it.each([
    // Our own export: "Title — Organization".
    ['Atlantic feed — Atlantic Org', 'Atlantic feed', 'Atlantic Org'],
    ['Harbourview Newcomer Centre — News — Harbourview Newcomer Centre', 'Harbourview Newcomer Centre — News', 'Harbourview Newcomer Centre'],
    // Feed readers keep the feed's <title>, which publishers write in these shapes.
    ['AMSSA News', 'AMSSA News', 'AMSSA'],
    ['ISANS Blog', 'ISANS Blog', 'ISANS'],
    ['Accueil Yukon — Actualités', 'Accueil Yukon — Actualités', 'Accueil Yukon'],
    ['IRCC: News releases', 'IRCC: News releases', 'IRCC'],
    ['Ottawa Local Immigration Partnership (OLIP) | News', 'Ottawa Local Immigration Partnership (OLIP) | News', 'Ottawa Local Immigration Partnership (OLIP)'],
    ['Réseau en immigration francophone de la Nouvelle-Écosse - Événements', 'Réseau en immigration francophone de la Nouvelle-Écosse - Événements', 'Réseau en immigration francophone de la Nouvelle-Écosse'],
    ['Settlement.Org — Newcomer news', 'Settlement.Org — Newcomer news', 'Settlement.Org'],
    ['News from ISANS', 'News from ISANS', 'ISANS'],
    ['Nouvelles de l’AMSSA', 'Nouvelles de l’AMSSA', 'AMSSA'],
    ['Welcome Centre for Immigrants', 'Welcome Centre for Immigrants', 'Welcome Centre for Immigrants'],
    // Nothing but the feed's words: the site's name.
    ['News', 'News', 'example.org'],
  ])('%s → title %s, organization %s', (label, title, organization) => {
    expect(titleAndOrganization({ text: label, xmlUrl: 'https://www.example.org/feed' })).toEqual({ title, organization });
  });
});

describe('the place of an outline', () => {
  it.each([
    ['/atlantic/ns', { region: 'atlantic', province: 'ns' }],
    ['/national/on', { region: 'national', province: 'on' }],
    ['/ontario', { region: 'ontario' }],
    ['/quebec/qc', { region: 'quebec', province: 'qc' }],
    ['/bc/bc', { region: 'bc', province: 'bc' }],
    ['Ontario', { region: 'ontario', province: 'on' }],
    ['/prairies', { region: 'prairies' }],
    ['NS', { region: 'atlantic', province: 'ns' }],
    ['Nova Scotia', { region: 'atlantic', province: 'ns' }],
    ['/Canada/Nouvelle-Écosse', { region: 'atlantic', province: 'ns' }],
    ['PEI', { region: 'atlantic', province: 'pe' }],
    ['Québec', { region: 'quebec', province: 'qc' }],
    ['British Columbia', { region: 'bc', province: 'bc' }],
    ['Le Nord', { region: 'north' }],
    ['Health,/atlantic/nb', { region: 'atlantic', province: 'nb' }],
    ['Health', {}],
    [undefined, {}],
  ])('%s → %o', (category, place) => {
    expect(placeFromCategory(category)).toEqual(place);
  });
});
