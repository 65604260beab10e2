// htmlToText, plainText and titleText collapse whitespace with a pattern that leaves lone spaces
// alone; this checks they give what the plain "every run becomes one space" pattern gives.
import { decodeHTML, decodeHTMLStrict } from 'entities';
import { describe, expect, it } from 'vitest';
import { htmlToText, plainText, titleText } from '../../src/normalize/text.ts';

// The reference: the plain patterns, written out.
const BLOCK = /<\/?(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|tr|td|th|caption|figure|figcaption|section|article|aside|header|footer|address|details|summary)\b[^>]*>/gi;
const reference = {
  htmlToText: (html: string) => (html ? decodeHTML(html.replace(BLOCK, ' ').replace(/<[^>]*>/g, '')).replace(/[\s\u00a0]+/g, ' ').trim() : ''),
  plainText: (value: string | undefined) => (value ? decodeHTML(value.replace(/<[^>]*>/g, '')).replace(/[\s\u00a0]+/g, ' ').trim() : ''),
  titleText: (raw: string | undefined, isHtml: boolean | undefined) =>
    !raw ? '' : isHtml ? reference.plainText(raw) : decodeHTMLStrict(raw).replace(/[\s\u00a0]+/g, ' ').trim(),
};

describe('text collapses whitespace as the plain patterns do', () => {
  it('on random mixes of every kind of whitespace, entities, tags and letters', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pieces = [' ', ' ', '  ', '\n', '\r\n', '\t', '\u00a0', '&nbsp;', '&#160;', '&#32;', '\u2003', '\u3000', '\ufeff', '\u2028', '\u200b', '\u0085', '\v', '\f', '\u1680',
      'a', 'é', 'word', '<p>', '</p>', '<br>', '<b>', '</b>', '<li>', '&amp;', '&lt;', '&eacute;', '&notit;', '<a href="x">', '</a>'];
    for (let n = 0; n < 30000; n++) {
      let s = '';
      const length = Math.floor(rnd() * 16);
      for (let i = 0; i < length; i++) s += pieces[Math.floor(rnd() * pieces.length)];
      expect(htmlToText(s), JSON.stringify(s)).toBe(reference.htmlToText(s));
      expect(plainText(s), JSON.stringify(s)).toBe(reference.plainText(s));
      expect(titleText(s, false), JSON.stringify(s)).toBe(reference.titleText(s, false));
      expect(titleText(s, true), JSON.stringify(s)).toBe(reference.titleText(s, true));
    }
  });
});
