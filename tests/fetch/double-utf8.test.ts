// UTF-8 encoded twice: repaired when the repair is unambiguous, never applied to text that only
// looks like it, and said on the source through decodeFeedBytes.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

import { decodeFeedBytes } from '../../src/fetch/charset.ts';
import { repairDoubleUtf8 } from '../../src/fetch/double-utf8.ts';

/** What an export does when it reads its UTF-8 as windows-1252 and encodes the result again. */
const twice = (text: string) => iconv.decode(Buffer.from(text, 'utf8'), 'windows-1252');

const FRENCH = 'Été : l’accueil des réfugiés à Montréal, « œuvre » de 5 € — naïveté, où, Noël, garçon, Ça, ÉCOLE 🙂';

describe('repairDoubleUtf8', () => {
  it('repairs French text encoded twice, every accent and typographic mark included', () => {
    expect(twice(FRENCH)).toContain('rÃ©fugiÃ©s');
    expect(repairDoubleUtf8(twice(FRENCH))).toEqual({ text: FRENCH, repaired: 20, ambiguous: false });
  });

  it('repairs text encoded three times in as many passes', () => {
    expect(repairDoubleUtf8(twice(twice('réfugiés à Montréal'))).text).toBe('réfugiés à Montréal');
  });

  it('repairs what went through Latin-1 rather than windows-1252 (C1 controls for ’ and €)', () => {
    const latin1 = iconv.decode(Buffer.from('l’accueil, 5 €', 'utf8'), 'latin1');
    expect(latin1).toContain('\u0080');
    expect(repairDoubleUtf8(latin1).text).toBe('l’accueil, 5 €');
  });

  it.each([
    ['French typography, no-break spaces included', 'À la une : « café » à\u00a0« Montréal » — où ? Noël, cœur, 5\u00a0€, naïveté'],
    ['Portuguese', 'SÃO PAULO, Ãgua, Ângela'],
    ['an accent before guillemets', '«café»'],
    ['capitals before an ellipsis or a guillemet', 'FRANÇ… DÉJÀ» CAFÉ»'],
    ['plain ASCII', 'Settlement services in Halifax'],
  ])('leaves %s alone', (_, text) => {
    expect(repairDoubleUtf8(text)).toEqual({ text, repaired: 0, ambiguous: false });
  });

  it('leaves text alone and calls it ambiguous when an "à" lost its no-break space', () => {
    const broken = twice('réfugiés à Montréal').replace('Ã\u00a0', 'Ã ');
    expect(repairDoubleUtf8(broken)).toEqual({ text: broken, repaired: 0, ambiguous: true });
  });

  it('leaves text alone and calls it ambiguous when repaired and legitimate text are mixed', () => {
    const mixed = `${twice('réfugiés')} et à\u00a0« vrai »`;
    expect(repairDoubleUtf8(mixed)).toEqual({ text: mixed, repaired: 0, ambiguous: true });
  });
});

describe('decodeFeedBytes and text encoded twice', () => {
  const feed = (title: string) => `<rss version="2.0"><channel><title>${title}</title></channel></rss>`;

  it('repairs it and warns the source', () => {
    const decoded = decodeFeedBytes(Buffer.from(feed(twice(FRENCH)), 'utf8'), 'application/rss+xml; charset=utf-8');
    expect(decoded).toMatchObject({ ok: true, text: feed(FRENCH), encoding: 'utf-8' });
    expect(decoded.warnings).toEqual([{ code: 'charset-double-utf8', params: { count: 20 } }]);
  });

  it('gives a Latin-1 feed its accents and no warning', () => {
    const decoded = decodeFeedBytes(iconv.encode(feed('Réfugiés à Montréal, ÉCOLE'), 'latin1'), 'text/xml; charset=iso-8859-1');
    expect(decoded).toMatchObject({ ok: true, text: feed('Réfugiés à Montréal, ÉCOLE'), warnings: [] });
  });
});
