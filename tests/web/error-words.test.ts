// Error and warning words come from codes and their facts, in both languages, and error words
// never carry the facts only operators may see.
import { describe, expect, it } from 'vitest';
import type { ProblemParams, SourceErrorCode, Warning, WarningCode } from '../../src/core/types.ts';
import { errorWords, warningLine, warningWords } from '../../src/web/error-words.ts';

const ERROR_CODES: SourceErrorCode[] = [
  'blocked', 'bad-url', 'dns', 'connect', 'tls', 'timeout', 'too-large', 'too-many-redirects', 'http',
  'empty', 'bad-encoding', 'not-a-feed', 'bot-protection', 'charset', 'aborted', 'network', 'retired',
];
const WARNING_CODES: WarningCode[] = [
  'etag-not-sent', 'last-modified-not-sent', 'https-downgrade', 'gzip-mislabelled', 'gzip-unlabelled',
  'charset-bom-wins', 'charset-unknown', 'charset-not-utf16', 'charset-byte-layout', 'charset-actually-utf8',
  'charset-bytes-replaced', 'charset-fallback', 'charset-windows-1252', 'charset-c1-repaired',
  'parse-note', 'items-dropped', 'content-cut', 'unusable-date', 'guid-churn', 'note',
];

/** Every fact at once, the private ones included. */
const everything: ProblemParams = {
  status: 503, address: '10.20.30.40', host: 'intranet.corp.example', cause: 'ENOTFOUND', seconds: 30, limitBytes: 5 * 1024 * 1024,
  count: 3, total: 9, contentType: 'text/html', scheme: 'ftp', label: 'iso-8859-1', origin: 'content-type', encoding: 'windows-1252',
  fallbackOrigin: 'xml-declaration', target: 'http://partner.example', value: 'soon', reason: 'duplicate guid', detail: 'repaired: unclosed tags',
};

describe('errorWords', () => {
  it.each(ERROR_CODES)('%s has its own words in English and French, and names no address, host or system code', (code) => {
    const en = errorWords(code, everything, 'en');
    const fr = errorWords(code, everything, 'fr');
    for (const words of [en, fr]) {
      expect(words.trim()).not.toBe('');
      for (const secret of ['10.20.30.40', 'intranet.corp.example', 'ENOTFOUND']) expect(words).not.toContain(secret);
    }
    expect(fr).not.toBe(en);
    expect(en).not.toBe(errorWords(null, null, 'en'));
  });

  it('says in general words what a blocked address and a missing name mean', () => {
    expect(errorWords('blocked', { address: '10.0.0.5', host: 'a.example' }, 'en')).toMatch(/is not public/);
    expect(errorWords('blocked', { address: '10.0.0.5' }, 'fr')).toMatch(/n’est pas publique/);
    expect(errorWords('dns', { host: 'feeds.gone.example', cause: 'ENOTFOUND' }, 'en')).toMatch(/^The site’s name could not be found/);
    expect(errorWords('dns', { host: 'feeds.gone.example' }, 'fr')).toMatch(/^Le nom du site est introuvable/);
  });

  it('tells HTTP statuses apart by their meaning', () => {
    expect(errorWords('http', { status: 404 }, 'en')).toMatch(/no longer at this address \(404\)/);
    expect(errorWords('http', { status: 410 }, 'fr')).toMatch(/retiré le fil \(410 Gone\)/);
    expect(errorWords('http', { status: 403 }, 'en')).toMatch(/access denied/);
    expect(errorWords('http', { status: 429 }, 'en')).toMatch(/slow down/);
    expect(errorWords('http', { status: 502 }, 'en')).toMatch(/server error/);
    expect(errorWords('http', { status: 418 }, 'fr')).toBe('Le site a répondu par une erreur (HTTP 418).');
  });

  it('says a web page is a web page, from the Content-Type it came with', () => {
    expect(errorWords('not-a-feed', { contentType: 'text/html' }, 'en')).toMatch(/answers with a web page/);
    expect(errorWords('not-a-feed', { contentType: 'application/rss+xml' }, 'en')).toBe('What the address sends is not a feed.');
    expect(errorWords('not-a-feed', {}, 'fr')).toBe('Ce que l’adresse envoie n’est pas un fil.');
  });

  it('has general words for an error without a code', () => {
    expect(errorWords(null, null, 'en')).toBe('The last fetch failed.');
    expect(errorWords(undefined, null, 'fr')).toBe('La dernière lecture a échoué.');
  });
});

describe('warningWords', () => {
  it.each(WARNING_CODES)('%s reads in English and French', (code) => {
    const warning: Warning = { code, params: everything };
    const en = warningWords(warning, 'en');
    const fr = warningWords(warning, 'fr');
    expect(warningLine(warning, 'en').trim()).not.toBe('');
    expect(`${en.text}${en.english ?? ''}`).not.toMatch(/undefined|\[object/);
    expect(`${fr.text}${fr.english ?? ''}`).not.toMatch(/undefined|\[object/);
    if (en.english === undefined) expect(fr.text).not.toBe(en.text);
  });

  it('quotes words another stage wrote, in English, apart from its own', () => {
    expect(warningWords({ code: 'parse-note', params: { detail: 'repaired: unclosed tags' } }, 'fr')).toEqual({ text: 'À la lecture du fil\u00a0: ', english: 'repaired: unclosed tags' });
    expect(warningLine({ code: 'note', params: { detail: 'an old warning' } }, 'en')).toBe('an old warning');
  });

  it('counts, names drop reasons in the page’s language, and says how often a warning came', () => {
    expect(warningLine({ code: 'items-dropped', params: { reason: 'duplicate guid', count: 1999 } }, 'en')).toBe('1999 items dropped: duplicate GUID.');
    expect(warningLine({ code: 'items-dropped', params: { reason: 'duplicate guid', count: 1 } }, 'fr')).toBe('1 contenu écarté\u00a0: GUID en double.');
    expect(warningLine({ code: 'items-dropped', params: { reason: 'over the per-feed cap (500)', count: 20 } }, 'en')).toBe('20 items dropped: over the per-feed cap (500).');
    expect(warningLine({ code: 'unusable-date', params: { value: 'soon' }, repeated: 3 }, 'en')).toBe('Unusable date “soon”: the time the item was first seen is used. (×3)');
    expect(warningLine({ code: 'guid-churn', params: { count: 300 } }, 'en')).toBe('GUIDs changed for 300 items (churn): matched to stored items by link and title.');
  });
});
