// Why a page cannot be read as a source, in words: every page problem code in English and French,
// from the facts anyone may see, and the selectors' stopping said plainly with the count before.
import { describe, expect, it } from 'vitest';
import type { PageProblemCode, ProblemParams } from '../../src/core/types.ts';
import { errorWords, warningLine } from '../../src/web/error-words.ts';

const CODES: PageProblemCode[] = [
  'not-html', 'page-is-a-feed', 'login-wall', 'page-too-large', 'page-too-deeply-nested', 'selector-invalid', 'selector-too-long',
  'selector-matches-nothing', 'selector-matches-page', 'selector-matches-nested', 'items-without-links', 'selectors-stopped-matching', 'no-repeated-blocks',
];
const facts: ProblemParams = { field: 'date', selector: 'span.when[', reason: 'Expected name, found EOF', limit: 1000, looksLike: 'json', items: 7, previous: 12, address: '10.1.2.3' };

describe('page problem words', () => {
  it.each(CODES)('%s has its own words in English and French, and names no address', (code) => {
    const en = errorWords(code, facts, 'en');
    const fr = errorWords(code, facts, 'fr');
    expect(en).not.toBe(errorWords(null, null, 'en'));
    expect(fr).not.toBe(en);
    for (const words of [en, fr]) expect(words).not.toContain('10.1.2.3');
    // The selector engine's own English stays in the detail for operators.
    expect(en + fr).not.toContain('Expected name');
  });

  it('says the selectors stopped matching with the count found before, and that the items are kept', () => {
    expect(errorWords('selectors-stopped-matching', { previous: 12 }, 'en')).toBe(
      'The selectors found no items on the page, where they found 12 the last time: the site was most likely redesigned. The items already read are kept; change the selectors to read the new layout.',
    );
    expect(errorWords('selectors-stopped-matching', { previous: 12 }, 'fr')).toMatch(/^Les sélecteurs n’ont trouvé aucun contenu dans la page, alors qu’ils en avaient trouvé 12 la dernière fois/);
  });

  it('names the selector a problem is about, and what a document that is no page is', () => {
    expect(errorWords('selector-matches-nothing', { field: 'item' }, 'en')).toBe('The selector for the items finds nothing on the page.');
    expect(errorWords('selector-matches-nothing', { field: 'summary' }, 'fr')).toBe('Le sélecteur du résumé ne trouve rien dans aucun contenu.');
    expect(errorWords('selector-invalid', { field: 'title', selector: 'h3::before' }, 'en')).toBe('The selector for the title (“h3::before”) is not CSS the hub can run.');
    expect(errorWords('selector-invalid', { field: 'item', selector: '' }, 'fr')).toBe('Le sélecteur des contenus est vide.');
    expect(errorWords('not-html', { looksLike: 'pdf' }, 'fr')).toBe('L’adresse ne répond pas par une page web\u00a0: elle envoie un PDF.');
    expect(errorWords('not-html', { looksLike: 'image/png' }, 'en')).toBe('The address does not answer with a web page: it sends image/png.');
    expect(errorWords('items-without-links', { items: 3 }, 'en')).toMatch(/^The 3 items found have no link of their own/);
  });

  it('words the warning of a selector that found nothing while the items were read, and the items a page gave without links', () => {
    expect(warningLine({ code: 'selector-unmatched', params: { field: 'date' } }, 'en')).toBe(
      'The selector for the date finds nothing in any item: the items were read without it. The page may have changed.',
    );
    expect(warningLine({ code: 'items-dropped', params: { reason: 'no link', count: 2 } }, 'fr')).toBe('2 contenus écartés\u00a0: sans lien propre.');
  });
});
