import { describe, expect, it } from 'vitest';
import { readOpml } from '../../src/parse/index.ts';

const doc = (body: string, head = '<head><title>My feeds</title></head>') => `<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">${head}<body>${body}</body></opml>`;

describe('readOpml', () => {
  it('reads feeds with their folders, attributes in any case', () => {
    const text = doc(`
      <outline text="Logement">
        <outline text="Housing news" type="rss" xmlUrl="https://a.example.org/feed" htmlUrl="https://a.example.org/"/>
        <outline title="Deeper"><outline text="B" xmlurl="https://b.example.org/rss" language="fr-CA"/></outline>
      </outline>
      <outline type="rss" text="Top" title="Top title" xmlUrl="https://c.example.org/atom.xml" category="/ontario/on"/>
      <outline text="Empty folder"/>`);
    const opml = readOpml(text);
    expect(opml.title).toBe('My feeds');
    expect(opml.outlineCount).toBe(6);
    expect(opml.feeds).toEqual([
      { xmlUrl: 'https://a.example.org/feed', text: 'Housing news', htmlUrl: 'https://a.example.org/', folders: ['Logement'] },
      { xmlUrl: 'https://b.example.org/rss', text: 'B', language: 'fr-CA', folders: ['Logement', 'Deeper'] },
      { xmlUrl: 'https://c.example.org/atom.xml', title: 'Top title', text: 'Top', category: '/ontario/on', folders: [] },
    ]);
  });

  it('refuses what is not OPML, lists no feed, or is too large', () => {
    expect(() => readOpml('<rss version="2.0"><channel/></rss>')).toThrow(/not an OPML document \(the root element is <rss>/);
    expect(() => readOpml('just text')).toThrow(/not an OPML document/);
    expect(() => readOpml(doc('<outline text="folder"/>'))).toThrow(/lists no feeds/);
    const many = doc(Array.from({ length: 11 }, (_, i) => `<outline xmlUrl="https://e.org/${i}"/>`).join(''));
    expect(() => readOpml(many, { maxBytes: 1 << 20, maxOutlines: 10 })).toThrow(/too many outlines \(at most 10\)/);
    expect(() => readOpml(many, { maxBytes: 100, maxOutlines: 10 })).toThrow(/too large/);
  });
});
