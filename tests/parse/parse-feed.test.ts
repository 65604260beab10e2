// Robustness and security of parseFeed on generated hostile input (entities,
// nesting, unclosed tags, stray characters): bounded time,
// no exception other than ParseError, no pollution, no echo of the input in messages.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/core/errors.ts';
import { parseFeed } from '../../src/parse/index.ts';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

function rss(items: string, channel = ''): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>${channel}${items}</channel></rss>`;
}

describe('parseFeed errors', () => {
  it('reports empty and non-feed input plainly', async () => {
    for (const [input, message] of [
      ['', 'empty document'],
      ['  \n\t ', 'empty document'],
      ['\uFEFF', 'empty document'],
      ['\uFEFF \u0000 ', 'empty document'],
      ['just some words', 'unsupported format (neither XML nor JSON)'],
    ]) {
      const error = await failureOf(parseFeed(input));
      expect(error).toBeInstanceOf(ParseError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('never echoes more than a few dozen characters of the input', async () => {
    const secret = 'TOKEN'.repeat(40);
    const inputs = [
      `<${secret}>x</${secret}>`,
      `<rss version="2.0"><channel><title>${secret}</titl></channel></rss>`,
      `<rss version="2.0"><channel></${secret}></channel></rss>`,
      `<rss version="2.0"><channel><title>${secret}${'<'.repeat(3)}</title></channel></rss>`,
      `<rss version="2.0"><channel><title a=${secret}>x</title></channel></rss>`,
      `<?xml version="1.0"?>\n<rss>${secret}`,
      `{"version": "https://jsonfeed.org/version/1.1", "title": ${secret}}`,
      `<html><body>${secret}</body></html>`,
      `${secret}`,
    ];
    for (const input of inputs) {
      const error = await failureOf(parseFeed(input));
      expect(error, input.slice(0, 40)).toBeInstanceOf(ParseError);
      const { message } = error as Error;
      expect(message.length, message).toBeLessThan(100);
      expect(message).not.toContain('TOKEN'.repeat(7));
    }
  });
});

describe('parseFeed under attack', () => {
  it('refuses 50,000 levels of nesting without overflowing the stack', async () => {
    const deep = '<a>'.repeat(50_000) + '</a>'.repeat(50_000);
    for (const input of [
      rss(`<item><title>x</title><description>${deep}</description></item>`),
      rss(`<item>${deep}</item>`),
      `<feed xmlns="http://www.w3.org/2005/Atom">${deep}</feed>`,
      rss(`<item>${'<a>'.repeat(50_000)}`),
    ]) {
      const error = await failureOf(parseFeed(input));
      expect(error).toBeInstanceOf(ParseError);
      expect((error as Error).message).toBe('document too deeply nested');
    }
  });

  it('parses nesting a real feed could have', async () => {
    const nested = '<div>'.repeat(200) + 'deep' + '</div>'.repeat(200);
    const parsed = await parseFeed(rss(`<item><title>x</title><description>${nested}</description></item>`));
    expect(parsed.items[0].summaryHtml).toBe(nested);
  });

  it('refuses entity expansion attacks of any size, quickly', async () => {
    const entities = Array.from({ length: 2_000 }, (_, i) => `<!ENTITY e${i} "${'&e'.concat(String(i + 1), ';').repeat(10)}">`).join('\n');
    const started = performance.now();
    const error = await failureOf(parseFeed(`<!DOCTYPE rss [\n${entities}\n]>${rss('<item><title>&e0;</title></item>')}`));
    expect((error as Error).message).toBe('document declares entities (refused)');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('stays fast on inputs that are quadratic for naive parsers', async () => {
    const cases: [string, string][] = [
      // rss-parser's snippet regexes take minutes on this; parse/ keeps content away from them.
      ['"<" without ">" in content', rss(`<item><title>x</title><description><![CDATA[${'a<'.repeat(150_000)}]]></description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[${'<p'.repeat(150_000)}]]></content:encoded></item>`)],
      ['the same in Atom', `<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>t</title><content type="html"><![CDATA[${'a<'.repeat(150_000)}]]></content><summary><![CDATA[${'<br'.repeat(100_000)}]]></summary></entry></feed>`],
      ['many attributes', rss(`<item ${Array.from({ length: 30_000 }, (_, i) => `a${i}="v"`).join(' ')}><title>x</title></item>`)],
      ['many bare ampersands', rss(`<item><title>${'a & b '.repeat(100_000)}</title></item>`)],
      ['many unterminated comments', `${'<!--'.repeat(50_000)}<rss/>`],
      ['many stray "<"', rss(`<item><title>${'1 < 2 '.repeat(100_000)}</title></item>`)],
      ['an HTML title of many "<"', `<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">${'&lt;'.repeat(200_000)}</title></feed>`],
    ];
    for (const [name, input] of cases) {
      const started = performance.now();
      await failureOf(parseFeed(input));
      expect(performance.now() - started, name).toBeLessThan(3_000);
    }
  });

  it('parses many items with the default cap of 500', async () => {
    const items = Array.from({ length: 3_000 }, (_, i) => `<item><title>Item ${i}</title><guid>g${i}</guid></item>`).join('');
    const parsed = await parseFeed(rss(items));
    expect(parsed.items).toHaveLength(500);
    expect(parsed.items[499].title).toBe('Item 499');
    expect(parsed.dropped).toEqual({ 'over the per-feed cap (500)': 2_500 });
    expect(parsed.warnings).toEqual(['kept the first 500 of 3000 items']);
  });

  it('stops at the cap while parsing: items past it are counted, never read, in RSS, Atom and JSON Feed alike', async () => {
    // Past the cap, an item's bare "&" would need a repair (and a warning) if it were parsed.
    const rssItems = Array.from({ length: 10 }, (_, i) => `<item><title>Item ${i}${i > 2 ? ' & more' : ''}</title><guid>g${i}</guid></item>`).join('');
    const fromRss = await parseFeed(rss(rssItems), { maxItems: 3 });
    expect(fromRss.items.map((i) => i.title)).toEqual(['Item 0', 'Item 1', 'Item 2']);
    expect(fromRss.dropped).toEqual({ 'over the per-feed cap (3)': 7 });
    expect(fromRss.warnings).toEqual(['kept the first 3 of 10 items']);

    const entries = Array.from({ length: 6 }, (_, i) => `<entry><title>Entry ${i}</title><id>e${i}</id></entry>`).join('');
    const fromAtom = await parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>${entries}<subtitle>After</subtitle></feed>`, { maxItems: 2 });
    expect(fromAtom.items.map((i) => i.title)).toEqual(['Entry 0', 'Entry 1']);
    expect(fromAtom.description).toBe('After');
    expect(fromAtom.dropped).toEqual({ 'over the per-feed cap (2)': 4 });

    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: Array.from({ length: 5 }, (_, i) => ({ id: `j${i}`, title: `J ${i}` })) });
    const fromJson = await parseFeed(json, { maxItems: 4 });
    expect(fromJson.items).toHaveLength(4);
    expect(fromJson.warnings).toEqual(['kept the first 4 of 5 items']);
  });

  it('does not let element or attribute names pollute prototypes', async () => {
    const input = rss(
      '<item><title>x</title><__proto__><polluted>1</polluted></__proto__><constructor><prototype><polluted>1</polluted></prototype></constructor></item>',
      '<__proto__ polluted="1"/><sy:updatePeriod xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">toString</sy:updatePeriod>',
    );
    const parsed = await parseFeed(input);
    expect(parsed.items[0].title).toBe('x');
    expect(parsed.updatePeriodMinutes).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('parseFeed on damaged fixtures', () => {
  // Every prefix and many random corruptions of every fixture either parse or fail with a
  // ParseError: truncation and line noise must never surface as a TypeError or RangeError.
  const dir = fileURLToPath(new URL('../fixtures/parse/', import.meta.url));
  const files = readdirSync(dir).filter((f) => /\.(xml|json)$/.test(f)).sort();

  it.each(files)('%s', async (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    let seed = [...file].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
    const noise = ['<', '>', '&', '"', '/', ']]>', '<![CDATA[', '<!--', '\u0000', '\uD800', '<item>', '</channel>', '{', '"', ':'];
    const variants: string[] = [];
    for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 40))) variants.push(text.slice(0, cut));
    for (let i = 0; i < 40; i++) {
      const at = Math.floor(random() * text.length);
      variants.push(text.slice(0, at) + noise[Math.floor(random() * noise.length)] + text.slice(at + Math.floor(random() * 3)));
    }
    for (const variant of variants) {
      const error = await failureOf(parseFeed(variant));
      if (error !== undefined && !(error instanceof ParseError)) {
        throw new Error(`${file}: ${String(error)} for ${JSON.stringify(variant.slice(-80))}`);
      }
    }
  });
});

describe('parseFeed on long CDATA bodies', () => {
  const body = `<p>Atelier « emploi » ]] suite ] <!-- pas un commentaire --> &amp; <a href="/x?a=1&b=2">lien</a></p>\n`.repeat(6);

  it('reads every body exactly as written, beside text and other sections', async () => {
    const feed = await parseFeed(
      rss(
        `<item><title>A</title><guid>a</guid><description>avant <![CDATA[${body}]]> après</description><content:encoded><![CDATA[${body}]]><![CDATA[${body}]]></content:encoded></item>` +
          `<item><title>B</title><guid>b</guid><content:encoded><![CDATA[${body}]]]]]></content:encoded></item>`,
      ).replace('<rss version="2.0">', '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'),
    );
    expect(feed.items.map((i) => [i.summaryHtml, i.contentHtml])).toEqual([
      [`avant ${body} après`.trim(), `${body}${body}`.trim()],
      [undefined, `${body}]]]`.trim()],
    ]);
  });

  it('says what is wrong with a broken document as before, a long section or not', async () => {
    const error = await failureOf(parseFeed(rss(`<item><title>A</title><description><![CDATA[${body}]]></descr></item>`)));
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).message).toBe("invalid XML: unexpected close tag at line 7");
  });
});
