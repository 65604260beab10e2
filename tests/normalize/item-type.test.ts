import { describe, expect, it } from 'vitest';
import type { ItemType } from '../../src/core/types.ts';
import { classifyType, type TypeInput } from '../../src/normalize/item-type.ts';

const item = (title: string, summary = '', categories: string[] = [], url?: string): TypeInput => ({ title, summary, categories, url });

describe('classifyType', () => {
  it.each<[string, TypeInput, ItemType]>([
    ['webinar', item('Webinar: Trauma-informed practice for settlement workers', 'Thursday, April 10, 1:00–2:30 p.m. ET on Zoom.'), 'event'],
    ['webinaire', item('Webinaire : enseigner aux adultes peu alphabétisés', 'Le jeudi 12 juin à 14 h (HE).'), 'event'],
    ['colloque', item('Colloque 2025 de la TCRI', 'Deux jours de conférences les 4 et 5 décembre à Québec.'), 'event'],
    ['conference registration', item('Prairie Settlement Sector Summit 2025 — registration now open', 'Calgary, September 17–18.'), 'event'],
    ['inscription', item('Séance d’information sur les cours CLIC', 'Inscrivez-vous avant le 3 mars.'), 'event'],
    ['date and time only', item('LINC intake day', 'Wednesday, March 5, 2025, 10:00 a.m. at the Civic Centre.'), 'event'],
    ['job fair is an event', item('Newcomer Career Fair: meet 40 employers', 'Bring your resume. October 16, 10 a.m. to 3 p.m.'), 'event'],
    ['toolkit', item('Toolkit: Welcoming newcomers in rural BC communities', 'Includes templates.'), 'resource'],
    ['trousse', item('Une trousse pour accueillir les familles', 'Des fiches à télécharger.'), 'resource'],
    ['guide', item('Guide des services en français en Colombie-Britannique'), 'resource'],
    ['fiche', item('Fiche d’information : le PFSI'), 'resource'],
    ['template', item('Budget templates for small agencies'), 'resource'],
    ['info page', item('How do I get an Ontario driver’s licence?', 'Step by step.'), 'resource'],
    ['report', item('New report: Refugee claimants and the housing crisis', 'Based on interviews with 40 organizations.'), 'research'],
    ['étude', item('Étude : l’accueil des étudiants étrangers francophones'), 'research'],
    ['rapport', item('Rapport : sondage 2025 sur la main-d’œuvre du secteur'), 'research'],
    ['evaluation', item('Evaluating digital service delivery', 'This evaluation of 30 agencies finds…'), 'research'],
    ['research brief', item('Why newcomers stay', 'This research brief draws on 120 interviews.'), 'research'],
    ['call for proposals', item('Call for proposals: anti-racism microgrants', 'Apply by November 28.'), 'funding'],
    ['appel de propositions', item('Appel de propositions : Communautés francophones accueillantes', 'Date limite : le 20 février.'), 'funding'],
    ['appel de projets', item('Appel de projets : Fonds d’initiatives', 'Jusqu’à 25 000 $ par projet.'), 'funding'],
    ['funding opportunity', item('Funding opportunity: community grants for newcomer integration'), 'funding'],
    ['job posting', item('Job Posting: Settlement Counsellor — Halifax', 'Full-time. Apply by June 6 with a cover letter.'), 'job'],
    ['offre d’emploi', item('Offre d’emploi : agente de programme', 'Poste permanent à temps plein.'), 'job'],
    ['poste à pourvoir', item('Poste à pourvoir : coordonnatrice', ''), 'job'],
    ['hiring', item('We’re hiring a LINC instructor', 'Part-time, $31.00 per hour.'), 'job'],
    ['jobs category', item('Research Associate (12-month contract)', 'Send a CV by January 16.', ['Jobs']), 'job'],
    ['jobs URL', item('Multicultural Outreach Worker, Prince George', 'Apply by March 14.', [], 'https://example.org/jobs/outreach-worker/'), 'job'],
    ['news', item('Minister announces investment in newcomer mental health', 'The Government of Canada is investing $4.2 million.'), 'news'],
    ['statement', item('OCASI statement on the rise in anti-immigrant hate'), 'news'],
  ])('%s', (_name, input, expected) => {
    expect(classifyType(input)).toBe(expected);
  });

  it('keeps employment programs for newcomers apart from job postings', () => {
    expect(classifyType(item('Newcomer youth summer jobs program now accepting participants', 'Paid work placements and job readiness training.'))).toBe('news');
    expect(classifyType(item('Employment services for newcomers in Halifax'))).toBe('news');
    expect(classifyType(item('Offre d’emploi : conseillère en emploi', 'Temps plein.'))).toBe('job');
  });

  it('is not fooled by look-alike cues', () => {
    expect(classifyType(item('Changes to the study permit cap for 2026', 'Study permits will be capped.'))).toBe('news');
    expect(classifyType(item('ISANS Annual Report 2024–2025'))).toBe('news');
    expect(classifyType(item('New fair registration rules for regulated professions'))).toBe('news');
  });

  it('lets the more specific type win a tie: a webinar about a report is an event', () => {
    expect(classifyType(item('Webinar: launching our report on rural housing', 'June 3, 2025, 12:00 p.m. ET.'))).toBe('event');
    expect(classifyType(item('Job posting: Workshop facilitator', 'Part-time contract.'))).toBe('job');
  });

  it('falls back to news', () => {
    expect(classifyType(item(''))).toBe('news');
    expect(classifyType(item('Youth soccer league kicks off in Regina'))).toBe('news');
  });
});
