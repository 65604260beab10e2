import { describe, expect, it } from 'vitest';
import { chooseItemLanguage, declaredLanguage, detectLanguage } from '../../src/normalize/detect-language.ts';

const EN = 'The new report looks at how newcomers in small centres find housing and work, and what agencies can do to help them stay.';
const FR = 'Le nouveau rapport examine comment les nouveaux arrivants des petits centres trouvent un logement et un emploi, et ce que les organismes peuvent faire.';
const ES = '¿Usted acaba de llegar a Canadá? Venga a nuestro taller gratuito para conocer sus derechos y los servicios de salud y de empleo.';
const TL = 'May libreng klase sa Ingles para sa mga bagong dating sa Surrey. Tumawag po kayo sa aming opisina para magparehistro.';
const AR = 'جلسة معلومات مجانية باللغة العربية حول تسجيل الأطفال في المدارس والتواصل مع المعلمين';
const ZH = '志愿者将帮助您首次申报个人所得税，以便您领取各项福利和补贴。';

describe('detectLanguage', () => {
  it.each([
    [EN, 'en'],
    [FR, 'fr'],
    ['Webinaire : accueillir les personnes réfugiées en région, avec des intervenantes de la TCRI.', 'fr'],
    ['Register now for the webinar on the new pilot for rural communities.', 'en'],
  ])('recognises English and French: %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it.each([
    ['Spanish', ES],
    ['Tagalog', TL],
    ['Arabic', AR],
    ['Chinese', ZH],
  ])('says other for %s', (_name, text) => {
    expect(detectLanguage(text)).toBe('other');
  });

  it('does not let words French shares with Spanish (de, en, la, y, a) make Spanish French', () => {
    expect(detectLanguage('Taller informativo en español: derechos de las personas solicitantes de asilo en Quebec. Martes 10 de junio a las 18 h.')).toBe('other');
  });

  it.each(['LINC', 'Settlement.Org', "Offre d'emploi", 'Job posting: Settlement Counsellor (Halifax)', '', '2025'])('gives nothing for text too short to tell: %j', (text) => {
    expect(detectLanguage(text)).toBeUndefined();
  });

  it('gives nothing for a bilingual label', () => {
    expect(detectLanguage("Info session / Séance d'information — LINC / CLIC")).toBeUndefined();
  });
});

describe('chooseItemLanguage', () => {
  it('keeps the declared language when the text agrees or is too short to tell', () => {
    expect(chooseItemLanguage('en', EN, ['en'])).toBe('en');
    expect(chooseItemLanguage('fr', 'LINC', ['en', 'fr'])).toBe('fr');
    expect(chooseItemLanguage('en', 'Webinaire LINC', ['en'])).toBe('en');
  });

  it('overrules a declaration the text plainly contradicts (bilingual feeds label every item alike)', () => {
    expect(chooseItemLanguage('en', FR, ['en', 'fr'])).toBe('fr');
    expect(chooseItemLanguage('fr', EN, ['fr'])).toBe('en');
    expect(chooseItemLanguage('en', ES, ['en'])).toBe('other');
    expect(chooseItemLanguage('en', AR, ['en'])).toBe('other');
  });

  it('needs strong evidence to overrule: a few French words in an English feed item are not enough', () => {
    expect(chooseItemLanguage('en', 'Réseau en immigration francophone: new director', ['en'])).toBe('en');
  });

  it('detects when nothing was declared, then falls back to the source’s single language', () => {
    expect(chooseItemLanguage(undefined, FR, ['en'])).toBe('fr');
    expect(chooseItemLanguage(undefined, 'LINC', ['en'])).toBe('en');
    expect(chooseItemLanguage(undefined, 'LINC', ['fr'])).toBe('fr');
    expect(chooseItemLanguage(undefined, 'LINC', ['en', 'fr'])).toBe('other');
  });
});

describe('declaredLanguage', () => {
  it('takes the item’s own tag, then the feed’s', () => {
    expect(declaredLanguage('fr-CA', 'en-US')).toBe('fr');
    expect(declaredLanguage(undefined, 'en-US')).toBe('en');
    expect(declaredLanguage('es', 'en')).toBe('other');
    expect(declaredLanguage(undefined, undefined)).toBeUndefined();
  });
});
