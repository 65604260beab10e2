import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/core/errors.ts';
import { cleanXml, repairXml, stripDoctype, stripIllegalXmlChars } from '../../src/parse/repair-xml.ts';
import { collectInnerMarkup, measureDepth } from '../../src/parse/scan-xml.ts';

describe('stripIllegalXmlChars', () => {
  it('removes C0 controls other than tab, LF and CR, U+FFFE/FFFF and lone surrogates', () => {
    const input = 'a\u0000b\u0001c\u0008d\u000Be\u000Cf\u000Eg\u001Fh\tI\nJ\rK\uFFFEL\uFFFFM\uD800N\uDC00O';
    expect(stripIllegalXmlChars(input)).toBe('abcdefgh\tI\nJ\rKLMNO');
  });

  it('keeps surrogate pairs and everything else', () => {
    expect(stripIllegalXmlChars('é 😀 € \u00A0 \uFFFD')).toBe('é 😀 € \u00A0 \uFFFD');
  });
});

describe('cleanXml', () => {
  it('drops a leading BOM silently and others with a note', () => {
    expect(cleanXml('\uFEFF<rss/>')).toEqual({ text: '<rss/>', notes: [] });
    expect(cleanXml('\uFEFF<r>\uFEFFx</r>')).toEqual({ text: '<r>x</r>', notes: ['byte order marks inside the document'] });
  });

  it('counts the illegal characters it strips', () => {
    expect(cleanXml('<r>\u0000\u0001x</r>')).toEqual({ text: '<r>x</r>', notes: ['2 characters illegal in XML'] });
  });

  it('removes leading whitespace quietly and leading junk with a note, keeping line numbers', () => {
    expect(cleanXml('  \n\t<?xml version="1.0"?><r/>')).toEqual({ text: '\n<?xml version="1.0"?><r/>', notes: [] });
    const junk = cleanXml('Warning: x\n<br />\n<?xml version="1.0"?>\n<r/>');
    expect(junk.text).toBe('\n\n<?xml version="1.0"?>\n<r/>');
    expect(junk.notes).toEqual(['text before the XML']);
  });

  it('does not cut at an XML declaration that follows the root element start', () => {
    const text = '<rss><channel><description><![CDATA[<?xml version="1.0"?>]]></description></channel></rss>';
    expect(cleanXml(text).text).toBe(text);
  });

  it('ignores <?xml-stylesheet when looking for the declaration', () => {
    expect(cleanXml('junk<?xml-stylesheet href="a.xsl"?><rss/>').text).toBe('<?xml-stylesheet href="a.xsl"?><rss/>');
  });
});

describe('stripDoctype', () => {
  it('refuses internal, external and parameter entity declarations', () => {
    for (const doctype of [
      '<!DOCTYPE r [<!ENTITY x "y">]>',
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
      '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>',
      '<!doctype r [\n<!entity x "y">\n]>',
    ]) {
      expect(() => stripDoctype(`<?xml version="1.0"?>\n${doctype}<r>&x;</r>`)).toThrow(new ParseError('document declares entities (refused)'));
    }
  });

  it('blanks any other DOCTYPE out, keeping its line breaks', () => {
    const text = '<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN"\n "http://x/rss.dtd">\n<rss/>';
    expect(stripDoctype(text)).toBe('<?xml version="1.0"?>\n<!-- c -->\n\n\n<rss/>');
  });

  it('reads past brackets and ">" inside quotes of the internal subset', () => {
    const text = '<!DOCTYPE r [<!ATTLIST r a CDATA "x>]y">]><r/>';
    expect(stripDoctype(text)).toBe('<r/>');
  });

  it('leaves documents without a DOCTYPE and DOCTYPE-like text in content alone', () => {
    const text = '<r><![CDATA[<!DOCTYPE x [<!ENTITY a "b">]>]]></r>';
    expect(stripDoctype(text)).toBe(text);
  });
});

describe('repairXml', () => {
  it('turns HTML named entities into numeric references, all of HTML5 included', () => {
    const { text, repairs } = repairXml('<t>&eacute;&nbsp;&hellip;&bigstar;&NotNestedGreaterGreater;</t>');
    expect(text).toBe('<t>&#233;&#160;&#8230;&#9733;&#10914;&#824;</t>');
    expect(repairs).toEqual(['HTML entities']);
  });

  it('escapes bare ampersands and unknown entity names, keeps XML and numeric references', () => {
    const { text, repairs } = repairXml('<t a="?x=1&y=2">A & B &bogus; &amp; &lt; &#38; &#x26; &eacute &#12</t>');
    expect(text).toBe('<t a="?x=1&amp;y=2">A &amp; B &amp;bogus; &amp; &lt; &#38; &#x26; &amp;eacute &amp;#12</t>');
    expect(repairs).toEqual(['bare ampersands']);
  });

  it('drops numeric references to characters XML forbids', () => {
    expect(repairXml('<t>a&#0;b&#x1;c&#xD800;d&#1114112;e&#9;</t>')).toEqual({
      text: '<t>abcde&#9;</t>',
      repairs: ['invalid character references'],
    });
  });

  it('leaves CDATA sections, comments and processing instructions untouched', () => {
    const text = '<t><![CDATA[a & b &eacute;]]><!-- c & d --><?pi e & f?>&amp;</t>';
    expect(repairXml(text)).toEqual({ text, repairs: [] });
  });

  it('closes a last end tag cut before its ">"', () => {
    expect(repairXml('<rss><channel/></rss')).toEqual({ text: '<rss><channel/></rss>', repairs: ['unterminated last tag'] });
    expect(repairXml('<rss><channel/></rss>').repairs).toEqual([]);
  });

  it('closes an element left open around items before the first item it holds', () => {
    const wrapped = '<rss><channel><title>T</title><div class="x"><item>A</item><item>B</item></channel></rss>';
    expect(repairXml(wrapped)).toEqual({
      text: '<rss><channel><title>T</title><div class="x"></div><item>A</item><item>B</item></channel></rss>',
      repairs: ['unclosed <div>'],
    });
    const image = '<rss><channel><image><url>u</url><item>A</item></channel></rss>';
    expect(repairXml(image).text).toBe('<rss><channel><image><url>u</url></image><item>A</item></channel></rss>');
  });

  it('closes an item left open before the next, and a channel left open where the root closes', () => {
    expect(repairXml('<rss><channel><item><title>A</title><item>B</item></channel></rss>').text).toBe(
      '<rss><channel><item><title>A</title></item><item>B</item></channel></rss>',
    );
    expect(repairXml('<rss><channel><item>A</item><item>B</item></rss>')).toEqual({
      text: '<rss><channel><item>A</item><item>B</item></channel></rss>',
      repairs: ['unclosed <channel>'],
    });
  });

  it('respells an end tag written in another case than its start tag', () => {
    expect(repairXml('<rss><channel><Item>A</item></channel></rss>')).toEqual({
      text: '<rss><channel><Item>A</Item></channel></rss>',
      repairs: ['end tags in another case'],
    });
  });

  it('leaves a document cut short and an end tag that matches nothing to the parser', () => {
    expect(repairXml('<rss><channel><item>A</item>').repairs).toEqual([]);
    expect(repairXml('<rss><channel><title>A</titel></channel></rss>').text).toBe('<rss><channel><title>A</titel></title></channel></rss>');
  });

  it('stays linear on a large, hostile input', () => {
    const hostile = `<t>${'& &x; &#; <!-- '.repeat(100_000)}</t>`;
    const started = performance.now();
    repairXml(hostile);
    repairXml(`<t>${'&eacute;&'.repeat(200_000)}<![CDATA[`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('scan-xml', () => {
  it('measures nesting, stopping past the limit', () => {
    expect(measureDepth('<a><b><c/></b><b><c>x</c></b></a>', 10)).toBe(3);
    expect(measureDepth('<a>'.repeat(50_000), 100)).toBe(101);
    expect(measureDepth('<a><!-- <b><c> --><![CDATA[<d><e>]]><f attr="<g>"></f></a>', 10)).toBe(2);
  });

  it('collects the inner source of wanted elements that have child elements, by xml2js path', () => {
    const xml = '<rss><channel><item><title>t</title><description>a <b>b</b> c</description></item>' +
      '<item><description>plain</description></item><item><description><i>x</i></description></item></channel></rss>';
    const found = collectInnerMarkup(xml, (name) => name === 'description');
    expect([...found]).toEqual([
      ['rss[0]/channel[0]/item[0]/description[0]', 'a <b>b</b> c'],
      ['rss[0]/channel[0]/item[2]/description[0]', '<i>x</i>'],
    ]);
  });
});
