// sanitizeHtml builds its policy and transforms once instead of on every call; this checks it
// writes byte for byte what it wrote before (frozen in ./reference/sanitize-html.ts) on the
// hostile fragments, the feedparser sanitize corpus, the parse fixtures, feed-farm bodies and
// pieces cut from all of them, with several sets of bases.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFeed } from '../../bench/feed-farm.ts';
import { sanitizeHtml } from '../../src/normalize/sanitize-html.ts';
import { sanitizeHtml as referenceSanitize } from './reference/sanitize-html.ts';

const read = (dir: string, ext: RegExp) => (existsSync(dir) ? readdirSync(dir).filter((f) => ext.test(f)).sort().map((f) => readFileSync(join(dir, f), 'utf8')) : []);
const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const CORPUS = process.env.FEEDPARSER_CORPUS ?? '/work/shared/corpus/feedparser';

const documents = [
  ...read(join(fixtures, 'hostile'), /\.html$/),
  ...read(join(fixtures, 'parse'), /\.(xml|json)$/),
  ...read(join(CORPUS, 'wellformed', 'sanitize'), /\.xml$/),
  makeFeed(1, 3),
  makeFeed(3, 3),
  '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?start=42" title="A talk"></iframe><iframe src="//player.vimeo.com/video/123456?h=abcdef"></iframe>',
  '<a href="mailto:info@example.org">mail</a><a href=" /rel ">rel</a><a href="">empty</a><a href="/x"></a><a href="/y"><img src="/i.png"></a>',
  '<img data-src="/lazy.png" src="data:,"><img srcset="/a.png 1x, /b.png 2x"><img src="https://pixel.wp.com/g.gif"><img src="/x.gif" width="1" height="1">',
  '<h1>Title</h1><q cite="/source">q</q><blockquote cite="javascript:alert(1)">b</blockquote>',
];

/** Every document, and pieces of it cut at tag boundaries and in the middle of tags. */
function inputs(): string[] {
  const out: string[] = [];
  for (const doc of documents) {
    out.push(doc);
    const cuts = [...doc.matchAll(/</g)].map((m) => m.index);
    for (let i = 0; i < cuts.length; i += Math.max(1, Math.floor(cuts.length / 12))) {
      out.push(doc.slice(cuts[i], cuts[i] + 400), doc.slice(cuts[i] + 3, cuts[i] + 250));
    }
  }
  return out;
}

const BASES: (string | undefined)[][] = [
  ['https://www.example.org/blog/2024/post.html', 'https://www.example.org/'],
  [undefined, 'http://example.ca/fr/nouvelles/', undefined, 'https://feeds.example.ca/feed.xml'],
  ['javascript:alert(1)', 'not a url'],
  [],
];

describe('sanitizeHtml writes what it wrote before', () => {
  it(`on ${documents.length} documents and pieces of them, with ${BASES.length} sets of bases`, () => {
    const differences: string[] = [];
    const all = inputs();
    all.forEach((html, i) => {
      const bases = BASES[i % BASES.length];
      if (sanitizeHtml(html, { bases }) !== referenceSanitize(html, { bases })) differences.push(html.slice(0, 200));
    });
    expect(all.length).toBeGreaterThan(2000);
    expect(differences.slice(0, 10)).toEqual([]);
  });

  it('uses the bases of each call, one call after another', () => {
    const html = '<a href="page">x</a><img src="i.png"><q cite="c">q</q>';
    for (const bases of BASES) expect(sanitizeHtml(html, { bases })).toBe(referenceSanitize(html, { bases }));
  });
});
